/**
 * net-profiler/dump: decode the profiler's trace dumps (`.nptb`) and the files other
 * OpenTelemetry tools write (OTLP/JSON lines, the Collector's proto files, a raw OTLP
 * export request, any of them gzip-compressed); iterate spans, metric points, log
 * records and frames; summarise; convert to OTLP/JSON, OTLP protobuf or Chrome trace
 * JSON; check Lambda invocation traces. The decoding is native and streams: memory
 * stays bounded whatever the file size.
 *
 * @example
 * ```ts
 * import { summarize, spansOf } from 'net-profiler/dump';
 * const s = await summarize('trace-dump-1234.nptb');
 * for await (const span of spansOf('trace-dump-1234.nptb')) console.log(span.name);
 * ```
 * @packageDocumentation
 */
import { NetProfilerError, badArgument } from '../errors';
import type { DumpErrorCode } from './errors';
import { dumpNative } from './native';
import { checkReadOptions, mapNativeError } from './reader';
import { finishSummary } from './summary';
import type { Diagnostic, DumpSummary, LogRecord, MetricPoint, ReadOptions, Span } from './types';

export * from './types';
export type { DumpErrorCode, UnreadableCode } from './errors';
export { UNREADABLE_CODES } from './errors';
export type { DumpSource } from './reader';
export { summarize } from './summary';
export { spansOf, spanBatchesOf, metricPointsOf, logRecordsOf, framesOf } from './iterate';
export type { SpanOptions } from './iterate';
export { convert, chromeTraceEvents, CONVERT_TARGETS } from './convert';
export type { ConvertOptions, ConvertResult, ConvertTarget } from './convert';
export { checkLambda, INVOCATION_ATTRIBUTES, AWS_CLIENT_ATTRIBUTES, AWS_SERVICE_ATTRIBUTES } from './invocation-check';
export type { LambdaCheck, LambdaProblem, LambdaProblemCode } from './invocation-check';

/** Everything of a dump held in memory, decoded at once by {@link decodeBuffer}. */
export interface DecodedDump {
  /** Spans, in file order (ring: sequence order). */
  spans: Span[];
  /** Metric points. */
  metricPoints: MetricPoint[];
  /** Log records. */
  logRecords: LogRecord[];
  /** The summary (diagnostics included). */
  summary: DumpSummary;
}

/**
 * Decodes a whole dump held in memory, synchronously (for small inputs; use the
 * async iterators for files). Gzip inputs must be inflated first (`zlib.gunzipSync`).
 */
export function decodeBuffer(bytes: Uint8Array, options: Omit<ReadOptions, 'onProgress' | 'chunkSize'> = {}): DecodedDump {
  if (!(bytes instanceof Uint8Array)) throw badArgument('bytes', 'decodeBuffer: bytes must be a Buffer or Uint8Array');
  checkReadOptions(options);
  const n = dumpNative();
  const name = options.name ?? '<buffer>';
  const base = { format: options.format ?? 'auto', signal: options.signal ?? '', strict: Boolean(options.strict) };
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new NetProfilerError<DumpErrorCode>('gzip-input', `${name}: the input is gzip-compressed`, { kind: 'usage', fix: 'inflate it first (zlib.gunzipSync) or use the async functions, which do' });
  const run = (mode: 'spans' | 'points' | 'logs' | 'summary') => {
    try {
      return n.dumpDecode(bytes, { ...base, mode });
    } catch (e) {
      throw mapNativeError(e, name);
    }
  };
  const parse = <T>(out: string | Buffer): T[] => (typeof out === 'string' && out ? (JSON.parse('[' + out + ']') as T[]) : []);
  const sum = run('summary');
  const diagnostics = sum.diagnostics as Diagnostic[];
  for (const d of diagnostics) options.onDiagnostic?.(d);
  return {
    spans: parse<Span>(run('spans').out),
    metricPoints: parse<MetricPoint>(run('points').out),
    logRecords: parse<LogRecord>(run('logs').out),
    summary: finishSummary(sum.summary ?? '{}', false, diagnostics),
  };
}
