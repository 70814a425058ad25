'use strict';
// Benchmark of the settings reader/checker (native, through dist/) against what a user
// would otherwise use: the `yaml` package (parseDocument + toJS, YAML 1.2 core schema),
// which only reads and checks nothing. Run `npm run build` and `npm run build:addon` first.
//   node bench/settings.js
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { checkSettings, parseSettings } = require('../dist/settings');

const dataDir = path.join(__dirname, 'data');
fs.mkdirSync(dataDir, { recursive: true });

function bigFile(targetBytes) {
  const head = fs.readFileSync(path.join(__dirname, '../test/settings/fixtures/spec-example.yaml'), 'utf8');
  let out = head.replace('  Type: http\n', '  Type: http\n  # extra export headers, generated\n  Headers:\n');
  const lines = [];
  let size = out.length;
  for (let i = 0; size < targetBytes; i++) {
    const l =
      i % 5 === 0
        ? `    # header group ${i}: comments are part of the load\n`
        : i % 5 === 1
          ? `    X-Header-${i}: "quoted value \\u00e9 ${i}"\n`
          : i % 5 === 2
            ? `    X-Flow-${i}: plain value with spaces ${i} # trailing comment\n`
            : `    X-Plain-${i}: v${i}\n`;
    lines.push(l);
    size += l.length;
  }
  const idx = out.indexOf('  Headers:\n') + '  Headers:\n'.length;
  return out.slice(0, idx) + lines.join('') + out.slice(idx);
}

function time(fn, minMs = 1500) {
  fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let el = 0;
  do {
    fn();
    n++;
    el = Number(process.hrtime.bigint() - t0) / 1e6;
  } while (el < minMs);
  return el / n;
}

const small = fs.readFileSync(path.join(__dirname, '../test/settings/fixtures/spec-example.yaml'));
const bigText = bigFile(1 << 20);
fs.writeFileSync(path.join(dataDir, 'settings-1mib.yaml'), bigText);
const big = Buffer.from(bigText);

const check = checkSettings(big);
if (!check.ok) throw new Error('bench file does not check: ' + JSON.stringify(check.diagnostics.slice(0, 3)));
const yamlParse = (b) => YAML.parseDocument(b.toString('utf8'), { version: '1.2', schema: 'core' }).toJS();

const rows = [];
for (const [name, buf] of [
  ['spec example (' + small.length + ' B)', small],
  ['generated file (' + (big.length / 1048576).toFixed(2) + ' MiB)', big],
]) {
  const native = time(() => checkSettings(buf));
  const nativeParse = time(() => parseSettings(buf));
  const yaml = time(() => yamlParse(buf));
  rows.push({ name, native, nativeParse, yaml });
}
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
console.log('settings: native checkSettings / parseSettings vs yaml.parseDocument().toJS() (read only, no checks)');
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(28)} check ${fmt(r.native).padStart(10)}  parse ${fmt(r.nativeParse).padStart(10)}  yaml ${fmt(r.yaml).padStart(10)}  ` +
      `yaml/check ${(r.yaml / r.native).toFixed(1)}x  yaml/parse ${(r.yaml / r.nativeParse).toFixed(1)}x`,
  );
}
