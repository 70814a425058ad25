// The real OpenTelemetry JS exporters (HTTP protobuf, HTTP JSON, gRPC; traces, metrics,
// logs; gzip and not) as clients of the receiver; what the dump reader reads back
// equals, field by field, what the SDK exported.
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, Receiver } from '../../lib/receive';
import { convert, decodeBuffer, framesOf, summarize } from '../../lib/dump';
import { Writable } from 'stream';
import * as fs from 'fs';
import { gen, expectedSpan, normalizeOtlpJson } from '../dump/helpers';
import { tmpDir } from './helpers';

/* eslint-disable @typescript-eslint/no-var-requires */
const TraceProto = require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter;
const TraceJson = require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter;
const TraceGrpc = require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter;
const LogsProto = require('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter;
const LogsGrpc = require('@opentelemetry/exporter-logs-otlp-grpc').OTLPLogExporter;
const MetricsProto = require('@opentelemetry/exporter-metrics-otlp-proto').OTLPMetricExporter;

function exportWith(exporter: { export(items: unknown, cb: (r: { code: number; error?: Error }) => void): void; shutdown(): Promise<void> }, items: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(items, (r) => {
      void exporter.shutdown();
      if (r.code === 0) resolve();
      else reject(r.error ?? new Error(`export failed with code ${r.code}`));
    }),
  );
}

let dir: string;
let receiver: Receiver;

beforeAll(async () => {
  dir = tmpDir();
  receiver = await startReceiver({ out: path.join(dir, 'exporters.nptb'), http: '127.0.0.1:0', grpc: '127.0.0.1:0' });
});
afterAll(async () => {
  await receiver.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('receive takes the real JS exporters', () => {
  const cases: Array<[string, () => unknown]> = [
    ['HTTP protobuf', () => new TraceProto({ url: `http://${receiver.http}/v1/traces` })],
    ['HTTP protobuf, gzip', () => new TraceProto({ url: `http://${receiver.http}/v1/traces`, compression: 'gzip' })],
    ['HTTP JSON', () => new TraceJson({ url: `http://${receiver.http}/v1/traces` })],
    ['HTTP JSON, gzip', () => new TraceJson({ url: `http://${receiver.http}/v1/traces`, compression: 'gzip' })],
    ['gRPC', () => new TraceGrpc({ url: `http://${receiver.grpc}` })],
    ['gRPC, gzip', () => new TraceGrpc({ url: `http://${receiver.grpc}`, compression: 'gzip' })],
  ];
  for (const [name, make] of cases) {
    it(`traces over ${name}: read back field by field`, async () => {
      const t = gen.lambdaTraces({ invocations: 3, seed: name.length * 7, extras: true });
      const seen: number[] = [];
      const on = (r: { sequence: number; spans: number }) => seen.push(r.sequence);
      receiver.on('request', on);
      await exportWith(make() as never, t.spans);
      receiver.off('request', on);
      expect(seen.length).toBe(1);
      const stored = await frameOf(seen[0]!);
      const back = decodeBuffer(stored, { format: 'otlp-proto', signal: 'traces' }).spans;
      expect(back.length).toBe(t.spans.length);
      const byId = new Map(back.map((s) => [s.spanId, s]));
      for (const s of t.spans) expect(byId.get(s.spanContext().spanId)).toMatchObject(expectedSpan(s));
      // stored as the protobuf request, field for field: the SDK's own protobuf encoding
      expect(normalizeOtlpJson(JSON.parse(await otlpJson(stored)))).toEqual(normalizeOtlpJson(JSON.parse(await otlpJson(Buffer.from(t.proto)))));
    });
  }

  it('logs over HTTP protobuf and gRPC, metrics over HTTP protobuf', async () => {
    const logs = await gen.lambdaLogs({ count: 4 });
    const metrics = await gen.lambdaMetrics();
    const seen: Array<{ sequence: number; signal: string; logRecords: number; metricPoints: number }> = [];
    const on = (r: (typeof seen)[number]) => seen.push(r);
    receiver.on('request', on);
    await exportWith(new LogsProto({ url: `http://${receiver.http}/v1/logs` }), logs.records);
    await exportWith(new LogsGrpc({ url: `http://${receiver.grpc}`, compression: 'gzip' }), logs.records);
    await exportWith(new MetricsProto({ url: `http://${receiver.http}/v1/metrics`, compression: 'gzip' }), metrics.resourceMetrics);
    receiver.off('request', on);
    expect(seen.map((s) => s.signal)).toEqual(['logs', 'logs', 'metrics']);
    for (const s of seen.slice(0, 2)) {
      const back = decodeBuffer(await frameOf(s.sequence), { format: 'otlp-proto', signal: 'logs' }).logRecords;
      expect(back.length).toBe(4);
      expect(normalizeOtlpJson(JSON.parse(await otlpJson(await frameOf(s.sequence), 'logs')))).toEqual(normalizeOtlpJson(JSON.parse(await otlpJson(Buffer.from(logs.proto), 'logs'))));
    }
    const m = await frameOf(seen[2]!.sequence);
    expect(normalizeOtlpJson(JSON.parse(await otlpJson(m, 'metrics')))).toEqual(normalizeOtlpJson(JSON.parse(await otlpJson(Buffer.from(metrics.proto), 'metrics'))));
    expect(seen[2]!.metricPoints).toBe(decodeBuffer(Buffer.from(metrics.proto), { format: 'otlp-proto', signal: 'metrics' }).metricPoints.length);
  });

  it('the dump reads back whole with the metadata frame first', async () => {
    const s = await summarize(receiver.out, { strict: true });
    expect(s.metadata).toMatchObject({ producer: 'net-profiler receive' });
    expect(s.firstSequence).toBe(0);
    expect(s.frames).toBe(receiver.stats().requests + 1);
  });
});

// ---- reading frames back from the file being written ----
async function frameOf(sequence: number): Promise<Buffer> {
  const bytes = fs.readFileSync(receiver.out);
  for await (const f of framesOf(bytes)) {
    if (Number(f.sequence) === sequence) return bytes.subarray(f.offset + 32, f.offset + 32 + f.payloadLength);
  }
  throw new Error(`frame ${sequence} not found`);
}

/** One raw request as OTLP/JSON, written by the dump reader. */
async function otlpJson(request: Buffer, signal: 'traces' | 'metrics' | 'logs' = 'traces'): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(c, _e, cb) {
      out += String(c);
      cb();
    },
  });
  await convert(request, sink, { to: 'otlp-json', format: 'otlp-proto', signal, strict: true });
  return out.trim();
}
