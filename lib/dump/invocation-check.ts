/**
 * The AWS Lambda invocation shape check of docs/dump.md.
 * @packageDocumentation
 */
import { spansOf } from './iterate';
import type { DumpSource } from './reader';
import type { AttributeValue, Diagnostic, ReadOptions, Span } from './types';

/** Attributes an invocation (SERVER) span must carry, on the span or its resource. */
export const INVOCATION_ATTRIBUTES = [
  'faas.name',
  'faas.version',
  'faas.invocation_id',
  'cloud.resource_id',
  'cloud.region',
  'faas.trigger',
  'faas.coldstart',
] as const;

/** Attributes an AWS SDK client span (`rpc.system` = `aws-api`) must carry. */
export const AWS_CLIENT_ATTRIBUTES = ['rpc.service', 'rpc.method'] as const;

/** Service attributes required by AWS service (`rpc.service`), beyond the above. */
export const AWS_SERVICE_ATTRIBUTES: Record<string, readonly string[]> = {
  DynamoDB: ['aws.dynamodb.table_names'],
};

/** A problem code of the Lambda check. */
export type LambdaProblemCode = 'missing-attribute' | 'orphan-client-span' | 'late-flush' | 'no-invocation';

/** One problem found by {@link checkLambda}. */
export interface LambdaProblem {
  /** Stable code. */
  code: LambdaProblemCode;
  /** For people. */
  message: string;
  /** The trace concerned, if any. */
  traceId?: string;
  /** The span concerned, if any. */
  spanId?: string;
  /** `missing-attribute`: which attribute. */
  attribute?: string;
}

/** What `dump check-lambda --json` prints. */
export interface LambdaCheck {
  /** Invocations (SERVER spans) found. */
  invocations: number;
  /** True when there is no problem. */
  ok: boolean;
  /** Every problem, invocations in start order. */
  problems: LambdaProblem[];
  /** Diagnostics of the reader (damage and loss). */
  diagnostics: Diagnostic[];
}

const SERVER = 2;
const CLIENT = 3;

function has(v: AttributeValue | undefined): boolean {
  return v !== undefined && v !== null && v !== '';
}

interface Slim {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
  start: bigint;
  frame: number;
  name: string;
  /** `faas.invocation_id` of an invocation (span or resource), if it has one. */
  invocationId: string | undefined;
  missing: string[];
  aws: boolean;
}

/**
 * Checks the spans of a dump against the Lambda invocation shape:
 * - `missing-attribute`: an invocation (SERVER span) without one of
 *   {@link INVOCATION_ATTRIBUTES} (on the span or its resource), or an AWS SDK client
 *   span without `rpc.service`, `rpc.method` or its service's attributes;
 * - `orphan-client-span`: a CLIENT span whose parent is not in the dump;
 * - `late-flush`: an invocation whose spans sit in a frame written at or after the
 *   first frame that holds a span of a later invocation (frames in sequence order;
 *   for other formats, lines or messages in file order);
 * - `no-invocation`: the dump holds no invocation at all.
 * Memory grows with the number of spans (a few dozen bytes each, attributes not kept).
 */
export async function checkLambda(source: DumpSource, options: ReadOptions = {}): Promise<LambdaCheck> {
  const diagnostics: Diagnostic[] = [];
  const spans: Slim[] = [];
  const ids = new Set<string>();
  const opts = { ...options, withFrame: true, onDiagnostic: (d: Diagnostic) => { diagnostics.push(d); options.onDiagnostic?.(d); } };
  for await (const s of spansOf(source, opts)) spans.push(slim(s, ids));
  return judge(spans, ids, diagnostics);
}

function slim(s: Span, ids: Set<string>): Slim {
  ids.add(`${s.traceId}/${s.spanId}`);
  const missing: string[] = [];
  let aws = false;
  if (s.kind === SERVER) {
    for (const a of INVOCATION_ATTRIBUTES) if (!has(s.attributes[a]) && !has(s.resource[a])) missing.push(a);
  } else if (s.kind === CLIENT && s.attributes['rpc.system'] === 'aws-api') {
    aws = true;
    for (const a of AWS_CLIENT_ATTRIBUTES) if (!has(s.attributes[a])) missing.push(a);
    const svc = s.attributes['rpc.service'];
    for (const a of (typeof svc === 'string' && AWS_SERVICE_ATTRIBUTES[svc]) || []) if (!has(s.attributes[a])) missing.push(a);
  }
  const id = s.kind === SERVER ? (s.attributes['faas.invocation_id'] ?? s.resource['faas.invocation_id']) : undefined;
  const invocationId = typeof id === 'string' && id !== '' ? id : undefined;
  return { traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, kind: s.kind, start: BigInt(s.startTimeUnixNano), frame: s.frame ?? 0, name: s.name, invocationId, missing, aws };
}

/** How a message names an invocation: its `faas.invocation_id`, else its span. */
function invocationName(inv: Slim): string {
  return inv.invocationId !== undefined ? `invocation ${inv.invocationId}` : `invocation span '${inv.name}' (${inv.spanId}, no faas.invocation_id)`;
}

function judge(spans: Slim[], ids: Set<string>, diagnostics: Diagnostic[]): LambdaCheck {
  const problems: LambdaProblem[] = [];
  const invocations = spans.filter((s) => s.kind === SERVER).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (const inv of invocations) {
    for (const a of inv.missing)
      problems.push({ code: 'missing-attribute', traceId: inv.traceId, spanId: inv.spanId, attribute: a, message: `invocation span '${inv.name}' lacks ${a}` });
  }
  for (const s of spans) {
    if (s.kind !== CLIENT) continue;
    if (s.aws)
      for (const a of s.missing)
        problems.push({ code: 'missing-attribute', traceId: s.traceId, spanId: s.spanId, attribute: a, message: `AWS SDK client span '${s.name}' lacks ${a}` });
    if (!s.parentSpanId || !ids.has(`${s.traceId}/${s.parentSpanId}`))
      problems.push({
        code: 'orphan-client-span',
        traceId: s.traceId,
        spanId: s.spanId,
        message: s.parentSpanId ? `client span '${s.name}' has parent ${s.parentSpanId}, which is not in the dump` : `client span '${s.name}' has no parent`,
      });
  }
  if (invocations.length === 0) {
    problems.push({ code: 'no-invocation', message: 'the dump holds no invocation (no SERVER span)' });
  } else {
    // frames of each invocation's trace
    const byTrace = new Map<string, { min: number; max: number }>();
    for (const s of spans) {
      const r = byTrace.get(s.traceId);
      if (!r) byTrace.set(s.traceId, { min: s.frame, max: s.frame });
      else {
        r.min = Math.min(r.min, s.frame);
        r.max = Math.max(r.max, s.frame);
      }
    }
    // suffix minimum of the first frame of every later invocation, and which invocation has it
    const first = invocations.map((inv) => byTrace.get(inv.traceId)!.min);
    const laterMin: number[] = new Array(invocations.length).fill(Infinity);
    const laterWho: number[] = new Array(invocations.length).fill(-1);
    for (let i = invocations.length - 2; i >= 0; i--) {
      const own = first[i + 1]!;
      if (own < laterMin[i + 1]!) {
        laterMin[i] = own;
        laterWho[i] = i + 1;
      } else {
        laterMin[i] = laterMin[i + 1]!;
        laterWho[i] = laterWho[i + 1]!;
      }
    }
    invocations.forEach((inv, i) => {
      const own = byTrace.get(inv.traceId)!;
      const next = invocations[i + 1];
      if (next && next.traceId !== inv.traceId && own.max >= laterMin[i]!) {
        const later = invocations[laterWho[i]!]!;
        problems.push({
          code: 'late-flush',
          traceId: inv.traceId,
          spanId: inv.spanId,
          message:
            `${invocationName(inv)} began first, but its spans were flushed as late as frame ${own.max}, ` +
            `at or after frame ${laterMin[i]}, which already holds spans of ${invocationName(later)}, which began later`,
        });
      }
    });
  }
  return { invocations: invocations.length, ok: problems.length === 0, problems, diagnostics };
}
