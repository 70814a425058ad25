/**
 * Output helpers of the command line (docs/cli.md, "Output"): findings as
 * `FILE:LINE:COL: severity CODE: message`, one JSON document (or the text of people), counts with their nouns,
 * progress on a terminal's stderr, byte sizes.
 * @packageDocumentation
 */
import type { CommandContext } from './framework';

/** A finding as the CLI prints it. */
export interface PrintableFinding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  line?: number;
  column?: number;
  fix?: string;
}

/** Formats findings as `FILE:LINE:COL: error CODE: message` with the fix indented below. */
export function formatFindings(file: string, findings: readonly PrintableFinding[], color: boolean): string {
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);
  const yellow = (s: string) => (color ? `\x1b[33m${s}\x1b[0m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  let out = '';
  for (const f of findings) {
    const where = f.line !== undefined ? `${file}:${f.line}:${f.column ?? 1}` : file;
    const sev = f.severity === 'error' ? red('error') : yellow('warning');
    out += `${where}: ${sev} ${f.code}: ${f.message}\n`;
    if (f.fix) out += `    ${dim('fix:')} ${f.fix}\n`;
  }
  return out;
}

/** Writes one JSON document (and a newline) to stdout. */
export function printJson(ctx: Pick<CommandContext, 'stdout'>, doc: unknown): void {
  ctx.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** A command's two outputs: under `--json` the one JSON document `doc`, else what `human` writes. */
export function printJsonOr(ctx: Pick<CommandContext<{ json: boolean }>, 'stdout' | 'flags'>, doc: unknown, human: () => void): void {
  if (ctx.flags.json) printJson(ctx, doc);
  else human();
}

export { plural } from '../text';

/**
 * A progress line on stderr, redrawn in place; a no-op unless `ctx.progress`.
 * Call `done()` to clear it.
 */
export function progressLine(ctx: Pick<CommandContext, 'stderr' | 'progress'>, label: string) {
  let last = 0;
  return {
    update(done: number, total?: number) {
      if (!ctx.progress) return;
      const now = Date.now();
      if (now - last < 100 && (total === undefined || done < total)) return;
      last = now;
      const pct = total ? ` ${Math.floor((done / total) * 100)}%` : '';
      ctx.stderr.write(`\r\x1b[K${label}${pct} (${formatBytes(done)}${total ? ` of ${formatBytes(total)}` : ''})`);
    },
    done() {
      if (ctx.progress) ctx.stderr.write('\r\x1b[K');
    },
  };
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
