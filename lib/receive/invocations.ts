/**
 * The live view's data: each finished invocation (a root SERVER span) as it arrives,
 * with the problems the dump's Lambda check (`dump check-lambda`) finds for it. The
 * check runs on a window of the latest traces frames (at most 8 MiB), shortly after
 * the invocation's span came, so that the spans sent with it are there.
 * @packageDocumentation
 */
import { checkLambda, decodeBuffer } from '../dump';
import type { LambdaProblem } from '../dump';
import { otlpNative } from './native';

/** A finished invocation (the `invocation` event). */
export interface Invocation {
  /** Its trace. */
  traceId: string;
  /** Its SERVER span. */
  spanId: string;
  /** When it ended (ISO 8601, UTC). */
  time: string;
  /** `service.name` of its resource (empty when absent). */
  service: string;
  /** Span name. */
  name: string;
  /** Duration in milliseconds. */
  durationMs: number;
  /** Other spans of its trace received so far. */
  childSpans: number;
  /** Span status. */
  status: 'unset' | 'ok' | 'error';
  /** The Lambda check's problems for this invocation (its trace). */
  problems: LambdaProblem[];
}

const WINDOW_BYTES = 8 << 20;
const KEPT_SPANS = 200_000;
const SETTLE_MS = 250;
const SERVER = 2;
const STATUS: Invocation['status'][] = ['unset', 'ok', 'error'];

/** Follows accepted traces requests and reports finished invocations. @internal */
export class InvocationTracker {
  private frames: Buffer[] = [];
  private windowBytes = 0;
  private readonly header = otlpNative().otlpFileHeader(0n, process.pid);
  private readonly spans = new Set<string>();
  private readonly perTrace = new Map<string, number>();
  private pending: Omit<Invocation, 'problems' | 'childSpans'>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly emit: (inv: Invocation) => void) {}

  /** Takes one accepted traces request (its frame sequence and protobuf payload). */
  add(sequence: number, payload: Buffer): void {
    const frame = otlpNative().otlpFrames([1], [sequence], [payload]);
    this.frames.push(frame);
    this.windowBytes += frame.length;
    while (this.windowBytes > WINDOW_BYTES && this.frames.length > 1) this.windowBytes -= this.frames.shift()!.length;
    const spans = decodeBuffer(payload, { format: 'otlp-proto', signal: 'traces' }).spans;
    for (const s of spans) {
      this.remember(`${s.traceId}/${s.spanId}`);
      this.perTrace.set(s.traceId, (this.perTrace.get(s.traceId) ?? 0) + 1);
    }
    while (this.perTrace.size > KEPT_SPANS) this.perTrace.delete(this.perTrace.keys().next().value!);
    for (const s of spans) {
      if (s.kind !== SERVER || (s.parentSpanId && this.spans.has(`${s.traceId}/${s.parentSpanId}`))) continue;
      const end = BigInt(s.endTimeUnixNano);
      const service = s.resource['service.name'];
      this.pending.push({
        traceId: s.traceId,
        spanId: s.spanId,
        time: new Date(Number(end / 1000000n)).toISOString(),
        service: typeof service === 'string' ? service : '',
        name: s.name,
        durationMs: Number(end - BigInt(s.startTimeUnixNano)) / 1e6,
        status: STATUS[s.status.code] ?? 'unset',
      });
    }
    if (this.pending.length && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.running = this.running.then(() => this.check());
      }, SETTLE_MS);
      this.timer.unref();
    }
  }

  /** Reports what is pending now. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.running = this.running.then(() => this.check());
    }
    await this.running;
  }

  private remember(key: string): void {
    this.spans.add(key);
    if (this.spans.size > KEPT_SPANS) this.spans.delete(this.spans.values().next().value!);
  }

  private async check(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    let problems: LambdaProblem[] = [];
    try {
      problems = (await checkLambda(Buffer.concat([this.header, ...this.frames]))).problems;
    } catch {
      problems = [];
    }
    for (const p of pending)
      this.emit({ ...p, childSpans: Math.max(0, (this.perTrace.get(p.traceId) ?? 1) - 1), problems: problems.filter((x) => x.traceId === p.traceId) });
  }
}

/** One line of the live view: time, service, name, duration, child spans, status, problems. */
export function formatInvocation(inv: Invocation): string {
  const t = inv.time.slice(11, 23);
  const problems = inv.problems.length
    ? '  ' + inv.problems.map((p) => (p.attribute ? `${p.code} ${p.attribute}` : p.code)).join(', ')
    : '  ok';
  return `${t}  ${inv.service || '-'}  ${inv.name}  ${inv.durationMs.toFixed(1)} ms  ${inv.childSpans} child span${inv.childSpans === 1 ? '' : 's'}  ${inv.status}${problems}`;
}
