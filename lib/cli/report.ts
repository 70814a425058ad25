/**
 * The report commands of the `dump` group (`docs/report.md`): `dump report FILE -o
 * OUT.html`, and the tree output of `dump spans FILE --tree [--invocation ID]`.
 * `lib/cli/dump.ts` lists {@link reportCommand} and spreads {@link treeFlags} into
 * `dump spans`, which calls {@link runTree} when one of them is given.
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';
import type { DumpSource, ReadOptions } from '../dump';
import type { CommandContext, FlagSpec } from './framework';
import { defineCommand, Exit, formatBytes, plural, printJson, UsageError } from './framework';
import { dumpInputFlags, fileArg } from './dump-flags';

/** Most bytes `dump report -` reads from standard input (the report reads its input several times). */
export const REPORT_STDIN_CAP = 512 * 1024 * 1024;

/** The flags `dump spans` takes for the tree. */
export const treeFlags = {
  tree: { type: 'boolean', description: 'every trace as an indented tree: offsets, durations, status, telling attributes' },
  invocation: { type: 'string', value: 'ID', description: 'only the trace of this invocation (its faas.invocation_id); prints the tree' },
} as const satisfies Record<string, FlagSpec>;

/**
 * `dump spans --tree` / `--invocation ID`: prints the trees (colour when `ctx.color`),
 * then the reader's diagnostics on stderr. An id that matches nothing: exit 1 with a
 * message (`no-such-trace` / `no-such-invocation`).
 */
export async function runTree(
  ctx: CommandContext<{ json: boolean; jsonl: boolean; trace: string | undefined; invocation: string | undefined }>,
  source: DumpSource,
  name: string,
  options: ReadOptions,
  done: () => void,
): Promise<number> {
  const { json, jsonl, trace, invocation } = ctx.flags;
  if (json || jsonl) throw new UsageError(`--${ctx.flags.invocation !== undefined ? 'invocation' : 'tree'} prints the tree, which --${json ? 'json' : 'jsonl'} excludes`, json ? 'json' : 'jsonl');
  if (invocation !== undefined && invocation.trim() === '') throw new UsageError('--invocation needs a faas.invocation_id', 'invocation');
  const diags: string[] = [];
  const write = async (s: string) => {
    if (!ctx.stdout.write(s)) await new Promise<void>((r) => ctx.stdout.once('drain', () => r()));
  };
  const { printTraceTrees } = await import('../report/tree');
  await printTraceTrees(source, write, {
    ...options,
    onDiagnostic: (d) => diags.push(`${name}: warning ${d.code}: ${d.message} (byte ${d.offset})\n`),
    color: ctx.color,
    ...(trace ? { traceId: trace.toLowerCase() } : {}),
    ...(invocation !== undefined ? { invocationId: invocation } : {}),
  }).finally(done);
  ctx.stderr.write(diags.join(''));
  return Exit.ok;
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    total += b.length;
    if (total > REPORT_STDIN_CAP)
      throw new NetProfilerError('input-too-large', `<stdin> holds more than ${REPORT_STDIN_CAP} bytes, the most \`dump report -\` reads`, { fix: 'write the dump to a file and pass its path' });
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

/** `net-profiler dump report FILE [-o OUT.html] [--title T] [--json]`. */
export const reportCommand = defineCommand('dump', {
  name: 'report',
  summary: 'one self-contained HTML page: invocations, waterfall, span detail, metrics, logs',
  example: 'net-profiler dump report trace-dump-1234.nptb -o trace.html',
  args: fileArg,
  flags: {
    out: { type: 'string', short: 'o', value: 'OUT.html', description: 'the HTML file (default: FILE with .html); written whole or not at all' },
    title: { type: 'string', value: 'T', description: 'the page title (default: the file name)' },
    json: { type: 'boolean', description: 'print {"out", "invocations", "spans", "bytes"}' },
    ...dumpInputFlags,
  },
  async run(ctx) {
    const file = ctx.args[0]!;
    const { title, json, format, signal, strict } = ctx.flags;
    if (file === '-' && !ctx.flags.out) throw new UsageError('reading standard input needs -o OUT.html', 'out');
    const { defaultReportPath, writeReport } = await import('../report/write');
    const out = ctx.flags.out ?? defaultReportPath(file);
    const name = file === '-' ? '<stdin>' : file;
    const source = file === '-' ? await readStdin(ctx.stdin) : file;
    const r = await writeReport(source, out, {
      name,
      strict,
      ...(format ? { format } : {}),
      ...(signal ? { signal } : {}),
      ...(title !== undefined ? { title } : {}),
    });
    if (json) printJson(ctx, { out: r.out, invocations: r.invocations, spans: r.spans, bytes: r.bytes });
    else ctx.stderr.write(`wrote ${r.out} (${formatBytes(r.bytes)}): ${plural(r.invocations, 'invocation')}, ${plural(r.spans, 'span')}\n`);
    return Exit.ok;
  },
});
