// The `dump` commands of docs/dump.md through the real bin (needs `npm run build`).
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from '../helpers/cli';
import { FIXTURES, gen, pbRoot } from './helpers';

const F = (n: string) => path.join(FIXTURES, n);
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-dump-cli-'));
});

describe('dump summary', () => {
  it('--json: the docs/dump.md document', () => {
    const r = cli(['dump', 'summary', F('lambda.nptb'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: 'nptb', frames: 6, spans: 15, traces: 5, metricPoints: 3 * 2, logRecords: 3, dropped: { spans: 17, metricPoints: 0, logRecords: 2 }, firstSequence: 0, lastSequence: 5 });
    expect(doc.metadata.profiler).toBe('net_profiler_rust');
    expect(doc.diagnostics).toEqual([{ code: 'dropped', offset: 8024, message: 'the profiler dropped 17 spans, 0 metric points and 2 log records', spans: 17, metricPoints: 0, logRecords: 2 }]);
  });

  it('for people: aligned rows, damage as warnings on stderr, exit 0', () => {
    const r = cli(['dump', 'summary', F('damaged.nptb')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^spans\s+9$/m);
    expect(r.stderr).toMatch(/damaged\.nptb: warning corrupt-payload: .*\(byte \d+\)/);
  });

  it('--strict: damage is exit 1; a dump with only dropped frames passes', () => {
    const r = cli(['dump', 'summary', F('damaged.nptb'), '--strict', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('corrupt-payload');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(cli(['dump', 'summary', F('lambda.nptb'), '--strict']).code).toBe(0);
  });

  it('reads stdin with -', () => {
    const r = cli(['dump', 'summary', '-', '--json'], { input: fs.readFileSync(F('lambda.nptb.gz')) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ spans: 15, gzip: true });
  });

  it('not a dump: exit 1 with an error document; no such file: exit 3; bad flags: exit 2', () => {
    const bad = path.join(dir, 'bad.bin');
    fs.writeFileSync(bad, Buffer.from([0x89, 0x4e, 0x50, 0x54, 0x42, 0x0d, 0x0a, 0x1a, 2, 0, 0, 0, 64, 0, 0, 0]));
    const r = cli(['dump', 'summary', bad, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'unsupported-version' });
    const m = cli(['dump', 'summary', path.join(dir, 'missing.nptb')]);
    expect(m.code).toBe(3);
    expect(m.stderr).toMatch(/no such file/);
    expect(cli(['dump', 'summary', F('lambda.nptb'), '--bogus']).code).toBe(2);
    expect(cli(['dump', 'summary', F('lambda.nptb'), '--format', 'zip']).code).toBe(2);
    expect(cli(['dump', 'summary']).code).toBe(2);
  });

  it('a raw request that does not say its signal: exit 2 asking for --signal', () => {
    const empty = path.join(dir, 'empty.pb');
    fs.writeFileSync(empty, Buffer.from([0x0a, 0x00]));
    const r = cli(['dump', 'summary', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--signal/);
    const m = cli(['dump', 'summary', F('lambda.traces.pb'), '--signal', 'traces', '--json']);
    expect(JSON.parse(m.stdout).spans).toBe(9);
  });
});

describe('dump spans', () => {
  it('--json array, --jsonl lines, --trace filter, and the span shape of docs/dump.md', () => {
    const j = cli(['dump', 'spans', F('lambda.nptb'), '--json']);
    expect(j.code).toBe(0);
    const spans = JSON.parse(j.stdout);
    expect(spans).toHaveLength(15);
    expect(Object.keys(spans[0]).sort()).toEqual(
      ['attributes', 'droppedAttributesCount', 'droppedEventsCount', 'droppedLinksCount', 'endTimeUnixNano', 'events', 'flags', 'kind', 'links', 'name', 'parentSpanId', 'resource', 'scope', 'spanId', 'startTimeUnixNano', 'status', 'traceId', 'traceState'].sort(),
    );
    const put = spans.find((s: any) => s.name === 'DynamoDB.PutItem');
    expect(put).toMatchObject({ kind: 3, attributes: { 'rpc.system': 'aws-api', 'aws.dynamodb.table_names': ['lambda-profiler-demo'], 'http.response.status_code': 200 }, status: { code: 0, message: '' } });
    const l = cli(['dump', 'spans', F('lambda.nptb'), '--jsonl', '--trace', put.traceId]);
    const lines = l.stdout.trim().split('\n').map((x) => JSON.parse(x));
    expect(lines.length).toBe(spans.filter((s: any) => s.traceId === put.traceId).length);
    const h = cli(['dump', 'spans', F('lambda.nptb')]);
    expect(h.stdout.trim().split('\n')).toHaveLength(15);
    expect(h.stdout).toMatch(/client\s+\d+\.\d{3} ms  DynamoDB\.GetItem/);
    expect(cli(['dump', 'spans', F('lambda.nptb'), '--trace', 'nothex']).code).toBe(2);
    expect(cli(['dump', 'spans', F('lambda.nptb'), '--json', '--jsonl']).code).toBe(2);
  });
});

describe('dump convert', () => {
  it('--to otlp-json / otlp-proto / chrome with -o', () => {
    const j = path.join(dir, 'out.jsonl');
    expect(cli(['dump', 'convert', F('lambda.nptb'), '--to', 'otlp-json', '-o', j]).code).toBe(0);
    const lines = fs.readFileSync(j, 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    expect(lines.map((x) => Object.keys(x)[0])).toEqual(['resourceSpans', 'resourceMetrics', 'resourceSpans', 'resourceLogs']);
    const p = path.join(dir, 'out.pb');
    expect(cli(['dump', 'convert', F('lambda.nptb'), '--to', 'otlp-proto', '--signal', 'logs', '-o', p]).code).toBe(0);
    const L = pbRoot.collector.logs.v1.ExportLogsServiceRequest;
    expect(L.decode(fs.readFileSync(p)).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(3);
    const c = cli(['dump', 'convert', F('lambda.nptb'), '--to', 'chrome']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).traceEvents.filter((e: any) => e.ph === 'X')).toHaveLength(15);
    const rep = cli(['dump', 'convert', F('lambda.nptb'), '--to', 'otlp-proto', '-o', p, '--json']);
    expect(JSON.parse(rep.stdout)).toMatchObject({ ok: true, to: 'otlp-proto', bytes: fs.statSync(p).size });
    expect(cli(['dump', 'convert', F('lambda.nptb')]).code).toBe(2);
    expect(cli(['dump', 'convert', F('lambda.nptb'), '--to', 'xml']).code).toBe(2);
  });
});

describe('dump check-lambda', () => {
  it('ok: exit 0; problems: exit 1 with the docs/dump.md document', () => {
    const good = path.join(dir, 'good.nptb');
    fs.writeFileSync(good, gen.writeDump([0, 1].map((i) => ({ kind: 'traces', payload: gen.lambdaTraces({ invocations: 1, seed: 60 + i, startNs: 1795479225000000000n + BigInt(i) * 1000000000n }).proto }))));
    const r = cli(['dump', 'check-lambda', good, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ invocations: 2, ok: true, problems: [] });
    const badFile = path.join(dir, 'bad.nptb');
    fs.writeFileSync(badFile, gen.writeDump([{ kind: 'traces', payload: gen.lambdaTraces({ invocations: 1, seed: 70, omit: ['faas.invocation_id', 'faas.coldstart', 'cloud.region'] }).proto }]));
    const b = cli(['dump', 'check-lambda', badFile, '--json']);
    expect(b.code).toBe(1);
    const doc = JSON.parse(b.stdout);
    expect(doc.problems.map((p: any) => [p.code, p.attribute])).toEqual([['missing-attribute', 'faas.invocation_id'], ['missing-attribute', 'faas.coldstart']]);
    expect(doc.problems[0]).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const h = cli(['dump', 'check-lambda', badFile]);
    expect(h.stdout).toMatch(/error missing-attribute: invocation span 'lambda-profiler-demo' lacks faas.invocation_id/);
  });

  it('--help has an example', () => {
    for (const c of ['summary', 'spans', 'convert', 'check-lambda']) {
      const r = cli(['dump', c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/example:\n  net-profiler dump /);
    }
  });
});
