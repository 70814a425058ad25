#!/usr/bin/env node
'use strict';
// npm run build:ts: compiles lib/ into dist/ with tsc, then gives every declaration file
// that uses Node's types (Buffer, NodeJS.*, streams, …) a `/// <reference types="node" />`,
// so a project that does not list "node" in its `types` (TypeScript 7's default) still
// type-checks against the package. test/package.test.ts proves it from the packed tarball.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const NODE_TYPES = /\b(Buffer|NodeJS\.|ReadableStream|WritableStream|EventEmitter|AbortSignal|import\("(fs|stream|http|events|net|url|child_process)"\)|from '(fs|stream|http|events|net|url|child_process|http2|zlib)')/;
const REF = '/// <reference types="node" />\n';
let n = 0;
function walk(dir) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) walk(p);
    else if (ent.name.endsWith('.d.ts')) {
      const text = fs.readFileSync(p, 'utf8');
      if (!text.startsWith(REF) && NODE_TYPES.test(text)) {
        fs.writeFileSync(p, REF + text);
        n++;
      }
    }
  }
}
walk(dist);
console.error(`dist/: ${n} declaration files reference Node's types`);
