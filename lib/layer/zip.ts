/**
 * Deterministic ZIP writing and hostile-ZIP reading on top of the native core
 * (docs/layer.md, "The layer ZIP" and "Reading ZIPs"). Every ZIP is read whole with the
 * ZIP input cap ({@link INPUT_CAPS}) enforced while reading; the reader's unzipped-total
 * cap defaults to Lambda's limit ({@link LAMBDA_LIMITS}) and is passed to the native
 * core on every call.
 * @packageDocumentation
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { INPUT_CAPS, LAMBDA_LIMITS } from '../constants';
import { badArgument, fileError } from '../errors';
import { OutputSet, readFileCapped } from '../files';
import { layerNative, nativeError, NativeCentralItem, NativeWriteItem, NativeZipDirectory, NativeZipEntry, NativeZipLimits } from './native';

/** Caps applied when reading a ZIP (docs/layer.md: both are options). */
export interface ZipLimits {
  /** Unzipped bytes in all; default 262,144,000 (Lambda's limit for function plus layers, `LAMBDA_LIMITS.unzippedBytes`). */
  maxUnzippedBytes?: number;
  /** Largest inflate ratio of an entry over 1 MiB; default 200 (200:1). */
  maxRatio?: number;
}

/** The caps as the native reader takes them: the total always given. */
export function readerLimits(l: ZipLimits | undefined): NativeZipLimits {
  const out: NativeZipLimits = { maxUnzippedBytes: LAMBDA_LIMITS.unzippedBytes };
  if (l?.maxUnzippedBytes !== undefined) {
    if (!Number.isSafeInteger(l.maxUnzippedBytes) || l.maxUnzippedBytes < 0) throw badArgument('maxUnzippedBytes', 'maxUnzippedBytes must be a non-negative integer');
    out.maxUnzippedBytes = l.maxUnzippedBytes;
  }
  if (l?.maxRatio !== undefined) {
    if (!(l.maxRatio >= 1) || !Number.isFinite(l.maxRatio)) throw badArgument('maxRatio', 'maxRatio must be a number of at least 1');
    out.maxRatio = Math.floor(l.maxRatio);
  }
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
 * @throws ZipRefusedError (`net-profiler/layer`) when the directory breaks a rule of docs/layer.md (names,
 *   entry types, encryption, end records, caps), naming the entry; `bad-argument` for a
 *   tail that is not a Uint8Array or a size smaller than it
 */
export function readZipDirectoryFromTail(
  tail: Uint8Array,
  fileSize: number,
  limits?: ZipLimits,
): { entries: ZipDirectoryEntry[]; unzippedBytes: number } | { needBytesFrom: number } {
  if (!(tail instanceof Uint8Array)) throw badArgument('tail', 'readZipDirectoryFromTail: tail must be a Uint8Array (the last bytes of the file)');
  if (!Number.isSafeInteger(fileSize) || fileSize < tail.length) {
    throw badArgument('fileSize', 'readZipDirectoryFromTail: fileSize must be an integer of at least tail.length');
  }
  const caps = readerLimits(limits);
  let r: ReturnType<ReturnType<typeof layerNative>['zipReadTail']>;
  try {
    r = layerNative().zipReadTail(tail, fileSize, caps);
  } catch (err) {
    throw nativeError(err);
  }
  if (!r.complete) return { needBytesFrom: r.needBytesFrom };
  return {
    entries: r.entries.map((e) => ({ path: e.name.toString('utf8'), size: e.size, compressedSize: e.compressedSize })),
    unzippedBytes: r.unzippedBytes,
  };
}

/** A ZIP read into memory and fully checked (every rule of docs/layer.md, CRCs included). */
export interface CheckedZip {
  /** The file's bytes. */
  bytes: Buffer;
  /** The checked directory. */
  directory: NativeZipDirectory;
}

/**
 * Reads a ZIP file (at most `INPUT_CAPS.zipBytes`, enforced while reading) and checks
 * all of it as hostile input.
 * @throws ZipRefusedError naming the entry; NetProfilerError `input-too-large` or `fs-…`
 */
export async function readCheckedZip(file: string, limits?: ZipLimits): Promise<CheckedZip> {
  const caps = readerLimits(limits);
  const bytes = await readFileCapped(file, INPUT_CAPS.zipBytes, 'ZIP');
  try {
    return { bytes, directory: await layerNative().zipVerify(bytes, caps) };
  } catch (err) {
    throw nativeError(err, file);
  }
}

/** Inflates entries of a checked ZIP (CRC and sizes checked again), in one batch. */
export async function extractEntries(zip: CheckedZip, entries: NativeZipEntry[], file?: string): Promise<Buffer[]> {
  if (entries.length === 0) return [];
  try {
    return await layerNative().zipExtract(zip.bytes, entries);
  } catch (err) {
    throw nativeError(err, file);
  }
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

/** The Deflate level used when none is given (docs/layer.md). */
export const DEFAULT_LEVEL = 6;

/** Options of {@link writeZip}. */
export interface WriteZipOptions {
  /** Deflate level 0..12 (0 stores); default {@link DEFAULT_LEVEL} (6). */
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
 * Checks a Deflate level (0..12; undefined means {@link DEFAULT_LEVEL}).
 * @throws NetProfilerError `bad-argument` naming `level`
 */
export function checkLevel(level: unknown): number {
  const l = level ?? DEFAULT_LEVEL;
  if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > 12) {
    throw badArgument('level', `level ${typeof l === 'number' ? l : JSON.stringify(l)} is not an integer from 0 to 12 (0 stores)`);
  }
  return l;
}

/** The name rules of the reader, applied to what we write, so we never write a ZIP we would refuse. */
function checkSourceNames(sorted: { s: ZipSource }[]): void {
  const seen = new Map<string, string>();
  for (const { s } of sorted) {
    const name = s.name;
    const why =
      typeof name !== 'string' || name === '' ? 'is empty'
      : name.includes('\\') || name.includes('\0') ? 'holds a backslash or a NUL'
      : name.startsWith('/') || /^[A-Za-z]:/.test(name) ? 'is absolute'
      : name.split('/').includes('..') ? "has a '..' segment"
      : Boolean(s.dir) !== name.endsWith('/') ? (s.dir ? "is a directory whose name does not end with '/'" : "ends with '/' but is not a directory")
      : undefined;
    if (why) throw badArgument('sources', `entry name ${JSON.stringify(name)} ${why}`);
    const norm = name.split('/').filter((p) => p !== '' && p !== '.').join('/');
    if (norm === '') throw badArgument('sources', `entry name ${JSON.stringify(name)} is empty once '.' and empty segments are dropped`);
    const other = seen.get(norm);
    if (other !== undefined) throw badArgument('sources', `two sources are named ${JSON.stringify(other)} and ${JSON.stringify(name)}, the same path once '.' and empty segments are dropped`);
    seen.set(norm, name);
  }
}

/**
 * Writes a deterministic ZIP to `out` (sorted entries, fixed times, UNIX modes, ZIP64
 * only when needed), atomically: a temporary file beside `out`, renamed into place at
 * the end, nothing left behind on failure. Entries are compressed in parallel batches
 * on Node's thread pool, with at most `parallel` batches in memory.
 * @throws NetProfilerError `bad-argument` (a bad level, an entry name the reader would
 *   refuse, two sources of the same path), `fs-*` naming the file, `input-too-large` for
 *   a source file larger than a layer can hold
 */
export async function writeZip(out: string, sources: ZipSource[], options: WriteZipOptions = {}): Promise<WriteZipResult> {
  const set = new OutputSet();
  try {
    const r = await writeZipTo(set.stage(out), out, sources, options);
    set.commit();
    return r;
  } catch (err) {
    set.abort();
    throw err;
  }
}

/**
 * {@link writeZip} into `target` itself (a staged temporary path of an
 * {@link OutputSet}); `shown` is the name errors give.
 * @internal
 */
export async function writeZipTo(target: string, shown: string, sources: ZipSource[], options: WriteZipOptions = {}): Promise<WriteZipResult> {
  const native = layerNative();
  const level = checkLevel(options.level);
  if (!Array.isArray(sources)) throw badArgument('sources', 'sources must be an array of entries');
  const dos = native.zipDosDateTime(entryTime(options.sourceDateEpoch));
  const sorted = sources
    .map((s) => ({ s, key: Buffer.from(s.name, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  checkSourceNames(sorted);
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
    fd = fs.openSync(target, 'w', 0o644);
  } catch (err) {
    throw fileError(err, shown, 'create');
  }
  const write = (buf: Buffer) => {
    let o = 0;
    try {
      while (o < buf.length) o += fs.writeSync(fd, buf, o, buf.length - o);
    } catch (err) {
      throw fileError(err, shown, 'write');
    }
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
        const data = await readFileCapped(s.file, LAMBDA_LIMITS.unzippedBytes, 'file of a layer');
        items.push({ name: key, mode: s.mode, data });
        sums?.set(s.name, createHash('sha256').update(data).digest('hex'));
      } else items.push({ name: key, mode: s.mode, data: new Uint8Array(0) });
    }
    try {
      return await native.zipCompress(items, level, dos);
    } catch (err) {
      throw nativeError(err, shown);
    }
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
        offset += m.recordBytes;
        unzipped += m.size;
        done += sizeOf(s);
      }
      options.onProgress?.(done, total);
    }
    let tailBytes: Buffer;
    try {
      tailBytes = native.zipCentral(central, offset, dos);
    } catch (err) {
      throw nativeError(err, shown);
    }
    write(tailBytes);
    return { sha256: hash.digest('hex'), bytes: offset + tailBytes.length, entries: central.length, unzippedBytes: unzipped };
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
