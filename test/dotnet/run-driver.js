'use strict';
// Starts the `run` command spec (dist/cli/run.js) the way lib/cli/main.ts starts an
// interruptible command, for the tests of test/dotnet/run.test.ts while main.ts does
// not list `run` yet (helpers pick the real bin as soon as it does): parsed by the
// framework, failures written by its one writer, the first Ctrl-C aborting ctx.signal,
// a second one exiting 130.
const { parseCommand } = require('../../dist/cli/framework.js');
const { writeFailure } = require('../../dist/cli/failure.js');
const { runCommand } = require('../../dist/cli/run.js');

async function main(argv) {
  const json = argv.includes('--json');
  const abort = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    abort.abort();
  });
  try {
    const p = parseCommand(runCommand, argv);
    const ctx = {
      args: p.args,
      flags: p.flags,
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      env: process.env,
      color: false,
      colorErr: false,
      progress: false,
      json,
      usage: runCommand.usage,
      signal: abort.signal,
    };
    return await runCommand.run(ctx);
  } catch (err) {
    return writeFailure({ stdout: process.stdout, stderr: process.stderr, json, usage: runCommand.usage, env: process.env }, err);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
