// The dump reader on real OpenTelemetry SDK data: field-by-field round trips, every
// input format, every damage of docs/dump.md, streaming and ring snapshots.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Readable } from 'stream';
import {
  checkLambda, convert, decodeBuffer, framesOf, logRecordsOf, metricPointsOf, spanBatchesOf, spansOf, summarize,
  type Diagnostic, type Span,
} from '../../lib/dump';
import { ringSpool } from '../../lib/dump/reader';
import { NetProfilerError } from '../../lib/errors';
import { expectedSpan, FIXTURES, gen, otlpJsonOf, pbRoot } from './helpers';

// Spans are lazy objects (prototype getters): compare their plain form (`toJSON`, what
// JSON.stringify writes; it reads every getter). Other items are plain already.
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(plain(x));
  return out;
}

function plain<T>(x: T): T {
  const j = (x as { toJSON?: () => T }).toJSON;
  return typeof j === 'function' ? j.call(x) : x;
}

function tmp(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'np-dump-'));
  return path.join(d, name);
}

describe('spans decoded equal what the SDK encoded, field by field', () => {
  it('Lambda traces with every attribute type, events, links and status', async () => {
    const t = gen.lambdaTraces({ invocations: 3, seed: 5, extras: true });
    const dump = gen.writeDump([{ kind: 'traces', payload: t.proto }]);
    const spans = await all(spansOf(dump));
    expect(spans).toHaveLength(t.spans.length);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      const got = byId.get(s.spanContext().spanId);
      expect(got).toMatchObject(expectedSpan(s));
      expect(got!.flags & 0xff).toBe(s.spanContext().traceFlags);
      // OTLP span flags: the low byte is the W3C trace flags, 0x100 says is_remote is known
      got!.links.forEach((l, i) => expect(l.flags & 0xff).toBe(s.links[i].context.traceFlags));
    }
    const extra = spans.find((s) => s.attributes['test.int'] !== undefined)!;
    expect(extra.attributes['test.int']).toBe(9007199254740991);
    expect(extra.attributes['test.unicode']).toBe('grüße ☃ 😀');
    expect(extra.attributes['test.doubles']).toEqual([1.5, -2.25]);
    expect(extra.status.code).toBe(2);
    expect(extra.events[0]!.attributes).toEqual({ attempt: 2, reason: 'ProvisionedThroughputExceeded' });
    expect(extra.links[0]!.traceId).toBe('a'.repeat(32));
  });

  it('int64 beyond 2^53, doubles NaN/Infinity, bytes, nested arrays and key-value lists (protobufjs-encoded)', async () => {
    const T = pbRoot.collector.trace.v1.ExportTraceServiceRequest;
    const Long = require('long');
    const msg = T.fromObject({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{
          scope: { name: 's', version: '1' },
          spans: [{
            traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'x', kind: 2,
            startTimeUnixNano: Long.fromString('1795479225261000001', true), endTimeUnixNano: Long.fromString('18446744073709551615', true),
            attributes: [
              { key: 'big', value: { intValue: Long.fromString('-9223372036854775808') } },
              { key: 'nan', value: { doubleValue: NaN } },
              { key: 'inf', value: { doubleValue: -Infinity } },
              { key: 'bytes', value: { bytesValue: Buffer.from([0, 255, 1]) } },
              { key: 'empty', value: {} },
              { key: 'list', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { boolValue: true }] } } }] } } },
            ],
          }],
        }],
      }],
    });
    const bytes = T.encode(msg).finish();
    const [s] = await all(spansOf(Buffer.from(bytes), { format: 'otlp-proto', signal: 'traces' }));
    expect(s!.startTimeUnixNano).toBe('1795479225261000001');
    expect(s!.endTimeUnixNano).toBe('18446744073709551615');
    expect(s!.attributes).toEqual({ big: '-9223372036854775808', nan: 'NaN', inf: '-Infinity', bytes: 'AP8B', empty: null, list: { a: [1, true] } });
    expect(s!.kind).toBe(2);
  });
});

describe('the other inputs decode to the same data', () => {
  it('OTLP/JSON lines, Collector proto, raw request, gzip — all equal the .nptb', async () => {
    const base = await all(spansOf(path.join(FIXTURES, 'lambda.nptb')));
    expect(base).toHaveLength(15);
    expect(await all(spansOf(path.join(FIXTURES, 'lambda.jsonl')))).toEqual(base);
    expect(await all(spansOf(path.join(FIXTURES, 'lambda.collector.pb')))).toEqual(base);
    expect(await all(spansOf(path.join(FIXTURES, 'lambda.nptb.gz')))).toEqual(base);
    const raw = await all(spansOf(path.join(FIXTURES, 'lambda.traces.pb')));
    expect(raw).toHaveLength(9); // the fixture's raw request: the first three invocations
    expect(raw).toEqual(base.slice(0, 9));
    const gzJsonl = zlib.gzipSync(fs.readFileSync(path.join(FIXTURES, 'lambda.jsonl')));
    expect(await all(spansOf(Readable.from([gzJsonl.subarray(0, 1), gzJsonl.subarray(1)])))).toEqual(base);
    expect((await summarize(path.join(FIXTURES, 'lambda.jsonl'))).format).toBe('otlp-jsonl');
  });

  it('names the signal of a raw request when it is ambiguous', async () => {
    // an empty request is valid for every signal and qualifies for none
    const err = await summarize(Buffer.from([0x0a, 0x00])).catch((e) => e);
    expect(err).toBeInstanceOf(NetProfilerError);
    expect(err.code).toBe('signal-unknown');
    expect(err.kind).toBe('usage');
    const m = await gen.lambdaMetrics();
    expect((await summarize(Buffer.from(m.proto))).metricPoints).toBe(6);
  });
});

describe('metrics and logs', () => {
  it('every data point kind; OTLP/JSON output equals an independent decoder, exactly', async () => {
    const m = await gen.lambdaMetrics({ seed: 3 });
    const dump = gen.writeDump([{ kind: 'metrics', payload: m.proto, gzip: true }]);
    const points = await all(metricPointsOf(dump));
    const types = new Set(points.map((p) => p.type));
    expect(types).toEqual(new Set(['sum', 'gauge', 'histogram', 'exponentialHistogram']));
    const sdkCount = m.resourceMetrics.scopeMetrics.flatMap((s: any) => s.metrics).reduce((n: number, x: any) => n + x.dataPoints.length, 0);
    expect(points).toHaveLength(sdkCount);
    const hist = points.filter((p) => p.name === 'lambda.duration');
    expect(hist.reduce((n, p) => n + Number(p.count), 0)).toBe(5);
    expect(hist.map((p) => p.attributes!['faas.coldstart']).sort()).toEqual([false, true]);
    const out = tmp('m.jsonl');
    await convert(dump, out, { to: 'otlp-json' });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(otlpJsonOf('metrics', m.proto));
  });

  it('summary points (encoded with protobufjs)', async () => {
    const M = pbRoot.collector.metrics.v1.ExportMetricsServiceRequest;
    const bytes = M.encode(M.fromObject({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'gc.pause', summary: { dataPoints: [{ timeUnixNano: 5, count: 3, sum: 1.5, quantileValues: [{ quantile: 0.5, value: 0.4 }, { quantile: 1, value: 0.9 }] }] } }] }] }],
    })).finish();
    const [p] = await all(metricPointsOf(Buffer.from(bytes), { signal: 'metrics' }));
    expect(p).toMatchObject({ name: 'gc.pause', type: 'summary', count: '3', sum: 1.5, quantileValues: [{ quantile: 0.5, value: 0.4 }, { quantile: 1, value: 0.9 }] });
  });

  it('log records equal the SDK records', async () => {
    const l = await gen.lambdaLogs({ traceId: '1'.repeat(32), spanId: '2'.repeat(16) });
    const logs = await all(logRecordsOf(gen.writeDump([{ kind: 'logs', payload: l.proto }])));
    expect(logs).toHaveLength(3);
    expect(logs[1]!.body).toEqual({ message: 'stored item', id: 'article-demo', left: 84 });
    expect(logs[2]).toMatchObject({ severityNumber: 17, severityText: 'ERROR', traceId: '1'.repeat(32), spanId: '2'.repeat(16), attributes: { 'faas.invocation_id': 'inv-2', 'code.lineno': 44 } });
    expect(logs[0]!.timeUnixNano).toBe('1795479225000000000');
  });
});

describe('converters', () => {
  it('OTLP protobuf output decodes with protobufjs to the same as the SDK encoding', async () => {
    const t = gen.lambdaTraces({ invocations: 2, seed: 9, extras: true });
    const dump = gen.writeDump([{ kind: 'traces', payload: t.proto, gzip: true }]);
    const out = tmp('t.pb');
    await convert(dump, out, { to: 'otlp-proto' });
    const T = pbRoot.collector.trace.v1.ExportTraceServiceRequest;
    const opts = { longs: String, bytes: String, defaults: false };
    expect(T.toObject(T.decode(fs.readFileSync(out)), opts)).toEqual(T.toObject(T.decode(t.proto), opts));
  });

  it('OTLP/JSON output equals an independent decoder, exactly (traces and logs)', async () => {
    const t = gen.lambdaTraces({ invocations: 2, seed: 4, extras: true });
    const l = await gen.lambdaLogs();
    const out = tmp('x.jsonl');
    await convert(gen.writeDump([{ kind: 'traces', payload: t.proto }, { kind: 'logs', payload: l.proto }]), out, { to: 'otlp-json' });
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    // Span.flags and Link.flags (opentelemetry-proto 1.1) are newer than the generated
    // code of the independent decoder, which drops them: compare them with the SDK's own
    // trace flags (low byte) plus the "is_remote known" bit 0x100, then the rest exactly.
    const spanFlags = new Map<string, number>(t.spans.map((x: any) => [x.spanContext().spanId, x.spanContext().traceFlags | 0x100]));
    const linkFlags = new Map<string, number>(t.spans.flatMap((x: any) => x.links.map((l: any) => [l.context.spanId, l.context.traceFlags | 0x100])));
    for (const ss of lines[0].resourceSpans.flatMap((r: any) => r.scopeSpans)) {
      for (const sp of ss.spans) {
        expect(sp.flags).toBe(spanFlags.get(sp.spanId));
        delete sp.flags;
        for (const l of sp.links ?? []) {
          expect(l.flags).toBe(linkFlags.get(l.spanId));
          delete l.flags;
        }
      }
    }
    expect(lines[0]).toEqual(otlpJsonOf('traces', t.proto));
    expect(lines[1]).toEqual(otlpJsonOf('logs', l.proto));
    // int64 as strings (a JSON number would not equal), ids as hex
    const span0 = lines[0].resourceSpans[0].scopeSpans[0].spans[0];
    expect(typeof span0.startTimeUnixNano).toBe('string');
    expect(span0.traceId).toMatch(/^[0-9a-f]{32}$/);
    // and it reads back as OTLP/JSON lines to the same spans
    expect(await all(spansOf(out))).toEqual(await all(spansOf(gen.writeDump([{ kind: 'traces', payload: t.proto }]))));
  });

  it('Chrome trace events: one complete event per span, a process per service, a thread per trace', async () => {
    const out = tmp('c.json');
    const r = await convert(path.join(FIXTURES, 'lambda.nptb'), out, { to: 'chrome' });
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    const complete = doc.traceEvents.filter((e: any) => e.ph === 'X');
    expect(complete).toHaveLength(15);
    expect(r.spans).toBe(15);
    const procs = doc.traceEvents.filter((e: any) => e.ph === 'M' && e.name === 'process_name');
    expect(procs.map((p: any) => p.args.name)).toEqual(['lambda-profiler-demo']);
    expect(new Set(complete.map((e: any) => e.tid)).size).toBe(5);
    const spans = await all(spansOf(path.join(FIXTURES, 'lambda.nptb')));
    const text = fs.readFileSync(out, 'utf8');
    const s0 = spans[0]!;
    const us = `${BigInt(s0.startTimeUnixNano) / 1000n}.${(BigInt(s0.startTimeUnixNano) % 1000n).toString().padStart(3, '0')}`;
    expect(text).toContain(`"ts":${us}`);
  });

  it('leaves nothing half-written when the input cannot be read', async () => {
    const out = tmp('never.json');
    await expect(convert(Buffer.from('garbage that is no dump'), out, { to: 'otlp-json' })).rejects.toMatchObject({ code: 'unknown-format' });
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  });
});

describe('damage: every rule of docs/dump.md', () => {
  const meta = { kind: 'metadata', payload: Buffer.from(JSON.stringify(gen.METADATA)) };
  const traces = (seed: number) => ({ kind: 'traces', payload: gen.lambdaTraces({ invocations: 1, seed }).proto });
  const codes = (d: Diagnostic[]) => d.map((x) => x.code);

  it('torn last write: truncated at the torn frame, earlier frames stand', async () => {
    const good = gen.writeDump([meta, traces(1), traces(2)]);
    const torn = good.subarray(0, good.length - 100);
    const s = await summarize(torn);
    expect(codes(s.diagnostics)).toEqual(['truncated']);
    expect(s.spans).toBe(3);
    const lastFrameStart = gen.writeDump([meta, traces(1)]).length;
    expect(s.diagnostics[0]!.offset).toBe(lastFrameStart);
  });

  it('payload CRC and header CRC failures, a lost frame, an unknown kind, a dropped frame', async () => {
    const s = await summarize(path.join(FIXTURES, 'damaged.nptb'));
    expect(codes(s.diagnostics)).toEqual(['corrupt-payload', 'corrupt-header', 'sequence-gap', 'sequence-gap', 'unknown-kind', 'malformed-payload', 'dropped', 'truncated']);
    expect(s.diagnostics[2]).toMatchObject({ code: 'sequence-gap', missing: 1 });
    expect(s.diagnostics[6]).toMatchObject({ code: 'dropped', spans: 5, metricPoints: 1, logRecords: 0 });
    expect(s.dropped).toEqual({ spans: 5, metricPoints: 1, logRecords: 0 });
    expect(s.spans).toBe(9);
  });

  it('a corrupt header scans forward on 8-byte boundaries to the next good frame', async () => {
    const parts = [gen.header(), gen.frame('traces', traces(1).payload, 0), gen.frame('traces', traces(2).payload, 1), gen.frame('traces', traces(3).payload, 2)];
    parts[2]![0] = 0x58; // sync broken
    const buf = Buffer.concat(parts);
    const s = await summarize(buf);
    expect(s.diagnostics.map((d) => [d.code, d.offset])).toEqual([['corrupt-header', 64 + parts[1]!.length], ['sequence-gap', 64 + parts[1]!.length + parts[2]!.length]]);
    expect(s.spans).toBe(6);
  });

  it('gzip failure and invalid protobuf are malformed payloads; the frame is skipped', async () => {
    // a frame flagged gzip whose payload is not gzip (header CRC made right again)
    const notGzip = gen.frame('traces', Buffer.from('this payload is not gzip at all'), 1);
    notGzip[5] = 1;
    notGzip.writeUInt32LE(gen.crc32c(notGzip.subarray(0, 24)), 24);
    const parts = [gen.header(), gen.frame('traces', Buffer.from([0xff, 0xff, 0xff]), 0), notGzip, gen.frame('traces', traces(1).payload, 2)];
    const s = await summarize(Buffer.concat(parts));
    expect(s.diagnostics.map((d) => [d.code, d.offset])).toEqual([['malformed-payload', 64], ['malformed-payload', 64 + parts[1]!.length]]);
    expect(s.diagnostics[1]!.message).toMatch(/does not inflate/);
    expect(s.spans).toBe(3);
    expect(s.frames).toBe(1);
  });

  it('a higher minor version with a larger header reads; a higher major is refused', async () => {
    const frames = [meta, traces(1)];
    const s = await summarize(gen.writeDump(frames, { minor: 7, headerSize: 136 }));
    expect(s.diagnostics).toEqual([]);
    expect(s.spans).toBe(3);
    await expect(summarize(gen.writeDump(frames, { major: 2 }))).rejects.toMatchObject({ code: 'unsupported-version', kind: 'refused' });
  });

  it('random bytes never crash: bad-magic, or diagnostics after a good header', async () => {
    let x = 12345;
    const rnd = Buffer.alloc(4096).map(() => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
    await expect(summarize(Buffer.concat([Buffer.from([0x89, 0x4e, 0x50, 0x54, 0x42, 0x0d, 0x0a, 0x1a]), rnd]))).rejects.toMatchObject({ code: 'unsupported-version' });
    const s = await summarize(Buffer.concat([gen.header(), rnd]));
    expect(s.spans).toBe(0);
    expect(s.diagnostics.length).toBeGreaterThan(0);
    await expect(summarize(rnd, { format: 'nptb' })).rejects.toMatchObject({ code: 'bad-magic' });
  });

  it('ring snapshot: frames ordered by sequence number, the torn frame at the wrap reported', async () => {
    const intact: number[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ring.intact.json'), 'utf8'));
    const frames = await all(framesOf(path.join(FIXTURES, 'ring.nptb')));
    expect(frames.map((f) => Number(f.sequence))).toEqual(intact);
    const s = await summarize(path.join(FIXTURES, 'ring.nptb'));
    expect(s.ring).toBe(true);
    expect(codes(s.diagnostics)).toContain('corrupt-payload');
    // spans in sequence order: start times grow with the frames
    const spans = await all(spansOf(path.join(FIXTURES, 'ring.nptb'), { withFrame: true }));
    expect(spans.map((x) => x.frame)).toEqual([...spans.map((x) => x.frame!)].sort((a, b) => a - b));
    // from a non-seekable stream too
    const viaStream = await all(spansOf(Readable.from([fs.readFileSync(path.join(FIXTURES, 'ring.nptb'))])));
    expect(viaStream).toEqual(spans.map(({ frame, ...rest }) => rest));
  });

  it('a ring snapshot from a stream beyond the memory limit is kept in a temporary file, removed after', async () => {
    const ringBytes = fs.readFileSync(path.join(FIXTURES, 'ring.nptb'));
    const expected = await all(spansOf(path.join(FIXTURES, 'ring.nptb')));
    const spoolDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('net-profiler-ring-'));
    const before = spoolDirs();
    const saved = ringSpool.limit;
    ringSpool.limit = 1024; // the fixture is larger: it goes to the temporary file
    try {
      const pieces = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 700) }, (_, i) => b.subarray(i * 700, (i + 1) * 700)));
      let sawSpool = false;
      const spans: unknown[] = [];
      for await (const batch of spanBatchesOf(pieces(ringBytes), { chunkSize: 4096 })) {
        // while the second pass runs, the snapshot is in a file, not in memory
        sawSpool ||= spoolDirs().length > before.length;
        spans.push(...batch);
      }
      expect(sawSpool).toBe(true);
      expect(JSON.parse(JSON.stringify(spans))).toEqual(JSON.parse(JSON.stringify(expected)));
      // gzip from a file: not seekable either
      const gz = tmp('ring.nptb.gz');
      fs.writeFileSync(gz, zlib.gzipSync(ringBytes));
      const s = await summarize(gz);
      expect(s).toMatchObject({ ring: true, gzip: true, spans: expected.length });
      // a consumer that stops early leaves nothing behind either
      for await (const batch of spanBatchesOf(pieces(ringBytes), { chunkSize: 4096 })) {
        if (batch.length) break;
      }
    } finally {
      ringSpool.limit = saved;
    }
    expect(spoolDirs()).toEqual(before);
  });

  it('strict mode throws the first diagnostic; dropped is not an error', async () => {
    await expect(summarize(path.join(FIXTURES, 'damaged.nptb'), { strict: true })).rejects.toMatchObject({ code: 'corrupt-payload' });
    const s = await summarize(path.join(FIXTURES, 'lambda.nptb'), { strict: true });
    expect(codes(s.diagnostics)).toEqual(['dropped']);
  });

  it('a metadata frame that is not JSON is malformed', async () => {
    const s = await summarize(gen.writeDump([{ kind: 'metadata', payload: Buffer.from('{nope') }, traces(1)]));
    expect(codes(s.diagnostics)).toEqual(['malformed-payload']);
    expect(s.metadata).toBeNull();
  });
});

describe('streaming', () => {
  it('small chunks give the same result as one buffer; backpressure between batches', async () => {
    const file = path.join(FIXTURES, 'lambda.nptb');
    const whole = await all(spansOf(file));
    expect(await all(spansOf(file, { chunkSize: 4096 }))).toEqual(whole);
    const progress: number[] = [];
    await summarize(file, { chunkSize: 4096, onProgress: (n) => progress.push(n) });
    expect(progress.at(-1)).toBe(fs.statSync(file).size);
    expect(decodeBuffer(fs.readFileSync(file)).spans).toEqual(whole);
  });

  it('filters one trace', async () => {
    const all1 = await all(spansOf(path.join(FIXTURES, 'lambda.nptb')));
    const id = all1[0]!.traceId;
    const one = await all(spansOf(path.join(FIXTURES, 'lambda.nptb'), { traceId: id }));
    expect(one.length).toBe(all1.filter((s) => s.traceId === id).length);
    expect(one.every((s) => s.traceId === id)).toBe(true);
  });

  it('summary of the fixture', async () => {
    const s = await summarize(path.join(FIXTURES, 'lambda.nptb'));
    expect(s).toMatchObject({ format: 'nptb', frames: 6, spans: 15, traces: 5, metricPoints: 6, logRecords: 3, firstSequence: 0, lastSequence: 5, services: ['lambda-profiler-demo'], metadata: gen.METADATA });
    expect(s.startTimeUnixNano).toBe('1795479225000000000');
  });

  it('a missing file is an outside error', async () => {
    await expect(summarize('/nonexistent/x.nptb')).rejects.toMatchObject({ code: 'fs-enoent', kind: 'outside' });
  });
});

describe('Lambda invocation shape', () => {
  it('SDK-made Lambda traces flushed one frame per invocation pass', async () => {
    const frames = [0, 1, 2, 3].map((i) => ({ kind: 'traces', payload: gen.lambdaTraces({ invocations: 1, seed: 40 + i, startNs: 1795479225000000000n + BigInt(i) * 1000000000n }).proto }));
    const r = await checkLambda(gen.writeDump(frames));
    expect(r).toMatchObject({ invocations: 4, ok: true, problems: [] });
  });

  it('several invocations batched into one frame were flushed late', async () => {
    const r = await checkLambda(path.join(FIXTURES, 'lambda.nptb'));
    expect(r.invocations).toBe(5);
    // frame 1 holds 3 invocations, frame 3 holds 2: each but the last of a frame is late
    expect(r.problems.map((p) => p.code)).toEqual(['late-flush', 'late-flush', 'late-flush']);
  });

  it('reports missing attributes, orphan client spans, late flushes and no invocation', async () => {
    const a = gen.lambdaTraces({ invocations: 1, seed: 31, omit: ['faas.invocation_id'] });
    const b = gen.lambdaTraces({ invocations: 1, seed: 32, startNs: 1795479300000000000n });
    // frame 0: A's client spans; frame 1: B's spans and A's server span (A flushed late)
    const T = pbRoot.collector.trace.v1.ExportTraceServiceRequest;
    const dec = (p: Uint8Array) => T.decode(p);
    const aReq = dec(a.proto);
    const aSpans = aReq.resourceSpans[0].scopeSpans.flatMap((s: any) => s.spans);
    const server = aSpans.find((s: any) => s.kind === 2);
    const clientsOnly = T.fromObject(T.toObject(aReq));
    for (const ss of clientsOnly.resourceSpans[0].scopeSpans) ss.spans = ss.spans.filter((s: any) => s.kind !== 2);
    const bReq = dec(b.proto);
    bReq.resourceSpans[0].scopeSpans[0].spans.push(server);
    const dump = gen.writeDump([{ kind: 'traces', payload: T.encode(clientsOnly).finish() }, { kind: 'traces', payload: T.encode(bReq).finish() }]);
    const r = await checkLambda(dump);
    expect(r.ok).toBe(false);
    expect(r.invocations).toBe(2);
    expect(r.problems.filter((p) => p.code === 'missing-attribute').map((p) => p.attribute)).toEqual(['faas.invocation_id']);
    expect(r.problems.filter((p) => p.code === 'late-flush').map((p) => p.traceId)).toEqual([a.perInvocation[0]!.traceId]);
    // orphans: drop B's server span
    const orphanReq = dec(b.proto);
    for (const ss of orphanReq.resourceSpans[0].scopeSpans) ss.spans = ss.spans.filter((s: any) => s.kind !== 2);
    const o = await checkLambda(gen.writeDump([{ kind: 'traces', payload: T.encode(orphanReq).finish() }]));
    expect(o.problems.map((p) => p.code).sort()).toEqual(['no-invocation', 'orphan-client-span', 'orphan-client-span']);
  });
});

describe('API misuse', () => {
  it('refuses bad options with usage errors', async () => {
    await expect(summarize(Buffer.alloc(8), { format: 'zip' as never })).rejects.toMatchObject({ code: 'bad-argument', kind: 'usage', argument: 'format' });
    await expect(summarize(Buffer.alloc(8), { signal: 'spans' as never })).rejects.toMatchObject({ code: 'bad-argument', argument: 'signal' });
    await expect(summarize(Buffer.alloc(8), { chunkSize: 10 })).rejects.toMatchObject({ code: 'bad-argument', argument: 'chunkSize' });
    expect(() => spansOf(Buffer.alloc(8), { traceId: 'xyz' })).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'traceId', message: expect.stringMatching(/32 hex digits/) }));
    expect(() => decodeBuffer('x' as never)).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'bytes' }));
    await expect(convert(Buffer.alloc(8), '/tmp/x', { to: 'xml' as never })).rejects.toMatchObject({ code: 'bad-argument', argument: 'to' });
    await expect(summarize(Buffer.alloc(0))).rejects.toMatchObject({ code: 'empty' });
  });
});

export type { Span };
