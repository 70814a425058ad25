/**
 * The command-line framework shared by every command (docs/cli.md): a command's
 * declaration (its positional arguments and flags) is the one source of its parsed,
 * typed flags, its usage line and its help; `--help` on every group and command;
 * the output rules (one JSON document with `--json`, findings as
 * `FILE:LINE:COL: severity CODE: message`, colour only on a TTY without NO_COLOR,
 * progress only on a TTY stderr).
 * Failures are written by one function, {@link writeFailure} (lib/cli/failure.ts).
 * @packageDocumentation
 */
import { parseArgs } from 'util';
import { NetProfilerError, quoteValue } from '../errors';
import { closest } from '../text';

/** Exit codes (docs/cli.md). */
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

/** The program name, as usage lines print it. */
export const PROG = 'net-profiler';

/** One flag of a command. Its declaration decides the parsed type of `ctx.flags[name]`. */
export interface FlagSpec {
  /** `boolean` flags take no value; `string` flags take one; `integer` flags take a whole number. */
  type: 'boolean' | 'string' | 'integer';
  /** May be given more than once (values collected in order, as a list). */
  multiple?: boolean;
  /** With `multiple`: a value may also list several, comma-separated (`--runtime dotnet8,dotnet10`). */
  commaList?: boolean;
  /** One-letter alias, such as `o` for `--out`. */
  short?: string;
  /** Placeholder shown in the usage line and help, such as `DIR`. */
  value?: string;
  /** The accepted values; the parsed type is their union. */
  choices?: readonly string[];
  /** Shown without brackets in the usage line; the framework refuses the command without it. */
  required?: boolean;
  /** One line for `--help`. */
  description: string;
}

/** One positional argument of a command. */
export interface ArgSpec {
  /** Its name in the usage line, such as `FILE`. */
  name: string;
  /** May be left out. */
  optional?: boolean;
  /** Takes every remaining argument (at least one unless `optional`). */
  variadic?: boolean;
}

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean
  : F['type'] extends 'integer'
    ? number
    : F extends { choices: readonly (infer C extends string)[] }
      ? C
      : string;

/** The parsed flags of a declaration: booleans are always set, lists always arrays. */
export type ParsedFlags<D extends Record<string, FlagSpec>> = {
  -readonly [K in keyof D]: D[K]['type'] extends 'boolean'
    ? boolean
    : D[K] extends { multiple: true }
      ? ValueOf<D[K]>[]
      : D[K] extends { required: true }
        ? ValueOf<D[K]>
        : ValueOf<D[K]> | undefined;
};

/** Where a command writes, and what it knows of its terminal. */
export interface CommandContext<F = Record<string, unknown>> {
  /** Positional arguments after the command name. */
  args: string[];
  /** Flag values by long name, typed by the declaration. */
  flags: F;
  /** Standard output. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard error. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard input (for `-`). */
  stdin: NodeJS.ReadableStream;
  /** The environment. */
  env: NodeJS.ProcessEnv;
  /** Colour allowed on stdout (TTY and no NO_COLOR, no JSON). */
  color: boolean;
  /** Colour allowed on stderr (TTY and no NO_COLOR, no JSON). */
  colorErr: boolean;
  /** Progress allowed on stderr (TTY, no `--json`). */
  progress: boolean;
  /** The command's output is JSON (`--json` or `--jsonl`). */
  json: boolean;
  /** The command's usage line (without the program name). */
  usage: string;
  /** Aborted on Ctrl-C (SIGINT) while an `interruptible` command runs. */
  signal: AbortSignal;
}

/** One command, as the framework runs it. Make one with {@link defineCommand}. */
export interface CommandSpec {
  /** Name after the group, such as `check`. */
  readonly name: string;
  /** The group's name, or `''` for a top-level command such as `receive`. */
  readonly group: string;
  /** The usage line without the program name, made from the declaration. */
  readonly usage: string;
  /** One line for the group's help. */
  readonly summary: string;
  /** A full example command line. */
  readonly example: string;
  /** Positional arguments. */
  readonly args: readonly ArgSpec[];
  /** Flags by long name (`--help` is added to every command). */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Groups of flags of which at most one may be given, shown as `[--a | --b]`. */
  readonly exclusive: readonly (readonly string[])[];
  /** Ctrl-C aborts `ctx.signal` instead of ending the process (the command stops cleanly itself). */
  readonly interruptible: boolean;
  /** Runs the command on parsed arguments and returns the exit code. */
  run(ctx: CommandContext<Record<string, unknown>>): Promise<number>;
}

/** What {@link defineCommand} takes. */
export interface CommandDeclaration<D extends Record<string, FlagSpec>> {
  /** Name after the group, such as `check`. */
  name: string;
  /** One line for the group's help. */
  summary: string;
  /** A full example command line (starting with `net-profiler`). */
  example: string;
  /** Positional arguments, in order. */
  args: readonly ArgSpec[];
  /** Flags by long name. */
  flags: D;
  /** Groups of flags of which at most one may be given. */
  exclusive?: readonly (readonly (keyof D & string)[])[];
  /** Ctrl-C aborts `ctx.signal` instead of ending the process; the command then stops cleanly. */
  interruptible?: boolean;
  /** Runs the command and returns the exit code; throw a {@link NetProfilerError} to fail. */
  run(ctx: CommandContext<ParsedFlags<D>>): Promise<number>;
}

/** The flag every command that prints a JSON document has. */
export const jsonFlag = { json: { type: 'boolean', description: 'print one JSON document' } } as const satisfies Record<string, FlagSpec>;

/**
 * Declares a command: its positional arguments and flags are the one source of the
 * parsed types of `ctx.flags`, of the usage line and of `--help`.
 * @param group - the group's name (`settings`), or `''` for a top-level command
 */
export function defineCommand<const D extends Record<string, FlagSpec>>(group: string, decl: CommandDeclaration<D>): CommandSpec {
  const spec: CommandSpec = {
    name: decl.name,
    group,
    summary: decl.summary,
    example: decl.example,
    args: decl.args,
    flags: decl.flags,
    exclusive: decl.exclusive ?? [],
    interruptible: decl.interruptible === true,
    usage: usageLine(group, decl.name, decl.args, decl.flags, decl.exclusive ?? []),
    run: decl.run as CommandSpec['run'],
  };
  return spec;
}

function flagUsage(name: string, f: FlagSpec): string {
  if (f.type === 'boolean') return `--${name}`;
  const value = f.choices && f.choices.join('|').length <= 30 ? f.choices.join('|') : (f.value ?? 'VALUE');
  return `--${name} ${value}`;
}

function usageLine(group: string, name: string, args: readonly ArgSpec[], flags: Record<string, FlagSpec>, exclusive: readonly (readonly string[])[]): string {
  const parts = [group ? `${group} ${name}` : name];
  for (const a of args) {
    const n = a.variadic ? `${a.name}...` : a.name;
    parts.push(a.optional ? `[${n}]` : n);
  }
  const done = new Set<string>();
  const names = Object.keys(flags);
  const ordered = [...names.filter((n) => flags[n]!.required), ...names.filter((n) => !flags[n]!.required)];
  for (const n of ordered) {
    if (done.has(n)) continue;
    const group = exclusive.find((g) => g.includes(n));
    if (group) {
      parts.push(`[${group.map((g) => flagUsage(g, flags[g]!)).join(' | ')}]`);
      group.forEach((g) => done.add(g));
      continue;
    }
    const f = flags[n]!;
    const u = flagUsage(n, f) + (f.multiple ? '...' : '');
    parts.push(f.required ? u : `[${u}]`);
    done.add(n);
  }
  return parts.join(' ');
}

/** A group of commands (`settings`, `layer`, `lambda`, `dump`). */
export interface GroupSpec {
  /** The group's name. */
  name: string;
  /** One line for the main help. */
  summary: string;
  /** The group's commands, in the order its help lists them. */
  commands: readonly CommandSpec[];
}

/**
 * A usage mistake found by the framework: code `bad-argument`, kind `usage` (exit 2,
 * printed with the usage line).
 */
export class UsageError extends NetProfilerError<'bad-argument'> {
  constructor(message: string, argument?: string) {
    super('bad-argument', message, { kind: 'usage', ...(argument ? { argument } : {}) });
    this.name = 'UsageError';
  }
}

/** Help text of a group, with an example. */
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
    'example:',
    `  ${group.commands[0]?.example ?? ''}`,
    '',
    `Run '${PROG} ${group.name} <command> --help' for a command's options and an example.`,
  ];
  return lines.join('\n') + '\n';
}

/** Help text of a command. */
export function commandHelp(cmd: CommandSpec): string {
  const names = Object.entries(cmd.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type !== 'boolean' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const accepted = f.choices ? ` (${f.choices.join(', ')})` : '';
    return [left, f.description + accepted + (f.multiple ? ' (repeatable)' : '') + (f.required ? ' (required)' : '')] as const;
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

function accepted(f: FlagSpec): string {
  return f.choices ? ` (accepted: ${f.choices.join(', ')})` : f.type === 'integer' ? ' (a whole number)' : '';
}

/**
 * Rewrites `--flag VALUE` where VALUE starts with `-` (a negative number, `-`) into
 * `--flag=VALUE` so parseArgs takes it, and refuses a value-taking flag followed by
 * another flag or by nothing, naming the flag and what it accepts.
 */
function normaliseArgv(cmd: CommandSpec, argv: string[]): string[] {
  const shortToLong = new Map<string, string>();
  for (const [n, f] of Object.entries(cmd.flags)) if (f.short) shortToLong.set(f.short, n);
  const isKnownFlag = (t: string): boolean => {
    if (t.startsWith('--')) {
      const n = t.slice(2).split('=')[0]!;
      return n === 'help' || n in cmd.flags;
    }
    return t.length === 2 && (t[1] === 'h' || shortToLong.has(t[1]!));
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let name: string | undefined;
    if (t.startsWith('--') && !t.includes('=')) name = t.slice(2);
    else if (/^-[A-Za-z]$/.test(t)) name = shortToLong.get(t[1]!);
    const f = name !== undefined ? cmd.flags[name] : undefined;
    if (!f || f.type === 'boolean') {
      out.push(t);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-' && isKnownFlag(next))) {
      throw new UsageError(`--${name} needs a value${f.value ? ` ${f.value}` : ''}${accepted(f)}`, name);
    }
    out.push(`--${name}=${next}`);
    i++;
  }
  return out;
}

/**
 * Parses a command's arguments into typed flags.
 * @throws UsageError on an unknown flag (with the closest known one), a missing or extra
 *   argument, a value not accepted, or a missing required flag
 */
export function parseCommand(cmd: CommandSpec, argv: string[]): { args: string[]; flags: Record<string, unknown>; help: boolean } {
  const options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags)) {
    options[name] = { type: f.type === 'boolean' ? 'boolean' : 'string', ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: normaliseArgv(cmd, argv), options, allowPositionals: true, strict: true });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw parseArgsError(cmd, err as Error & { code?: string });
  }
  const raw = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (raw.help) return { args: parsed.positionals, flags: {}, help: true };
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cmd.flags)) {
    const v = raw[name];
    if (f.type === 'boolean') {
      if (typeof v === 'string') throw new UsageError(`--${name} takes no value`, name);
      flags[name] = v === true;
      continue;
    }
    let list = v === undefined ? [] : Array.isArray(v) ? v : [v as string];
    if (f.commaList) list = list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const values = list.map((s) => convert(name, f, s));
    if (f.required && values.length === 0) throw new UsageError(`--${name} is required${accepted(f)}`, name);
    flags[name] = f.multiple ? values : values[values.length - 1];
  }
  for (const group of cmd.exclusive) {
    const given = group.filter((g) => (cmd.flags[g]!.type === 'boolean' ? flags[g] === true : flags[g] !== undefined && !(Array.isArray(flags[g]) && (flags[g] as unknown[]).length === 0)));
    if (given.length > 1) throw new UsageError(`${given.map((g) => `--${g}`).join(' and ')} exclude each other`, given[1]);
  }
  const n = parsed.positionals.length;
  const required = cmd.args.filter((a) => !a.optional).length;
  const variadic = cmd.args.some((a) => a.variadic);
  if (n < required) {
    const missing = cmd.args.filter((a) => !a.optional)[n]!;
    throw new UsageError(`missing argument ${missing.name}`, missing.name);
  }
  if (!variadic && n > cmd.args.length) throw new UsageError(`unexpected argument ${quoteValue(parsed.positionals[cmd.args.length])}`);
  return { args: parsed.positionals, flags, help: false };
}

function convert(name: string, f: FlagSpec, s: string): string | number {
  if (f.type === 'integer') {
    if (!/^-?\d{1,15}$/.test(s)) throw new UsageError(`--${name} takes a whole number, not ${quoteValue(s)}`, name);
    return Number(s);
  }
  if (f.choices && !f.choices.includes(s)) throw new UsageError(`--${name} does not accept ${quoteValue(s)}${accepted(f)}`, name);
  return s;
}

function parseArgsError(cmd: CommandSpec, err: Error & { code?: string }): UsageError {
  const first = (err.message.split('\n')[0] ?? err.message).replace(/\. To specify a positional argument.*$/, '');
  const m = /^Unknown option '(-{1,2}[^']*)'/.exec(first);
  if (m) {
    const given = m[1]!;
    const known = Object.keys(cmd.flags).concat('help');
    const guess = closest(given.replace(/^-+/, '').split('=')[0]!, known);
    return new UsageError(`unknown flag ${quoteValue(given)}${guess ? `; did you mean --${guess}?` : ''}`);
  }
  const noValue = /^Option '--([^' ]+)[^']*' does not take an argument/.exec(first);
  if (noValue) return new UsageError(`--${noValue[1]} takes no value`, noValue[1]);
  return new UsageError(first.replace(/^Option '([^']*)'/, 'flag $1'));
}

export { formatBytes, formatFindings, plural, printJson, printJsonOr, progressLine } from './output';
export type { PrintableFinding } from './output';
