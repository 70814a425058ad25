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
 * The exact OTLP/JSON document of an export request, made by an independent decoder
 * (protobufjs, the generated code of @opentelemetry/otlp-transformer): every field that
 * is on the wire, and no other (an unset optional field such as a histogram's `min`
 * is absent, never 0); int64 and fixed64 as decimal strings; enums as integers; trace
 * and span ids as lowercase hex; other bytes as base64. Compare it with `toEqual`
 * against what the SDK wrote: value types count (a string is not a number).
 */
export function otlpJsonOf(signal: 'traces' | 'metrics' | 'logs', bytes: Uint8Array): unknown {
  const T = {
    traces: pbRoot.collector.trace.v1.ExportTraceServiceRequest,
    metrics: pbRoot.collector.metrics.v1.ExportMetricsServiceRequest,
    logs: pbRoot.collector.logs.v1.ExportLogsServiceRequest,
  }[signal];
  const obj = T.toObject(T.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: false });
  const ids = new Set(['traceId', 'spanId', 'parentSpanId']);
  const hex = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => hex(x, ''));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = hex(x, k);
      return o;
    }
    if (ids.has(key) && typeof v === 'string') return Buffer.from(v, 'base64').toString('hex');
    return v;
  };
  return hex(obj, '');
}

/**
 * Formerly turned values into strings and dropped zeros before comparing, which let
 * "int64 as strings" and "unset fields left out" pass whatever the output; OTLP/JSON
 * comparisons are exact now (see otlpJsonOf). Returns the document unchanged, so a
 * caller still comparing two documents through it compares them exactly.
 * @deprecated compare the JSON itself; kept for test/receive/exporters.test.ts.
 */
export function normalizeOtlpJson(v: unknown): unknown {
  return v;
}
