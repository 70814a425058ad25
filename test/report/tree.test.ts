// `dump spans --tree` and `--invocation ID` (docs/report.md): every span once, parents
// before children, siblings by start, offsets and durations from the spans, status,
// telling attributes, orphans marked, filters that match nothing exit 1, colour only
// when asked for (a TTY without NO_COLOR).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { spansOf } from '../../lib/dump';
import type { Span } from '../../lib/dump';
import { buildTraceTrees, formatTraceTree, printTraceTrees } from '../../lib/report';
import { BIN, ROOT, cli } from '../helpers/cli';
import { hasTool } from '../helpers/tools';
import { FIXTURES, hostileDump, misshapenDump, tempDir } from './fixtures';

const LAMBDA = path.join(FIXTURES, 'lambda.nptb');

async function all(file: string): Promise<Span[]> {
  const out: Span[] = [];
  for await (const s of spansOf(file)) out.push(s);
  return out;
}

const ms = (ns: bigint) => `${(Number(ns) / 1e6).toFixed(1)} ms`;

describe('trace tree', () => {
  it('shows every span of the dump once, under its parent, with offset, duration, status and telling attributes', async () => {
    const spans = await all(LAMBDA);
    let text = '';
    const r = await printTraceTrees(LAMBDA, (s) => void (text += s));
    const traces = new Set(spans.map((s) => s.traceId));
    expect(r).toEqual({ traces: traces.size, spans: spans.length });
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('trace ')).length).toBe(traces.size);
    expect(lines.length).toBe(traces.size + spans.length);
    for (const s of spans) {
      const traceStart = spans.filter((x) => x.traceId === s.traceId).reduce((m, x) => (BigInt(x.startTimeUnixNano) < m ? BigInt(x.startTimeUnixNano) : m), BigInt(s.startTimeUnixNano));
      const head = lines.findIndex((l) => l.startsWith(`trace ${s.traceId}`));
      const mine = lines.slice(head + 1).findIndex((l) => l.includes(`${s.name}`) && l.includes(`+${ms(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano))}`));
      expect(mine, `${s.name} of ${s.traceId}`).toBeGreaterThanOrEqual(0);
      const line = lines[head + 1 + mine]!;
      expect(line).toContain(` ${ms(BigInt(s.startTimeUnixNano) - traceStart)} `);
      expect(line).toMatch(s.status.code === 2 ? new RegExp(`ERROR ${s.status.message}`) : / ok /);
      if (s.kind === 2) {
        expect(line).toMatch(/^└─ SERVER /);
        expect(line).toContain(`faas.invocation_id=${s.attributes['faas.invocation_id']}`);
      }
      if (s.kind === 3) {
        expect(line).toMatch(/^ {3}[├└]─ CLIENT /);
        expect(line).toContain('aws.dynamodb.table_names=[lambda-profiler-demo]');
      }
    }
    // siblings by start: PutItem before GetItem in every trace
    const names = lines.filter((l) => l.includes('CLIENT')).map((l) => (l.includes('PutItem') ? 'P' : 'G'));
    expect(names.join('')).toBe('PG'.repeat(traces.size));
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('marks a span whose parent is not in the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'orphans.nptb');
    const m = misshapenDump();
    fs.writeFileSync(file, m.bytes);
    let text = '';
    await printTraceTrees(file, (s) => void (text += s), { traceId: m.orphanTrace });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^trace ${m.orphanTrace}`));
    expect(lines.length).toBe(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/CLIENT DynamoDB\.\w+ .*\(parent [0-9a-f]{16} not in this file\)$/);
  });

  it('filters by invocation id; an id or trace that matches nothing is refused with exit 1', async () => {
    const spans = await all(LAMBDA);
    const server = spans.find((s) => s.kind === 2)!;
    const id = String(server.attributes['faas.invocation_id']);
    const r = cli(['dump', 'spans', LAMBDA, '--invocation', id]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('trace ')).map((l) => l.split(/\s+/)[1])).toEqual([server.traceId]);
    expect(r.stdout.trimEnd().split('\n').length).toBe(1 + spans.filter((s) => s.traceId === server.traceId).length);
    const none = cli(['dump', 'spans', LAMBDA, '--invocation', 'no-such-id', '--json']);
    expect(none.code).toBe(2); // --invocation prints the tree: --json excludes it
    const miss = cli(['dump', 'spans', LAMBDA, '--invocation', 'no-such-id']);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toBe('');
    expect(miss.stderr).toMatch(/no-such-invocation.*no-such-id/);
    const noTrace = cli(['dump', 'spans', LAMBDA, '--tree', '--trace', '0'.repeat(32)]);
    expect(noTrace.code).toBe(1);
    expect(noTrace.stderr).toMatch(/no-such-trace/);
    const tree = cli(['dump', 'spans', LAMBDA, '--tree', '--trace', server.traceId.toUpperCase()]);
    expect(tree.code).toBe(0);
    expect(tree.stdout.split('\n')[0]).toMatch(new RegExp(`^trace ${server.traceId}`));
  });

  it('writes control characters escaped and cuts a 1 MB name', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'hostile.nptb');
    fs.writeFileSync(file, hostileDump());
    let text = '';
    await printTraceTrees(file, (s) => void (text += s));
    expect(text.length).toBeLessThan(4000);
    const trees = buildTraceTrees([{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', name: 'x\x1b[2Jy\n', kind: 1, start: 0n, end: 5n, statusCode: 0, statusMessage: '', service: '', telling: [], invocationId: '', coldStart: false }]);
    const out = formatTraceTree(trees[0]!);
    expect(out).toContain('x\\x1b[2Jy\\n');
    expect(out).not.toContain('\x1b');
  });

  it('shows every span of a parent cycle (a damaged file) once', () => {
    const span = (id: string, parent: string, start: bigint) => ({ traceId: 'c'.repeat(32), spanId: id.repeat(16), parentSpanId: parent ? parent.repeat(16) : '', name: `span-${id}`, kind: 1, start, end: start + 10n, statusCode: 0, statusMessage: '', service: 'svc', telling: [], invocationId: '', coldStart: false });
    const trees = buildTraceTrees([span('a', 'b', 1n), span('b', 'a', 2n), span('d', '', 0n), span('e', 'd', 3n)]);
    expect(trees.length).toBe(1);
    const text = formatTraceTree(trees[0]!);
    for (const id of ['a', 'b', 'd', 'e']) expect(text.split(`span-${id}`).length - 1).toBe(1);
    expect(trees[0]!.spans).toBe(4);
  });

  it('colours only when asked: on a TTY without NO_COLOR, never piped', async () => {
    let plain = '';
    let coloured = '';
    await printTraceTrees(LAMBDA, (s) => void (plain += s));
    await printTraceTrees(LAMBDA, (s) => void (coloured += s), { color: true });
    expect(plain).not.toMatch(/\x1b\[/);
    expect(coloured).toMatch(/\x1b\[36mSERVER\x1b\[0m/);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
    const piped = cli(['dump', 'spans', LAMBDA, '--tree'], { env: { NO_COLOR: '' } });
    expect(piped.stdout).not.toMatch(/\x1b\[/);
  });

  it.skipIf(!hasTool('script', ['-V']))('on a pseudo-terminal: coloured, and plain with NO_COLOR', () => {
    const run = (env: NodeJS.ProcessEnv) => {
      const cmd = [process.execPath, BIN, 'dump', 'spans', LAMBDA, '--tree'].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...env, TERM: 'xterm' }, timeout: 60_000 });
      return String(r.stdout);
    };
    const env = { ...process.env };
    delete env.NO_COLOR;
    expect(run(env)).toMatch(/\x1b\[35mCLIENT/);
    expect(run({ ...env, NO_COLOR: '1' })).not.toMatch(/\x1b\[3\dm/);
  });
});
