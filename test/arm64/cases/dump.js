'use strict';
// Decodes the committed fixture dumps through the raw addon (dumpDecode: no error
// paths, nothing thrown) and returns their summaries, diagnostics and a hash of every
// output: the arm64 run must equal the x64 run byte for byte.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

module.exports = (addon, root) => {
  const dir = path.join(root, 'test/dump/fixtures');
  const out = {};
  const sha = (s) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 16);
  for (const name of ['lambda.nptb', 'damaged.nptb', 'ring.nptb', 'lambda.jsonl', 'lambda.collector.pb', 'lambda.traces.pb']) {
    const bytes = fs.readFileSync(path.join(dir, name));
    const sum = addon.dumpDecode(bytes, { mode: 'summary' });
    const r = { summary: JSON.parse(sum.summary), diagnostics: sum.diagnostics.map((d) => `${d.code}@${d.offset}`) };
    for (const mode of ['spans', 'points', 'logs', 'otlp-json', 'otlp-proto']) {
      const o = addon.dumpDecode(bytes, { mode, signal: name.endsWith('.pb') ? 'traces' : '' }).out;
      r[mode] = `${o.length}:${sha(o)}`;
    }
    const cols = addon.dumpDecode(bytes, { mode: 'span-columns', signal: name.endsWith('.pb') ? 'traces' : '' }).columns;
    // the column batches (a list: a big input gives several)
    r['span-columns'] = cols
      ? sha(JSON.stringify(cols.map((c) => [c.text, Array.from(c.bounds), c.text16 ?? '', Array.from(c.wide ?? []), Array.from(c.span), Array.from(c.attr), Array.from(c.event), Array.from(c.link)])))
      : 'none';
    // the split summary (two threads) equals the one pass, at the middle of the file
    const split = addon.dumpSummarizeBuffer(bytes, { format: 'auto', signal: name.endsWith('.pb') ? 'traces' : '', strict: false }, { threads: 2, splitAt: bytes.length >> 1 });
    r.split = { split: split.split, equal: split.summary === sum.summary && JSON.stringify(split.diagnostics) === JSON.stringify(sum.diagnostics) };
    out[name] = r;
  }
  // the fixture's frames 60 times over: enough text for several column batches
  const one = fs.readFileSync(path.join(dir, 'lambda.nptb'));
  const many = Buffer.concat([one, ...Array.from({ length: 59 }, () => one.subarray(64))]);
  const cols = addon.dumpDecode(many, { mode: 'span-columns' }).columns;
  out['lambda.nptb x60'] = {
    batches: cols.length,
    spans: cols.reduce((n, c) => n + c.span.length, 0),
    columns: sha(JSON.stringify(cols.map((c) => [c.text, Array.from(c.bounds), Array.from(c.span), Array.from(c.attr)]))),
  };
  return out;
};
