/**
 * Converters: OTLP/JSON lines (every signal), one OTLP protobuf export request (one
 * signal), and Chrome trace-event JSON (one complete event per span; a process per
 * service, a thread per trace) that Perfetto and chrome://tracing open.
 * @packageDocumentation
 */
import * as fs from 'fs';
import { badArgument, fileError, quoteValue } from '../errors';
import { OutputSet } from '../files';
import { DumpSource, runPass } from './reader';
import type { ReadOptions, Signal, Span } from './types';

/** The target formats of {@link convert}. */
export const CONVERT_TARGETS = ['otlp-json', 'otlp-proto', 'chrome'] as const;

/** A target format of {@link convert}. */
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

/** Options of {@link convert}. */
export interface ConvertOptions extends ReadOptions {
  /** What to write. */
  to: ConvertTarget;
  /** For `otlp-proto`: which signal's request to write (default `traces`). */
  outSignal?: Signal;
}

/** What {@link convert} did. */
export interface ConvertResult {
  /** Bytes written. */
  bytes: number;
  /** Spans written (chrome) — for the other targets, every payload is copied. */
  spans?: number;
  /** Diagnostics found while reading. */
  diagnostics: import('./types').Diagnostic[];
}

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function micros(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const frac = (a % 1000n).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${a / 1000n}.${frac}`;
}

/**
 * Yields the Chrome trace-event JSON text for spans, piece by piece (bounded memory):
 * `{"traceEvents":[…],"displayTimeUnit":"ns"}`. Times are microseconds with the
 * nanoseconds as three decimals.
 */
export async function* chromeTraceEvents(spans: AsyncIterable<Span> | Iterable<Span>): AsyncGenerator<string> {
  const pids = new Map<string, number>();
  const tids = new Map<string, number>();
  yield '{"traceEvents":[';
  let first = true;
  let buf = '';
  for await (const s of spans as AsyncIterable<Span>) {
    const service = typeof s.resource['service.name'] === 'string' ? (s.resource['service.name'] as string) : 'unknown_service';
    let pid = pids.get(service);
    const parts: string[] = [];
    if (pid === undefined) {
      pid = pids.size + 1;
      pids.set(service, pid);
      parts.push(JSON.stringify({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: service } }));
    }
    const tkey = `${pid}/${s.traceId}`;
    let tid = tids.get(tkey);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(tkey, tid);
      parts.push(JSON.stringify({ name: 'thread_name', ph: 'M', pid, tid, args: { name: `trace ${s.traceId}` } }));
    }
    const start = BigInt(s.startTimeUnixNano);
    const end = BigInt(s.endTimeUnixNano);
    const dur = end > start ? end - start : 0n;
    const args = {
      ...s.attributes,
      'span.id': s.spanId,
      'trace.id': s.traceId,
      'parent.id': s.parentSpanId,
      'status.code': s.status.code,
      ...(s.status.message ? { 'status.message': s.status.message } : {}),
    };
    // ts and dur are written as exact decimal numbers (JSON numbers, not strings)
    parts.push(
      `{"name":${JSON.stringify(s.name)},"cat":${JSON.stringify(KIND_NAMES[s.kind] ?? 'unspecified')},"ph":"X","ts":${micros(start)},"dur":${micros(dur)},"pid":${pid},"tid":${tid},"args":${JSON.stringify(args)}}`,
    );
    for (const ev of s.events) {
      parts.push(
        `{"name":${JSON.stringify(ev.name)},"cat":"event","ph":"i","s":"t","ts":${micros(BigInt(ev.timeUnixNano))},"pid":${pid},"tid":${tid},"args":${JSON.stringify(ev.attributes)}}`,
      );
    }
    for (const p of parts) {
      buf += (first ? '\n' : ',\n') + p;
      first = false;
    }
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  yield buf + '\n],"displayTimeUnit":"ns"}\n';
}

/**
 * Writes to a file through a temporary name beside it (lib/files.ts OutputSet), renamed
 * at the end: nothing half-written stays, a folder or an unwritable place is refused
 * with an `fs-*` error naming the file before anything is read.
 */
async function writeAtomically(out: string, produce: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>): Promise<number> {
  const set = new OutputSet();
  let fh: fs.promises.FileHandle | undefined;
  let bytes = 0;
  try {
    const tmp = set.stage(out);
    try {
      fh = await fs.promises.open(tmp, 'wx', 0o644);
    } catch (err) {
      throw fileError(err, out, 'create');
    }
    const h = fh;
    await produce(async (c) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      bytes += b.length;
      try {
        await h.write(b);
      } catch (err) {
        throw fileError(err, out, 'write');
      }
    });
    await h.close();
    fh = undefined;
    set.commit();
  } catch (err) {
    await fh?.close().catch(() => undefined);
    set.abort();
    throw err;
  }
  return bytes;
}

/**
 * Converts a dump (or another OpenTelemetry file) to OTLP/JSON lines, one OTLP
 * protobuf export request, or Chrome trace-event JSON, written to `output` (a file
 * path, written atomically) or a stream.
 */
export async function convert(source: DumpSource, output: string | NodeJS.WritableStream, options: ConvertOptions): Promise<ConvertResult> {
  const to = options.to;
  if (to !== 'otlp-json' && to !== 'otlp-proto' && to !== 'chrome')
    throw badArgument('to', `unknown conversion target ${quoteValue(to)}`, CONVERT_TARGETS);
  const diagnostics: import('./types').Diagnostic[] = [];
  const opts: ReadOptions = { ...options, onDiagnostic: (d) => { diagnostics.push(d); options.onDiagnostic?.(d); } };
  let spans = 0;
  const produce = async (write: (c: string | Uint8Array) => Promise<void>) => {
    if (to === 'chrome') {
      const { spansOf } = await import('./iterate');
      const counted = (async function* () {
        for await (const s of spansOf(source, opts)) {
          spans++;
          yield s;
        }
      })();
      for await (const piece of chromeTraceEvents(counted)) await write(piece);
      return;
    }
    const pass = runPass(source, opts, {
      mode: to === 'otlp-json' ? 'otlp-json' : 'otlp-proto',
      outSignal: options.outSignal ?? options.signal ?? 'traces',
    });
    for await (const b of pass.batches) {
      if (b.out.length) await write(b.out);
    }
  };
  let bytes: number;
  if (typeof output === 'string') {
    bytes = await writeAtomically(output, produce);
  } else {
    bytes = 0;
    await produce(async (c) => {
      bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      if (!output.write(c)) await new Promise<void>((r) => output.once('drain', () => r()));
    });
  }
  return { bytes, ...(to === 'chrome' ? { spans } : {}), diagnostics };
}

