// The TypeScript API beyond check: parse, effective settings, resolve, edit, init, schema.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  checkSettings,
  editSettings,
  effectiveSettings,
  effectiveSettingsFile,
  envReference,
  initSettings,
  initSettingsFile,
  maskSettings,
  parseAssignments,
  parseDotenv,
  parseSettings,
  parseValueFor,
  resolveSettings,
  setSettingsFile,
  settingsKeys,
  SettingsError,
} from '../../lib/settings';
import { NetProfilerError } from '../../lib/errors';
import { INPUT_CAPS } from '../../lib/constants';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(__dirname, 'fixtures');
const example = fs.readFileSync(path.join(FIX, 'spec-example.yaml'), 'utf8');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'np-settings-'));
}

describe('parseSettings', () => {
  it('reads the values as the yaml package does', () => {
    expect(parseSettings(example)).toEqual(YAML.parse(example, { version: '1.2' }));
  });
  it('throws a NetProfilerError naming the construct, line and column', () => {
    expect(() => parseSettings('a: 1\nb: &anchor 2\n', 'x.yaml')).toThrow(NetProfilerError);
    expect(() => parseSettings('a: 1\nb: &anchor 2\n', 'x.yaml')).toThrow(
      expect.objectContaining({ code: 'anchor', kind: 'refused', file: 'x.yaml', line: 2, column: 4, fix: expect.any(String) }),
    );
    expect(() => parseSettings('a: 1\na: 2\n')).toThrow(expect.objectContaining({ code: 'duplicate-key', line: 2 }));
  });
});

describe('effectiveSettings', () => {
  it('fills every default', () => {
    const s = effectiveSettings('Connection:\n  EndpointUrl: http://localhost:4318\nMonitoring:\n  ServiceName: svc\n');
    expect(s).toEqual({
      General: { Enabled: true, Provider: 'otlp', Type: 'application' },
      Connection: { EndpointUrl: 'http://localhost:4318', Type: 'http', Headers: {}, TimeoutMs: 10000 },
      Monitoring: {
        Enabled: true,
        ServiceName: 'svc',
        Special: [],
        Sampling: { Ratio: 1 },
        Metrics: { Enabled: false, ServiceName: 'svc', CollectionInterval: 10, Cpu: false, Memory: false },
      },
    });
  });
  it('keeps file values, and a number where a string is expected as its source text', () => {
    const s = effectiveSettings(example.replace('ServiceName: lambda-profiler-demo\n  Enabled', 'ServiceName: 1.50\n  Enabled'));
    expect(s.Monitoring.ServiceName).toBe('1.50');
    expect(s.Monitoring.Metrics.ServiceName).toBe('lambda-profiler-demo');
    expect(s.General.Provider).toBe('dynatrace');
    expect(s.Connection.BearerToken).toBe('${env:DT_API_TOKEN}');
    expect(s.Monitoring.Special).toEqual(['AWS']);
  });
  it('throws SettingsError with every diagnostic when the file has errors', async () => {
    const seed = fs.readFileSync(path.join(FIX, 'seed.yaml'));
    expect(() => effectiveSettings(seed)).toThrow(SettingsError);
    expect(() => effectiveSettings(seed, { file: 'seed.yaml' })).toThrow(
      expect.objectContaining({
        code: 'settings-invalid',
        file: 'seed.yaml',
        line: 7,
        column: 16,
        diagnostics: [expect.objectContaining({ line: 7 }), expect.objectContaining({ line: 9 })],
      }),
    );
    await expect(effectiveSettingsFile(path.join(FIX, 'seed.yaml'))).rejects.toBeInstanceOf(SettingsError);
    await expect(effectiveSettingsFile(path.join(FIX, 'spec-example.yaml'))).resolves.toMatchObject({ General: { Provider: 'dynatrace' } });
  });
});

describe('resolveSettings', () => {
  it('replaces ${env:NAME} from the given environment and leaves the input alone', () => {
    const s = effectiveSettings(example);
    const r = resolveSettings(s, { DT_API_TOKEN: 'dt0c01.secret' });
    expect(r.Connection.BearerToken).toBe('dt0c01.secret');
    expect(s.Connection.BearerToken).toBe('${env:DT_API_TOKEN}');
  });
  it('a missing variable is an error naming it and where it is used', () => {
    const s = effectiveSettings(example.replace('ServiceName: lambda-profiler-demo\n  Enabled', 'ServiceName: ${env:SVC}\n  Enabled'));
    expect(() => resolveSettings(s, { DT_API_TOKEN: 'x' })).toThrow(/SVC \(Monitoring\.ServiceName\)/);
    expect(() => resolveSettings(s, {})).toThrow(
      expect.objectContaining({
        code: 'env-missing',
        kind: 'refused',
        message: 'environment variables not set: DT_API_TOKEN (Connection.BearerToken), SVC (Monitoring.ServiceName)',
      }),
    );
  });
  it('resolves header values and leaves keys that take no reference alone', () => {
    const text = example.replace('  Type: http\n', '  Type: http\n  Headers:\n    X-Team: ${env:TEAM}\n');
    const r = resolveSettings(effectiveSettings(text), { DT_API_TOKEN: 't', TEAM: 'core' });
    expect(r.Connection.Headers).toEqual({ 'X-Team': 'core' });
    expect(() => resolveSettings(effectiveSettings(text), { DT_API_TOKEN: 't' })).toThrow(/TEAM \(Connection\.Headers\.X-Team\)/);
  });
  it('envReference and parseDotenv', () => {
    expect(envReference('${env:A_1}')).toBe('A_1');
    expect(envReference('x${env:A}')).toBeUndefined();
    expect(parseDotenv('# c\nA=1\nexport B = "two words"\nC=\'x\'\n\n')).toEqual({ A: '1', B: 'two words', C: 'x' });
    expect(() => parseDotenv('A=1\nnot a line\n', '.env')).toThrow(expect.objectContaining({ code: 'dotenv-syntax', file: '.env', line: 2 }));
  });
});

describe('editSettings', () => {
  const commented = [
    '# top comment',
    'General:',
    '  Enabled: true   # keep me',
    '  Provider: otlp',
    '',
    '# about the connection',
    'Connection:',
    '  EndpointUrl: "http://localhost:4318"',
    '  TimeoutMs: 10000 # ms',
    '',
    'Monitoring:',
    '  ServiceName: svc',
    '  Special: [HttpClient]',
    '',
  ].join('\n');

  it('sets a value keeping comments, order, blank lines and quoting; only the edited line changes', () => {
    const { text, check } = editSettings(commented, [{ path: 'Connection.TimeoutMs', value: 5000 }]);
    expect(check.ok).toBe(true);
    const before = commented.split('\n');
    const after = text.split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.map((l, i) => (l !== before[i] ? i : -1)).filter((i) => i >= 0);
    expect(changed).toEqual([8]);
    expect(after[8]).toBe('  TimeoutMs: 5000 # ms');
  });
  it('adds a missing key and a missing section', () => {
    const { text } = editSettings(commented, [
      { path: 'Monitoring.Metrics.Enabled', value: true },
      { path: 'Connection.Headers.X-Team', value: 'core' },
    ]);
    const v = parseSettings(text) as Record<string, Record<string, unknown>>;
    expect(v.Monitoring?.Metrics).toEqual({ Enabled: true });
    expect(v.Connection?.Headers).toEqual({ 'X-Team': 'core' });
    expect(text).toContain('# about the connection');
    expect(text.startsWith('# top comment\nGeneral:')).toBe(true);
  });
  it('removes a key with value undefined', () => {
    const { text } = editSettings(commented, [{ path: 'Connection.TimeoutMs', value: undefined }]);
    expect(text).not.toContain('TimeoutMs');
    expect(text).toContain('# keep me');
  });
  it('refuses an edit whose result would not check: throws with the findings, nothing returned', () => {
    try {
      editSettings(commented, [{ path: 'Connection.TimeoutMs', value: 0 }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as SettingsError).code).toBe('edit-refused');
      expect((err as SettingsError).diagnostics.map((d) => d.code)).toEqual(['out-of-range']);
    }
    expect(() => editSettings(commented, [{ path: 'Monitoring.Enabled', value: 'yes' }])).toThrow(SettingsError);
  });
  it('refuses an unknown key path as a usage error with a suggestion', () => {
    expect(() => editSettings(commented, [{ path: 'Connection.Timeout', value: 1 }])).toThrow(
      expect.objectContaining({ code: 'bad-argument', kind: 'usage', argument: 'path', message: expect.stringContaining('did you mean Connection.TimeoutMs?') }),
    );
    expect(() => editSettings(commented, [{ path: 'Monitoring', value: 1 }])).toThrow(/it is a section/);
    expect(() => parseAssignments(['Nope.Key=1'])).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'KEY=VALUE' }));
    expect(() => parseAssignments(['novalue'])).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'KEY=VALUE' }));
    expect(parseAssignments(['Monitoring.Enabled=false', 'Connection.TimeoutMs='])).toEqual([
      { path: 'Monitoring.Enabled', value: false },
      { path: 'Connection.TimeoutMs', value: undefined },
    ]);
  });
  it('keeps CRLF line ends and a BOM', () => {
    const crlf = '\uFEFF' + commented.replace(/\n/g, '\r\n');
    const { text } = editSettings(crlf, [{ path: 'Monitoring.ServiceName', value: 'other' }]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text).toContain('ServiceName: other\r\n');
  });
  it('setSettingsFile writes in place; a refused edit leaves the file byte-identical and no temp file behind', async () => {
    const dir = tmpdir();
    const file = path.join(dir, 'settings.yaml');
    fs.writeFileSync(file, commented);
    await setSettingsFile(file, [{ path: 'Monitoring.ServiceName', value: 'new-name' }]);
    expect(fs.readFileSync(file, 'utf8')).toBe(commented.replace('ServiceName: svc', 'ServiceName: new-name'));
    const before = fs.readFileSync(file);
    await expect(setSettingsFile(file, [{ path: 'Connection.EndpointUrl', value: 'ftp://x' }])).rejects.toBeInstanceOf(SettingsError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['settings.yaml']);
  });
  it('setSettingsFile on a symbolic link edits the target and keeps the link (and the mode)', async () => {
    const dir = tmpdir();
    const target = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    fs.writeFileSync(target, commented, { mode: 0o600 });
    fs.symlinkSync('real.yaml', link);
    await setSettingsFile(link, [{ path: 'Monitoring.ServiceName', value: 'via-link' }]);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe('real.yaml');
    expect(fs.readFileSync(target, 'utf8')).toBe(commented.replace('ServiceName: svc', 'ServiceName: via-link'));
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['link.yaml', 'real.yaml']);
  });
  it('a settings file larger than the cap is refused while reading, naming the file and the cap', async () => {
    const started = Date.now();
    await expect(setSettingsFile('/dev/zero', [{ path: 'Monitoring.ServiceName', value: 'x' }])).rejects.toMatchObject({
      code: 'input-too-large',
      file: '/dev/zero',
      message: expect.stringContaining(String(INPUT_CAPS.settingsBytes)),
    });
    await expect(effectiveSettingsFile('/dev/zero')).rejects.toMatchObject({ code: 'input-too-large' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
  it('parseValueFor converts command-line values by the key type', () => {
    expect(parseValueFor('Monitoring.Enabled', 'false')).toBe(false);
    expect(parseValueFor('Monitoring.Enabled', 'yes')).toBe('yes');
    expect(parseValueFor('Connection.TimeoutMs', '500')).toBe(500);
    expect(parseValueFor('Monitoring.Sampling.Ratio', '0.5')).toBe(0.5);
    expect(parseValueFor('Monitoring.ServiceName', '1234')).toBe('1234');
    expect(parseValueFor('Monitoring.Special', 'AWS,HttpClient')).toEqual(['AWS', 'HttpClient']);
    expect(parseValueFor('Monitoring.Special', '[AWS, GrpcClient]')).toEqual(['AWS', 'GrpcClient']);
  });
});

describe('initSettings', () => {
  it('otlp files check clean for both types', () => {
    for (const type of ['awslambda', 'application'] as const) {
      expect(checkSettings(initSettings({ provider: 'otlp', type }), { forLayer: true })).toEqual({ ok: true, diagnostics: [] });
    }
  });
  it('dynatrace files only lack the environment id (one placeholder), and keep the token out of the file', () => {
    for (const type of ['awslambda', 'application'] as const) {
      const text = initSettings({ provider: 'dynatrace', type });
      const r = checkSettings(text, { forLayer: true });
      expect(r.diagnostics.map((d) => `${d.code}:${d.path}`)).toEqual(['placeholder:Connection.EndpointUrl']);
      const filled = text.replace('<environment-id>', 'abc12345');
      expect(checkSettings(filled, { forLayer: true, runtimes: ['dotnet10'] })).toEqual({ ok: true, diagnostics: [] });
      expect(effectiveSettings(filled).General).toEqual({ Enabled: true, Provider: 'dynatrace', Type: type });
    }
  });
  it('rejects unknown providers and types', () => {
    expect(() => initSettings({ provider: 'x' as never })).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'provider', message: expect.stringMatching(/unknown provider/) }));
    expect(() => initSettings({ type: 'azurefunctions' as never })).toThrow(
      expect.objectContaining({ code: 'bad-argument', argument: 'type', message: expect.stringMatching(/not supported yet/) }),
    );
  });
  it('initSettingsFile refuses to overwrite', async () => {
    const dir = tmpdir();
    const file = path.join(dir, 's.yaml');
    await initSettingsFile(file);
    await expect(initSettingsFile(file)).rejects.toMatchObject({ code: 'file-exists' });
    await initSettingsFile(file, { overwrite: true, provider: 'dynatrace' });
    expect(fs.readFileSync(file, 'utf8')).toContain('dynatrace');
  });
});

describe('JSON Schema', () => {
  const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema/settings.schema.json'), 'utf8')) as Record<string, unknown>;
  it('names every key of the format with its type and default', () => {
    for (const k of settingsKeys()) {
      let node = committed as { properties?: Record<string, unknown> };
      for (const part of k.path.split('.')) {
        node = node.properties?.[part] as typeof node;
        expect(node, k.path).toBeDefined();
      }
      if (k.default !== undefined) expect((node as { default?: unknown }).default, k.path).toEqual(k.default);
    }
    expect((committed as { additionalProperties: boolean }).additionalProperties).toBe(false);
  });
  it('is in the published package files', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema/');
  });
});

describe('maskSettings', () => {
  it('masks the token and secret-looking header values; references and other values stay', () => {
    const text = example
      .replace('${env:DT_API_TOKEN}', 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.0123456789abcdef')
      .replace('  Type: http\n', '  Type: http\n  Headers:\n    X-Api-Key: k-0123456789abcdef\n    X-Team: core\n    X-Other: "Bearer abcdefghijklmnop"\n');
    const s = effectiveSettings(text);
    const m = maskSettings(s);
    expect(m.Connection.BearerToken).toBe('dt0c01.ABCD************');
    expect(m.Connection.Headers).toEqual({ 'X-Api-Key': 'k-01************', 'X-Team': 'core', 'X-Other': 'Bearer abcd************' });
    expect(m.Connection.EndpointUrl).toBe(s.Connection.EndpointUrl);
    expect(s.Connection.BearerToken).toBe('dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.0123456789abcdef');
    expect(maskSettings(s, true)).toEqual(s);
    expect(maskSettings(effectiveSettings(example)).Connection.BearerToken).toBe('${env:DT_API_TOKEN}');
  });
});
