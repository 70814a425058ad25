/**
 * The layer capability's typed view of the native addon (`src/zip.cc`, `src/release.cc`).
 * @internal
 * @packageDocumentation
 */
import { loadNative } from '../native';

/** A reader refusal as the addon returns it (never thrown). */
export interface NativeZipError {
  error: { code: string; entry: string; message: string };
}

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

/** Caps of the reader (layer.md "Reading ZIPs"). */
export interface NativeZipLimits {
  maxUnzippedBytes?: number;
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
}

/** An item of the central directory. */
export interface NativeCentralItem extends NativeRecordMeta {
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
  zipReadTail(tail: Uint8Array, fileSize: number, limits?: NativeZipLimits): NativeZipDirectory | { complete: false; needBytesFrom: number } | NativeZipError;
  zipVerify(zip: Uint8Array, limits?: NativeZipLimits): Promise<NativeZipDirectory | NativeZipError>;
  zipExtract(zip: Uint8Array, entries: NativeZipEntry[]): Promise<Buffer[] | NativeZipError>;
  releaseInspect(buffers: Uint8Array[]): NativeBinaryInfo[];
}

/** The addon, typed for this capability. */
export function layerNative(): LayerNative {
  return loadNative<LayerNative>();
}
