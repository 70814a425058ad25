/**
 * Deterministic ZIP writing and hostile-ZIP reading on top of the native core.
 * @packageDocumentation
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { NetProfilerError, fileError } from '../errors';
import { layerNative, NativeCentralItem, NativeWriteItem, NativeZipDirectory, NativeZipEntry, NativeZipError, NativeZipLimits } from './native';

/** Caps applied when reading a ZIP (layer.md: both are options). */
export interface ZipLimits {
  /** Unzipped bytes in all; default 262,144,000 (Lambda's limit for function plus layers). */
  maxUnzippedBytes?: number;
  /** Largest inflate ratio of an entry over 1 MiB; default 200 (200:1). */
  maxRatio?: number;
}

/** A ZIP (or one of its entries) refused by the reader. */
export class ZipRefusedError extends NetProfilerError {
  /** The entry at fault, or `""` when the fault is archive-wide. */
  readonly entry: string;
  constructor(code: string, entry: string, message: string, file?: string) {
    super(code, message, { kind: 'refused', ...(file !== undefined ? { file } : {}) });
    this.name = 'ZipRefusedError';
    this.entry = entry;
  }
}

function isError(v: unknown): v is NativeZipError {
  return typeof v === 'object' && v !== null && 'error' in v;
}

function refused(e: NativeZipError, file?: string): ZipRefusedError {
  return new ZipRefusedError(e.error.code, e.error.entry, e.error.message, file);
}

function nativeLimits(l: ZipLimits | undefined): NativeZipLimits | undefined {
  if (!l) return undefined;
  const out: NativeZipLimits = {};
  if (l.maxUnzippedBytes !== undefined) out.maxUnzippedBytes = l.maxUnzippedBytes;
  if (l.maxRatio !== undefined) out.maxRatio = l.maxRatio;
  return out;
}

/** One entry of a ZIP's central directory, as {@link readZipDirectoryFromTail} returns it. */
export interface ZipDirectoryEntry {
  /** Entry name (UTF-8), directories ending with `/`. */
  path: string;
  /** Unzipped size in bytes. */
  size: number;
  /** Compressed size in bytes. */
  compressedSize: number;
}

/**
 * Reads and checks a ZIP's central directory from the last bytes of the file alone,
 * for ranged reads (an HTTP `Range` request, an S3 `GetObject` with a range).
 * @param tail - the last `tail.length` bytes of the file
 * @param fileSize - the size of the whole file
 * @returns the entries and the unzipped total, or `{needBytesFrom}` when the tail is too
 *   short: fetch the file from that offset to its end and call again
 * @throws ZipRefusedError when the directory breaks a rule of layer.md (names, entry
 *   types, encryption, end records, caps), naming the entry
 */
export function readZipDirectoryFromTail(
  tail: Uint8Array,
  fileSize: number,
  limits?: ZipLimits,
): { entries: ZipDirectoryEntry[]; unzippedBytes: number } | { needBytesFrom: number } {
  if (!(tail instanceof Uint8Array)) throw new TypeError('readZipDirectoryFromTail: tail must be a Uint8Array');
  if (!Number.isSafeInteger(fileSize) || fileSize < tail.length) {
    throw new NetProfilerError('bad-arguments', 'readZipDirectoryFromTail: fileSize must be an integer at least tail.length', { kind: 'usage' });
  }
  const r = layerNative().zipReadTail(tail, fileSize, nativeLimits(limits));
  if (isError(r)) throw refused(r);
  if (!r.complete) return { needBytesFrom: r.needBytesFrom };
  return {
    entries: r.entries.map((e) => ({ path: e.name.toString('utf8'), size: e.size, compressedSize: e.compressedSize })),
    unzippedBytes: r.unzippedBytes,
  };
}

/** A ZIP read into memory and fully checked (every rule of layer.md, CRCs included). */
export interface CheckedZip {
  /** The file's bytes. */
  bytes: Buffer;
  /** The checked directory. */
  directory: NativeZipDirectory;
}

/**
 * Reads a ZIP file and checks all of it as hostile input.
 * @throws ZipRefusedError naming the entry; NetProfilerError `fs-…` if unreadable
 */
export async function readCheckedZip(file: string, limits?: ZipLimits): Promise<CheckedZip> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    throw fileError(err, file);
  }
  const r = await layerNative().zipVerify(bytes, nativeLimits(limits));
  if (isError(r)) throw refused(r, file);
  return { bytes, directory: r };
}

/** Inflates entries of a checked ZIP (CRC and sizes checked again), in one batch. */
export async function extractEntries(zip: CheckedZip, entries: NativeZipEntry[]): Promise<Buffer[]> {
  if (entries.length === 0) return [];
  const r = await layerNative().zipExtract(zip.bytes, entries);
  if (isError(r)) throw refused(r);
  return r;
}

/** One entry to write. Exactly one of `data`, `file`, `raw` for a file; none for a directory. */
export interface ZipSource {
  /** Entry name, `/`-separated; directories end with `/`. */
  name: string;
  /** Permission bits (for example 0o644). */
  mode: number;
  /** A directory entry. */
  dir?: boolean;
  /** The file's bytes. */
  data?: Uint8Array;
  /** A file to read the bytes from (read when its turn comes, so memory stays bounded). */
  file?: string;
  /** An entry copied from another ZIP with its compressed bytes as they are. */
  raw?: { data: Uint8Array; crc32: number; size: number; method: number };
  /** Size hint for batching (bytes of `file`). */
  sizeHint?: number;
}

/** Options of {@link writeZip}. */
export interface WriteZipOptions {
  /** Deflate level 0..12 (0 stores); default 6. */
  level?: number;
  /** Entry time as UNIX seconds; default `SOURCE_DATE_EPOCH` when set, else 1980-01-01 00:00. */
  sourceDateEpoch?: number;
  /** Called as records are written (bytes of input done, bytes in all). */
  onProgress?: (done: number, total: number) => void;
  /** Batches compressed at once (default: the number of CPUs plus one). */
  parallel?: number;
  /** When given, filled with the SHA-256 (hex) of each file entry's bytes, by name. */
  sha256s?: Map<string, string>;
}

/** What {@link writeZip} wrote. */
export interface WriteZipResult {
  /** SHA-256 of the ZIP, hex. */
  sha256: string;
  /** Size of the ZIP in bytes. */
  bytes: number;
  /** Entries written. */
  entries: number;
  /** Sum of the entries' unzipped sizes. */
  unzippedBytes: number;
}

/** The entry time to use: the option, else `SOURCE_DATE_EPOCH`, else 1980-01-01 00:00 UTC. */
export function entryTime(option?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return option;
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && /^\d+$/.test(s.trim())) return Number(s.trim());
  return 315532800;
}

const BATCH_BYTES = 4 << 20;
const BATCH_ENTRIES = 256;

/**
 * Writes a deterministic ZIP to `out` (sorted entries, fixed times, UNIX modes, ZIP64
 * only when needed). Entries are compressed in parallel batches on Node's thread pool,
 * with at most `parallel` batches in memory. Writes `out` itself: callers wanting an
 * atomic result write to a temporary name and rename.
 */
export async function writeZip(out: string, sources: ZipSource[], options: WriteZipOptions = {}): Promise<WriteZipResult> {
  const native = layerNative();
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 12) {
    throw new NetProfilerError('bad-level', `compression level ${level} is not an integer from 0 to 12`, { kind: 'usage' });
  }
  const dos = native.zipDosDateTime(entryTime(options.sourceDateEpoch));
  const sorted = sources
    .map((s) => ({ s, key: Buffer.from(s.name, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  for (let i = 1; i < sorted.length; i++) {
    if (Buffer.compare(sorted[i - 1]!.key, sorted[i]!.key) === 0) {
      throw new NetProfilerError('duplicate-entry', `two entries are named ${sorted[i]!.s.name}`, { kind: 'usage' });
    }
  }
  const sizeOf = (s: ZipSource) => s.data?.length ?? s.raw?.data.length ?? s.sizeHint ?? 0;
  const batches: (typeof sorted)[] = [];
  let cur: typeof sorted = [];
  let curBytes = 0;
  for (const x of sorted) {
    const n = sizeOf(x.s);
    if (cur.length && (curBytes + n > BATCH_BYTES || cur.length >= BATCH_ENTRIES)) {
      batches.push(cur);
      cur = [];
      curBytes = 0;
    }
    cur.push(x);
    curBytes += n;
  }
  if (cur.length) batches.push(cur);
  const total = sorted.reduce((n, x) => n + sizeOf(x.s), 0);

  const parallel = Math.max(1, options.parallel ?? (os.availableParallelism?.() ?? os.cpus().length) + 1);
  const sums = options.sha256s;
  const hash = createHash('sha256');
  const central: NativeCentralItem[] = [];
  let offset = 0;
  let done = 0;
  let unzipped = 0;
  let fd: number;
  try {
    fd = fs.openSync(out, 'w', 0o644);
  } catch (err) {
    throw fileError(err, out, 'create');
  }
  const write = (buf: Buffer) => {
    let o = 0;
    while (o < buf.length) o += fs.writeSync(fd, buf, o, buf.length - o);
    hash.update(buf);
  };
  const start = async (batch: typeof sorted) => {
    const items: NativeWriteItem[] = [];
    for (const { s, key } of batch) {
      if (s.dir) items.push({ name: key, mode: s.mode, dir: true });
      else if (s.raw) items.push({ name: key, mode: s.mode, raw: s.raw.data, crc32: s.raw.crc32, size: s.raw.size, method: s.raw.method });
      else if (s.data) {
        items.push({ name: key, mode: s.mode, data: s.data });
        sums?.set(s.name, createHash('sha256').update(s.data).digest('hex'));
      } else if (s.file !== undefined) {
        let data: Buffer;
        try {
          data = await fs.promises.readFile(s.file);
        } catch (err) {
          throw fileError(err, s.file);
        }
        items.push({ name: key, mode: s.mode, data });
        sums?.set(s.name, createHash('sha256').update(data).digest('hex'));
      } else items.push({ name: key, mode: s.mode, data: new Uint8Array(0) });
    }
    return native.zipCompress(items, level, dos);
  };
  try {
    const inflight: Promise<Awaited<ReturnType<typeof start>>>[] = [];
    let next = 0;
    const fill = () => {
      while (next < batches.length && inflight.length < parallel) {
        const p = start(batches[next++]!);
        p.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
        inflight.push(p);
      }
    };
    fill();
    for (let b = 0; b < batches.length; b++) {
      const r = await inflight.shift()!;
      fill();
      write(r.records);
      const batch = batches[b]!;
      for (let i = 0; i < batch.length; i++) {
        const m = r.entries[i]!;
        const { s, key } = batch[i]!;
        central.push({ name: key, mode: s.mode, dir: Boolean(s.dir), crc32: m.crc32, compressedSize: m.compressedSize, size: m.size, method: m.method, offset });
        offset += 30 + key.length + (m.size >= 0xffffffff || m.compressedSize >= 0xffffffff ? 20 : 0) + m.compressedSize;
        unzipped += m.size;
        done += sizeOf(s);
      }
      options.onProgress?.(done, total);
    }
    write(native.zipCentral(central, offset, dos));
    const size = fs.fstatSync(fd).size;
    return { sha256: hash.digest('hex'), bytes: size, entries: central.length, unzippedBytes: unzipped };
  } finally {
    fs.closeSync(fd);
  }
}

/** Entries of a checked ZIP as raw sources (compressed bytes as they are), by name. */
export function rawSources(zip: CheckedZip): Map<string, { entry: NativeZipEntry; raw: NonNullable<ZipSource['raw']> }> {
  const m = new Map<string, { entry: NativeZipEntry; raw: NonNullable<ZipSource['raw']> }>();
  for (const e of zip.directory.entries) {
    m.set(e.name.toString('utf8'), {
      entry: e,
      raw: { data: zip.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize), crc32: e.crc32, size: e.size, method: e.method },
    });
  }
  return m;
}
