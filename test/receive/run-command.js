'use strict';
// Runs `receive`, `dump send` or `settings ping` as a process through the real bin's
// entry point (lib/cli/main.ts main(): Ctrl-C, closed pipes and exit codes as a user gets them).
//   node test/receive/run-command.js receive|dump-send|settings-ping ARGS...
const path = require('path');
const main = require(path.resolve(__dirname, '../../dist/cli/main.js'));

const PREFIX = { receive: ['receive'], 'dump-send': ['dump', 'send'], 'settings-ping': ['settings', 'ping'] };
const [which, ...argv] = process.argv.slice(2);
if (!PREFIX[which]) {
  process.stderr.write(`run-command: unknown command ${which}\n`);
  process.exit(2);
}
process.argv = [process.argv[0], process.argv[1], ...PREFIX[which], ...argv];
main.main();
