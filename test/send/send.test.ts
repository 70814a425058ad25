// `dump send` against real peers: into a receiver (HTTP protobuf and gRPC; spans,
// metric points and log records compared), re-batched under the cap, and through a
// fault proxy for every retry rule of the OTLP specification; the token never shows.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBuffer, metricPointsOf, logRecordsOf, spansOf } from '../../lib/dump';
import { startReceiver, Receiver } from '../../lib/receive';
import { otlpNative } from '../../lib/receive/native';
import { sendDump, resolveTarget } from '../../lib/send';
import { gen, FIXTURES } from '../dump/helpers';
import { needTool } from '../helpers/tools';
import { runCommand, runCommandAsync, tmpDir } from '../receive/helpers';
import { startFault } from './fault';

const FIXTURE = path.join(FIXTURES, 'lambda.nptb');
const TOKEN = 'dt0c01.SENDTEST.abcdefghijklmnopqrstuvwxyz0123456789';
let dir: string;
let r: Receiver;

beforeAll(async () => {
  dir = tmpDir('np-send-');
  r = await startReceiver({ out: path.join(dir, 'into.nptb'), http: '127.0.0.1:0', grpc: '127.0.0.1:0' });
});
afterAll(async () => {
  await r.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const byId = <T extends { spanId: string }>(a: T[]) => JSON.parse(JSON.stringify([...a].sort((x, y) => (x.spanId < y.spanId ? -1 : 1))));

/** Spans, points and records of the frames the receiver wrote for sequences `seqs`. */
async function received(seqs: number[]) {
  const bytes = fs.readFileSync(r.out);
  const frames = [gen.header()];
  const { framesOf } = await import('../../lib/dump');
  for await (const f of framesOf(bytes)) if (seqs.includes(Number(f.sequence))) frames.push(bytes.subarray(f.offset, f.offset + 32 + f.payloadLength + ((8 - ((32 + f.payloadLength) % 8)) % 8)));
  const dump = Buffer.concat(frames);
  return { spans: await all(spansOf(dump)), points: await all(metricPointsOf(dump)), logs: await all(logRecordsOf(dump)) };
}

async function sendAndCompare(args: string[]) {
  const seqs: number[] = [];
  const on = (q: { sequence: number }) => seqs.push(q.sequence);
  r.on('request', on);
  const res = await runCommandAsync('dump-send', [FIXTURE, ...args, '--json']);
  r.off('request', on);
  expect(res.code).toBe(0);
  const doc = JSON.parse(res.stdout);
  const got = await received(seqs);
  const want = { spans: await all(spansOf(FIXTURE)), points: await all(metricPointsOf(FIXTURE)), logs: await all(logRecordsOf(FIXTURE)) };
  expect(byId(got.spans)).toEqual(byId(want.spans));
  expect(got.points).toEqual(want.points);
  expect(got.logs).toEqual(want.logs);
  return doc;
}

describe('dump send into receive', () => {
  it('over HTTP protobuf: every span, metric point and log record arrives as it was', async () => {
    const doc = await sendAndCompare(['--endpoint', `http://${r.http}`]);
    expect(doc).toMatchObject({ ok: true, requests: 3, accepted: { spans: 15, metricPoints: 6, logRecords: 3 }, rejected: { spans: 0, metricPoints: 0, logRecords: 0 }, retries: 0, errors: [] });
  });

  it('over gRPC', async () => {
    const doc = await sendAndCompare(['--endpoint', `http://${r.grpc}`, '--protocol', 'grpc']);
    expect(doc).toMatchObject({ ok: true, accepted: { spans: 15, metricPoints: 6, logRecords: 3 } });
  });

  it('re-batched under --max-request-bytes (counted before gzip), resource and scope kept with each batch; --dry-run sends nothing', async () => {
    const t = gen.lambdaTraces({ invocations: 40, seed: 3 });
    const big = path.join(dir, 'big.nptb');
    fs.writeFileSync(big, gen.writeDump([{ kind: 'metadata', payload: Buffer.from('{}') }, { kind: 'traces', payload: t.proto }, { kind: 'traces', payload: t.proto }]));
    const f = await startFault({ passTo: `http://${r.http}` });
    try {
      const dry = runCommand('dump-send', [big, '--endpoint', f.url, '--max-request-bytes', '2048', '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      const plan = JSON.parse(dry.stdout);
      expect(f.seen.length).toBe(0);
      expect(plan.batches.length).toBeGreaterThan(5);
      for (const b of plan.batches) expect(b.bytes).toBeLessThanOrEqual(2048);
      expect(plan.batches.reduce((n: number, b: { spans: number }) => n + b.spans, 0)).toBe(2 * t.spans.length);
      const res = await runCommandAsync('dump-send', [big, '--endpoint', f.url, '--max-request-bytes', '2048', '--concurrency', '4', '--json']);
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, requests: plan.batches.length, accepted: { spans: 2 * t.spans.length } });
      expect(f.seen.length).toBe(plan.batches.length);
      for (const s of f.seen) {
        expect(s.headers['content-encoding']).toBe('gzip');
        expect(s.body.length).toBeLessThanOrEqual(2048);
        const spans = decodeBuffer(s.body, { format: 'otlp-proto', signal: 'traces' }).spans;
        for (const sp of spans) expect(sp.resource['service.name']).toBe(t.spans[0].resource.attributes['service.name']);
      }
    } finally {
      await f.close();
    }
  });
});

describe('retries as the OTLP specification says', () => {
  const send = (url: string, extra: string[] = []) => runCommandAsync('dump-send', [FIXTURE, '--endpoint', url, '--concurrency', '1', '--json', ...extra]);

  it('503 with Retry-After is retried after the time it names', async () => {
    const f = await startFault({ script: [{ status: 503, headers: { 'Retry-After': '1' } }], passTo: `http://${r.http}` });
    const res = await send(f.url);
    await f.close();
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, requests: 3, retries: 1 });
    expect(f.seen[1]!.at - f.seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('429, 502 and 504 are retried with backoff; a dropped connection too', async () => {
    const f = await startFault({ script: [{ status: 429 }, { status: 502 }, 'drop', { status: 504 }], passTo: `http://${r.http}` });
    const res = await send(f.url);
    await f.close();
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, requests: 3, retries: 4, errors: [] });
    // the waits double (with jitter between half and all of 1 s, 2 s, 4 s, 8 s)
    const gaps = f.seen.slice(1, 5).map((s, i) => s.at - f.seen[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(450);
    expect(gaps[1]).toBeGreaterThanOrEqual(950);
  }, 60_000);

  it('400 is never retried: exit 1 with the google.rpc.Status message', async () => {
    const status = otlpNative().otlpStatus(3, 'bad span', false);
    const f = await startFault({ otherwise: { status: 400, body: status } });
    const res = await send(f.url);
    await f.close();
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ ok: false, requests: 3, retries: 0, rejected: { spans: 15, metricPoints: 6, logRecords: 3 } });
    expect(doc.errors[0]).toEqual({ status: 400, message: 'HTTP 400: bad span' });
    expect(f.seen.length).toBe(3);
  });

  it('a retryable status after the last of 5 tries: exit 3', async () => {
    const f = await startFault({ otherwise: { status: 503, headers: { 'Retry-After': '0' } } });
    const res = await send(f.url);
    await f.close();
    expect(res.code).toBe(3);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ ok: false, requests: 3, retries: 12, unsent: { spans: 15 } });
    expect(doc.errors[0].message).toContain('after 5 tries');
    expect(f.seen.length).toBe(15);
  });

  it('partial_success rejections are reported: exit 1', async () => {
    const f = await startFault({ script: [{ status: 200, body: otlpNative().otlpResponse('traces', 2, 'spans too old', false) }], passTo: `http://${r.http}` });
    const res = await send(f.url);
    await f.close();
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ ok: false, accepted: { spans: 13 }, rejected: { spans: 2 } });
    expect(doc.errors).toEqual([{ status: 200, message: 'partial success: 2 spans rejected: spans too old' }]);
  });

  it('nothing listening: retried, then reported as not delivered', async () => {
    const f = await startFault();
    const url = f.url;
    await f.close();
    const res = await sendDump(FIXTURE, { endpoint: url, baseDelayMs: 10, concurrency: 1 });
    expect(res).toMatchObject({ ok: false, requests: 3, retries: 12, unsent: { spans: 15, metricPoints: 6, logRecords: 3 } });
    expect(res.errors[0]!.message).toMatch(/connection refused.*after 5 tries/);
  });
});

describe('retries over gRPC', () => {
  it('UNAVAILABLE is retried, INVALID_ARGUMENT is not', async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    const { rawMethod } = await import('../../lib/receive/grpc');
    const { GRPC_METHODS } = await import('../../lib/receive/otlp');
    const answers: number[] = [grpc.status.UNAVAILABLE, grpc.status.OK, grpc.status.INVALID_ARGUMENT];
    const got: number[] = [];
    const server = new grpc.Server();
    for (const m of Object.values(GRPC_METHODS))
      server.addService({ Export: rawMethod(m) } as never, {
        Export: (call: { request: Buffer }, cb: (e: unknown, v?: Buffer) => void) => {
          got.push(call.request.length);
          const code = answers.length ? answers.shift()! : grpc.status.OK;
          if (code === grpc.status.OK) cb(null, Buffer.alloc(0));
          else cb({ code, details: code === grpc.status.INVALID_ARGUMENT ? 'bad metric' : 'try later' });
        },
      });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    try {
      const res = await sendDump(FIXTURE, { endpoint: `http://127.0.0.1:${port}`, protocol: 'grpc', concurrency: 1, baseDelayMs: 10 });
      expect(got.length).toBe(4);
      expect(res).toMatchObject({ ok: false, requests: 3, retries: 1, accepted: { spans: 15, logRecords: 3 }, rejected: { metricPoints: 6 } });
      expect(res.errors).toEqual([{ status: null, grpcCode: grpc.status.INVALID_ARGUMENT, message: 'gRPC status 3: bad metric' }]);
    } finally {
      server.forceShutdown();
    }
  });
});

describe('tokens and settings', () => {
  it('the token appears in no output, even when the endpoint echoes it', async () => {
    const f = await startFault({ otherwise: { status: 401, headers: { 'content-type': 'text/plain' }, body: `invalid token ${TOKEN}` } });
    for (const extra of [['--json'], []]) {
      const res = await runCommandAsync('dump-send', [FIXTURE, '--endpoint', f.url, '--token', TOKEN, ...extra]);
      expect(res.code).toBe(1);
      expect(res.stdout + res.stderr).not.toContain(TOKEN);
      expect(res.stdout + res.stderr).toContain('dt0c01.SEND*');
    }
    expect(f.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await f.close();
  });

  it('settings-file mode: endpoint, headers and the token from the file and the environment', async () => {
    const f = await startFault({ passTo: `http://${r.http}` });
    const settings = path.join(dir, 'otlp.yaml');
    fs.writeFileSync(settings, `General:\n  Provider: otlp\nConnection:\n  EndpointUrl: ${f.url}\n  BearerToken: \${env:SEND_TOKEN}\n  Headers:\n    X-Team: blue\nMonitoring:\n  ServiceName: demo\n`);
    const res = await runCommandAsync('dump-send', [FIXTURE, '--settings', settings, '--json'], { SEND_TOKEN: TOKEN });
    await f.close();
    expect(res.code).toBe(0);
    expect(f.seen[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-team': 'blue' });
    const missing = runCommand('dump-send', [FIXTURE, '--settings', settings, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'env-missing', message: expect.stringContaining('SEND_TOKEN') });
  });

  it('Dynatrace: HTTP protobuf only, at most 8 MB, Api-Token, spans older than 60 minutes warned', async () => {
    const settings = path.join(dir, 'dt.yaml');
    const write = (url: string) =>
      fs.writeFileSync(settings, `General:\n  Provider: dynatrace\nConnection:\n  EndpointUrl: ${url}/api/v2/otlp\n  BearerToken: \${env:DT_TOKEN}\nMonitoring:\n  ServiceName: demo\n`);
    write('https://abc12345.live.dynatrace.com');
    const env = { DT_TOKEN: TOKEN };
    const grpc = runCommand('dump-send', [FIXTURE, '--settings', settings, '--protocol', 'grpc', '--json'], env);
    expect(grpc.code).toBe(2);
    expect(JSON.parse(grpc.stdout).error).toMatchObject({ code: 'bad-argument', argument: 'protocol' });
    const big = runCommand('dump-send', [FIXTURE, '--settings', settings, '--max-request-bytes', '9000000', '--json'], env);
    expect(big.code).toBe(2);
    expect(big.stdout).toContain('8000000');
    const t = await resolveTarget({ settings, env });
    expect(t.headers.Authorization).toBe(`Api-Token ${TOKEN}`);
    expect(t.protocol).toBe('http/protobuf');
    if (!needTool('openssl', 'the Dynatrace replay test serves HTTPS with a certificate made by openssl', ['version'])) return;
    const key = path.join(dir, 'k.pem');
    const cert = path.join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const f = await startFault({ tls: { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') }, otherwise: { status: 200 } });
    write(f.url);
    const res = await runCommandAsync('dump-send', [FIXTURE, '--settings', settings], { ...env, NODE_EXTRA_CA_CERTS: cert });
    await f.close();
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/15 spans ended more than 60 minutes ago: Dynatrace drops them/);
    expect(f.seen.map((s) => s.path).sort()).toEqual(['/api/v2/otlp/v1/logs', '/api/v2/otlp/v1/metrics', '/api/v2/otlp/v1/traces']);
    expect(f.seen[0]!.headers.authorization).toBe(`Api-Token ${TOKEN}`);
    expect(res.stdout + res.stderr).not.toContain(TOKEN);
  }, 60_000);
});
