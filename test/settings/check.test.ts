// Every rule of docs/settings.md, through the public API (the native checker).
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkSettings, checkSettingsFile, SettingsDiagnostic } from '../../lib/settings';

const FIX = path.join(__dirname, 'fixtures');

/** A valid otlp/application file to start from; `extra` is appended per section. */
function doc(parts: { general?: string; connection?: string; monitoring?: string; tail?: string } = {}): string {
  return [
    'General:',
    '  Enabled: true',
    '  Provider: otlp',
    '  Type: application',
    parts.general ?? '',
    'Connection:',
    '  EndpointUrl: https://collector.example.com:4318',
    parts.connection ?? '',
    'Monitoring:',
    '  ServiceName: svc',
    parts.monitoring ?? '',
    parts.tail ?? '',
  ]
    .filter((l) => l !== '')
    .join('\n') + '\n';
}

function codes(text: string, opts = {}): string[] {
  return checkSettings(text, opts).diagnostics.map((d) => `${d.severity}:${d.code}:${d.path}`);
}

function only(text: string, opts = {}): SettingsDiagnostic {
  const r = checkSettings(text, opts);
  expect(r.diagnostics, JSON.stringify(r.diagnostics, null, 1)).toHaveLength(1);
  return r.diagnostics[0] as SettingsDiagnostic;
}

describe('checkSettings: the seed file and the spec example', () => {
  it("the seed's file gets exactly the two placeholder errors at lines 7 and 9, with fixes", () => {
    const r = checkSettings(fs.readFileSync(path.join(FIX, 'seed.yaml')));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path, d.line, d.column])).toEqual([
      ['placeholder', 'error', 'Connection.EndpointUrl', 7, 16],
      ['placeholder', 'error', 'Connection.BearerToken', 9, 16],
    ]);
    for (const d of r.diagnostics) {
      expect(d.fix).toBeTruthy();
      expect(d.message).toMatch(/placeholder/);
    }
  });

  it('the spec example checks clean', () => {
    const r = checkSettings(fs.readFileSync(path.join(FIX, 'spec-example.yaml')));
    expect(r).toEqual({ ok: true, diagnostics: [] });
  });

  it('a valid file is ok and a clean file has no findings', () => {
    expect(checkSettings(doc())).toEqual({ ok: true, diagnostics: [] });
  });

  it('checkSettingsFile reads the file (async) and agrees with checkSettings', async () => {
    const file = path.join(FIX, 'seed.yaml');
    expect(await checkSettingsFile(file)).toEqual(checkSettings(fs.readFileSync(file)));
    await expect(checkSettingsFile(path.join(os.tmpdir(), 'no-such-np-settings.yaml'))).rejects.toMatchObject({ code: 'fs-enoent', kind: 'outside' });
  });

  it('reports every finding in one pass, in file order', () => {
    const text = doc({ general: '  Enabld: true', connection: '  TimeoutMs: 0\n  Type: https', monitoring: '  Enabled: yes' });
    const r = checkSettings(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-key', 'out-of-range', 'invalid-value', 'yaml11-boolean']);
    const lines = r.diagnostics.map((d) => d.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });
});

describe('keys', () => {
  it('unknown key: error with the nearest known key suggested, path as written', () => {
    const d = only(doc({ monitoring: '  ServiceNme: x' }));
    expect(d).toMatchObject({ code: 'unknown-key', severity: 'error', path: 'Monitoring.ServiceNme', line: 9, column: 3 });
    expect(d.fix).toContain('ServiceName');
  });
  it('keys are case-sensitive: a wrong case is unknown and the right case is suggested', () => {
    const d = only(doc({ tail: 'monitoring:\n  Enabled: true' }));
    expect(d).toMatchObject({ code: 'unknown-key', path: 'monitoring' });
    expect(d.fix).toContain('Monitoring');
  });
  it('an unknown key that belongs to another section says where it goes', () => {
    const d = only(doc({ connection: '  CollectionInterval: 5' }));
    expect(d.code).toBe('unknown-key');
    expect(d.fix).toContain('Monitoring.Metrics');
  });
  it('duplicate key: error at the second occurrence', () => {
    const d = only(doc({ connection: '  EndpointUrl: https://other.example.com' }));
    expect(d).toMatchObject({ code: 'duplicate-key', severity: 'error', path: 'Connection.EndpointUrl', line: 7 });
  });
  it('a section must be a mapping', () => {
    expect(codes(doc({ tail: 'General: true' }).replace(/^General:\n  Enabled: true\n  Provider: otlp\n  Type: application\n/, ''))).toEqual([
      'error:wrong-type:General',
    ]);
  });
  it('the file must be a mapping', () => {
    expect(codes('- a\n- b\n')).toEqual(['error:wrong-type:']);
  });
});

describe('types and ranges', () => {
  it('bool: YAML 1.1 booleans are errors naming true/false', () => {
    for (const [w, fix] of [['yes', 'true'], ['no', 'false'], ['on', 'true'], ['off', 'false'], ['y', 'true'], ['n', 'false'], ['Yes', 'true'], ['OFF', 'false']]) {
      const d = only(doc({ monitoring: `  Enabled: ${w}` }));
      expect(d).toMatchObject({ code: 'yaml11-boolean', severity: 'error', path: 'Monitoring.Enabled' });
      expect(d.message).toMatch(/YAML 1\.2 reads it as the string/);
      expect(d.fix).toContain(fix);
    }
  });
  it('bool: a quoted "true" is a string where a bool is expected (error)', () => {
    const d = only(doc({ monitoring: '  Enabled: "true"' }));
    expect(d).toMatchObject({ code: 'wrong-type', severity: 'error' });
    expect(d.fix).toContain('remove the quotes');
  });
  it('bool: a number is an error; an empty value is an error', () => {
    expect(codes(doc({ monitoring: '  Enabled: 1' }))).toEqual(['error:wrong-type:Monitoring.Enabled']);
    expect(codes(doc({ monitoring: '  Enabled:' }))).toEqual(['error:empty-value:Monitoring.Enabled']);
  });
  it('enum: wrong value with suggestion; wrong case; azurefunctions is not supported yet', () => {
    expect(only(doc({ connection: '  Type: grcp' })).fix).toContain('grpc');
    expect(codes(doc().replace('Provider: otlp', 'Provider: Dynatrace'))).toContain('error:invalid-value:General.Provider');
    const d = only(doc().replace('Type: application', 'Type: azurefunctions'));
    expect(d).toMatchObject({ code: 'not-supported', path: 'General.Type' });
    expect(d.message).toMatch(/not supported yet/);
  });
  it('int: range of TimeoutMs (1..60000) and CollectionInterval (1..3600)', () => {
    expect(codes(doc({ connection: '  TimeoutMs: 1' }))).toEqual([]);
    expect(codes(doc({ connection: '  TimeoutMs: 60000' }))).toEqual([]);
    expect(codes(doc({ connection: '  TimeoutMs: 0' }))).toEqual(['error:out-of-range:Connection.TimeoutMs']);
    expect(codes(doc({ connection: '  TimeoutMs: 60001' }))).toEqual(['error:out-of-range:Connection.TimeoutMs']);
    expect(codes(doc({ monitoring: '  Metrics:\n    CollectionInterval: 3600' }))).toEqual([]);
    expect(codes(doc({ monitoring: '  Metrics:\n    CollectionInterval: 3601' }))).toEqual(['error:out-of-range:Monitoring.Metrics.CollectionInterval']);
    expect(codes(doc({ monitoring: '  Metrics:\n    CollectionInterval: 0' }))).toEqual(['error:out-of-range:Monitoring.Metrics.CollectionInterval']);
  });
  it('int: a string or a fraction where a number is expected is an error', () => {
    expect(codes(doc({ connection: '  TimeoutMs: "5000"' }))).toEqual(['error:wrong-type:Connection.TimeoutMs']);
    expect(only(doc({ connection: '  TimeoutMs: "5000"' })).fix).toContain('remove the quotes');
    expect(codes(doc({ connection: '  TimeoutMs: 5s' }))).toEqual(['error:wrong-type:Connection.TimeoutMs']);
    expect(codes(doc({ connection: '  TimeoutMs: 10.5' }))).toEqual(['error:wrong-type:Connection.TimeoutMs']);
  });
  it('float: Sampling.Ratio 0..1 (ints allowed), NaN and out of range refused', () => {
    for (const v of ['0', '1', '0.25', '1.0', '.5']) expect(codes(doc({ monitoring: `  Sampling:\n    Ratio: ${v}` }))).toEqual([]);
    for (const v of ['1.5', '-0.1', '.nan', '.inf']) {
      expect(codes(doc({ monitoring: `  Sampling:\n    Ratio: ${v}` }))).toEqual(['error:out-of-range:Monitoring.Sampling.Ratio']);
    }
    expect(codes(doc({ monitoring: '  Sampling:\n    Ratio: half' }))).toEqual(['error:wrong-type:Monitoring.Sampling.Ratio']);
  });
  it('a number where a string is expected is accepted as its text with a warning', () => {
    const r = checkSettings(doc().replace('ServiceName: svc', 'ServiceName: 1234'));
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'number-as-string', severity: 'warning', path: 'Monitoring.ServiceName', line: 8, column: 16 });
    expect(r.diagnostics[0]?.message).toContain('1234');
  });
  it('a bool or a list where a string is expected is an error', () => {
    expect(codes(doc().replace('ServiceName: svc', 'ServiceName: true'))).toEqual(['error:wrong-type:Monitoring.ServiceName']);
    expect(codes(doc().replace('ServiceName: svc', 'ServiceName: [a]'))).toEqual(['error:wrong-type:Monitoring.ServiceName']);
  });
  it('Special: list of AWS/HttpClient/GrpcClient; duplicates warn; unknown items and scalars are errors', () => {
    expect(codes(doc({ monitoring: '  Special: [AWS, HttpClient, GrpcClient]' }))).toEqual([]);
    expect(codes(doc({ monitoring: '  Special:\n    - AWS\n    - AWS' }))).toEqual(['warning:duplicate-item:Monitoring.Special[1]']);
    const d = only(doc({ monitoring: '  Special: [HttpClnt]' }));
    expect(d).toMatchObject({ code: 'invalid-value', path: 'Monitoring.Special[0]' });
    expect(d.message).toBe('`HttpClnt` is not an accepted item; Monitoring.Special takes AWS, HttpClient, GrpcClient');
    expect(d.fix).toContain('HttpClient');
    expect(only(doc({ monitoring: '  Special: [aws]' })).fix).toContain('AWS');
    expect(only(doc({ monitoring: '  Special: AWS' }))).toMatchObject({ code: 'wrong-type', fix: 'write it as a list: `Special: [AWS]`' });
  });
  it('Headers: RFC 9110 token names, string values', () => {
    expect(codes(doc({ connection: '  Headers:\n    X-Team: core\n    x_b!: "1"' }))).toEqual([]);
    expect(codes(doc({ connection: '  Headers:\n    "Bad Header": x' }))).toEqual(['error:invalid-header-name:Connection.Headers.Bad Header']);
    expect(codes(doc({ connection: '  Headers:\n    "X(y)": x' }))).toEqual(['error:invalid-header-name:Connection.Headers.X(y)']);
    expect(codes(doc({ connection: '  Headers:\n    X-A: "a\\nb"' }))).toEqual(['error:invalid-header-value:Connection.Headers.X-A']);
    expect(codes(doc({ connection: '  Headers:\n    X-A: 12' }))).toEqual(['warning:number-as-string:Connection.Headers.X-A']);
    expect(codes(doc({ connection: '  Headers: [a]' }))).toEqual(['error:wrong-type:Connection.Headers']);
    expect(codes(doc({ connection: '  Headers:\n    X-A: a\n    x-a: b' }))).toEqual(['warning:duplicate-header:Connection.Headers.x-a']);
  });
});

describe('endpoint and required keys', () => {
  it('EndpointUrl must be http or https with a host', () => {
    expect(codes(doc().replace('https://collector.example.com:4318', 'http://localhost:4318'))).toEqual([]);
    expect(codes(doc().replace('https://collector.example.com:4318', 'ftp://x'))).toEqual(['error:invalid-url:Connection.EndpointUrl']);
    expect(codes(doc().replace('https://collector.example.com:4318', 'collector:4318'))).toEqual(['error:invalid-url:Connection.EndpointUrl']);
    expect(codes(doc().replace('https://collector.example.com:4318', 'https://'))).toEqual(['error:invalid-url:Connection.EndpointUrl']);
    expect(codes(doc().replace('https://collector.example.com:4318', 'https://x:99999'))).toEqual(['error:invalid-url:Connection.EndpointUrl']);
  });
  it('an EndpointUrl already ending in /v1/traces, /v1/metrics or /v1/logs is a warning', () => {
    for (const s of ['/v1/traces', '/v1/metrics', '/v1/logs', '/v1/traces/']) {
      const d = only(doc().replace('https://collector.example.com:4318', `https://c.example.com${s}`));
      expect(d).toMatchObject({ code: 'endpoint-signal-path', severity: 'warning' });
    }
  });
  it('EndpointUrl is required when Monitoring.Enabled or Monitoring.Metrics.Enabled', () => {
    const noUrl = doc().replace('  EndpointUrl: https://collector.example.com:4318\n', '');
    expect(only(noUrl)).toMatchObject({ code: 'missing-key', path: 'Connection.EndpointUrl', line: 5, column: 1 });
    expect(codes(noUrl.replace('ServiceName: svc', 'ServiceName: svc\n  Enabled: false'))).toEqual([]);
    expect(codes(noUrl.replace('ServiceName: svc', 'ServiceName: svc\n  Enabled: false\n  Metrics:\n    Enabled: true'))).toEqual([
      'error:missing-key:Connection.EndpointUrl',
    ]);
  });
  it('ServiceName may be omitted with Type awslambda, otherwise it is required', () => {
    const noName = doc().replace('  ServiceName: svc\n', '');
    expect(codes(noName)).toEqual(['error:missing-key:Monitoring.ServiceName']);
    expect(codes(noName.replace('Type: application', 'Type: awslambda'))).toEqual([]);
  });
  it('General.Enabled: false turns the profiler off: required keys are not required', () => {
    expect(codes('General:\n  Enabled: false\n')).toEqual([]);
  });
});

describe('provider rules', () => {
  const dt = (conn: string): string =>
    `General:\n  Provider: dynatrace\n  Type: awslambda\nConnection:\n${conn}\n`;
  it('dynatrace: https, path ending in /api/v2/otlp, http transport, token required', () => {
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp\n  BearerToken: ${env:DT_API_TOKEN}'))).toEqual([]);
    expect(codes(dt('  EndpointUrl: http://abc.live.dynatrace.com/api/v2/otlp\n  BearerToken: ${env:T}'))).toEqual(['error:dynatrace-https:Connection.EndpointUrl']);
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2\n  BearerToken: ${env:T}'))).toEqual(['error:dynatrace-endpoint-path:Connection.EndpointUrl']);
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp\n  Type: grpc\n  BearerToken: ${env:T}'))).toEqual([
      'error:dynatrace-connection-type:Connection.Type',
    ]);
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp'))).toEqual(['error:missing-key:Connection.BearerToken']);
  });
  it('dynatrace: a literal token not starting with dt0c01. is a warning', () => {
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp\n  BearerToken: dt0c01.ABC.DEF'))).toEqual([]);
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp\n  BearerToken: abc'))).toEqual([
      'warning:dynatrace-token-format:Connection.BearerToken',
    ]);
  });
  it('dynatrace with a signal path: only the signal-path warning', () => {
    expect(codes(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp/v1/traces\n  BearerToken: ${env:T}'))).toEqual([
      'warning:endpoint-signal-path:Connection.EndpointUrl',
    ]);
  });
  it('dynatrace: a trailing slash after /api/v2/otlp is an error with the exact URL as the fix', () => {
    const d = only(dt('  EndpointUrl: https://abc.live.dynatrace.com/api/v2/otlp/\n  BearerToken: ${env:T}'));
    expect(d).toMatchObject({ code: 'dynatrace-endpoint-path', fix: 'write `https://abc.live.dynatrace.com/api/v2/otlp`' });
  });
  it('for a layer, a literal Authorization header warns too', () => {
    const text = doc({ connection: '  Headers:\n    Authorization: Bearer abc' });
    expect(codes(text)).toEqual([]);
    expect(codes(text, { forLayer: true })).toEqual(['warning:literal-token-in-layer:Connection.Headers.Authorization']);
    expect(codes(doc({ connection: '  Headers:\n    Authorization: ${env:AUTH}' }), { forLayer: true })).toEqual([]);
  });
  it('otlp: any endpoint, token optional, grpc allowed', () => {
    expect(codes(doc({ connection: '  Type: grpc' }))).toEqual([]);
    expect(codes(doc({ connection: '  BearerToken: abc' }))).toEqual([]);
  });
});

describe('values the checker must catch', () => {
  it('a placeholder <…> in any string value is an error', () => {
    expect(codes(doc().replace('ServiceName: svc', 'ServiceName: <service-name>'))).toEqual(['error:placeholder:Monitoring.ServiceName']);
    expect(codes(doc({ connection: '  Headers:\n    X-Team: "<team>"' }))).toEqual(['error:placeholder:Connection.Headers.X-Team']);
    expect(codes(doc().replace('https://collector.example.com:4318', 'https://<environment>/api/v2/otlp'))).toEqual([
      'error:placeholder:Connection.EndpointUrl',
    ]);
    expect(codes(doc().replace('ServiceName: svc', 'ServiceName: a<b'))).toEqual([]);
  });
  it('${env:NAME} references are accepted in string settings; any other ${ is an error', () => {
    expect(codes(doc().replace('https://collector.example.com:4318', '${env:OTLP_ENDPOINT}'))).toEqual([]);
    expect(codes(doc().replace('ServiceName: svc', 'ServiceName: ${env:_SVC1}'))).toEqual([]);
    for (const bad of ['${env:1X}', 'pre-${env:X}', '${ENV:X}', '${env:X', '${X}', '${env:}']) {
      expect(codes(doc().replace('ServiceName: svc', `ServiceName: "${bad}"`)), bad).toEqual(['error:bad-env-reference:Monitoring.ServiceName']);
    }
    expect(codes(doc({ connection: '  TimeoutMs: ${env:T}' }))).toEqual(['error:wrong-type:Connection.TimeoutMs']);
  });
  it('runtime check: awslambda + Special AWS + dotnet8 warns, only when the runtime is known', () => {
    const text = doc({ monitoring: '  Special: [AWS]' }).replace('Type: application', 'Type: awslambda');
    expect(codes(text)).toEqual([]);
    expect(codes(text, { runtimes: ['dotnet10'] })).toEqual([]);
    const d = checkSettings(text, { runtimes: ['dotnet8', 'dotnet10'] }).diagnostics;
    expect(d.map((x) => `${x.severity}:${x.code}`)).toEqual(['warning:aws-instrumentation-dotnet8']);
    expect(d[0]?.message).toMatch(/\.NET 10/);
    expect(codes(text.replace('Type: awslambda', 'Type: application'), { runtimes: ['dotnet8'] })).toEqual([]);
  });
  it('for a layer: a literal BearerToken warns (the fix is an environment reference); a reference does not', () => {
    const lit = doc({ connection: '  BearerToken: abc' });
    expect(codes(lit)).toEqual([]);
    const d = checkSettings(lit, { forLayer: true }).diagnostics;
    expect(d.map((x) => `${x.severity}:${x.code}`)).toEqual(['warning:literal-token-in-layer']);
    expect(d[0]?.message).toContain('lambda:GetLayerVersion');
    expect(d[0]?.fix).toContain('${env:');
    expect(codes(doc({ connection: '  BearerToken: ${env:TOKEN}' }), { forLayer: true })).toEqual([]);
  });
  it('refuses a source that is neither text nor bytes (usage error)', () => {
    expect(() => checkSettings(42 as never)).toThrow(expect.objectContaining({ code: 'bad-argument', kind: 'usage', argument: 'source' }));
  });
  it('rejects unknown runtimes in the options (usage error)', () => {
    expect(() => checkSettings(doc(), { runtimes: ['dotnet6' as never] })).toThrow(
      expect.objectContaining({ code: 'bad-argument', kind: 'usage', argument: 'runtimes', message: 'unknown runtime "dotnet6" (accepted: dotnet8, dotnet10)' }),
    );
  });
});

describe('YAML accepted and refused', () => {
  it('refuses anchors, aliases, tags, complex keys, several documents, tab indentation, directives: naming the construct at its position', () => {
    const cases: [string, string, number, number][] = [
      ['a: &x 1\n', 'anchor', 1, 4],
      ['a: 1\nb: *x\n', 'alias', 2, 4],
      ['a: !!str 1\n', 'tag', 1, 4],
      ['? a\n: 1\n', 'complex-key', 1, 1],
      ['[a]: 1\n', 'complex-key', 1, 1],
      ['a: 1\n---\nb: 2\n', 'multiple-documents', 2, 1],
      ['a: 1\n...\nb: 2\n', 'multiple-documents', 3, 1],
      ['a:\n\tb: 1\n', 'tab-indent', 2, 1],
      ['%YAML 1.2\n---\na: 1\n', 'directive', 1, 1],
    ];
    for (const [text, code, line, column] of cases) {
      const r = checkSettings(text);
      expect(r.ok, text).toBe(false);
      expect(r.diagnostics, text).toHaveLength(1);
      expect(r.diagnostics[0], text).toMatchObject({ code, severity: 'error', line, column });
      expect(r.diagnostics[0]?.fix, text).toBeTruthy();
    }
  });
  it('refuses the constructs YAML readers disagree on (found by the differential test), never reading a different value', () => {
    const cases: [string, string][] = [
      ['a: "x\\\n\n  y"\n', 'yaml-syntax'], // escaped line break then an empty line
      ['a:\n- x\n\uFEFFb: 1\n', 'control-character'], // BOM inside the file
      ['a: "x\n\t\n y"\n', 'tab-indent'], // tab on an empty line of a quoted value
      ['a: |\n\t  text\n', 'tab-indent'], // tab where a block scalar's indentation is found
      ['a: |1\n   x\n  \n', 'yaml-syntax'], // trailing line of only spaces in a block scalar
      ['k:\n-\n#c\n    indented\n   tail\nz: 1\n', 'yaml-syntax'], // comment before a multi-line value
      ['a: b\n\t\n  c\n', 'tab-indent'], // tab on an empty line inside a multi-line plain value
      ['-\tk: v\n', 'tab-indent'], // tab after the dash before a compact mapping
      ['{a, [b]}\n', 'complex-key'], // a collection as a key without a value
      ['a: [x,\n\t y]\n', 'tab-indent'], // tab indentation inside a flow collection
      ['a:\n\t', 'tab-indent'], // last line of blanks with a tab
    ];
    for (const [text, code] of cases) {
      const d = checkSettings(text).diagnostics;
      expect(d.map((x) => x.code), JSON.stringify(text)).toEqual([code]);
    }
  });
  it('accepts a BOM, CRLF line ends, comments, flow collections and document markers', () => {
    const text = '\uFEFF--- # start\r\nGeneral: {Enabled: true, Provider: otlp}\r\n# c\r\nConnection:\r\n  EndpointUrl: "https://c.example.com"\r\nMonitoring:\r\n  ServiceName: >-\r\n    svc\r\n  Special: [HttpClient]\r\n...\r\n';
    expect(checkSettings(text)).toEqual({ ok: true, diagnostics: [] });
  });
  it('an empty file is a mapping with nothing set (so the endpoint and service name are missing)', () => {
    expect(codes('')).toEqual(['error:missing-key:Connection.EndpointUrl', 'error:missing-key:Monitoring.ServiceName']);
    expect(codes('# only a comment\n')).toEqual(['error:missing-key:Connection.EndpointUrl', 'error:missing-key:Monitoring.ServiceName']);
  });
  it('invalid UTF-8 and control characters are findings, not crashes', () => {
    expect(checkSettings(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a])).diagnostics[0]).toMatchObject({ code: 'invalid-utf8', line: 1, column: 4 });
    expect(checkSettings('a: b\x01\n').diagnostics[0]).toMatchObject({ code: 'control-character', line: 1, column: 5 });
  });
  it('deep nesting is refused, not a stack overflow', () => {
    expect(checkSettings('['.repeat(100000)).diagnostics[0]?.code).toBe('too-deep');
    expect(checkSettings('a:\n' + Array.from({ length: 500 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n')).diagnostics[0]?.code).toBe('too-deep');
  });
  it('columns count characters, not bytes', () => {
    const d = only(doc().replace('ServiceName: svc', 'ServiceName: svc\n  "Über": 1'));
    expect(d).toMatchObject({ code: 'unknown-key', line: 9, column: 3 });
    const e = checkSettings('é: [a, &x b]\n').diagnostics[0];
    expect(e).toMatchObject({ code: 'anchor', column: 8 });
  });
});

describe('robustness', () => {
  it('random bytes always give findings or ok, never a throw', () => {
    let x = 12345;
    for (let n = 0; n < 300; n++) {
      const len = n % 200;
      const b = Buffer.alloc(len);
      for (let i = 0; i < len; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = n % 2 ? x >>> 24 : ' :-#\n[]{}"\'|>a1\t'.charCodeAt((x >>> 24) % 16);
      }
      const r = checkSettings(b);
      expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      for (const d of r.diagnostics) {
        expect(['error', 'warning']).toContain(d.severity);
        expect(d.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }
  });
  it('the committed fuzz corpus never throws', () => {
    const dir = path.join(__dirname, '../corpus/settings_reader');
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const r = checkSettings(fs.readFileSync(path.join(dir, f)));
      expect(r.ok, f).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      for (const d of r.diagnostics) expect(d.line >= 1 && d.column >= 1 && d.message.length > 0, f).toBe(true);
    }
  });
});
