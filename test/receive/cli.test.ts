// `receive` as a process: flags, the ready file, --json figures, refusals, the live
// view on a pseudo-terminal, and crash safety: `kill -9` at random moments under load
// from several concurrent exporters, after which `dump summary --strict` fails only on
// a torn last frame and every answered request is in the dump.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spansOf } from '../../lib/dump';
import { cli } from '../helpers/cli';
import { needTool } from '../helpers/tools';
import { gen } from '../dump/helpers';
import { RUN, runCommand, startReceive, tmpDir } from './helpers';

/* eslint-disable @typescript-eslint/no-var-requires */
const TraceProto = require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter;
const TraceGrpc = require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter;
const TraceJson = require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter;

let dir: string;
beforeAll(() => {
  dir = tmpDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const proto = Buffer.from(gen.lambdaTraces({ invocations: 1 }).proto);
const postTo = (http: string) => fetch(`http://${http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: proto });

describe('receive command', () => {
  it('ready file, then on SIGTERM one --json document of what was written (--fsync, --token never printed)', async () => {
    const out = path.join(dir, 'term.nptb');
    const token = 'dt0c01.RECVTEST.abcdefghijklmnopqrstuvwxyz0123';
    const p = await startReceive(dir, ['--out', out, '--json', '--fsync', '--token', token]);
    const postTo = (http: string) => fetch(`http://${http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', Authorization: `Api-Token ${token}` }, body: proto });
    expect(p.ready).toEqual({ http: expect.stringMatching(/^127\.0\.0\.1:\d+$/), grpc: expect.stringMatching(/^127\.0\.0\.1:\d+$/), out, pid: p.proc.pid });
    expect((await postTo(p.ready.http)).status).toBe(200);
    expect((await postTo(p.ready.http)).status).toBe(200);
    expect((await fetch(`http://${p.ready.http}/v1/nope`, { method: 'POST' })).status).toBe(404);
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const doc = JSON.parse(p.stdout());
    expect(doc).toEqual({ out, requests: 2, rejected: 1, spans: 2 * 3, metricPoints: 0, logRecords: 0, bytes: fs.statSync(out).size });
    expect(p.stdout() + p.stderr() + fs.readFileSync(p.readyFile, 'utf8')).not.toContain(token);
  });

  it('--no-grpc leaves grpc out of the ready file; SIGINT stops too', async () => {
    const p = await startReceive(dir, ['--no-grpc', '--quiet', '--out', path.join(dir, 'nogrpc.nptb')]);
    expect(p.ready.grpc).toBeUndefined();
    p.proc.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toBe('');
  });

  it('--duration stops it; the default name is receive-<UTC time>.nptb in the current folder', () => {
    const cwd = tmpDir();
    const r = spawnSync(process.execPath, [RUN, 'receive', '--http', '127.0.0.1:0', '--no-grpc', '--duration', '1', '--json'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const files = fs.readdirSync(cwd);
    expect(files).toEqual([expect.stringMatching(/^receive-\d{8}T\d{6}Z\.nptb$/)]);
    expect(JSON.parse(r.stdout).out).toBe(path.join(cwd, files[0]!));
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses an existing --out (exit 1), a bad address or cap (exit 2), a busy port (exit 3)', async () => {
    const existing = path.join(dir, 'exists.nptb');
    fs.writeFileSync(existing, 'keep');
    const a = runCommand('receive', ['--out', existing, '--http', '127.0.0.1:0', '--no-grpc', '--json']);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).error).toMatchObject({ code: 'out-exists' });
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep');
    const b = runCommand('receive', ['--http', 'localhost', '--json']);
    expect(b.code).toBe(2);
    expect(JSON.parse(b.stdout).error).toMatchObject({ code: 'bad-argument', argument: 'http' });
    const c = runCommand('receive', ['--max-request-bytes', '0', '--out', path.join(dir, 'c.nptb')]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/max-request-bytes/);
    const p = await startReceive(dir, ['--no-grpc', '--quiet', '--out', path.join(dir, 'busy1.nptb')]);
    const busyOut = path.join(dir, 'busy2.nptb');
    const d = runCommand('receive', ['--http', p.ready.http, '--no-grpc', '--out', busyOut, '--json']);
    expect(d.code).toBe(3);
    expect(JSON.parse(d.stdout).error).toMatchObject({ code: 'listen-failed' });
    expect(fs.existsSync(busyOut)).toBe(false);
    p.proc.kill('SIGTERM');
    await p.exited;
  });

  it('--ui serves the live report of the dump being written; the ready file names it', async () => {
    const p = await startReceive(dir, ['--no-grpc', '--quiet', '--ui', '127.0.0.1:0', '--out', path.join(dir, 'ui.nptb')]);
    try {
      expect(p.ready.ui).toMatch(/^127\.0\.0\.1:\d+$/);
      const page = await fetch(`http://${p.ready.ui}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      const t = gen.lambdaTraces({ invocations: 1, seed: 77 });
      expect((await fetch(`http://${p.ready.http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: Buffer.from(t.proto) })).status).toBe(200);
      const name = t.spans[0].name as string;
      let data = '';
      for (let i = 0; i < 60 && !data.includes(name); i++) {
        await new Promise((r) => setTimeout(r, 100));
        data = await (await fetch(`http://${p.ready.ui}/data.json`)).text();
      }
      expect(data).toContain(name);
    } finally {
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
    const bad = runCommand('receive', ['--ui', '0.0.0.0:0', '--http', '127.0.0.1:0', '--no-grpc', '--out', path.join(dir, 'ui-bad.nptb'), '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'bad-argument', argument: 'ui' });
    expect(fs.existsSync(path.join(dir, 'ui-bad.nptb'))).toBe(false);
  });

  const haveScript = needTool('script', 'the live view is tested on a pseudo-terminal (util-linux script)', ['-V']);
  it.skipIf(!haveScript)('on a terminal: one line per finished invocation with its check-lambda problems', async () => {
    const ready = path.join(dir, 'tty-ready.json');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, RUN, 'receive', '--http', '127.0.0.1:0', '--no-grpc', '--out', path.join(dir, 'tty.nptb'), '--ready-file', ready, '--duration', '3'].map(q).join(' ');
    const { spawn } = await import('child_process');
    const proc = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    proc.stdout.on('data', (d) => (screen += d));
    const closed = new Promise((r) => proc.on('close', r));
    const t0 = Date.now();
    while (!fs.existsSync(ready) && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 25));
    const http = JSON.parse(fs.readFileSync(ready, 'utf8')).http;
    const t = gen.lambdaTraces({ invocations: 2, omit: ['faas.invocation_id'] });
    expect((await fetch(`http://${http}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: Buffer.from(t.proto) })).status).toBe(200);
    await closed;
    const lines = screen.split(/\r?\n/).filter((l) => /child span/.test(l));
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l).toMatch(/^\d\d:\d\d:\d\d\.\d{3}  \S+  \S.*  \d+\.\d ms  2 child spans  (unset|ok|error)  missing-attribute faas\.invocation_id/);
  }, 30_000);
});

describe('start-up', () => {
  function loaded(args: string[], cwd: string): string[] {
    const out = path.join(cwd, `loaded-${Date.now()}.txt`);
    const r = spawnSync(process.execPath, ['-r', path.join(__dirname, '../helpers/loaded-modules.js'), RUN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NP_LOADED_OUT: out } });
    expect(r.status).toBe(0);
    return fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
  }
  const grpc = (m: string) => m.includes(`${path.sep}@grpc${path.sep}`);
  it('@grpc/grpc-js loads only when gRPC is on; --help of dump send and settings ping loads no client', () => {
    expect(loaded(['receive', '--http', '127.0.0.1:0', '--no-grpc', '--duration', '1', '--quiet', '--out', path.join(dir, 'startup.nptb')], dir).filter(grpc)).toEqual([]);
    expect(loaded(['receive', '--http', '127.0.0.1:0', '--grpc', '127.0.0.1:0', '--duration', '1', '--quiet', '--out', path.join(dir, 'startup2.nptb')], dir).filter(grpc).length).toBeGreaterThan(0);
    for (const which of ['dump-send', 'settings-ping']) {
      // (the groups themselves are loaded by run-command.js to see whether they list the command)
      const mods = loaded([which, '--help'], dir);
      expect(mods.filter((m) => grpc(m) || /[\\/]dist[\\/](send|receive)[\\/]/.test(m))).toEqual([]);
    }
  });
});

describe('crash safety', () => {
  it('kill -9 at random moments under concurrent exporters: every answered request is in the dump, at most the last frame torn', async () => {
    for (let round = 0; round < 3; round++) {
      const out = path.join(dir, `crash-${round}.nptb`);
      const p = await startReceive(dir, ['--out', out, '--quiet']);
      const answered = new Set<string>();
      let stop = false;
      let seed = 1000 * (round + 1);
      const exporters = [
        () => new TraceProto({ url: `http://${p.ready.http}/v1/traces`, timeoutMillis: 2000 }),
        () => new TraceProto({ url: `http://${p.ready.http}/v1/traces`, compression: 'gzip', timeoutMillis: 2000 }),
        () => new TraceJson({ url: `http://${p.ready.http}/v1/traces`, timeoutMillis: 2000 }),
        () => new TraceGrpc({ url: `http://${p.ready.grpc}`, timeoutMillis: 2000 }),
      ];
      const loops = exporters.map(async (make) => {
        const e = make();
        while (!stop) {
          const t = gen.lambdaTraces({ invocations: 2, seed: seed++ });
          const ok = await new Promise<boolean>((resolve) => e.export(t.spans, (r: { code: number }) => resolve(r.code === 0)));
          if (ok) for (const s of t.spans) answered.add(s.spanContext().spanId);
          else break;
        }
        await e.shutdown().catch(() => undefined);
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
      p.proc.kill('SIGKILL');
      await p.exited;
      stop = true;
      await Promise.all(loops);
      expect(answered.size).toBeGreaterThan(0);
      const strict = cli(['dump', 'summary', out, '--strict', '--json']);
      if (strict.code !== 0) {
        expect(strict.code).toBe(1);
        expect(JSON.parse(strict.stdout).error.code).toBe('truncated');
      }
      const lenient = JSON.parse(cli(['dump', 'summary', out, '--json']).stdout);
      expect(lenient.diagnostics.filter((d: { code: string }) => d.code !== 'truncated')).toEqual([]);
      const inDump = new Set<string>();
      for await (const s of spansOf(out)) inDump.add(s.spanId);
      for (const id of answered) expect(inDump.has(id)).toBe(true);
    }
  }, 120_000);
});
