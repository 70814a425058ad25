'use strict';
// settings: check the committed seed and spec files and read the awkward differential
// corpus with the raw addon, returning the findings plus a hash of the values read.
// Only files the reader accepts are used, so not even a C++ exception is thrown inside
// the addon (refusals are covered by native/tests/settings_test.cc on both arches).
const fs = require('fs');
const path = require('path');

function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

module.exports = (addon, root) => {
  const fix = path.join(root, 'test/settings/fixtures');
  const read = (p) => fs.readFileSync(path.join(fix, p));
  const seed = addon.settingsCheck(read('seed.yaml'), { runtimes: [], forLayer: false });
  const example = addon.settingsCheck(read('spec-example.yaml'), { runtimes: ['dotnet8'], forLayer: true });
  const files = fs.readdirSync(path.join(fix, 'differential')).filter((f) => f.endsWith('.yaml')).sort();
  let values = '';
  for (const f of files) values += f + '=' + JSON.stringify(addon.settingsRead(read(path.join('differential', f)))) + '\n';
  return {
    seed: seed.map((d) => `${d.severity}:${d.code}@${d.line}:${d.column}`),
    example: example.map((d) => `${d.severity}:${d.code}@${d.line}:${d.column}`),
    corpusFiles: files.length,
    corpusHash: fnv(values),
  };
};
