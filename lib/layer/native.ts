/**
 * The layer capability's typed view of the native addon (`src/zip.cc`, `src/release.cc`)
 * and the one place its failures are turned into this capability's errors: the addon
 * throws (or rejects with) a JS Error with a stable `code`, and a reader refusal also
 * carries the `entry` at fault.
 * @internal
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';
import { loadNative } from '../native';
import { LayerErrorCode, ZipRefusalCode, ZipRefusedError } from './errors';

/** One central-directory entry as the addon returns it. */
export interface NativeZipEntry {
  name: Buffer;
  dir: boolean;
  mode: number;
  madeBy: number;
  flags: number;
  method: number;
  crc32: number;
  externalAttr: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  dataOffset: number;
}

/** A checked central directory. */
export interface NativeZipDirectory {
  complete: true;
  entries: NativeZipEntry[];
  cdOffset: number;
  cdSize: number;
  unzippedBytes: number;
  zip64: boolean;
  comment: Buffer;
}

/** Caps of the reader (docs/layer.md "Reading ZIPs"); the total is always passed. */
export interface NativeZipLimits {
  maxUnzippedBytes: number;
  maxRatio?: number;
  ratioMinSize?: number;
}

/** An item for zipCompress: a file's bytes, a directory, or a copied (raw) entry. */
export type NativeWriteItem =
  | { name: Buffer; mode: number; dir?: boolean; data?: Uint8Array }
  | { name: Buffer; mode: number; dir?: false; raw: Uint8Array; crc32: number; size: number; method: number };

/** What zipCompress returns for each item. */
export interface NativeRecordMeta {
  crc32: number;
  compressedSize: number;
  size: number;
  method: number;
  /** Bytes of the record written (local header, ZIP64 extra field where needed, data). */
  recordBytes: number;
}

/** An item of the central directory. */
export interface NativeCentralItem extends Omit<NativeRecordMeta, 'recordBytes'> {
  name: Buffer;
  mode: number;
  dir: boolean;
  offset: number;
}

/** ELF/PE facts of one binary. */
export interface NativeBinaryInfo {
  elf: { elf: boolean; elfClass: number; endian: number; type: number; machine: number };
  pe: { pe: boolean; cli: boolean; reason: string };
}

/** The addon functions the layer capability uses. */
export interface LayerNative {
  zipCompress(items: NativeWriteItem[], level: number, dosDateTime: number): Promise<{ records: Buffer; entries: NativeRecordMeta[] }>;
  zipCentral(items: NativeCentralItem[], cdOffset: number, dosDateTime: number): Buffer;
  zipDosDateTime(unixSeconds: number): number;
  zipReadTail(tail: Uint8Array, fileSize: number, limits: NativeZipLimits): NativeZipDirectory | { complete: false; needBytesFrom: number };
  zipVerify(zip: Uint8Array, limits: NativeZipLimits): Promise<NativeZipDirectory>;
  zipExtract(zip: Uint8Array, entries: NativeZipEntry[]): Promise<Buffer[]>;
  releaseInspect(buffers: Uint8Array[]): NativeBinaryInfo[];
}

/** The addon, typed for this capability. */
export function layerNative(): LayerNative {
  return loadNative<LayerNative>();
}

const NATIVE_OUTSIDE = new Set(['out-of-memory', 'internal']);

/**
 * Turns an error thrown by the addon into this capability's error: a reader refusal
 * (it has an `entry`) into a {@link ZipRefusedError} naming `file`, `out-of-memory` and
 * `internal` into an outside {@link NetProfilerError}; anything else (a TypeError of
 * the glue: a bug of the caller) is returned as it is.
 */
export function nativeError(err: unknown, file?: string): unknown {
  if (err instanceof NetProfilerError) return err;
  const e = err as { code?: unknown; entry?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== 'string') return err;
  const message = typeof e.message === 'string' ? e.message : e.code;
  if (typeof e.entry === 'string') return new ZipRefusedError(e.code as ZipRefusalCode, e.entry, message, file);
  if (NATIVE_OUTSIDE.has(e.code)) {
    return new NetProfilerError<LayerErrorCode>(e.code as LayerErrorCode, `${file ? `${file}: ` : ''}${message}`, {
      kind: 'outside',
      ...(file !== undefined ? { file } : {}),
      cause: err,
    });
  }
  return err;
}
