'use strict';
// The arm64 smoke run: loads an addon binary by its exact path and runs every case in
// test/arm64/cases/ (sorted), printing one JSON object {caseFile: result}.
// scripts/test-arm64.sh runs it with the arm64 Node under qemu-user on
// prebuilds/linux-arm64 and with the host Node on prebuilds/linux-x64, and compares.
//
// Under qemu-user V8 hangs as soon as any JavaScript exception is thrown, even a caught
// one, so a case must only take paths that throw nothing: no try/catch probing, no
// require of a missing path, no error paths of the addon (those are covered by the x64
// suite and the C++ tests on both arches).
//
// A case is `module.exports = (addon, root) => result` (or a Promise of it); `result`
// must be JSON-serialisable and the same on every arch.
const fs = require('fs');
const path = require('path');

const addonPath = process.argv[2];
const root = process.argv[3] || path.resolve(__dirname, '../..');
const addon = require(path.resolve(addonPath));
const dir = path.join(__dirname, 'cases');
const names = fs.readdirSync(dir).filter((n) => n.endsWith('.js')).sort();

(async () => {
  const out = {};
  for (const name of names) {
    out[name] = await require(path.join(dir, name))(addon, root);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
