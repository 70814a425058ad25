/**
 * What `lambda` needs to know about a layer ZIP on disk: its manifest (version, arch,
 * runtimes) and its unzipped size. Everything goes through {@link readLayerInfo} so the
 * reader behind it is one line to change.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { fileError, NetProfilerError } from '../errors';

/** Architecture names in layer file names and manifests. */
export type LayerArch = 'arm64' | 'x64';
/** The Lambda runtimes the layer supports. */
export type LayerRuntime = 'dotnet8' | 'dotnet10';

/** The facts about a layer ZIP that publishing and attaching need. */
export interface LayerInfo {
  /** The profiler release version from `profiler/manifest.json`. */
  version: string;
  /** The architecture the layer was built for. */
  arch: LayerArch;
  /** The runtimes it was built for. */
  runtimes: LayerRuntime[];
  /** Sum of the entries' uncompressed sizes. */
  unzippedBytes: number;
  /** Size of the ZIP file in bytes. */
  zipBytes: number;
}

/** A ZIP's central directory read from the bytes at its end. */
export interface ZipDirectory {
  /** The entries' paths and sizes. */
  entries: { path: string; size: number; compressedSize: number }[];
  /** Sum of the uncompressed sizes. */
  unzippedBytes: number;
}

/**
 * Reads the layer ZIP at `zipPath` and returns its manifest facts.
 * @throws NetProfilerError `invalid-layer` (refused) when it is not a profiler layer,
 *   or an `fs-…` error (outside) when the file cannot be read.
 */
export async function readLayerInfo(zipPath: string): Promise<LayerInfo> {
  let data: Buffer;
  try {
    data = await fs.promises.readFile(zipPath);
  } catch (err) {
    throw fileError(err, zipPath);
  }
  const dir = centralDirectory(data, zipPath);
  const manifestEntry = dir.find((e) => e.path === 'profiler/manifest.json');
  if (!manifestEntry) {
    throw invalid(zipPath, 'has no profiler/manifest.json: it is not a net_profiler_rust layer ZIP');
  }
  if (!dir.some((e) => e.path === 'profiler_wrapper')) {
    throw invalid(zipPath, 'has no profiler_wrapper at its root: it is not a net_profiler_rust layer ZIP');
  }
  const manifestBytes = entryData(data, manifestEntry, zipPath);
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw invalid(zipPath, 'profiler/manifest.json is not valid JSON');
  }
  return layerInfoFromManifest(manifest, zipPath, {
    unzippedBytes: dir.reduce((s, e) => s + e.size, 0),
    zipBytes: data.length,
  });
}

/** Checks a parsed layer manifest and returns its facts (shared by every reader). */
export function layerInfoFromManifest(
  manifest: unknown,
  zipPath: string,
  sizes: { unzippedBytes: number; zipBytes: number },
): LayerInfo {
  const m = manifest as { version?: unknown; arch?: unknown; runtimes?: unknown };
  if (typeof m !== 'object' || m === null) throw invalid(zipPath, 'profiler/manifest.json is not an object');
  if (m.arch !== 'arm64' && m.arch !== 'x64') {
    throw invalid(zipPath, `profiler/manifest.json has arch ${JSON.stringify(m.arch)}; expected "arm64" or "x64"`);
  }
  const runtimes = m.runtimes;
  if (
    !Array.isArray(runtimes) ||
    runtimes.length === 0 ||
    !runtimes.every((r) => r === 'dotnet8' || r === 'dotnet10')
  ) {
    throw invalid(zipPath, `profiler/manifest.json has runtimes ${JSON.stringify(runtimes)}; expected a list of "dotnet8" and "dotnet10"`);
  }
  if (typeof m.version !== 'string' || m.version === '') throw invalid(zipPath, 'profiler/manifest.json has no version');
  return {
    version: m.version,
    arch: m.arch,
    runtimes: [...new Set(runtimes as LayerRuntime[])],
    unzippedBytes: sizes.unzippedBytes,
    zipBytes: sizes.zipBytes,
  };
}

function invalid(zipPath: string, why: string): NetProfilerError {
  return new NetProfilerError('invalid-layer', `${zipPath} ${why}`, {
    file: zipPath,
    fix: 'build the layer with `net-profiler layer build` (or `layer rebuild` after editing layer/)',
  });
}

interface DirEntry {
  path: string;
  size: number;
  compressedSize: number;
  method: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

function findEocd(data: Uint8Array): number {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) === buf.length) return i;
  }
  return -1;
}

function parseDirectory(buf: Buffer, start: number, count: number, where: string): DirEntry[] {
  const out: DirEntry[] = [];
  let p = start;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw invalid(where, 'has a damaged central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    let localOffset = buf.readUInt32LE(p + 42);
    // ZIP64 extra field: the sizes and offset that are 0xffffffff, in that order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = buf.readUInt16LE(x);
      const len = buf.readUInt16LE(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (size === 0xffffffff) (size = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(buf.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    out.push({
      path: buf.toString('utf8', p + 46, p + 46 + nameLen),
      size,
      compressedSize,
      method: buf.readUInt16LE(p + 10),
      localOffset,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function directoryBounds(buf: Buffer, eocd: number): { count: number; size: number; offset: number } {
  let count = buf.readUInt16LE(eocd + 10);
  let size = buf.readUInt32LE(eocd + 12);
  let offset = buf.readUInt32LE(eocd + 16);
  // ZIP64 end of central directory locator just before the EOCD.
  const loc = eocd - 20;
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && loc >= 0 && buf.readUInt32LE(loc) === 0x07064b50) {
    return { count: -1, size: -1, offset: Number(buf.readBigUInt64LE(loc + 8)) };
  }
  return { count, size, offset };
}

function centralDirectory(data: Buffer, where: string): DirEntry[] {
  const eocd = findEocd(data);
  if (eocd < 0) throw invalid(where, 'is not a ZIP file (no end of central directory record)');
  let { count, offset } = directoryBounds(data, eocd);
  if (count === -1) {
    // ZIP64 end of central directory record at the offset the locator gives.
    const z = offset;
    if (z + 56 > data.length || data.readUInt32LE(z) !== 0x06064b50) throw invalid(where, 'has a damaged ZIP64 end record');
    count = Number(data.readBigUInt64LE(z + 32));
    offset = Number(data.readBigUInt64LE(z + 48));
  }
  return parseDirectory(data, offset, count, where);
}

function entryData(data: Buffer, e: DirEntry, where: string): Buffer {
  const p = e.localOffset;
  if (p + 30 > data.length || data.readUInt32LE(p) !== LOC) throw invalid(where, `has a damaged local header for ${e.path}`);
  const start = p + 30 + data.readUInt16LE(p + 26) + data.readUInt16LE(p + 28);
  const raw = data.subarray(start, start + e.compressedSize);
  if (e.size > 1 << 20) throw invalid(where, `has an oversized ${e.path}`);
  if (e.method === 0) return raw;
  if (e.method === 8) {
    try {
      return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
    } catch {
      throw invalid(where, `has a damaged ${e.path}`);
    }
  }
  throw invalid(where, `stores ${e.path} with an unsupported method ${e.method}`);
}

/**
 * Reads a ZIP's central directory from the last bytes of the file (`tail`, which ends
 * at the end of a file of `fileSize` bytes). Returns the entries, or the offset from
 * which bytes are needed when `tail` does not reach back to the directory's start.
 * @throws NetProfilerError `invalid-zip` when the bytes are not a ZIP's end.
 */
export function zipDirectoryFromTail(tail: Uint8Array, fileSize: number): ZipDirectory | { needBytesFrom: number } {
  const buf = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  const base = fileSize - buf.length;
  const eocd = findEocd(buf);
  if (eocd < 0) {
    if (base > 0) return { needBytesFrom: Math.max(0, fileSize - 22 - 0xffff) };
    throw new NetProfilerError('invalid-zip', 'not a ZIP file (no end of central directory record)', { kind: 'outside' });
  }
  let { count, offset } = directoryBounds(buf, eocd);
  if (count === -1) {
    if (offset < base) return { needBytesFrom: offset };
    const z = offset - base;
    if (buf.readUInt32LE(z) !== 0x06064b50) throw new NetProfilerError('invalid-zip', 'damaged ZIP64 end record', { kind: 'outside' });
    count = Number(buf.readBigUInt64LE(z + 32));
    offset = Number(buf.readBigUInt64LE(z + 48));
  }
  if (offset < base) return { needBytesFrom: offset };
  const entries = parseDirectory(buf, offset - base, count, 'ZIP').map(({ path, size, compressedSize }) => ({ path, size, compressedSize }));
  return { entries, unzippedBytes: entries.reduce((s, e) => s + e.size, 0) };
}
