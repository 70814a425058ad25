#!/usr/bin/env node
'use strict';
// The one list of native sources. binding.gyp and native/CMakeLists.txt both ask this
// script, so the addon and the native test build can never compile different files.
//
//   node scripts/native-sources.js core     C++ files of the native core (native/, no tests, no fuzz)
//   node scripts/native-sources.js glue     node-addon-api glue (src/)
//   node scripts/native-sources.js tests    native unit test files (native/tests/)
//   node scripts/native-sources.js fuzz     fuzz targets (native/fuzz/)
//   add --cmake to print ';'-separated absolute paths (for CMake lists)
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function walk(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...walk(p));
    else if (ent.isFile() && /\.(cc|cpp)$/.test(ent.name)) out.push(p);
  }
  return out;
}

function rel(p) {
  return path.relative(root, p).split(path.sep).join('/');
}

function list(kind) {
  const nativeDir = path.join(root, 'native');
  let files;
  switch (kind) {
    case 'core':
      files = walk(nativeDir).filter((p) => {
        const r = rel(p);
        return !r.startsWith('native/tests/') && !r.startsWith('native/fuzz/');
      });
      break;
    case 'glue':
      files = walk(path.join(root, 'src'));
      break;
    case 'tests':
      files = walk(path.join(nativeDir, 'tests'));
      break;
    case 'fuzz':
      files = walk(path.join(nativeDir, 'fuzz'));
      break;
    default:
      throw new Error(`unknown source list "${kind}" (core, glue, tests, fuzz)`);
  }
  return files.map(rel).sort();
}

module.exports = { list, root };

if (require.main === module) {
  const args = process.argv.slice(2);
  const cmake = args.includes('--cmake');
  const kinds = args.filter((a) => !a.startsWith('--'));
  const files = kinds.flatMap(list);
  if (cmake) process.stdout.write(files.map((f) => path.join(root, f)).join(';'));
  else process.stdout.write(files.join(' ') + '\n');
}
