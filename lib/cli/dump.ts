/**
 * The `dump` command group (docs/dump.md): summary, spans, convert, check-lambda.
 * @packageDocumentation
 */
import * as fs from 'fs';
import type { CommandContext } from './framework';
import { defineCommand, Exit, formatBytes, jsonFlag, printJson, progressLine, UsageError } from './framework';
import { checkLambda, convert, CONVERT_TARGETS, spanBatchesOf, summarize } from '../dump';
import type { Diagnostic, DumpErrorCode, DumpFormat, DumpSource, ReadOptions, Signal, Span } from '../dump';
import { NetProfilerError } from '../errors';
import { reportCommand, runTree, treeFlags } from './report';
import { dumpSendCommand } from './dump-send';
import { dumpInputFlags, fileArg } from './dump-flags';

const BIG = 64 * 1024 * 1024;

/** `n thing` or `n things`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type CommonFlags = { format: DumpFormat | undefined; signal: Signal | undefined; strict: boolean };

function readOptions(ctx: CommandContext<CommonFlags>, json: boolean): { source: DumpSource; name: string; options: ReadOptions; done: () => void } {
  const file = ctx.args[0]!;
  const { format, signal } = ctx.flags;
  const name = file === '-' ? '<stdin>' : file;
  let total = 0;
  if (file !== '-') {
    try {
      total = fs.statSync(file).size;
    } catch {
      total = 0; // the reader reports the error with the file name
    }
  }
  const progress = progressLine(ctx, `reading ${name}`);
  const show = !json && ctx.progress && (file === '-' || total > BIG);
  const options: ReadOptions = {
    name,
    strict: ctx.flags.strict,
    ...(format ? { format } : {}),
    ...(signal ? { signal } : {}),
    ...(show ? { onProgress: (n: number, t?: number) => (n > BIG || t ? progress.update(n, t) : undefined) } : {}),
  };
  return { source: file === '-' ? ctx.stdin : file, name, options, done: () => show && progress.done() };
}

/** Reads the FILE argument with `read` (its progress line hidden when `quiet`): the result and the input's name. */
async function readInput<T>(ctx: CommandContext<CommonFlags>, quiet: boolean, read: (source: DumpSource, options: ReadOptions) => Promise<T>): Promise<[T, string]> {
  const { source, name, options, done } = readOptions(ctx, quiet);
  return [await read(source, options).finally(done), name];
}

function diagnosticLines(name: string, diags: Diagnostic[]): string {
  return diags
    .map((d) => `${name}: warning ${d.code}: ${d.message} (byte ${d.offset})\n`)
    .join('');
}

const summaryCmd = defineCommand('dump', {
  name: 'summary',
  summary: 'counts, time range, services and diagnostics of a dump or OpenTelemetry file',
  example: 'net-profiler dump summary /tmp/net-profiler/trace-dump-1234.nptb --json',
  args: fileArg,
  flags: { ...dumpInputFlags, ...jsonFlag },
  async run(ctx) {
    const json = ctx.flags.json;
    const [s, name] = await readInput(ctx, json, summarize);
    if (json) {
      const { gzip, ring, startTimeUnixNano, endTimeUnixNano, services, ...rest } = s;
      printJson(ctx, { ...rest, startTimeUnixNano, endTimeUnixNano, services, ring, gzip });
      return Exit.ok;
    }
    const iso = (ns: string | null) => (ns ? new Date(Number(BigInt(ns) / 1000000n)).toISOString() : '-');
    const rows: Array<[string, string]> = [
      ['format', `${s.format}${s.gzip ? ' (gzip)' : ''}${s.ring ? ' (ring snapshot)' : ''}`],
      ['frames', String(s.frames)],
      ['spans', String(s.spans)],
      ['traces', String(s.traces)],
      ['metric points', String(s.metricPoints)],
      ['log records', String(s.logRecords)],
      ['dropped', `${count(s.dropped.spans, 'span')}, ${count(s.dropped.metricPoints, 'metric point')}, ${count(s.dropped.logRecords, 'log record')}`],
      ['sequence', s.firstSequence === null ? '-' : `${s.firstSequence} … ${s.lastSequence}`],
      ['time range', `${iso(s.startTimeUnixNano)} … ${iso(s.endTimeUnixNano)}`],
      ['services', s.services.join(', ') || '-'],
    ];
    if (s.metadata) rows.push(['producer', Object.entries(s.metadata).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')]);
    const w = Math.max(...rows.map(([k]) => k.length));
    ctx.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
    ctx.stderr.write(diagnosticLines(name, s.diagnostics));
    return Exit.ok;
  },
});

const spansCmd = defineCommand('dump', {
  name: 'spans',
  summary: 'the spans, in file order (ring snapshots: in sequence order)',
  example: 'net-profiler dump spans trace-dump-1234.nptb --trace 4bf92f3577b34da6a3ce929d0e0e4736 --jsonl',
  args: fileArg,
  flags: {
    trace: { type: 'string', value: 'ID', description: 'only the spans of this trace (32 hex digits)' },
    json: { type: 'boolean', description: 'print one JSON array' },
    jsonl: { type: 'boolean', description: 'print one JSON object per line' },
    ...treeFlags,
    ...dumpInputFlags,
  },
  exclusive: [['json', 'jsonl']],
  async run(ctx) {
    const { json, jsonl, trace: traceId } = ctx.flags;
    if (traceId !== undefined && !/^[0-9a-fA-F]{32}$/.test(traceId)) throw new UsageError(`--trace ${JSON.stringify(traceId.slice(0, 40))} is not a trace id (32 hex digits)`, 'trace');
    const { source, name, options, done } = readOptions(ctx, json || jsonl);
    if (ctx.flags.tree || ctx.flags.invocation !== undefined) return runTree(ctx, source, name, options, done);
    const diags: Diagnostic[] = [];
    options.onDiagnostic = (d) => diags.push(d);
    const write = async (s: string) => {
      if (!ctx.stdout.write(s)) await new Promise<void>((r) => ctx.stdout.once('drain', () => r()));
    };
    // JSON output is written only once the first batch is decoded, so a file that
    // cannot be read at all leaves stdout empty.
    let started = false;
    let first = true;
    let spans = 0;
    try {
      for await (const batch of spanBatchesOf(source, { ...options, ...(traceId ? { traceId: traceId.toLowerCase() } : {}) })) {
        let out = '';
        if (json && !started) out += '[';
        started = true;
        spans += batch.length;
        for (const s of batch) {
          if (json) out += (first ? '\n' : ',\n') + JSON.stringify(s);
          else if (jsonl) out += JSON.stringify(s) + '\n';
          else out += human(s);
          first = false;
        }
        await write(out);
      }
    } finally {
      done();
    }
    if (traceId !== undefined && spans === 0) {
      ctx.stderr.write(diagnosticLines(name, diags));
      throw new NetProfilerError<DumpErrorCode>('trace-not-found', `${name}: no span of trace ${traceId.toLowerCase()} in the input`, {
        file: name,
        fix: 'list the trace ids with `net-profiler dump spans FILE` (first column)',
      });
    }
    if (json) await write((started ? '' : '[') + (first ? ']\n' : '\n]\n'));
    ctx.stderr.write(diagnosticLines(name, diags));
    return Exit.ok;
  },
});

function human(s: Span): string {
  const dur = Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;
  const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  return `${s.traceId} ${s.spanId} ${(s.parentSpanId || '-').padEnd(16)} ${(kinds[s.kind] ?? String(s.kind)).padEnd(8)} ${dur.toFixed(3).padStart(10)} ms  ${s.name}\n`;
}

const convertCmd = defineCommand('dump', {
  name: 'convert',
  summary: 'rewrite as OTLP/JSON lines, one OTLP protobuf request, or Chrome trace JSON (Perfetto)',
  example: 'net-profiler dump convert trace-dump-1234.nptb --to chrome -o trace.json',
  args: fileArg,
  flags: {
    to: { type: 'string', value: 'T', required: true, choices: CONVERT_TARGETS, description: 'otlp-json (every signal), otlp-proto (one signal: --signal, else traces) or chrome' },
    out: { type: 'string', short: 'o', value: 'OUT', description: 'output file (default stdout); written whole or not at all' },
    ...dumpInputFlags,
    json: { type: 'boolean', description: 'print a JSON report (needs -o)' },
  },
  async run(ctx) {
    const { to, out, json } = ctx.flags;
    if (json && !out) throw new UsageError('--json needs -o OUT (stdout carries the converted data)', 'json');
    // for otlp-proto, --signal names the output signal (and the input's, for raw inputs)
    const outSignal: Signal = ctx.flags.signal ?? 'traces';
    const [r, name] = await readInput(ctx, json || !out, (source, options) => convert(source, out ?? ctx.stdout, { ...options, to, outSignal }));
    if (json) printJson(ctx, { ok: true, to, out, bytes: r.bytes, ...(r.spans !== undefined ? { spans: r.spans } : {}), diagnostics: r.diagnostics });
    else {
      ctx.stderr.write(diagnosticLines(name, r.diagnostics));
      if (out) ctx.stderr.write(`wrote ${out} (${formatBytes(r.bytes)})\n`);
    }
    return Exit.ok;
  },
});

const checkCmd = defineCommand('dump', {
  name: 'check-lambda',
  summary: 'check the Lambda invocation shape: attributes, orphan client spans, late flushes',
  example: 'net-profiler dump check-lambda trace-dump-1234.nptb --json',
  args: fileArg,
  flags: { ...jsonFlag, ...dumpInputFlags },
  async run(ctx) {
    const json = ctx.flags.json;
    const [r, name] = await readInput(ctx, json, checkLambda);
    if (json) {
      printJson(ctx, { invocations: r.invocations, ok: r.ok, problems: r.problems, diagnostics: r.diagnostics });
    } else {
      let text = '';
      for (const p of r.problems) {
        text += `${name}: error ${p.code}: ${p.message}${p.traceId ? ` (trace ${p.traceId}${p.spanId ? `, span ${p.spanId}` : ''})` : ''}\n`;
      }
      text += `${count(r.invocations, 'invocation')}, ${count(r.problems.length, 'problem')}: ${r.ok ? 'ok' : 'failed'}\n`;
      ctx.stdout.write(text);
      ctx.stderr.write(diagnosticLines(name, r.diagnostics));
    }
    return r.ok ? Exit.ok : Exit.failed;
  },
});

/** The commands of `net-profiler dump …`, in the order its help lists them. */
export const commands = [summaryCmd, spansCmd, convertCmd, checkCmd, reportCommand, dumpSendCommand];
