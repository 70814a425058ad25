/**
 * The command-line framework shared by every group: argument parsing with
 * `node:util.parseArgs`, `--help` on every group and command, exit codes and the
 * output rules of `cli.md` (one JSON document with `--json`, findings as
 * `FILE:LINE:COL: severity CODE: message`, colour only on a TTY without NO_COLOR,
 * progress only on a TTY stderr).
 * @packageDocumentation
 */
import { parseArgs } from 'util';
import { NetProfilerError } from '../errors';

/** Exit codes of `cli.md`. */
export const Exit = {
  /** Done, or the input is good (warnings allowed). */
  ok: 0,
  /** The input failed a check, or the operation was refused (nothing changed). */
  failed: 1,
  /** Usage error. */
  usage: 2,
  /** An outside failure (unreadable file, AWS call failed after retries). */
  outside: 3,
} as const;

/** One flag of a command. */
export interface FlagSpec {
  /** `boolean` flags take no value; `string` flags take one. */
  type: 'boolean' | 'string';
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  /** One-letter alias, such as `o` for `--out`. */
  short?: string;
  /** Placeholder shown in help, such as `DIR`. */
  value?: string;
  /** One line for `--help`. */
  description: string;
}

/** Parsed flag values: a string, a list of strings, or a boolean. */
export type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** Where a command writes, and what it knows of its terminal. */
export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Flag values by long name. */
  flags: FlagValues;
  /** Standard output. */
  stdout: NodeJS.WritableStream;
  /** Standard error. */
  stderr: NodeJS.WritableStream;
  /** Standard input (for `-`). */
  stdin: NodeJS.ReadableStream;
  /** The environment. */
  env: NodeJS.ProcessEnv;
  /** Colour allowed on stdout (TTY and no NO_COLOR). */
  color: boolean;
  /** Progress allowed on stderr (TTY, no `--json`). */
  progress: boolean;
}

/** One command of a group. */
export interface CommandSpec {
  /** Name after the group, such as `check`. */
  name: string;
  /** The usage line without the program name, such as `settings check FILE [--json]`. */
  usage: string;
  /** One line for the group's help. */
  summary: string;
  /** A full example command line. */
  example: string;
  /** Flags by long name (`--help` is added to every command). */
  flags: Record<string, FlagSpec>;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  /** Runs the command and returns the exit code. Throw {@link UsageError} for misuse. */
  run(ctx: CommandContext): Promise<number>;
}

/** A group of commands (`settings`, `layer`, `lambda`, `dump`). */
export interface GroupSpec {
  name: string;
  summary: string;
  commands: CommandSpec[];
}

/** Thrown for a usage mistake: printed with the usage line, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const PROG = 'net-profiler';

/** Help text of a group. */
export function groupHelp(group: GroupSpec): string {
  const w = Math.max(...group.commands.map((c) => c.name.length), 4);
  const lines = [
    `usage: ${PROG} ${group.name} <command> [options]`,
    '',
    group.summary,
    '',
    'commands:',
    ...group.commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    `Run '${PROG} ${group.name} <command> --help' for a command's options and an example.`,
  ];
  return lines.join('\n') + '\n';
}

/** Help text of a command. */
export function commandHelp(cmd: CommandSpec): string {
  const names = Object.entries(cmd.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return [left, f.description + (f.multiple ? ' (repeatable)' : '')] as const;
  });
  names.push(['    --help', 'show this help']);
  const w = Math.max(...names.map(([l]) => l.length));
  return (
    [
      `usage: ${PROG} ${cmd.usage}`,
      '',
      cmd.summary,
      '',
      'options:',
      ...names.map(([l, d]) => `  ${l.padEnd(w)}  ${d}`),
      '',
      'example:',
      `  ${cmd.example}`,
    ].join('\n') + '\n'
  );
}

/** Parses a command's arguments; throws {@link UsageError} on an unknown flag or a wrong count. */
export function parseCommand(cmd: CommandSpec, argv: string[]): { args: string[]; flags: FlagValues; help: boolean } {
  const options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags)) {
    options[name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(cleanParseArgsMessage((err as Error).message), cmd.usage);
  }
  const flags = parsed.values as FlagValues;
  if (flags.help) return { args: parsed.positionals, flags, help: true };
  const n = parsed.positionals.length;
  if (n < cmd.positionals.min) throw new UsageError('missing argument', cmd.usage);
  if (n > cmd.positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[cmd.positionals.max]}'`, cmd.usage);
  return { args: parsed.positionals, flags, help: false };
}

function cleanParseArgsMessage(msg: string): string {
  const first = msg.split('\n')[0] ?? msg;
  return first.replace(/\. To specify a positional argument.*$/, '').replace(/^Unknown option/, 'unknown option');
}

/** Returns a flag as a single string (last one wins), or undefined. */
export function flagString(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** Returns a repeatable flag as a list, also splitting comma-separated values. */
export function flagList(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

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
export function formatFindings(file: string, findings: PrintableFinding[], color: boolean): string {
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

/**
 * Turns an error thrown by a command into its exit code and a message on stderr
 * (or a JSON error document with `--json`). No stack trace for user mistakes; an
 * unexpected error is a bug and says so.
 */
export function reportError(ctx: Pick<CommandContext, 'stdout' | 'stderr'>, err: unknown, json: boolean): number {
  if (err instanceof UsageError) {
    ctx.stderr.write(`${PROG}: ${err.message}\n`);
    if (err.usage) ctx.stderr.write(`usage: ${PROG} ${err.usage}\n`);
    return Exit.usage;
  }
  if (err instanceof NetProfilerError || (err instanceof Error && typeof (err as { code?: unknown }).code === 'string')) {
    const e = err as NetProfilerError;
    const kind = e instanceof NetProfilerError ? e.kind : isSystemError(e) ? 'outside' : 'refused';
    const exit = kind === 'usage' ? Exit.usage : kind === 'outside' ? Exit.outside : Exit.failed;
    if (json) {
      printJson(ctx, { ok: false, error: { code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.fix ? { fix: e.fix } : {}) } });
    } else {
      const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
      ctx.stderr.write(`${PROG}: ${where}error ${e.code}: ${e.message}\n`);
      if (e.fix) ctx.stderr.write(`    fix: ${e.fix}\n`);
    }
    return exit;
  }
  const e = err as Error;
  ctx.stderr.write(`${PROG}: internal error (a bug in net-profiler, please report it):\n${e?.stack ?? String(err)}\n`);
  return 70;
}

function isSystemError(e: { code?: unknown; syscall?: unknown }): boolean {
  return typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code));
}
