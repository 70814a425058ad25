/**
 * `dump send`: replays a dump (or any file the dump reader takes) to an OTLP endpoint,
 * re-batched under a byte cap (counted before compression, a resource or scope never
 * parted from its items), gzip-compressed, with the OTLP retry rules (docs/local.md).
 * @packageDocumentation
 */
import { plural } from '../text';
import { Writable } from 'stream';
import * as zlib from 'zlib';
import { promisify } from 'util';
import { badArgument } from '../errors';
import { convert, summarize } from '../dump';
import type { ReadOptions } from '../dump';
import { otlpNative, OtlpSignal, ItemCounts } from '../receive/native';
import { DYNATRACE_MAX_REQUEST_BYTES, maskIn, resolveTarget, Target, TargetOptions } from './target';
import { Attempt, callGrpc, closeGrpcClients, postHttp } from './transport';
import { isRetryable, isSuccess, RetryOptions, withRetries } from './retry';

const gzip = promisify(zlib.gzip);
const SIGNALS: readonly OtlpSignal[] = ['traces', 'metrics', 'logs'];
const OLD_MS = 60 * 60 * 1000;

/** Options of {@link sendDump}. */
export interface SendOptions extends TargetOptions, RetryOptions {
  /** Largest request before compression (default 4 MiB; Dynatrace: at most 8 MB). */
  maxRequestBytes?: number;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Only work out the batches; send nothing. */
  dryRun?: boolean;
  /** How the input is read (format, signal, strict). */
  read?: Pick<ReadOptions, 'format' | 'signal' | 'strict'>;
}

/** A request the endpoint did not take in full. */
export interface SendError {
  /** HTTP status, or null (gRPC, or no answer). */
  status: number | null;
  /** gRPC status code, over gRPC. */
  grpcCode?: number;
  /** What went wrong (tokens masked). */
  message: string;
}

/** One batch of a dry run. */
export interface PlannedBatch extends ItemCounts {
  /** Its signal. */
  signal: OtlpSignal;
  /** Size before compression. */
  bytes: number;
  /** One item over the cap that could not be cut. */
  oversize: boolean;
}

/** What {@link sendDump} did (`dump send --json`). */
export interface SendResult {
  /** Every request was accepted in full. */
  ok: boolean;
  /** Requests made (batches, for a dry run). */
  requests: number;
  /** Items the endpoint took. */
  accepted: ItemCounts;
  /** Items the endpoint refused (4xx, partial success). */
  rejected: ItemCounts;
  /** Items never delivered: no answer, or a retryable status after the last try. */
  unsent: ItemCounts;
  /** Attempts beyond each request's first. */
  retries: number;
  /** The refusals and failures. */
  errors: SendError[];
  /** Warnings (old spans for Dynatrace, items over the cap). */
  warnings: string[];
  /** The signal URLs, or the gRPC endpoint (no credentials). */
  endpoint: string;
  /** A dry run: the batches that would be sent. */
  batches?: PlannedBatch[];
}

const zero = (): ItemCounts => ({ spans: 0, metricPoints: 0, logRecords: 0 });
const add = (a: ItemCounts, b: ItemCounts, k = 1) => {
  a.spans += b.spans * k;
  a.metricPoints += b.metricPoints * k;
  a.logRecords += b.logRecords * k;
};
const NOUN: Readonly<Record<OtlpSignal, string>> = { traces: 'span', metrics: 'metric point', logs: 'log record' };

function describe(a: Attempt, target: Target): string {
  let text = '';
  if (a.body && a.body.length) {
    const st = otlpNative().otlpDecodeStatus(a.body, Boolean(a.json));
    text = st && st.message ? st.message : a.json || /^[\x20-\x7e\s]*$/.test(a.body.toString('latin1')) ? a.body.toString('utf8').slice(0, 300) : '';
  }
  const what = a.status !== null ? `HTTP ${a.status}` : a.grpcCode !== undefined ? `gRPC status ${a.grpcCode}` : 'no answer';
  return maskIn(`${what}${a.message ? `: ${a.message}` : ''}${text ? `: ${text.trim()}` : ''}`, target.secrets);
}

/**
 * Replays `file` to the target. Returns the findings (what was accepted, rejected,
 * not delivered); throws only when it cannot send at all.
 * @throws NetProfilerError `bad-argument`, `no-endpoint`, `settings-invalid`, `env-missing`, reader errors
 */
export async function sendDump(file: string, options: SendOptions): Promise<SendResult> {
  if (typeof file !== 'string' || file === '' || file === '-') throw badArgument('FILE', 'dump send reads a file (it reads it more than once), not stdin');
  const target = await resolveTarget(options);
  const dynatrace = target.provider === 'dynatrace';
  const cap = options.maxRequestBytes ?? 4 << 20;
  const maxFrame = otlpNative().otlpLimits.maxFramePayload;
  if (!Number.isSafeInteger(cap) || cap < 1024 || cap > maxFrame)
    throw badArgument('max-request-bytes', `max-request-bytes must be an integer from 1024 to ${maxFrame}, not ${String(options.maxRequestBytes)}`);
  if (dynatrace && cap > DYNATRACE_MAX_REQUEST_BYTES)
    throw badArgument('max-request-bytes', `Dynatrace accepts requests up to ${DYNATRACE_MAX_REQUEST_BYTES} bytes; max-request-bytes ${cap} is over that`);
  const concurrency = options.concurrency ?? 2;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64) throw badArgument('concurrency', 'concurrency must be an integer from 1 to 64');

  const result: SendResult = {
    ok: true, requests: 0, accepted: zero(), rejected: zero(), unsent: zero(), retries: 0, errors: [], warnings: [],
    endpoint: maskIn(target.protocol === 'grpc' ? target.endpoint : `${target.endpoint}/v1/{traces,metrics,logs}`, target.secrets),
    ...(options.dryRun ? { batches: [] as PlannedBatch[] } : {}),
  };
  const read: ReadOptions = { ...(options.read ?? {}) };
  const summary = await summarize(file, read);
  const oldBefore = dynatrace ? BigInt(Date.now() - OLD_MS) * 1000000n : 0n;
  let old = 0;
  let oversize = 0;

  const sendOne = async (signal: OtlpSignal, request: Buffer, counts: ItemCounts): Promise<void> => {
    result.requests++;
    const body = target.protocol === 'grpc' ? request : await gzip(request);
    const { last, retries } = await withRetries(() => (target.protocol === 'grpc' ? callGrpc(target, signal, body) : postHttp(target, signal, body)), options);
    result.retries += retries;
    if (isSuccess(last)) {
      const r = last.body && last.body.length ? otlpNative().otlpDecodeResponse(last.body, signal, Boolean(last.json)) : { rejected: 0, message: '' };
      const rejected = r ? Math.min(r.rejected, signal === 'traces' ? counts.spans : signal === 'metrics' ? counts.metricPoints : counts.logRecords) : 0;
      const part: ItemCounts = { spans: 0, metricPoints: 0, logRecords: 0 };
      if (signal === 'traces') part.spans = rejected;
      else if (signal === 'metrics') part.metricPoints = rejected;
      else part.logRecords = rejected;
      add(result.accepted, counts);
      add(result.accepted, part, -1);
      add(result.rejected, part);
      if (rejected > 0 || (r && r.message)) {
        result.errors.push({ status: last.status, message: maskIn(`partial success: ${plural(rejected, NOUN[signal])} rejected${r?.message ? `: ${r.message}` : ''}`, target.secrets) });
      }
      return;
    }
    const gaveUp = isRetryable(last);
    if (gaveUp) add(result.unsent, counts);
    else add(result.rejected, counts);
    result.errors.push({
      status: last.status,
      ...(last.grpcCode !== undefined ? { grpcCode: last.grpcCode } : {}),
      message: describe(last, target) + (gaveUp ? ` (after ${retries + 1} tries)` : ''),
    });
  };

  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  const submit = async (signal: OtlpSignal, b: { request: Buffer } & ItemCounts & { old: number; oversize: boolean }) => {
    old += b.old;
    if (b.oversize) oversize++;
    if (options.dryRun) {
      result.requests++;
      result.batches!.push({ signal, bytes: b.request.length, spans: b.spans, metricPoints: b.metricPoints, logRecords: b.logRecords, oversize: b.oversize });
      return;
    }
    while (inflight.size >= concurrency) await Promise.race(inflight);
    const p = sendOne(signal, b.request, b).finally(() => inflight.delete(p));
    inflight.add(p);
  };

  try {
    for (const signal of SIGNALS) {
      const n = signal === 'traces' ? summary.spans : signal === 'metrics' ? summary.metricPoints : summary.logRecords;
      if (!n) continue;
      let carry: Buffer | null = null;
      const cut = async (data: Buffer, final: boolean) => {
        const batches = otlpNative().otlpRebatch(data, signal, cap, oldBefore);
        if (!batches) throw new Error('internal: the reader handed over a malformed request');
        for (let i = 0; i < batches.length; i++) {
          const b = batches[i]!;
          if (!final && i === batches.length - 1 && b.request.length < cap / 2) carry = b.request;
          else await submit(signal, b);
        }
      };
      const sink = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _e, cb) {
          if (failure) return cb();
          const data = carry ? Buffer.concat([carry, chunk]) : chunk;
          carry = null;
          // an error is kept and thrown after the pass: a failed write would leave the reader waiting
          cut(data, false).then(() => cb(), (e: unknown) => {
            failure = e;
            cb();
          });
        },
      });
      await convert(file, sink, { ...read, to: 'otlp-proto', outSignal: signal });
      if (failure) throw failure;
      if (carry) await cut(carry, true);
    }
    await Promise.all(inflight);
  } finally {
    closeGrpcClients();
  }
  if (old > 0) result.warnings.push(`${plural(old, 'span')} ended more than 60 minutes ago: Dynatrace drops them`);
  if (oversize > 0) result.warnings.push(`${plural(oversize, 'request')} ${oversize === 1 ? 'holds' : 'hold'} one item bigger than max-request-bytes (${cap}) that cannot be cut; the endpoint may refuse them`);
  result.ok = result.errors.length === 0;
  return result;
}
