/**
 * The `net-profiler` command line: dispatches to the groups and top-level commands of
 * docs/cli.md. A group's module (and so its SDK and dependencies) is loaded only when
 * that group runs: `--version`, `--help` and `dump summary` never load the AWS SDK.
 * @packageDocumentation
 */
import { commandHelp, CommandContext, CommandSpec, Exit, groupHelp, GroupSpec, parseCommand, PROG, UsageError } from './framework';
import { writeFailure } from './failure';
import { closest } from '../text';

/** A command group, loaded on first use. */
interface GroupEntry {
  /** The group's name (`settings`). */
  name: string;
  /** One line for the main help. */
  summary: string;
  /** Loads the group's module and returns its commands. */
  load(): Promise<readonly CommandSpec[]>;
}

/** Every command group, in the order help lists them. Each `load` requires one module. */
const GROUPS: readonly GroupEntry[] = [
  { name: 'settings', summary: "read, check, edit and explain the profiler's settings.yaml", load: async () => (await import('./settings')).commands },
  { name: 'layer', summary: 'build, rebuild, inspect and unpack the Lambda layer', load: async () => (await import('./layer')).commands },
  { name: 'lambda', summary: 'publish the layer, attach it to a function, take it out again', load: async () => (await import('./lambda')).commands },
  { name: 'dump', summary: 'decode trace dumps and OpenTelemetry files, check Lambda traces, convert', load: async () => (await import('./dump')).commands },
];

/** Top-level commands (no group), loaded on first use. */
const TOP: readonly { name: string; summary: string; load(): Promise<CommandSpec> }[] = [
  { name: 'receive', summary: 'an OTLP receiver on this machine that writes what it accepts into a dump', load: async () => (await import('./receive')).receiveCommand },
  { name: 'run', summary: 'run a local .NET program under the profiler, with a local receiver', load: async () => (await import('./run')).runCommand },
];

/** A group with its commands loaded (for tests and documentation tools). */
export async function loadGroup(name: string): Promise<GroupSpec | undefined> {
  const g = GROUPS.find((x) => x.name === name);
  return g ? { name: g.name, summary: g.summary, commands: await g.load() } : undefined;
}

/** The names of every group and top-level command. */
export function commandNames(): string[] {
  return [...GROUPS.map((g) => g.name), ...TOP.map((t) => t.name)];
}

const USAGE = '<group> <command> [options]';

/** The package version (from package.json). */
export function version(): string {
  return (require('../../package.json') as { version: string }).version;
}

function mainHelp(): string {
  const rows = [...GROUPS, ...TOP];
  const w = Math.max(...rows.map((g) => g.name.length));
  return (
    [
      `usage: ${PROG} ${USAGE}`,
      '',
      'Check profiler settings, build and deploy the .NET Lambda layer, decode trace dumps.',
      '',
      'groups:',
      ...GROUPS.map((g) => `  ${g.name.padEnd(w)}  ${g.summary}`),
      ...(TOP.length ? ['', 'commands:', ...TOP.map((g) => `  ${g.name.padEnd(w)}  ${g.summary}`)] : []),
      '',
      'options:',
      '  --version  print the version (with --json: {"version": "…"})',
      '  --help     show this help',
      '',
      "Run 'net-profiler <group> --help' for a group's commands.",
      'example:',
      '  net-profiler settings check layer/profiler/settings/lambda/settings.yaml',
    ].join('\n') + '\n'
  );
}

/** Streams and environment the CLI runs with; defaults to the process's own. */
export interface CliIo {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  /** Aborts a running command that declares itself `interruptible` (the bin wires Ctrl-C to it). */
  signal?: AbortSignal;
}

/** Set while an `interruptible` command runs under the bin: what Ctrl-C does instead of exiting. */
let interruptHandler: (() => void) | undefined;

function unknown(word: string, known: string[], usage: string, group?: string): UsageError {
  const guess = closest(word, known);
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return Object.assign(new UsageError(`unknown command '${group ? `${group} ` : ''}${shown}'${guess ? `; did you mean '${group ? `${group} ` : ''}${guess}'?` : ''}`, 'command'), { usageLine: usage });
}

/**
 * Runs the command line with `argv` (without `node` and the script) and returns the
 * exit code. Never throws.
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--json' || a === '--jsonl' || a.startsWith('--json='));
  let usage: string | undefined = USAGE;
  let flagNames: string[] | undefined;
  try {
    const [first, second, ...rest] = argv;
    if (first === undefined) {
      stderr.write(mainHelp());
      return Exit.usage;
    }
    if (first === '--version' || first === '-V') {
      if (json) stdout.write(JSON.stringify({ version: version() }) + '\n');
      else stdout.write(`${version()}\n`);
      return Exit.ok;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      stdout.write(mainHelp());
      return Exit.ok;
    }
    let cmd: CommandSpec;
    let cmdArgs: string[];
    const top = TOP.find((t) => t.name === first);
    if (top) {
      cmd = await top.load();
      cmdArgs = second === undefined ? rest : [second, ...rest];
    } else {
      const entry = GROUPS.find((g) => g.name === first);
      if (!entry) throw unknown(first, commandNames(), USAGE);
      const group: GroupSpec = { name: entry.name, summary: entry.summary, commands: await entry.load() };
      usage = `${group.name} <command> [options]  (commands: ${group.commands.map((c) => c.name).join(', ')})`;
      if (second === undefined) {
        stderr.write(groupHelp(group));
        return Exit.usage;
      }
      if (second === '--help' || second === '-h') {
        stdout.write(groupHelp(group));
        return Exit.ok;
      }
      const found = group.commands.find((c) => c.name === second);
      if (!found) throw unknown(second, group.commands.map((c) => c.name), usage, group.name);
      cmd = found;
      cmdArgs = rest;
    }
    usage = cmd.usage;
    flagNames = Object.keys(cmd.flags);
    const parsed = parseCommand(cmd, cmdArgs);
    if (parsed.help) {
      stdout.write(commandHelp(cmd));
      return Exit.ok;
    }
    const noColor = env.NO_COLOR !== undefined || json;
    const ctx: CommandContext<Record<string, unknown>> = {
      args: parsed.args,
      flags: parsed.flags,
      stdout,
      stderr,
      // process.stdin is a getter that builds a stream: only a command that reads `-` pays for it
      get stdin() {
        return io.stdin ?? process.stdin;
      },
      env,
      color: Boolean(stdout.isTTY) && !noColor,
      colorErr: Boolean(stderr.isTTY) && !noColor,
      progress: Boolean(stderr.isTTY) && !json,
      json,
      usage: cmd.usage,
      signal: io.signal ?? new AbortController().signal,
    };
    if (!cmd.interruptible || io.signal) return await cmd.run(ctx);
    const abort = new AbortController();
    ctx.signal = abort.signal;
    interruptHandler = () => abort.abort();
    try {
      return await cmd.run(ctx);
    } finally {
      interruptHandler = undefined;
    }
  } catch (err) {
    return writeFailure({ stdout, stderr, json, env, ...(flagNames ? { flags: flagNames } : {}), ...(usage !== undefined ? { usage: (err as { usageLine?: string }).usageLine ?? usage } : {}) }, err);
  }
}

/**
 * Entry point of the `net-profiler` bin. A reader that closes the pipe early
 * (`| head`) ends the command quietly with exit 0 (any output file not yet committed is
 * removed, see lib/files.ts). Ctrl-C exits with 130, except that an `interruptible`
 * command gets its `ctx.signal` aborted first (a second Ctrl-C exits at once).
 */
export function main(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      process.exit(err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' ? 0 : Exit.outside);
    });
  }
  const onSigint = (): void => {
    const h = interruptHandler;
    interruptHandler = undefined;
    if (h) h();
    else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.off('SIGINT', onSigint);
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`net-profiler: internal error: ${String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
