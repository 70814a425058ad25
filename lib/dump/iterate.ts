/**
 * Async iteration over the spans, metric points, log records and frames of a dump,
 * with backpressure: the next chunk is read and decoded only when the consumer asks.
 * @packageDocumentation
 */
import { DumpSource, parseObjects, runPass } from './reader';
import type { FrameInfo, LogRecord, MetricPoint, ReadOptions, Span } from './types';
import { badArgument, quoteValue } from '../errors';
import { spansFromColumns } from './columns';

/** Options of {@link spansOf}. */
export interface SpanOptions extends ReadOptions {
  /** Only the spans of this trace (32 hex digits). */
  traceId?: string;
  /** Add `frame` (the sequence number of the frame that held the span). */
  withFrame?: boolean;
}

async function* objects<T>(source: DumpSource, o: ReadOptions, native: Parameters<typeof runPass>[2]): AsyncGenerator<T> {
  const pass = runPass(source, o, native);
  for await (const b of pass.batches) {
    const items = parseObjects<T>(b.out);
    for (const it of items) yield it;
  }
}

/** Parses a trace id option (hex) into bytes. @internal */
export function traceIdBytes(id: string): Buffer {
  if (typeof id !== 'string' || !/^[0-9a-fA-F]{32}$/.test(id))
    throw badArgument('traceId', `trace id ${quoteValue(id)} is not 32 hex digits (pass it as \`dump spans\` prints it, e.g. 4bf92f3577b34da6a3ce929d0e0e4736)`);
  return Buffer.from(id, 'hex');
}

/** The spans of a dump in file order (ring snapshots: in sequence order). */
export function spansOf(source: DumpSource, options: SpanOptions = {}): AsyncGenerator<Span> {
  if (options.traceId !== undefined) traceIdBytes(options.traceId);
  const batches = spanBatchesOf(source, options);
  return (async function* () {
    for await (const batch of batches) yield* batch;
  })();
}

/**
 * The spans in batches (arrays of a few hundred spans, in file order): the fastest way
 * through a big dump.
 */
export async function* spanBatchesOf(source: DumpSource, options: SpanOptions = {}): AsyncGenerator<Span[]> {
  const traceId = options.traceId !== undefined ? traceIdBytes(options.traceId) : undefined;
  // 2 MiB chunks by default, which the native reader returns as several column batches
  // of about 32 KiB of text each: few crossings (each costs thread wake-ups), while every
  // batch's text and columns stay well under V8's large-object size, so they are
  // allocated in reused young-generation memory rather than fresh pages (page faults cost
  // more than the decoding on some VMs). Measured with bench/dump.js on a 2-core VM:
  // about 1.5x faster than one 256 KiB batch per call, which was the best single-batch
  // size.
  const pass = runPass(source, { chunkSize: 2 << 20, ...options }, { mode: 'span-columns', ...(traceId ? { traceId } : {}) });
  const withFrame = Boolean(options.withFrame);
  for await (const b of pass.batches) {
    if (b.columns) for (const c of b.columns) yield spansFromColumns(c, withFrame);
  }
}

/** The metric data points of a dump (every OTLP kind), with their metric. */
export function metricPointsOf(source: DumpSource, options: ReadOptions = {}): AsyncGenerator<MetricPoint> {
  return objects<MetricPoint>(source, options, { mode: 'points' });
}

/** The log records of a dump. */
export function logRecordsOf(source: DumpSource, options: ReadOptions = {}): AsyncGenerator<LogRecord> {
  return objects<LogRecord>(source, options, { mode: 'logs' });
}

/** The good frames of a dump (for the other formats: one per line or message). */
export function framesOf(source: DumpSource, options: ReadOptions = {}): AsyncGenerator<FrameInfo> {
  return objects<FrameInfo>(source, options, { mode: 'frames' });
}
