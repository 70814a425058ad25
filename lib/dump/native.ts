/**
 * The dump functions of the native addon (src/dump.cc), as the SDK sees them.
 * @packageDocumentation
 * @internal
 */
import { loadNative } from '../native';

/** Options of a native reader session. @internal */
export interface NativeDumpOptions {
  format?: string;
  signal?: string;
  outSignal?: string;
  mode: 'summary' | 'spans' | 'span-columns' | 'points' | 'logs' | 'otlp-json' | 'otlp-proto' | 'frames';
  strict?: boolean;
  spanFrame?: boolean;
  traceId?: Uint8Array;
}

/** One batch handed back by the native reader. @internal */
export interface NativeBatch {
  out: string | Buffer;
  diagnostics: Array<{ code: string; offset: number; message: string; missing?: number; spans?: number; metricPoints?: number; logRecords?: number }>;
  summary?: string;
  ringOrder?: number[];
  /** mode 'span-columns': the column batches of this call, in order (a big chunk gives several). */
  columns?: import('./columns').SpanColumns[];
}

/** Opaque native session. @internal */
export type NativeHandle = { readonly __dumpHandle: unique symbol };

/** @internal */
export interface DumpNative {
  dumpOpen(options: NativeDumpOptions): NativeHandle;
  dumpFeed(h: NativeHandle, chunk: Uint8Array): Promise<NativeBatch>;
  dumpFeedFrame(h: NativeHandle, offset: number, frame: Uint8Array): Promise<NativeBatch>;
  dumpEndScan(h: NativeHandle): NativeBatch;
  dumpFinish(h: NativeHandle): NativeBatch;
  dumpDecode(data: Uint8Array, options: NativeDumpOptions): NativeBatch;
  dumpDetect(data: Uint8Array): { gzip: boolean; format: string | null };
  /** The input format names the native reader knows, `auto` first (native/dump/format.cc). */
  readonly dumpFormats: readonly string[];
}

/** @internal */
export function dumpNative(): DumpNative {
  return loadNative<DumpNative>();
}
