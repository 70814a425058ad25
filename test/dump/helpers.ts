// Shared helpers of the dump tests: the SDK data generator and expectations built
// from the SDK's own objects.
import * as path from 'path';
import type { Span } from '../../lib/dump';

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const gen = require('./gen.js') as {
  crc32c(b: Uint8Array): number;
  header(o?: Record<string, unknown>): Buffer;
  frame(kind: string | number, payload: Uint8Array, seq: number, o?: { gzip?: boolean }): Buffer;
  writeDump(frames: Array<{ kind: string | number; payload: Uint8Array; seq?: number; gzip?: boolean }>, o?: Record<string, unknown>): Buffer;
  droppedPayload(s: number, p: number, l: number): Buffer;
  lambdaTraces(o?: Record<string, unknown>): { spans: any[]; proto: Uint8Array; json: string; perInvocation: Array<{ traceId: string; serverSpanId: string }> };
  lambdaMetrics(o?: Record<string, unknown>): Promise<{ resourceMetrics: any; proto: Uint8Array; json: string }>;
  lambdaLogs(o?: Record<string, unknown>): Promise<{ records: any[]; proto: Uint8Array; json: string }>;
  METADATA: Record<string, string>;
};

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const pbRoot = require('otlp-transformer-053/build/src/generated/root.js').opentelemetry.proto;

export const FIXTURES = path.join(__dirname, 'fixtures');

function ns(hr: [number, number]): string {
  return (BigInt(hr[0]) * 1000000000n + BigInt(hr[1])).toString();
}

/** What a decoded span must be, computed from the SDK's ReadableSpan. */
export function expectedSpan(s: any): Partial<Span> {
  const ctx = s.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: s.kind + 1,
    startTimeUnixNano: ns(s.startTime),
    endTimeUnixNano: ns(s.endTime),
    attributes: s.attributes,
    status: { code: s.status.code, message: s.status.message ?? '' },
    events: s.events.map((e: any) => ({ name: e.name, timeUnixNano: ns(e.time), attributes: e.attributes ?? {}, droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
    links: s.links.map((l: any) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: '',
      attributes: l.attributes ?? {},
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    resource: s.resource.attributes,
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? '' },
  };
}

/**
 * Normalises an OTLP/JSON document for comparison: int64 values as strings (the
 * proto3 mapping; the JS SDK writes small ones as numbers), and default values
 * (0, "", false, empty arrays) dropped since OTLP/JSON may leave them out.
 */
export function normalizeOtlpJson(v: unknown, key = ''): unknown {
  const int64Keys = new Set(['intValue', 'asInt', 'count', 'zeroCount', 'timeUnixNano', 'startTimeUnixNano', 'endTimeUnixNano', 'observedTimeUnixNano']);
  if (Array.isArray(v)) {
    const a = v.map((x) => normalizeOtlpJson(x, key === 'bucketCounts' ? 'bucketCounts' : ''));
    return a;
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const n = normalizeOtlpJson(x, k);
      if (n === undefined || n === 0 || n === '' || n === '0' || n === false || (Array.isArray(n) && n.length === 0)) continue;
      if (n && typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0 && k !== 'value') continue;
      o[k] = n;
    }
    return o;
  }
  if ((int64Keys.has(key) || key === 'bucketCounts') && (typeof v === 'number' || typeof v === 'string')) return String(v);
  return v;
}
