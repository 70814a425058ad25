#!/usr/bin/env node
'use strict';
// Hash of everything the addon is compiled from: binding.gyp and every file under src/
// and native/ except the native unit tests and fuzz targets. The addon embeds this value
// (NP_SOURCE_HASH) so a test can tell when a committed prebuild is stale.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function walk(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...walk(p));
    else if (ent.isFile()) out.push(p);
  }
  return out;
}

function inputs() {
  const files = [path.join(root, 'binding.gyp'), ...walk(path.join(root, 'src')), ...walk(path.join(root, 'native'))];
  return files
    .map((p) => path.relative(root, p).split(path.sep).join('/'))
    .filter((r) => /\.(cc|cpp|h|hpp|inc|gyp)$/.test(r))
    .filter((r) => !r.startsWith('native/tests/') && !r.startsWith('native/fuzz/'))
    .sort();
}

function sourceHash() {
  const h = crypto.createHash('sha256');
  for (const r of inputs()) {
    // Line ends normalised so a checkout with CRLF conversion hashes the same.
    const text = fs.readFileSync(path.join(root, r), 'utf8').replace(/\r\n/g, '\n');
    h.update(r + '\0' + Buffer.byteLength(text) + '\0');
    h.update(text);
  }
  return h.digest('hex').slice(0, 32);
}

module.exports = { sourceHash, inputs };

if (require.main === module) process.stdout.write(sourceHash());
