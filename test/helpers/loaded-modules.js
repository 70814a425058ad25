'use strict';
// Preloaded with `node -r` by test/cli/startup.test.ts: at exit, writes the path of every
// module the process loaded (CommonJS cache and native addons) to $NP_LOADED_OUT.
const fs = require('fs');
process.on('exit', () => {
  fs.writeFileSync(process.env.NP_LOADED_OUT, Object.keys(require.cache).join('\n') + '\n');
});
