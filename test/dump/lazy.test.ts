// Spans from the column batches are lazy objects (prototype getters over the batch's
// columns). They must equal, field by field, the spans of the native reader's eager JSON
// path (decodeBuffer: SpanJson in native/dump/traces.cc, an independent writer), and
// behave like plain objects where users notice: JSON, assignment, caching, sharing.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { decodeBuffer, spanBatchesOf, spansOf, type Span } from '../../lib/dump';
import { FIXTURES, gen, pbRoot } from './helpers';

const KEYS: Array<keyof Span> = [
  'traceId', 'spanId', 'parentSpanId', 'traceState', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano',
  'attributes', 'droppedAttributesCount', 'status', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'resource', 'scope',
];

async function lazy(src: Uint8Array | string, opts: Parameters<typeof spanBatchesOf>[1] = {}): Promise<Span[]> {
  const out: Span[] = [];
  for await (const b of spanBatchesOf(src, opts)) out.push(...b);
  return out;
}

// Strings that are not ASCII travel in a side text: mix them with empty strings, repeated
// keys and ASCII in one batch (a wide string must never be taken for "" or another key).
function unicodeRequest(): Buffer {
  const T = pbRoot.collector.trace.v1.ExportTraceServiceRequest;
  const span = (i: number) => ({
    traceId: Buffer.alloc(16, 1 + i), spanId: Buffer.alloc(8, 2 + i), name: i % 2 ? 'naïve 😀' : 'plain', kind: 1 + (i % 5),
    startTimeUnixNano: 1795479225261000001 + i, endTimeUnixNano: 1795479225261000901 + i, traceState: i % 3 ? '' : 'k=v',
    attributes: [
      { key: 'ключ', value: { stringValue: '' } },
      { key: 'e', value: { stringValue: '' } },
      { key: 'ü', value: { stringValue: 'ü' } },
      { key: 'n', value: { intValue: i } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'ß' }, { boolValue: true }] } } },
    ],
    events: [{ name: 'évènement', timeUnixNano: 1795479225261000002, attributes: [{ key: 'ключ', value: { stringValue: '☃' } }] }],
    links: [{ traceId: Buffer.alloc(16, 9), spanId: Buffer.alloc(8, 8), traceState: 'x=ÿ', attributes: [] }],
    status: { code: 2, message: i % 2 ? 'échec' : '' },
  });
  const msg = T.fromObject({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'sérvice' } }] },
      scopeSpans: [{ scope: { name: 'scöpe', version: '1' }, spans: Array.from({ length: 40 }, (_, i) => span(i)) }],
    }],
  });
  return Buffer.from(T.encode(msg).finish());
}

// 48 SDK payloads with every attribute type: about 0.9 MiB, so one chunk of it fills
// several column batches (each is closed at about 32 KiB of text).
function manyPayloads(): Buffer {
  const frames = [];
  for (let i = 0; i < 48; i++) frames.push({ kind: 'traces', payload: gen.lambdaTraces({ invocations: 6, seed: 300 + i, extras: i % 3 === 0 }).proto });
  return gen.writeDump(frames);
}

describe('column batches', () => {
  it('one big chunk comes back as several batches, in file order, nothing lost', async () => {
    const bytes = manyPayloads();
    const sizes: number[] = [];
    for await (const b of spanBatchesOf(bytes, { chunkSize: 4 << 20 })) sizes.push(b.length);
    expect(sizes.length).toBeGreaterThan(3);
    const eager = decodeBuffer(bytes).spans;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(eager.length);
    const lazySpans = await lazy(bytes, { chunkSize: 4 << 20 });
    expect(lazySpans.map((s) => s.spanId)).toEqual(eager.map((s) => s.spanId));
  });
});

describe('lazy spans equal the eager spans field by field', () => {
  const cases: Array<[string, () => Buffer, Parameters<typeof spanBatchesOf>[1]]> = [
    ['the Lambda fixture', () => fs.readFileSync(path.join(FIXTURES, 'lambda.nptb')), {}],
    ['the ring fixture', () => fs.readFileSync(path.join(FIXTURES, 'ring.nptb')), {}],
    ['SDK traces with every attribute type (unicode, events, links)', () => gen.writeDump([{ kind: 'traces', payload: gen.lambdaTraces({ invocations: 3, seed: 7, extras: true }).proto }]), {}],
    ['strings that are not ASCII next to empty strings', () => unicodeRequest(), { format: 'otlp-proto', signal: 'traces' }],
    ['a chunk that fills several column batches (many payloads)', () => manyPayloads(), {}],
  ];
  for (const [name, make, opts] of cases) {
    it(name, async () => {
      const bytes = make();
      const eager = decodeBuffer(bytes, opts).spans;
      for (const chunkSize of [4096, 1 << 20]) {
        const got = await lazy(bytes, { ...opts, chunkSize });
        expect(got.length).toBe(eager.length);
        expect(got.length).toBeGreaterThan(0);
        got.forEach((s, i) => {
          for (const k of KEYS) expect(s[k], `${name} span ${i} ${k}`).toEqual(eager[i]![k]);
          expect(s.frame).toBeUndefined();
          expect(JSON.stringify(s)).toBe(JSON.stringify(eager[i]));
          expect(Object.keys((s as unknown as { toJSON(): Span }).toJSON())).toEqual(Object.keys(eager[i]!));
        });
      }
    });
  }

  it('withFrame adds the frame, in toJSON too', async () => {
    const file = path.join(FIXTURES, 'lambda.nptb');
    const spans = await lazy(file, { withFrame: true });
    const eager = decodeBuffer(fs.readFileSync(file)).spans;
    expect(spans.length).toBe(eager.length);
    for (const s of spans) {
      expect(typeof s.frame).toBe('number');
      expect((JSON.parse(JSON.stringify(s)) as Span).frame).toBe(s.frame);
    }
    expect(new Set(spans.map((s) => s.frame)).size).toBeGreaterThan(1);
  });
});

describe('lazy spans behave like plain objects', () => {
  it('fields built on first access are cached; resource and scope are shared in a batch', async () => {
    const [batch] = await (async () => {
      const out: Span[][] = [];
      for await (const b of spanBatchesOf(path.join(FIXTURES, 'lambda.nptb'))) out.push(b);
      return out;
    })();
    const [a, b] = batch!;
    expect(a!.attributes).toBe(a!.attributes);
    expect(a!.status).toBe(a!.status);
    expect(a!.events).toBe(a!.events);
    expect(a!.links).toBe(a!.links);
    expect(a!.resource).toBe(b!.resource);
    expect(a!.scope).toBe(b!.scope);
    expect(a!.resource['service.name']).toBeTypeOf('string');
  });

  it('assignment and mutation stick and show in JSON', async () => {
    const [s] = await lazy(path.join(FIXTURES, 'lambda.nptb'));
    s!.name = 'renamed';
    s!.attributes['added'] = 1;
    s!.status.message = 'changed';
    expect(s!.name).toBe('renamed');
    const j = JSON.parse(JSON.stringify(s)) as Span;
    expect(j.name).toBe('renamed');
    expect(j.attributes['added']).toBe(1);
    expect(j.status.message).toBe('changed');
    // the other spans of the batch are untouched
    const again = await lazy(path.join(FIXTURES, 'lambda.nptb'));
    expect(again[0]!.name).not.toBe('renamed');
  });

  it('spansOf yields the same spans as the batches', async () => {
    const file = path.join(FIXTURES, 'lambda.nptb');
    const one: string[] = [];
    for await (const s of spansOf(file)) one.push(JSON.stringify(s));
    expect(one).toEqual((await lazy(file)).map((s) => JSON.stringify(s)));
  });
});
