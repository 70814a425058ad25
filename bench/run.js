#!/usr/bin/env node
'use strict';
// npm run bench [name...]: runs bench/<name>.js for each capability (all by default),
// one after the other, each printing its figures side by side with the alternatives.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const wanted = process.argv.slice(2);
const all = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.js') && f !== 'run.js')
  .map((f) => f.slice(0, -3))
  .sort();
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`no benchmark bench/${name}.js (have: ${all.join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name}.js`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
