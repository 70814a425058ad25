/**
 * The `net-profiler` command line: dispatches to the groups of `cli.md`.
 * @packageDocumentation
 */
import { commandHelp, CommandContext, Exit, groupHelp, GroupSpec, parseCommand, reportError, UsageError } from './framework';
import { settingsGroup } from './settings';
import { layerGroup } from './layer';
import { lambdaGroup } from './lambda';
import { dumpGroup } from './dump';

/** Every command group, in the order help lists them. */
export const groups: GroupSpec[] = [settingsGroup, layerGroup, lambdaGroup, dumpGroup];

const USAGE = '<group> <command> [options]';

/** The package version (from package.json). */
export function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('../../package.json') as { version: string }).version;
}

function mainHelp(): string {
  const w = Math.max(...groups.map((g) => g.name.length));
  return (
    [
      `usage: net-profiler ${USAGE}`,
      '',
      'Check profiler settings, build and deploy the .NET Lambda layer, decode trace dumps.',
      '',
      'groups:',
      ...groups.map((g) => `  ${g.name.padEnd(w)}  ${g.summary}`),
      '',
      'options:',
      '  --version  print the version',
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
}

/**
 * Runs the command line with `argv` (without `node` and the script) and returns the
 * exit code. Never throws.
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const json = argv.includes('--json') || argv.includes('--jsonl');
  const base = { stdout, stderr };
  try {
    const [groupName, cmdName, ...rest] = argv;
    if (groupName === undefined) {
      stderr.write(mainHelp());
      return Exit.usage;
    }
    if (groupName === '--version' || groupName === '-V') {
      stdout.write(`${version()}\n`);
      return Exit.ok;
    }
    if (groupName === '--help' || groupName === '-h' || groupName === 'help') {
      stdout.write(mainHelp());
      return Exit.ok;
    }
    const group = groups.find((g) => g.name === groupName);
    if (!group) throw new UsageError(`unknown command '${groupName}'`, USAGE);
    if (cmdName === undefined) {
      stderr.write(groupHelp(group));
      return Exit.usage;
    }
    if (cmdName === '--help' || cmdName === '-h') {
      stdout.write(groupHelp(group));
      return Exit.ok;
    }
    const cmd = group.commands.find((c) => c.name === cmdName);
    if (!cmd) throw new UsageError(`unknown command '${group.name} ${cmdName}'`, `${group.name} <command>  (commands: ${group.commands.map((c) => c.name).join(', ')})`);
    const parsed = parseCommand(cmd, rest);
    if (parsed.help) {
      stdout.write(commandHelp(cmd));
      return Exit.ok;
    }
    const ctx: CommandContext = {
      args: parsed.args,
      flags: parsed.flags,
      stdout,
      stderr,
      stdin: io.stdin ?? process.stdin,
      env,
      color: Boolean(stdout.isTTY) && env.NO_COLOR === undefined && !json,
      progress: Boolean(stderr.isTTY) && !json,
    };
    return await cmd.run(ctx);
  } catch (err) {
    return reportError(base, err, json);
  }
}

/** Entry point of the `net-profiler` bin. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`net-profiler: internal error: ${String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
