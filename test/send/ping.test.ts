// `settings ping` against a real receiver (token required) and the fault proxy:
// accepted, the token rejected, a wrong path, a failing backend, nothing listening, a
// settings file with errors; the token never printed.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, Receiver } from '../../lib/receive';
import { runCommand, runCommandAsync, tmpDir } from '../receive/helpers';
import { startFault } from './fault';

const TOKEN = 'dt0c01.PINGTEST.abcdefghijklmnopqrstuvwxyz0123456789';
let dir: string;
let r: Receiver;

beforeAll(async () => {
  dir = tmpDir('np-ping-');
  r = await startReceiver({ out: path.join(dir, 'ping.nptb'), http: '127.0.0.1:0', grpc: '127.0.0.1:0', token: TOKEN });
});
afterAll(async () => {
  await r.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function settings(name: string, url: string, extra = ''): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, `General:\n  Provider: otlp\nConnection:\n  EndpointUrl: ${url}\n  BearerToken: \${env:PING_TOKEN}\n${extra}Monitoring:\n  ServiceName: demo\n`);
  return f;
}

async function ping(file: string, token: string, args: string[] = []) {
  const dotenv = path.join(dir, `${path.basename(file)}.env`);
  fs.writeFileSync(dotenv, `PING_TOKEN=${token}\n`);
  const res = await runCommandAsync('settings-ping', [file, '--dotenv', dotenv, '--json', ...args]);
  expect(res.stdout + res.stderr).not.toContain(token);
  const human = await runCommandAsync('settings-ping', [file, '--dotenv', dotenv, ...args]);
  expect(human.code).toBe(res.code);
  expect(human.stdout + human.stderr).not.toContain(token);
  return { code: res.code, doc: JSON.parse(res.stdout), human: human.stdout };
}

describe('settings ping', () => {
  it('accepted: exit 0 with the endpoint, status and time; one empty valid request arrived', async () => {
    const before = r.stats().requests;
    const p = await ping(settings('ok.yaml', `http://${r.http}`), TOKEN);
    expect(p.code).toBe(0);
    expect(p.doc).toEqual({ ok: true, endpoint: `http://${r.http}/v1/traces`, status: 200, ms: expect.any(Number), message: expect.stringContaining('accepted') });
    expect(p.human).toMatch(/: ok \(HTTP 200, \d+ ms\)/);
    expect(r.stats().requests - before).toBe(2);
  });

  it('over gRPC when Connection.Type is grpc', async () => {
    const p = await ping(settings('grpc.yaml', `http://${r.grpc}`, '  Type: grpc\n'), TOKEN);
    expect(p.code).toBe(0);
    expect(p.doc).toMatchObject({ ok: true, status: null });
  });

  it('a rejected token: exit 1, "the token was rejected"', async () => {
    const p = await ping(settings('bad-token.yaml', `http://${r.http}`), 'dt0c01.WRONGTOK.abcdefghijklmnopqrstuvwxyz');
    expect(p.code).toBe(1);
    expect(p.doc).toMatchObject({ ok: false, status: 401, message: expect.stringContaining('the token was rejected') });
  });

  it('a wrong path: exit 1, "check the path"', async () => {
    const p = await ping(settings('path.yaml', `http://${r.http}/otlp`), TOKEN);
    expect(p.code).toBe(1);
    expect(p.doc).toMatchObject({ ok: false, status: 404, endpoint: `http://${r.http}/otlp/v1/traces`, message: expect.stringContaining('check the path') });
  });

  it('a failing backend (5xx) or nothing listening: exit 3', async () => {
    const f = await startFault({ otherwise: { status: 503 } });
    const p = await ping(settings('down.yaml', f.url), TOKEN);
    expect(p.code).toBe(3);
    expect(p.doc).toMatchObject({ ok: false, status: 503 });
    expect(f.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(f.seen[0]!.body.length).toBe(0);
    await f.close();
    const gone = await ping(settings('gone.yaml', f.url), TOKEN);
    expect(gone.code).toBe(3);
    expect(gone.doc).toMatchObject({ ok: false, status: null, message: expect.stringContaining('not reachable') });
  });

  it('times out after --timeout-ms: exit 3', async () => {
    const slow = await startFault({ otherwise: 'hang' });
    const t0 = Date.now();
    const p = await ping(settings('slow.yaml', slow.url), TOKEN, ['--timeout-ms', '300']);
    await slow.close();
    expect(p.code).toBe(3);
    expect(p.doc).toMatchObject({ ok: false, status: null, message: expect.stringContaining('no answer within 300 ms') });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a settings file with errors: exit 1 with its diagnostics, nothing sent', () => {
    const f = path.join(dir, 'broken.yaml');
    fs.writeFileSync(f, 'Connection:\n  EndpointUrl: not a url\n');
    const res = runCommand('settings-ping', [f, '--json']);
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ ok: false, endpoint: null, status: null });
    expect(doc.diagnostics.length).toBeGreaterThan(0);
  });
});
