// Generated argument lists against the real command line (in process, bounded in time):
// whatever the arguments, a command ends with a documented exit code, no stack trace, no
// internal error, one JSON document with --json, and no hang.
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable, Writable } from 'stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main';
import { ROOT } from '../helpers/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-fuzz-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const paths = [
  path.join(ROOT, 'examples/release'),
  path.join(ROOT, 'test/dump/fixtures/lambda.nptb'),
  path.join(ROOT, 'test/dump/fixtures/damaged.nptb'),
  path.join(ROOT, 'test/settings/fixtures/seed.yaml'),
  path.join(ROOT, 'package.json'),
  '/dev/null',
  '/proc/x',
  path.join(tmp, 'missing', 'file'),
  tmp,
  path.join(tmp, 'out'),
  path.join(tmp, 'out.json'),
  '-',
];
const words = ['settings', 'layer', 'lambda', 'dump', 'check', 'show', 'set', 'init', 'build', 'rebuild', 'inspect', 'unpack', 'publish', 'instrument', 'uninstrument', 'status', 'summary', 'spans', 'convert', 'check-lambda', 'help'];
const flags = ['--json', '--jsonl', '--help', '-h', '--version', '--arch', '--runtime', '--out', '-o', '--level', '--format', '--signal', '--strict', '--to', '--trace', '--region', '--endpoint-url', '--layer-name', '--layer-arn', '--zip', '--dry-run', '--force', '--resolve', '--for-layer', '--provider', '--type', '--settings', '--bogus', '--', '-', '-x'];
const values = ['arm64', 'x64', 'dotnet8', 'dotnet10', 'dotnet6', '6', '-1', '99', 'otlp-json', 'chrome', 'otlp-proto', 'traces', 'logs', 'nptb', 'auto', 'otlp-jsonl', 'eu-central-1', 'mars-1', 'http://127.0.0.1:9', 'ftp://x', 'notaurl', 'arn:aws:lambda:eu-central-1:123456789012:layer:x:1', 'Connection.EndpointUrl=https://x.example/api/v2/otlp', 'Nope.Key=1', 'K=', '', ' ', '\u0000', '${env:X}', 'x'.repeat(300), '0123456789abcdef0123456789abcdef'];

const token = fc.oneof(fc.constantFrom(...words), fc.constantFrom(...flags), fc.constantFrom(...values), fc.constantFrom(...paths), fc.string({ maxLength: 12 }));
// Mostly well-formed command lines (a group, one of its commands, a path, then anything),
// some free-form ones.
const D = path.join(ROOT, 'test/dump/fixtures');
const templates: string[][] = [
  ['layer', 'build', path.join(ROOT, 'examples/release'), '--arch', 'x64', '--out', path.join(tmp, 'out')],
  ['layer', 'build', path.join(ROOT, 'examples/release'), '--arch', 'arm64', '--level', '0', '--json', '--out', path.join(tmp, 'o2')],
  ['layer', 'inspect', path.join(tmp, 'out', 'profiler-lambda-layer-1.4.0-linux-x64.zip')],
  ['layer', 'unpack', path.join(tmp, 'out', 'profiler-lambda-layer-1.4.0-linux-x64.zip'), path.join(tmp, 'unpacked')],
  ['dump', 'summary', path.join(D, 'lambda.nptb')],
  ['dump', 'summary', path.join(D, 'damaged.nptb'), '--json'],
  ['dump', 'spans', path.join(D, 'ring.nptb'), '--jsonl'],
  ['dump', 'convert', path.join(D, 'lambda.collector.pb'), '--to', 'chrome', '-o', path.join(tmp, 'c.json')],
  ['dump', 'check-lambda', path.join(D, 'lambda.jsonl'), '--json'],
  ['settings', 'check', path.join(ROOT, 'test/settings/fixtures/seed.yaml'), '--json'],
  ['settings', 'show', path.join(ROOT, 'test/settings/fixtures/spec-example.yaml')],
  ['settings', 'init', '--provider', 'dynatrace'],
  ['lambda', 'status', 'fn-1', '--json'],
];
// Mostly valid command lines, with a few tokens added, dropped or replaced.
const wellFormed = fc
  .tuple(fc.constantFrom(...templates), fc.array(fc.tuple(fc.nat(8), fc.constantFrom('add', 'drop', 'replace'), token), { maxLength: 3 }))
  .map(([t, edits]) => {
    const a = [...t];
    for (const [i, op, tok] of edits) {
      const at = 2 + (i % Math.max(1, a.length - 1));
      if (op === 'add') a.splice(at, 0, tok);
      else if (op === 'drop' && at < a.length) a.splice(at, 1);
      else if (at < a.length) a[at] = tok;
    }
    return a;
  });
const freeForm = fc.tuple(fc.constantFrom('settings', 'layer', 'lambda', 'dump', '--version', 'frobnicate'), fc.array(token, { maxLength: 8 })).map(([g, rest]) => [g, ...rest]);
const argv = fc.oneof({ arbitrary: wellFormed, weight: 3 }, { arbitrary: freeForm, weight: 1 });

function sink() {
  const chunks: string[] = [];
  const w = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { w, text: () => chunks.join('') };
}

const env = {
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
  HOME: tmp,
  TMPDIR: tmp,
};

describe('the command line under generated arguments', () => {
  it('always ends with a documented exit code, no stack trace, one JSON document with --json', async () => {
    const cwd = process.cwd();
    const seen = new Map<number, number>();
    process.chdir(tmp);
    try {
      await fc.assert(
        fc.asyncProperty(argv, async (args) => {
          const out = sink();
          const err = sink();
          let timer: NodeJS.Timeout | undefined;
          const code = await Promise.race([
            runCli(args, { stdout: out.w, stderr: err.w, stdin: Readable.from([]), env: { ...env } }),
            new Promise<number>((resolve) => {
              timer = setTimeout(() => resolve(-1), 20_000);
            }),
          ]);
          clearTimeout(timer);
          seen.set(code, (seen.get(code) ?? 0) + 1);
          const shown = JSON.stringify(args).slice(0, 300);
          expect(code, `hang: ${shown}`).not.toBe(-1);
          expect([0, 1, 2, 3], `exit ${code} for ${shown}: ${err.text().slice(0, 400)}`).toContain(code);
          expect(err.text(), shown).not.toMatch(/\n\s+at [^\n]+:\d+:\d+|internal error/);
          expect(out.text(), shown).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
          const end = args.indexOf('--');
          const options = end < 0 ? args : args.slice(0, end);
          const json = options.includes('--json') && !options.includes('--jsonl') && !options.includes('--help') && !options.includes('-h');
          // A failure with --json is exactly one JSON document on stdout.
          if (json && code !== 0) expect(() => JSON.parse(out.text()), `${shown}\n${out.text().slice(0, 300)}`).not.toThrow();
        }),
        { numRuns: Number(process.env.NP_CLI_FUZZ_RUNS ?? 400), interruptAfterTimeLimit: 90_000, seed: Number(process.env.NP_CLI_FUZZ_SEED ?? Date.now() % 1e9) },
      );
    } finally {
      process.chdir(cwd);
    }
    // The generator reaches past the argument parser: commands ran, succeeded and failed.
    // eslint-disable-next-line no-console
    console.log('exit codes seen:', Object.fromEntries(seen));
    for (const c of [0, 1, 2, 3]) expect(seen.get(c) ?? 0, `exit ${c} never seen`).toBeGreaterThan(0);
  }, 180_000);
});
