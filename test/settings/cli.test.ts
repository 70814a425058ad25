// The `settings` commands through the real bin (run `npm run build` first).
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { INPUT_CAPS } from '../../lib/constants';
import { BIN, cli, ROOT } from '../helpers/cli';

const FIX = path.join(__dirname, 'fixtures');
const SEED = path.join(FIX, 'seed.yaml');
let dir: string;

beforeAll(() => {
  expect(fs.existsSync(path.join(ROOT, 'dist/cli/settings.js')), 'run `npm run build` first').toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-settings-cli-'));
});

describe('settings check', () => {
  it('prints FILE:LINE:COL: error CODE: message with the fix indented, exit 1', () => {
    const r = cli(['settings', 'check', SEED]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${SEED}:7:16: error placeholder: Connection.EndpointUrl still holds the placeholder \`https://<environment>/api/v2/otlp\` from the documentation`);
    expect(lines[1]).toMatch(/^ {4}fix: /);
    expect(lines[2]).toMatch(new RegExp(`^${SEED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:9:16: error placeholder: `));
    expect(lines).toHaveLength(4);
    expect(r.stderr).toContain('2 errors');
  });
  it('--json prints exactly the documented check document (docs/settings.md) and nothing else', () => {
    const r = cli(['settings', 'check', SEED, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { file: string; ok: boolean; diagnostics: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['file', 'ok', 'diagnostics']);
    expect(doc.file).toBe(SEED);
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics[0]).toMatchObject({ code: 'placeholder', severity: 'error', path: 'Connection.EndpointUrl', line: 7, column: 16 });
    expect(Object.keys(doc.diagnostics[0] as object)).toEqual(['code', 'severity', 'path', 'line', 'column', 'message', 'fix']);
    expect(r.stderr).toBe('');
  });
  it('exit 0 for a good file (warnings allowed); --runtime and --for-layer enable their checks', () => {
    const file = path.join(dir, 'lit.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(FIX, 'spec-example.yaml'), 'utf8').replace('${env:DT_API_TOKEN}', 'dt0c01.abc'));
    expect(cli(['settings', 'check', file]).code).toBe(0);
    const r = cli(['settings', 'check', file, '--runtime', 'dotnet8', '--runtime', 'dotnet10', '--for-layer', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; severity: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(['warning:literal-token-in-layer', 'warning:aws-instrumentation-dotnet8']);
    const human = cli(['settings', 'check', file, '--runtime', 'dotnet8,dotnet10', '--for-layer']);
    expect(human.stdout).toContain(`${file}:9:16: warning literal-token-in-layer:`);
  });
  it('usage errors exit 2 with the usage line; an unreadable file exits 3; never a stack trace', () => {
    const a = cli(['settings', 'check']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('usage: net-profiler settings check FILE');
    const b = cli(['settings', 'check', SEED, '--runtime', 'dotnet6']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--runtime does not accept "dotnet6" (accepted: dotnet8, dotnet10)');
    const c = cli(['settings', 'check', SEED, '--bogus']);
    expect(c.code).toBe(2);
    const d = cli(['settings', 'check', path.join(dir, 'missing.yaml')]);
    expect(d.code).toBe(3);
    expect(d.stderr).toContain('no such file');
    for (const x of [a, b, c, d]) expect(x.stderr).not.toMatch(/\n\s+at /);
  });
  it('--help on the group and the command, with an example', () => {
    const g = cli(['settings', '--help']);
    expect(g.stdout + g.stderr).toMatch(/check[\s\S]*show[\s\S]*set[\s\S]*init/);
    for (const c of ['check', 'show', 'set', 'init']) {
      const h = cli(['settings', c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain('example:');
    }
  });
});

describe('settings show', () => {
  it('--json prints the effective settings with defaults', () => {
    const r = cli(['settings', 'show', path.join(FIX, 'spec-example.yaml'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(s)).toEqual(['General', 'Connection', 'Monitoring']);
    expect(s.Connection).toMatchObject({ TimeoutMs: 10000, Headers: {}, BearerToken: '${env:DT_API_TOKEN}' });
    expect(s.Monitoring).toMatchObject({ Sampling: { Ratio: 1 } });
  });
  it('--resolve uses the environment; --dotenv uses the file; a missing variable exits 1 naming it', () => {
    const ex = path.join(FIX, 'spec-example.yaml');
    const r = cli(['settings', 'show', ex, '--resolve', '--json', '--show-secrets'], { env: { DT_API_TOKEN: 'dt0c01.fromenv' } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { Connection: { BearerToken: string } }).Connection.BearerToken).toBe('dt0c01.fromenv');
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, 'DT_API_TOKEN=dt0c01.fromfile\n');
    const f = cli(['settings', 'show', ex, '--dotenv', envFile, '--json', '--show-secrets'], { env: { DT_API_TOKEN: 'dt0c01.fromenv' } });
    expect(f.code).toBe(0);
    expect((JSON.parse(f.stdout) as { Connection: { BearerToken: string } }).Connection.BearerToken).toBe('dt0c01.fromfile');
    // Node 20 takes `--env-file` itself from any position: the CLI's flag is --dotenv only.
    const old = cli(['settings', 'show', ex, '--env-file', envFile]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('unknown flag "--env-file"');
    // an undefined value removes the variable from the child's environment
    const missing = cli(['settings', 'show', ex, '--resolve'], { env: { DT_API_TOKEN: undefined as unknown as string } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('DT_API_TOKEN');
  });
  it('a file with errors: exit 1 and the check document', () => {
    const r = cli(['settings', 'show', SEED, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, diagnostics: [{ line: 7 }, { line: 9 }] });
  });
  it('for people: aligned key, value and (default) marks', () => {
    const r = cli(['settings', 'show', path.join(FIX, 'spec-example.yaml')]);
    expect(r.stdout).toMatch(/^Connection\.TimeoutMs\s+10000\s+\(default\)$/m);
    expect(r.stdout).toMatch(/^General\.Provider\s+"dynatrace"$/m);
  });
});

describe('settings set', () => {
  it('edits in place keeping comments; refuses (exit 1, file untouched) when the result would not check', () => {
    const file = path.join(dir, 'set.yaml');
    const original = fs.readFileSync(SEED, 'utf8').replace('General:', '# my comment\nGeneral:');
    fs.writeFileSync(file, original);
    const refused = cli(['settings', 'set', file, 'Connection.EndpointUrl=https://abc12345.live.dynatrace.com/api/v2/otlp']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('error placeholder');
    expect(refused.stderr).toContain('nothing changed');
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    const ok = cli(['settings', 'set', file, 'Connection.EndpointUrl=https://abc12345.live.dynatrace.com/api/v2/otlp', 'Connection.BearerToken=${env:DT_API_TOKEN}', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(original.replace('https://<environment>/api/v2/otlp', 'https://abc12345.live.dynatrace.com/api/v2/otlp').replace('<token>', '${env:DT_API_TOKEN}'));
    expect(cli(['settings', 'check', file]).code).toBe(0);
  });
  it('a bad KEY=VALUE or an unknown key is a usage error (exit 2)', () => {
    const file = path.join(dir, 'set2.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(FIX, 'spec-example.yaml')));
    expect(cli(['settings', 'set', file, 'novalue']).code).toBe(2);
    const r = cli(['settings', 'set', file, 'Monitoring.Enabld=true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Monitoring.Enabled');
  });
});

describe('settings init', () => {
  it('prints a starting file; -o writes it and refuses to overwrite without --force', () => {
    const r = cli(['settings', 'init', '--provider', 'otlp', '--type', 'application']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Provider: otlp');
    const out = path.join(dir, 'init.yaml');
    expect(cli(['settings', 'init', '--provider', 'dynatrace', '-o', out]).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('Provider: dynatrace');
    const again = cli(['settings', 'init', '-o', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(cli(['settings', 'init', '-o', out, '--force']).code).toBe(0);
    const provider = cli(['settings', 'init', '--provider', 'nope']);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('unknown provider "nope" (accepted: dynatrace, otlp)');
    expect(provider.stderr).toContain('usage: net-profiler settings init');
    const type = cli(['settings', 'init', '--type', 'azurefunctions']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('not supported yet');
  });
});

describe('hardening of the settings commands', () => {
  it('every settings input has a cap enforced while reading: /dev/zero exits 1 at once, naming the file and the cap', () => {
    const ex = path.join(FIX, 'spec-example.yaml');
    const runs: [string[], string][] = [
      [['settings', 'check', '/dev/zero'], '/dev/zero'],
      [['settings', 'show', '/dev/zero'], '/dev/zero'],
      [['settings', 'set', '/dev/zero', 'Monitoring.ServiceName=x'], '/dev/zero'],
      [['settings', 'show', ex, '--dotenv', '/dev/zero'], '/dev/zero'],
    ];
    for (const [args, file] of runs) {
      const started = Date.now();
      const r = cli(args, { timeout: 20_000 });
      expect(r.code, args.join(' ')).toBe(1);
      expect(Date.now() - started, args.join(' ')).toBeLessThan(15_000);
      expect(r.stderr, args.join(' ')).toContain(`${file}: error input-too-large`);
      const cap = args.includes('--dotenv') ? INPUT_CAPS.dotenvBytes : INPUT_CAPS.settingsBytes;
      expect(r.stderr, args.join(' ')).toContain(`larger than ${cap} bytes`);
      const j = cli([...args, '--json'], { timeout: 20_000 });
      expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'input-too-large', file } });
    }
  });

  it('settings set on a symbolic link edits the target and keeps the link', () => {
    const target = path.join(dir, 'target.yaml');
    const link = path.join(dir, 'link.yaml');
    const text = fs.readFileSync(path.join(FIX, 'spec-example.yaml'), 'utf8');
    fs.writeFileSync(target, text);
    fs.symlinkSync(target, link);
    const r = cli(['settings', 'set', link, 'Monitoring.ServiceName=linked']);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe(target);
    expect(fs.readFileSync(target, 'utf8')).toBe(text.replace('  ServiceName: lambda-profiler-demo\n  Enabled', '  ServiceName: linked\n  Enabled'));
  });

  it('usage errors with --json print one JSON document with the error and the usage line (exit 2)', () => {
    const file = path.join(dir, 's1.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(FIX, 'spec-example.yaml')));
    const before = fs.readFileSync(file);
    const cases: [string[], string, string][] = [
      [['settings', 'set', file, 'Nope.Key=1', '--json'], 'KEY=VALUE', 'settings set FILE KEY=VALUE... [--json]'],
      [['settings', 'set', file, 'novalue', '--json'], 'KEY=VALUE', 'settings set FILE KEY=VALUE... [--json]'],
      [['settings', 'set', file, '--json'], 'KEY=VALUE', 'settings set FILE KEY=VALUE... [--json]'],
      [['settings', 'check', '--json'], 'FILE', 'settings check FILE'],
      [['settings', 'check', SEED, '--runtime', 'dotnet6', '--json'], 'runtime', 'settings check FILE'],
      [['settings', 'show', SEED, '--dotenv', '--json'], 'dotenv', 'settings show FILE'],
    ];
    for (const [args, argument, usage] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; argument?: string; usage?: string; message: string } };
      expect(doc.ok, args.join(' ')).toBe(false);
      expect(doc.error, args.join(' ')).toMatchObject({ code: 'bad-argument', argument });
      expect(doc.error.usage, args.join(' ')).toContain(`net-profiler ${usage}`);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const human = cli(['settings', 'set', file, 'Nope.Key=1']);
    expect(human.stderr).toContain('"Nope.Key" is not a settings key');
    expect(human.stderr).toContain('usage: net-profiler settings set FILE KEY=VALUE... [--json]');
    const near = cli(['settings', 'set', file, 'Connection.Timeout=5', '--json']);
    expect((JSON.parse(near.stdout) as { error: { message: string } }).error.message).toContain('did you mean Connection.TimeoutMs?');
  });

  it('no settings command prints a planted token unless --show-secrets is given', () => {
    const token = 'dt0c01.PLANTEDTOKEN0123456789.abcdefABCDEF0123456789abcdef';
    const headerSecret = 'PLANTEDHEADERSECRET0123456789';
    const text = fs
      .readFileSync(path.join(FIX, 'spec-example.yaml'), 'utf8')
      .replace('${env:DT_API_TOKEN}', token)
      .replace('  Type: http\n', `  Type: http\n  Headers:\n    X-Api-Key: ${headerSecret}\n    X-Auth: \${env:AUTH}\n    X-Team: core\n`);
    const file = path.join(dir, 'planted.yaml');
    fs.writeFileSync(file, text);
    const refFile = path.join(dir, 'planted-ref.yaml');
    fs.writeFileSync(refFile, fs.readFileSync(path.join(FIX, 'spec-example.yaml')));
    const envFile = path.join(dir, 'planted.env');
    fs.writeFileSync(envFile, `DT_API_TOKEN=${token}\nAUTH=Bearer ${headerSecret}\n`);
    const bad = path.join(dir, 'planted-bad.yaml');
    fs.writeFileSync(bad, text.replace(`BearerToken: ${token}`, `BearerToken: ${token}\${x}`).replace('CollectionInterval: 10', 'CollectionInterval: 0'));
    const env = { DT_API_TOKEN: token, AUTH: `Bearer ${headerSecret}` };
    const runs: string[][] = [];
    for (const json of [[], ['--json']]) {
      runs.push(
        ['settings', 'check', file, '--for-layer', ...json],
        ['settings', 'check', bad, ...json],
        ['settings', 'show', file, ...json],
        ['settings', 'show', bad, ...json],
        ['settings', 'show', refFile, '--resolve', ...json],
        ['settings', 'show', refFile, '--dotenv', envFile, ...json],
        ['settings', 'set', file, 'Monitoring.ServiceName=svc2', ...json],
        ['settings', 'set', file, 'Monitoring.Metrics.CollectionInterval=0', ...json],
      );
    }
    for (const args of runs) {
      const r = cli(args, { env });
      expect(r.code, args.join(' ')).toBeLessThan(2);
      const out = r.stdout + r.stderr;
      expect(out, args.join(' ')).not.toContain('PLANTEDTOKEN');
      expect(out, args.join(' ')).not.toContain(headerSecret);
    }
    const masked = JSON.parse(cli(['settings', 'show', file, '--json'], { env }).stdout) as { Connection: { BearerToken: string; Headers: Record<string, string> } };
    expect(masked.Connection.BearerToken).toBe('dt0c01.PLAN************');
    expect(masked.Connection.Headers['X-Team']).toBe('core');
    expect(masked.Connection.Headers['X-Auth']).toBe('${env:AUTH}');
    const resolved = JSON.parse(cli(['settings', 'show', file, '--resolve', '--json'], { env }).stdout) as typeof masked;
    expect(resolved.Connection.Headers['X-Auth']).toBe('Bearer PLAN************');
    const shown = cli(['settings', 'show', file, '--resolve', '--show-secrets', '--json'], { env });
    const doc = JSON.parse(shown.stdout) as typeof masked;
    expect(doc.Connection.BearerToken).toBe(token);
    expect(doc.Connection.Headers['X-Api-Key']).toBe(headerSecret);
    expect(doc.Connection.Headers['X-Auth']).toBe(`Bearer ${headerSecret}`);
    expect(cli(['settings', 'show', file, '--show-secrets'], { env }).stdout).toContain(token);
  });

  it('only the edit commands load the yaml package', () => {
    // A preload that reports, at exit, whether any module of the `yaml` package was loaded.
    const hook = path.join(dir, 'yaml-probe.js');
    fs.writeFileSync(
      hook,
      "process.on('exit', () => { if (Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]yaml[\\\\/]/.test(k))) require('fs').writeSync(2, 'YAML-LOADED\\n'); });\n",
    );
    const ex = path.join(FIX, 'spec-example.yaml');
    const file = path.join(dir, 'probe.yaml');
    fs.writeFileSync(file, fs.readFileSync(ex));
    const run = (args: string[]) => spawnSync(process.execPath, ['-r', hook, BIN, ...args], { encoding: 'utf8', env: { ...process.env, DT_API_TOKEN: 'x' } });
    for (const args of [['settings', 'check', ex], ['settings', 'check', ex, '--json'], ['settings', 'show', ex, '--resolve'], ['settings', 'init']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).not.toContain('YAML-LOADED');
    }
    const set = run(['settings', 'set', file, 'Monitoring.ServiceName=probe']);
    expect(set.status).toBe(0);
    expect(set.stderr).toContain('YAML-LOADED');
  });
});
