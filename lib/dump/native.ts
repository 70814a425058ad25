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

/** How the native core reads a whole input for its summary (native/dump/split.h). @internal */
export interface NativeSplitOptions {
  /** 1: one pass; 2 (default): a .nptb file in two ranges walked at once. */
  threads?: number;
  /** Where the second range is looked for (default: the middle). */
  splitAt?: number;
}

/** A summary computed by the native core reading the input itself. @internal */
export interface NativeSummary {
  summary: string;
  diagnostics: NativeBatch['diagnostics'];
  /** Two ranges were walked and merged. */
  split: boolean;
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
  /** `progress[0]` is kept up to date with the bytes walked so far. */
  dumpSummarizeFile(path: string, options: Omit<NativeDumpOptions, 'mode'> & { mode?: 'summary' }, split?: NativeSplitOptions, progress?: Float64Array): Promise<NativeSummary>;
  dumpSummarizeBuffer(data: Uint8Array, options: Omit<NativeDumpOptions, 'mode'> & { mode?: 'summary' }, split?: NativeSplitOptions): NativeSummary;
  /** The input format names the native reader knows, `auto` first (native/dump/format.cc). */
  readonly dumpFormats: readonly string[];
}

/** @internal */
export function dumpNative(): DumpNative {
  return loadNative<DumpNative>();
}
