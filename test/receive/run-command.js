'use strict';
// Runs `receive`, `dump send` or `settings ping` as a process. Through the real CLI
// (lib/cli/main.ts) once it lists the command; until then through the same framework
// steps runCli takes (parse the declaration, run, one failure writer).
//   node test/receive/run-command.js receive|dump-send|settings-ping ARGS...
const path = require('path');
const dist = path.resolve(__dirname, '../../dist/cli');
const main = require(path.join(dist, 'main.js'));
const { parseCommand, commandHelp } = require(path.join(dist, 'framework.js'));
const { writeFailure } = require(path.join(dist, 'failure.js'));

const COMMANDS = {
  receive: { group: null, name: 'receive', module: 'receive.js', export: 'receiveCommand' },
  'dump-send': { group: 'dump', name: 'send', module: 'dump-send.js', export: 'dumpSendCommand' },
  'settings-ping': { group: 'settings', name: 'ping', module: 'settings-ping.js', export: 'settingsPingCommand' },
};

async function wired(c) {
  if (!c.group) return main.commandNames().includes(c.name);
  const g = await main.loadGroup(c.group);
  return Boolean(g && g.commands.some((x) => x.name === c.name));
}

async function run() {
  const [which, ...argv] = process.argv.slice(2);
  const c = COMMANDS[which];
  if (!c) throw new Error(`unknown command ${which}`);
  if (await wired(c)) return main.runCli(c.group ? [c.group, c.name, ...argv] : [c.name, ...argv]);
  const cmd = require(path.join(dist, c.module))[c.export];
  const json = argv.includes('--json');
  try {
    const parsed = parseCommand(cmd, argv);
    if (parsed.help) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    const abort = new AbortController();
    process.on('SIGINT', () => abort.abort());
    const noColor = process.env.NO_COLOR !== undefined || json;
    return await cmd.run({
      args: parsed.args, flags: parsed.flags, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env,
      color: Boolean(process.stdout.isTTY) && !noColor, colorErr: Boolean(process.stderr.isTTY) && !noColor,
      progress: Boolean(process.stderr.isTTY) && !json, json, usage: cmd.usage, signal: abort.signal,
    });
  } catch (err) {
    return writeFailure({ stdout: process.stdout, stderr: process.stderr, json, env: process.env, usage: cmd.usage }, err);
  }
}

run().then((code) => (process.exitCode = code), (err) => {
  process.stderr.write(`internal error: ${err && err.stack}\n`);
  process.exitCode = 70;
});
