// The classes of fault of docs/cli.md, tried on every command of each class (not only the
// one a report named): an output that cannot be created, an output path that is a
// folder, an endless input, a reader that closes the pipe early, a planted token.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, ROOT } from '../helpers/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-classes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const DUMP = path.join(ROOT, 'test/dump/fixtures/lambda.nptb');
const SEED = path.join(ROOT, 'test/settings/fixtures/seed.yaml');
const REL = path.join(ROOT, 'examples/release');
const awsEnv = { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' };
const run = (args: string[], env: Record<string, string> = {}) => cli(args, { cwd: tmp, timeout: 30_000, env: { ...awsEnv, ...env } });

function layerZip(): string {
  const out = path.join(tmp, 'built');
  if (!fs.existsSync(out)) expect(run(['layer', 'build', REL, '--arch', 'x64', '--out', out]).code).toBe(0);
  return path.join(out, fs.readdirSync(out).find((f) => f.endsWith('-x64.zip'))!);
}

function entries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('an output that cannot be created: exit 3 at once, an fs-* code naming it, nothing left', () => {
  const bad = '/proc/np-none/out';
  const cases: Array<[string, () => string[]]> = [
    ['layer build --out', () => ['layer', 'build', REL, '--arch', 'x64', '--out', bad, '--json']],
    ['layer unpack DIR', () => ['layer', 'unpack', layerZip(), bad, '--json']],
    ['dump convert -o', () => ['dump', 'convert', DUMP, '--to', 'chrome', '-o', `${bad}.json`, '--json']],
    ['dump report -o', () => ['dump', 'report', DUMP, '-o', `${bad}.html`, '--json']],
    ['receive --out', () => ['receive', '--out', `${bad}.nptb`, '--http', '127.0.0.1:0', '--no-grpc', '--duration', '1', '--json']],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const t0 = Date.now();
      const r = run(args());
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(r.code, r.stderr).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(false);
      expect(doc.error.code).toMatch(/^fs-/);
      expect(doc.error.message).toContain('/proc/np-none');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('an output path that is a folder: exit 3 with fs-eisdir (or the folder rule) naming it, nothing written', () => {
  const cases: Array<[string, (d: string) => string[]]> = [
    ['dump convert -o DIR', (d) => ['dump', 'convert', DUMP, '--to', 'otlp-json', '-o', d, '--json']],
    ['dump report -o DIR', (d) => ['dump', 'report', DUMP, '-o', d, '--json']],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const d = fs.mkdtempSync(path.join(tmp, 'dir-'));
      const r = run(args(d));
      expect(r.code, r.stderr + r.stdout).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.error.code).toMatch(/^fs-(eisdir|eexist)$/);
      expect(doc.error.message).toContain(d);
      expect(entries(d)).toEqual([]);
    });
  }
  it('settings init -o DIR and -o under /proc (no --json: the error on stderr)', () => {
    const d = fs.mkdtempSync(path.join(tmp, 'dir-'));
    for (const out of [d, '/proc/np-none/out.yaml']) {
      const r = run(['settings', 'init', '-o', out, '--force']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`error fs-[a-z]+: .*${out.replace(/[/.]/g, '\\$&')}`));
    }
    expect(entries(d)).toEqual([]);
  });

  it('receive --out DIR: refused like any existing dump (receive never overwrites), nothing written', () => {
    const d = fs.mkdtempSync(path.join(tmp, 'dir-'));
    const r = run(['receive', '--out', d, '--http', '127.0.0.1:0', '--no-grpc', '--duration', '1', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'out-exists', file: d });
    expect(entries(d)).toEqual([]);
  });

  it('layer build --out FILE says --out is a folder', () => {
    const f = path.join(tmp, 'a-file');
    fs.writeFileSync(f, 'x');
    const r = run(['layer', 'build', REL, '--arch', 'x64', '--out', f, '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('fs-enotdir');
    expect(doc.error.fix).toContain('--out is a folder');
  });
});

describe('an endless input (/dev/zero): exit 1 at once naming the file', () => {
  const z = '/dev/zero';
  const cases: Array<[string, () => string[], RegExp]> = [
    ['settings check', () => ['settings', 'check', z, '--json'], /input-too-large/],
    ['settings show', () => ['settings', 'show', z, '--json'], /input-too-large/],
    ['settings set', () => ['settings', 'set', z, 'General.Enabled=true', '--json'], /input-too-large/],
    ['settings show --dotenv', () => ['settings', 'show', path.join(REL, 'settings/lambda/settings.yaml'), '--dotenv', z, '--json'], /input-too-large/],
    ['settings ping', () => ['settings', 'ping', z, '--json'], /input-too-large/],
    ['layer inspect', () => ['layer', 'inspect', z, '--json'], /input-too-large|not-a-zip|no-end-of-central-directory|bad-zip|eocd/],
    ['layer unpack', () => ['layer', 'unpack', z, path.join(tmp, 'unz'), '--json'], /input-too-large|not-a-zip|no-end-of-central-directory|bad-zip|eocd/],
    ['layer build --settings', () => ['layer', 'build', REL, '--arch', 'x64', '--settings', z, '--out', path.join(tmp, 'lb'), '--json'], /input-too-large/],
    ['lambda publish', () => ['lambda', 'publish', z, '--layer-name', 'x', '--json'], /input-too-large|not-a-zip|no-end-of-central-directory|bad-zip|eocd/],
    ['dump summary', () => ['dump', 'summary', z, '--json'], /unknown-format|bad-magic/],
    ['dump spans', () => ['dump', 'spans', z, '--json'], /unknown-format|bad-magic/],
    ['dump check-lambda', () => ['dump', 'check-lambda', z, '--json'], /unknown-format|bad-magic/],
    ['dump report', () => ['dump', 'report', z, '-o', path.join(tmp, 'z.html'), '--json'], /unknown-format|bad-magic/],
    ['dump send', () => ['dump', 'send', z, '--endpoint', 'http://127.0.0.1:9', '--json'], /unknown-format|bad-magic/],
  ];
  for (const [name, args, code] of cases) {
    it(name, () => {
      const t0 = Date.now();
      const r = run(args());
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(code);
      expect(r.stdout).toContain('/dev/zero');
    });
  }
});

describe('a reader that closes the pipe early: quiet, exit 0', () => {
  const big = path.join(tmp, 'big.jsonl');
  const line = fs.readFileSync(path.join(ROOT, 'test/dump/fixtures/lambda.jsonl'));
  const cases: Array<[string, string[]]> = [
    ['dump spans', ['dump', 'spans', big]],
    ['dump spans --jsonl', ['dump', 'spans', big, '--jsonl']],
    ['dump spans --json', ['dump', 'spans', big, '--json']],
    ['dump convert --to otlp-json', ['dump', 'convert', big, '--to', 'otlp-json']],
    ['dump convert --to chrome', ['dump', 'convert', big, '--to', 'chrome']],
    ['dump convert --to otlp-proto', ['dump', 'convert', big, '--to', 'otlp-proto']],
    ['settings init', ['settings', 'init']],
    ['--help', ['--help']],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      if (!fs.existsSync(big)) fs.writeFileSync(big, Buffer.concat(Array.from({ length: 400 }, () => line)));
      const quoted = args.map((a) => `'${a}'`).join(' ');
      const r = spawnSync('bash', ['-c', `node '${BIN}' ${quoted} | head -c 10 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr.trim()).toBe('exit=0');
    });
  }
});

describe('a planted token never reaches the output', () => {
  const token = 'dt0c01.PLANTEDTOKEN0123.SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSE';
  it('settings show, check, ping; dump send; receive', () => {
    const file = path.join(tmp, 'tok.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(SEED, 'utf8')
        .replace(/EndpointUrl: .*/, 'EndpointUrl: http://127.0.0.1:9/api/v2/otlp')
        .replace(/BearerToken: .*/, `BearerToken: ${token}`),
    );
    const outs = [
      run(['settings', 'show', file]),
      run(['settings', 'show', file, '--json']),
      run(['settings', 'check', file, '--json']),
      run(['settings', 'ping', file, '--json', '--timeout-ms', '2000']),
      run(['settings', 'ping', file, '--timeout-ms', '2000']),
      run(['dump', 'send', DUMP, '--endpoint', 'http://127.0.0.1:9', '--token', token, '--json']),
      run(['dump', 'send', DUMP, '--settings', file, '--json']),
      run(['receive', '--out', path.join(tmp, 'r.nptb'), '--http', '127.0.0.1:0', '--no-grpc', '--token', token, '--duration', '1', '--json']),
    ];
    for (const r of outs) {
      expect(r.stdout + r.stderr).not.toContain('PLANTEDTOKEN0123.SECRET');
      expect(r.stdout + r.stderr).not.toContain('SECRETSECRETSECRET');
    }
  });
});
