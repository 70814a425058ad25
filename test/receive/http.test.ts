// Every answer of the receiver over HTTP and gRPC, with Node's fetch and a raw
// grpc-js client: statuses, google.rpc.Status bodies, the size cap (a gzip bomb is
// refused without inflating it whole), a slow client, back-pressure, and thousands of
// random and truncated bodies after which the dump still reads back clean.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, Receiver } from '../../lib/receive';
import { summarize } from '../../lib/dump';
import { otlpNative } from '../../lib/receive/native';
import { gen } from '../dump/helpers';
import { tmpDir } from './helpers';

const TOKEN = 'dt0c01.ABCDEFGH.receivetesttoken0123456789';
let dir: string;
let r: Receiver;
let url: string;

beforeAll(async () => {
  dir = tmpDir();
  r = await startReceiver({ out: path.join(dir, 'http.nptb'), http: '127.0.0.1:0', grpc: '127.0.0.1:0', token: TOKEN, maxRequestBytes: 1 << 20, requestTimeoutMs: 1500 });
  url = `http://${r.http}`;
});
afterAll(async () => {
  await r.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${TOKEN}` };
const proto = Buffer.from(gen.lambdaTraces({ invocations: 2 }).proto);

async function post(pathname: string, body: Uint8Array | string, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(url + pathname, { method, headers: { 'Content-Type': 'application/x-protobuf', ...auth, ...headers }, ...(method === 'GET' ? {} : { body }) });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

function status(bytes: Buffer, json: boolean) {
  return otlpNative().otlpDecodeStatus(bytes, json);
}

describe('OTLP/HTTP answers', () => {
  it('200 with an empty ExportTraceServiceResponse, protobuf or JSON', async () => {
    const a = await post('/v1/traces', proto);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/x-protobuf');
    expect(a.bytes.length).toBe(0);
    const j = await post('/v1/traces', gen.lambdaTraces({ invocations: 1 }).json, { 'Content-Type': 'application/json; charset=utf-8' });
    expect(j.status).toBe(200);
    expect(j.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(j.bytes.toString())).toEqual({});
    const g = await post('/v1/traces', zlib.gzipSync(proto), { 'Content-Encoding': 'gzip' });
    expect(g.status).toBe(200);
  });

  it('Api-Token is accepted like Bearer; 401 for a wrong or missing token, naming both schemes', async () => {
    expect((await post('/v1/traces', proto, { Authorization: `Api-Token ${TOKEN}` })).status).toBe(200);
    for (const a of [`Bearer ${TOKEN}x`, 'Bearer', `Basic ${TOKEN}`]) {
      const res = await post('/v1/traces', proto, { Authorization: a });
      expect(res.status).toBe(401);
      expect(status(res.bytes, false)!.message).toMatch(/Bearer TOKEN.*Api-Token TOKEN/);
      expect(res.bytes.toString('latin1')).not.toContain(TOKEN);
    }
    const none = await fetch(url + '/v1/traces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(await none.text())).toMatchObject({ code: 16 });
  });

  it('404 for another path, 405 for another method', async () => {
    const nf = await post('/v1/spans', proto);
    expect(nf.status).toBe(404);
    expect(status(nf.bytes, false)!.message).toContain('/v1/traces, /v1/metrics or /v1/logs');
    const m = await post('/v1/traces', '', {}, 'GET');
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
  });

  it('415 for another content type (naming the two accepted) or content encoding', async () => {
    const t = await post('/v1/logs', '{}', { 'Content-Type': 'text/plain' });
    expect(t.status).toBe(415);
    expect(status(t.bytes, false)!.message).toMatch(/application\/x-protobuf or application\/json/);
    const e = await post('/v1/logs', proto, { 'Content-Encoding': 'br' });
    expect(e.status).toBe(415);
    expect(status(e.bytes, false)!.message).toContain('gzip');
  });

  it('400 with a google.rpc.Status in the request encoding for a body that does not decode', async () => {
    const p = await post('/v1/traces', Buffer.from([0x0a, 0x09, 0x01]));
    expect(p.status).toBe(400);
    expect(status(p.bytes, false)).toEqual({ code: 3, message: expect.stringContaining('ExportTraceServiceRequest') });
    const j = await post('/v1/metrics', '{"resourceMetrics": [', { 'Content-Type': 'application/json' });
    expect(j.status).toBe(400);
    expect(JSON.parse(j.bytes.toString())).toMatchObject({ code: 3, message: expect.stringContaining('not JSON') });
    const wrong = await post('/v1/metrics', gen.lambdaTraces({ invocations: 1 }).json, { 'Content-Type': 'application/json' });
    expect(JSON.parse(wrong.bytes.toString()).message).toContain('wrong path');
    const gz = await post('/v1/traces', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), { 'Content-Encoding': 'gzip' });
    expect(gz.status).toBe(400);
    expect(status(gz.bytes, false)!.message).toContain('gzip');
  });

  it('413 over the cap: by Content-Length, while streaming, and after gunzip (a gzip bomb)', async () => {
    const big = Buffer.alloc((1 << 20) + 1);
    expect((await post('/v1/traces', big)).status).toBe(413);
    // a gzip bomb: 64 MiB of zeros in about 64 KiB; refused after at most the cap of output
    const bomb = zlib.gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    expect(bomb.length).toBeLessThan(1 << 20);
    const before = process.memoryUsage().rss;
    const res = await post('/v1/traces', bomb, { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(status(res.bytes, false)!.message).toContain('after gunzip');
    expect(process.memoryUsage().rss - before).toBeLessThan(48 << 20);
    // streamed without a Content-Length (chunked)
    const chunked = await fetch(url + '/v1/traces', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', ...auth },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(100 << 10));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('a slow client gets 408 while others are served', async () => {
    const [host, port] = r.http!.split(':');
    const sock = net.connect(Number(port), host);
    let answer = '';
    sock.on('data', (d) => (answer += d));
    sock.write(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 1000\r\n\r\nabc`);
    expect((await post('/v1/traces', proto)).status).toBe(200);
    await new Promise<void>((resolve) => sock.on('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('503 with Retry-After: 1 when writes fall behind, instead of growing memory', async () => {
    const small = await startReceiver({ out: path.join(dir, 'busy.nptb'), http: '127.0.0.1:0', grpc: false, backlogBytes: 1000 });
    try {
      const [host, port] = small.http!.split(':');
      // a client holding 2000 body bytes in flight
      const sock = net.connect(Number(port), host);
      sock.write(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n` + 'x'.repeat(2000));
      await new Promise((res) => setTimeout(res, 200));
      const busy = await fetch(`http://${small.http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: proto });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      sock.destroy();
      await new Promise((res) => setTimeout(res, 100));
      const ok = await fetch(`http://${small.http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: proto });
      expect(ok.status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});

describe('OTLP/gRPC answers', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const call = (request: Buffer, token?: string, path = '/opentelemetry.proto.collector.trace.v1.TraceService/Export') =>
    new Promise<{ code: number; details: string }>((resolve) => {
      const client = new grpc.Client(r.grpc!, grpc.credentials.createInsecure());
      const md = new grpc.Metadata();
      if (token) md.set('authorization', token);
      const id = (b: Buffer) => b;
      client.makeUnaryRequest(path, id, id, request, md, (err) => {
        client.close();
        resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' });
      });
    });
  it('OK, INVALID_ARGUMENT for a bad message, UNAUTHENTICATED for a bad token, RESOURCE_EXHAUSTED over the cap', async () => {
    expect((await call(proto, `Bearer ${TOKEN}`)).code).toBe(0);
    const bad = await call(Buffer.from([0x0a, 0x09, 0x01]), `Bearer ${TOKEN}`);
    expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.details).toContain('ExportTraceServiceRequest');
    expect((await call(proto, 'Bearer nope')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await call(Buffer.alloc((1 << 20) + 10), `Bearer ${TOKEN}`)).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await call(proto, `Bearer ${TOKEN}`, '/opentelemetry.proto.collector.logs.v1.LogsService/Export')).code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe('hostile bodies', () => {
  it('thousands of random and truncated bodies never crash the receiver nor corrupt the dump', async () => {
    const good = [proto, Buffer.from(gen.lambdaTraces({ invocations: 1 }).json)];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const before = r.stats().requests;
    let accepted = 0;
    const one = async (i: number) => {
      const json = i % 2 === 1;
      const base = good[i % 2]!;
      let body: Buffer;
      const kind = i % 4;
      if (kind < 2) body = base.subarray(0, Math.floor(rand() * base.length));
      else {
        body = Buffer.from(base);
        for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
      }
      const gz = i % 5 === 0;
      const headers: Record<string, string> = { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
      if (gz) {
        headers['Content-Encoding'] = 'gzip';
        body = zlib.gzipSync(body);
        if (i % 10 === 0) body = body.subarray(0, Math.floor(rand() * body.length));
      }
      const res = await post(['/v1/traces', '/v1/metrics', '/v1/logs'][i % 3]!, body, headers);
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) accepted++;
    };
    for (let i = 0; i < 3000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => one(i + k)));
    expect(r.stats().requests - before).toBe(accepted);
    const s = await summarize(r.out, { strict: true });
    expect(s.diagnostics).toEqual([]);
    expect(s.frames).toBe(r.stats().requests + 1);
  }, 120_000);
});
