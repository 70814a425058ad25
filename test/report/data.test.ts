// The data a report embeds (docs/report.md): every span of the dump, in tree order, as
// columns with one string table (no object per span), invocation rows, the Lambda
// check's problems tied to their traces, metric series and log records linked to spans;
// the page written whole, with no value able to close the data element.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { checkLambda, logRecordsOf, metricPointsOf, spansOf, summarize } from '../../lib/dump';
import type { Span } from '../../lib/dump';
import { ATTR_TYPES, buildReportData, defaultReportPath, renderPage, writeReport } from '../../lib/report';
import { cli } from '../helpers/cli';
import { FIXTURES, hostileDump, HOSTILE, misshapenDump, tempDir } from './fixtures';

const LAMBDA = path.join(FIXTURES, 'lambda.nptb');

async function all(file: string): Promise<Span[]> {
  const out: Span[] = [];
  for await (const s of spansOf(file)) out.push(s);
  return out;
}

describe('report data', () => {
  it('holds every span with its fields, in tree order, as columns', async () => {
    const spans = await all(LAMBDA);
    const d = await buildReportData(LAMBDA);
    const S = d.spans;
    expect(S.n).toBe(spans.length);
    expect(S.id.length).toBe(16 * spans.length);
    const str = (i: number) => d.strings[i]!;
    for (let i = 0; i < S.n; i++) {
      const traceId = d.traces.id.substr(S.trace[i]! * 32, 32);
      const spanId = S.id.substr(i * 16, 16);
      const s = spans.find((x) => x.traceId === traceId && x.spanId === spanId)!;
      expect(s, `${traceId}/${spanId}`).toBeDefined();
      expect(str(S.name[i]!)).toBe(s.name);
      expect(S.kind[i]).toBe(s.kind);
      expect(BigInt(d.traces.base[S.trace[i]!]!) + BigInt(S.start[i]!)).toBe(BigInt(s.startTimeUnixNano));
      expect(BigInt(S.dur[i]!)).toBe(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano));
      expect(S.status[i]).toBe(s.status.code);
      expect(str(S.statusMsg[i]!)).toBe(s.status.message);
      const attrs: Record<string, unknown> = {};
      for (let k = S.attr[i]!; k < S.attr[i]! + S.attrN[i]!; k++) {
        const [key, type, v] = [d.attrs[k * 3]!, d.attrs[k * 3 + 1]!, d.attrs[k * 3 + 2]!];
        const t = ATTR_TYPES[type];
        attrs[str(key)] = t === 'string' ? str(v) : t === 'bool' ? v === 1 : t === 'int' || t === 'double' ? v : t === 'array' || t === 'kvlist' ? JSON.parse(str(v)) : null;
      }
      expect(attrs).toEqual(s.attributes);
      if (s.parentSpanId) {
        expect(S.parent[i]).toBeGreaterThanOrEqual(0);
        expect(S.parent[i]).toBeLessThan(i); // parents before children
        expect(S.id.substr(S.parent[i]! * 16, 16)).toBe(s.parentSpanId);
        expect(S.depth[i]).toBe(S.depth[S.parent[i]!]! + 1);
      } else expect(S.parent[i]).toBe(-1);
    }
    // a trace's spans are contiguous from its first, traces by start
    for (let t = 0; t < d.traces.first.length; t++)
      for (let i = d.traces.first[t]!; i < d.traces.first[t]! + d.traces.count[t]!; i++) expect(S.trace[i]).toBe(t);
    expect([...d.traces.at].sort((a, b) => a - b)).toEqual(d.traces.at);
    // one invocation row per root span
    expect(d.invocations.span.map((i) => S.kind[i])).toEqual(spans.filter((s) => !s.parentSpanId).map(() => 2));
    // events and links of the span with extras
    const withEvent = spans.filter((s) => s.events.length);
    expect(d.events.length / 5).toBe(withEvent.reduce((n, s) => n + s.events.length, 0));
    expect(d.links.length / 7).toBe(spans.reduce((n, s) => n + s.links.length, 0));
    // compact: the span names and keys are in the string table once
    expect(d.strings.filter((x) => x === 'DynamoDB.GetItem').length).toBe(1);
    expect(d.strings.filter((x) => x === 'rpc.system').length).toBe(1);
  });

  it('carries the summary, the diagnostics, the Lambda problems, metrics and logs of the dump', async () => {
    const d = await buildReportData(LAMBDA);
    const s = await summarize(LAMBDA);
    expect(d.diagnostics).toEqual(s.diagnostics);
    expect(d.summary.spans).toBe(s.spans);
    const check = await checkLambda(LAMBDA);
    expect(d.problems.length / 5).toBe(check.problems.length);
    expect(d.lambdaInvocations).toBe(check.invocations);
    for (let k = 0; k < d.problems.length; k += 5) {
      const p = check.problems[k / 5]!;
      expect(d.strings[d.problems[k]!]).toBe(p.code);
      expect(d.traces.id.substr(d.problems[k + 1]! * 32, 32)).toBe(p.traceId);
    }
    const points = [];
    for await (const p of metricPointsOf(LAMBDA)) points.push(p);
    expect(d.metrics.map((m) => m.name)).toEqual([...new Set(points.map((p) => p.name))].sort());
    expect(d.metrics.reduce((n, m) => n + m.points, 0)).toBe(points.length);
    const logs = [];
    for await (const l of logRecordsOf(LAMBDA)) logs.push(l);
    expect(d.logs.n).toBe(logs.length);
    logs.forEach((l, i) => {
      expect(d.strings[d.logs.spanId[i]!]).toBe(l.spanId);
      if (l.spanId) expect(d.spans.id.substr(d.logs.span[i]! * 16, 16)).toBe(l.spanId);
    });
  });

  it('ties orphan and missing-attribute problems to their traces', async () => {
    const m = misshapenDump();
    const d = await buildReportData(m.bytes, { name: 'misshapen.nptb' });
    const byTrace = new Map<string, string[]>();
    for (let k = 0; k < d.problems.length; k += 5) {
      const t = d.traces.id.substr(d.problems[k + 1]! * 32, 32);
      byTrace.set(t, [...(byTrace.get(t) ?? []), d.strings[d.problems[k]!]!]);
    }
    expect(byTrace.get(m.orphanTrace)).toEqual(['orphan-client-span', 'orphan-client-span']);
    for (const t of m.missingTraces) expect(byTrace.get(t)).toEqual(expect.arrayContaining(['missing-attribute']));
    // the orphans' trace has a row, marked as without root
    const orphanT = d.traces.id.indexOf(m.orphanTrace) / 32;
    const rows = d.invocations.span.filter((i) => d.spans.trace[i] === orphanT);
    expect(rows.length).toBe(1);
    expect(d.spans.parent[rows[0]!]).toBe(-2);
  });

  it('embeds values so that none can close the data element', async () => {
    const d = await buildReportData(hostileDump(), { name: 'hostile.nptb', title: '</title><script>alert(1)</script>' });
    const html = renderPage(d, { title: d.title });
    const dataAt = html.indexOf('<script id="np-data" type="application/json">');
    const body = html.slice(dataAt, html.indexOf('</script>', dataAt));
    expect(body).not.toMatch(/<(?!script id="np-data")/);
    expect(html).toContain('<title>&#60;/title&#62;&#60;script&#62;alert(1)&#60;/script&#62;</title>');
    expect(html.split('<script').length).toBe(3); // the data and the page script, nothing else
    const parsed = JSON.parse(body.slice(body.indexOf('>') + 1));
    expect(parsed.strings).toContain(HOSTILE.script);
    expect(parsed.strings).toContain(HOSTILE.big);
  });

  it('writes the file whole; --json says what was written; default path is FILE with .html', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lambda.nptb');
    fs.copyFileSync(LAMBDA, file);
    const r = cli(['dump', 'report', file, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const spans = await all(LAMBDA);
    expect(j).toEqual({ out: path.join(dir, 'lambda.html'), invocations: spans.filter((s) => !s.parentSpanId).length, spans: spans.length, bytes: fs.statSync(path.join(dir, 'lambda.html')).size });
    expect(defaultReportPath('a/b.nptb.gz')).toBe('a/b.html');
    expect(defaultReportPath('trace')).toBe('trace.html');
    // stdin needs -o; an unreadable input leaves no file
    expect(cli(['dump', 'report', '-'], { input: fs.readFileSync(LAMBDA) }).code).toBe(2);
    const piped = cli(['dump', 'report', '-', '-o', path.join(dir, 'stdin.html'), '--json'], { input: fs.readFileSync(LAMBDA) });
    expect(JSON.parse(piped.stdout).spans).toBe(spans.length);
    fs.writeFileSync(path.join(dir, 'junk.bin'), 'not a dump at all');
    const bad = cli(['dump', 'report', path.join(dir, 'junk.bin'), '-o', path.join(dir, 'junk.html'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBeTruthy();
    expect(fs.existsSync(path.join(dir, 'junk.html'))).toBe(false);
    await expect(writeReport(path.join(dir, 'missing.nptb'), path.join(dir, 'm.html'))).rejects.toMatchObject({ code: 'fs-enoent' });
    // strict: the damaged fixture is refused
    const strict = cli(['dump', 'report', path.join(FIXTURES, 'damaged.nptb'), '-o', path.join(dir, 'd.html'), '--strict', '--json']);
    expect(strict.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'd.html'))).toBe(false);
  });
});
