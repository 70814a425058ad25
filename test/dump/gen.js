'use strict';
// Test data for the dump reader, made with the real OpenTelemetry JS SDK, and a small
// .nptb writer written independently of the native reader (its own CRC-32C table).
// Used by test/dump/*.test.ts, bench/dump.js and scripts that refresh the fixtures.
const zlib = require('zlib');
const api = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, MetricReader, AggregationType } = require('@opentelemetry/sdk-metrics');
const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = require('@opentelemetry/sdk-logs');
const {
  ProtobufTraceSerializer, JsonTraceSerializer, ProtobufMetricsSerializer, JsonMetricsSerializer,
  ProtobufLogsSerializer, JsonLogsSerializer,
} = require('@opentelemetry/otlp-transformer');

// ---- CRC-32C, bitwise table (independent of native/core) ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
function crc32c(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MAGIC = Buffer.from([0x89, 0x4e, 0x50, 0x54, 0x42, 0x0d, 0x0a, 0x1a]);
const KIND = { metadata: 0, traces: 1, metrics: 2, logs: 3, dropped: 4 };

/** The 64-byte (or larger) file header. */
function header({ major = 1, minor = 0, headerSize = 64, ring = false, created = 1795479225000000000n, pid = 4242 } = {}) {
  const h = Buffer.alloc(headerSize);
  MAGIC.copy(h, 0);
  h.writeUInt16LE(major, 8);
  h.writeUInt16LE(minor, 10);
  h.writeUInt32LE(headerSize, 12);
  h.writeUInt32LE(ring ? 1 : 0, 16);
  h.writeBigUInt64LE(BigInt(created), 24);
  h.writeUInt32LE(pid, 32);
  return h;
}

/** One frame (header + payload + zero padding to 8 bytes). */
function frame(kind, payload, seq, { gzip = false } = {}) {
  let p = Buffer.from(payload);
  if (gzip) p = zlib.gzipSync(p);
  const h = Buffer.alloc(32);
  h.write('NPFR', 0, 'latin1');
  h[4] = typeof kind === 'string' ? KIND[kind] : kind;
  h[5] = gzip ? 1 : 0;
  h.writeUInt32LE(p.length, 8);
  h.writeUInt32LE(crc32c(p), 12);
  h.writeBigUInt64LE(BigInt(seq), 16);
  h.writeUInt32LE(crc32c(h.subarray(0, 24)), 24);
  const pad = (8 - ((32 + p.length) % 8)) % 8;
  return Buffer.concat([h, p, Buffer.alloc(pad)]);
}

function droppedPayload(spans, points, logs) {
  const b = Buffer.alloc(24);
  b.writeBigUInt64LE(BigInt(spans), 0);
  b.writeBigUInt64LE(BigInt(points), 8);
  b.writeBigUInt64LE(BigInt(logs), 16);
  return b;
}

/** A whole dump: header then frames [{kind, payload, seq?, gzip?}]. */
function writeDump(frames, opts = {}) {
  const parts = [header(opts)];
  frames.forEach((f, i) => parts.push(frame(f.kind, f.payload, f.seq ?? i, f)));
  return Buffer.concat(parts);
}

// ---- deterministic pseudo-random ----
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
function hex(r, bytes) {
  let s = '';
  for (let i = 0; i < bytes; i++) s += Math.floor(r() * 256).toString(16).padStart(2, '0');
  return s;
}

const FUNCTION_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:lambda-profiler-demo';
const RESOURCE = {
  'service.name': 'lambda-profiler-demo',
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_lambda',
  'cloud.region': 'eu-central-1',
  'faas.name': 'lambda-profiler-demo',
  'faas.version': '$LATEST',
  'faas.max_memory': 536870912,
  'telemetry.sdk.language': 'dotnet',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '1.11.0',
};

function hr(ns) {
  return [Number(ns / 1000000000n), Number(ns % 1000000000n)];
}

/**
 * Lambda-shaped traces made by the real SDK: per invocation one SERVER span with the
 * faas/cloud attributes and DynamoDB PutItem + GetItem CLIENT children. Options:
 * `invocations`, `seed`, `startNs`, `omit` (attributes to leave out of the server span),
 * `orphan` (a client span whose parent is missing), `extras` (exotic attribute types).
 * Returns { spans (ReadableSpan[]), proto (Uint8Array), json (string) , perInvocation }.
 */
function lambdaTraces({ invocations = 4, seed = 1, startNs = 1795479225000000000n, omit = [], extras = false, resource = RESOURCE } = {}) {
  const r = rng(seed);
  const exporter = new InMemorySpanExporter();
  let idCounter = 0;
  const idGenerator = {
    generateTraceId: () => hex(r, 16),
    generateSpanId: () => {
      idCounter++;
      return hex(r, 8);
    },
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    idGenerator,
  });
  const tracer = provider.getTracer('OpenTelemetry.Instrumentation.AWSLambda', '1.11.0');
  const aws = provider.getTracer('OpenTelemetry.Instrumentation.AWS', '1.11.0');
  let t = BigInt(startNs);
  const perInvocation = [];
  for (let i = 0; i < invocations; i++) {
    const start = t;
    const attrs = {
      'faas.name': 'lambda-profiler-demo',
      'faas.version': '$LATEST',
      'faas.invocation_id': `${hex(r, 4)}-${hex(r, 2)}-${hex(r, 2)}-${hex(r, 2)}-${hex(r, 6)}`,
      'cloud.resource_id': FUNCTION_ARN,
      'cloud.region': 'eu-central-1',
      'faas.trigger': 'other',
      'faas.coldstart': i === 0,
      'cloud.account.id': '123456789012',
    };
    for (const k of omit) delete attrs[k];
    const server = tracer.startSpan('lambda-profiler-demo', { kind: api.SpanKind.SERVER, startTime: hr(start), attributes: attrs }, api.ROOT_CONTEXT);
    const ctx = api.trace.setSpan(api.ROOT_CONTEXT, server);
    let c = start + 1234567n + BigInt(Math.floor(r() * 1000));
    for (const method of ['PutItem', 'GetItem']) {
      const dur = 8000000n + BigInt(Math.floor(r() * 9000000));
      const span = aws.startSpan(
        `DynamoDB.${method}`,
        {
          kind: api.SpanKind.CLIENT,
          startTime: hr(c),
          attributes: {
            'rpc.system': 'aws-api',
            'rpc.service': 'DynamoDB',
            'rpc.method': method,
            'aws.dynamodb.table_names': ['lambda-profiler-demo'],
            'http.response.status_code': 200,
            'aws.request_id': hex(r, 16).toUpperCase(),
            'server.address': 'dynamodb.eu-central-1.amazonaws.com',
            ...(method === 'GetItem' ? { 'aws.dynamodb.consistent_read': true } : {}),
          },
        },
        ctx,
      );
      if (extras && method === 'GetItem') {
        span.setAttribute('test.double', 0.1 + i);
        span.setAttribute('test.int', 9007199254740991);
        span.setAttribute('test.negative', -42);
        span.setAttribute('test.unicode', 'grüße ☃ 😀');
        span.setAttribute('test.bools', [true, false]);
        span.setAttribute('test.doubles', [1.5, -2.25]);
        span.addEvent('retry', { attempt: 2, reason: 'ProvisionedThroughputExceeded' }, hr(c + 100n));
        span.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { 'link.kind': 'batch' } });
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'throttled once' });
      }
      span.end(hr(c + dur));
      c += dur + 345678n;
    }
    server.end(hr(c + 2000000n));
    perInvocation.push({ traceId: server.spanContext().traceId, serverSpanId: server.spanContext().spanId });
    t = c + 50000000n + BigInt(Math.floor(r() * 1000000));
  }
  const spans = exporter.getFinishedSpans();
  return {
    spans,
    perInvocation,
    proto: ProtobufTraceSerializer.serializeRequest(spans),
    json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)).toString('utf8'),
  };
}

class CollectReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/** Metrics from the real SDK: sum, up-down sum, gauge, histogram, exponential histogram. */
async function lambdaMetrics({ seed = 7, resource = RESOURCE } = {}) {
  const r = rng(seed);
  const reader = new CollectReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
    views: [{ instrumentName: 'lambda.init.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('net_profiler_rust.runtime', '1.4.0');
  const invocations = meter.createCounter('lambda.invocations', { unit: '{invocation}', description: 'invocations handled' });
  const inflight = meter.createUpDownCounter('lambda.inflight');
  const memory = meter.createGauge('process.memory.usage', { unit: 'By' });
  const duration = meter.createHistogram('lambda.duration', { unit: 'ms', description: 'handler duration' });
  const init = meter.createHistogram('lambda.init.duration', { unit: 'ms' });
  for (let i = 0; i < 5; i++) {
    invocations.add(1, { 'faas.trigger': 'other' });
    inflight.add(i % 2 ? -1 : 1);
    memory.record(50_000_000 + Math.floor(r() * 1e6), { 'process.runtime.name': 'dotnet' });
    duration.record(10 + r() * 40, { 'faas.coldstart': i === 0 });
    init.record(100 + r() * 300);
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return {
    resourceMetrics,
    proto: ProtobufMetricsSerializer.serializeRequest(resourceMetrics),
    json: Buffer.from(JsonMetricsSerializer.serializeRequest(resourceMetrics)).toString('utf8'),
  };
}

/** Logs from the real SDK. */
async function lambdaLogs({ count = 3, startNs = 1795479225000000000n, traceId, spanId } = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes(RESOURCE), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('LambdaProfilerDemo.Function', '1.0.0');
  for (let i = 0; i < count; i++) {
    const ctx = traceId
      ? api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 })
      : api.ROOT_CONTEXT;
    logger.emit({
      severityNumber: i === 2 ? 17 : 9,
      severityText: i === 2 ? 'ERROR' : 'INFO',
      body: i === 1 ? { message: 'stored item', id: 'article-demo', left: 84 } : `invocation ${i} done`,
      attributes: { 'faas.invocation_id': `inv-${i}`, 'code.lineno': 42 + i },
      timestamp: hr(BigInt(startNs) + BigInt(i) * 1000000n),
      context: ctx,
    });
  }
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  return {
    records,
    proto: ProtobufLogsSerializer.serializeRequest(records),
    json: Buffer.from(JsonLogsSerializer.serializeRequest(records)).toString('utf8'),
  };
}

const METADATA = {
  profiler: 'net_profiler_rust',
  version: '1.4.0',
  runtime: 'dotnet10',
  arch: 'arm64',
  'faas.name': 'lambda-profiler-demo',
};

module.exports = {
  crc32c, header, frame, writeDump, droppedPayload, lambdaTraces, lambdaMetrics, lambdaLogs, rng, hex, METADATA, KIND, FUNCTION_ARN, RESOURCE,
};
