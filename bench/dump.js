'use strict';
// Benchmark of the dump reader (run: npm run build:ts && node bench/dump.js [MiB]).
// One run, on the same data: realistic Lambda trace frames made with the real
// OpenTelemetry JS SDK (a pool of encoded requests framed round-robin into a .nptb
// file of at least 256 MiB), read
//   - by `summarize` (native, streaming) against protobufjs decoding the same payloads
//     with the generated code of @opentelemetry/otlp-transformer@0.53.0: both from
//     memory (the target), and both from the file (protobufjs then also reads
//     the file and walks its frames, as a user without net-profiler would);
//   - by span iteration in JS (`spanBatchesOf`; every span is touched: its `name` and
//     one attribute lookup, `attributes['rpc.method']`, which builds the span's whole
//     attribute object) against protobufjs decode plus `toObject` (which builds every
//     field of every span);
//   - and memory on a file larger than 1 GiB (peak RSS of a child process summarising it;
//     NP_BENCH_BIG=0 skips it).
// Each row is the median of NP_BENCH_RUNS (default 3) runs.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const gen = require('../test/dump/gen.js');
const dump = require('../dist/dump');
const { makeFile, payloads, sdkPool } = require('./dump-data.js');
const root = require('otlp-transformer-053/build/src/generated/root.js').opentelemetry.proto;

const MiB = 1 << 20;
const target = Number(process.argv[2] || 256) * MiB;
const dataDir = path.join(__dirname, 'data');
fs.mkdirSync(dataDir, { recursive: true });

function time1(fn) {
  const t = process.hrtime.bigint();
  const r = fn();
  return Promise.resolve(r).then((v) => ({ v, s: Number(process.hrtime.bigint() - t) / 1e9 }));
}

// Every row (ours and protobufjs alike) is timed RUNS times in a row and the median
// run is reported: the machine is shared and single runs moved by up to 2x.
const RUNS = Number(process.env.NP_BENCH_RUNS || 3);
async function time(fn) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await time1(fn));
  runs.sort((a, b) => a.s - b.s);
  return runs[(runs.length - 1) >> 1];
}

(async () => {
  console.log('making the SDK pool…');
  const pool = sdkPool();
  const file = path.join(dataDir, `lambda-${target / MiB}MiB.nptb`);
  makeFile(file, target, pool);
  const size = fs.statSync(file).size;
  console.log(`data: ${file} (${(size / MiB).toFixed(0)} MiB, payloads ${pool.reduce((n, p) => n + p.length, 0) / pool.length | 0} bytes each, 60 spans per frame)`);

  // Our reader works from the file, so it runs first, before the protobufjs side loads
  // every payload into memory (512 MiB held alive slows any garbage-collected consumer).
  // Each side gets a short warm-up so both are measured with their JIT code ready.
  const warm = path.join(dataDir, 'warmup.nptb');
  fs.writeFileSync(warm, Buffer.concat([gen.header(), ...pool.slice(0, 8).map((p, i) => gen.frame('traces', p, i))]));
  for await (const b of dump.spanBatchesOf(warm)) void b;
  await dump.summarize(warm);
  const mbs = (s) => (size / MiB / s).toFixed(0);
  console.log(`(each row: median of ${RUNS} runs)`);
  const sum = await time(() => dump.summarize(file));
  console.log(`summarize (native, from the file): ${sum.s.toFixed(2)} s  ${mbs(sum.s)} MiB/s  ${(sum.v.spans / sum.s / 1e6).toFixed(2)} M spans/s`);
  const iter = await time(async () => {
    let n = 0;
    let names = 0;
    for await (const batch of dump.spanBatchesOf(file)) {
      for (const s of batch) {
        n++;
        names += s.name.length + (s.attributes['rpc.method'] ? 1 : 0);
      }
    }
    return n;
  });
  console.log(`span iteration (JS objects, from the file; touches name + attributes['rpc.method']): ${iter.s.toFixed(2)} s  ${mbs(iter.s)} MiB/s  ${(iter.v / iter.s / 1e6).toFixed(2)} M spans/s`);

  const inMemory = fs.readFileSync(file);
  const sumMem = await time(() => dump.summarize(inMemory));
  console.log(`summarize from memory:        ${sumMem.s.toFixed(2)} s  ${mbs(sumMem.s)} MiB/s  ${(sumMem.v.spans / sumMem.s / 1e6).toFixed(2)} M spans/s`);
  const T = root.collector.trace.v1.ExportTraceServiceRequest;
  const pl = payloads(file, Infinity);
  const plBytes = pl.reduce((n, p) => n + p.length, 0);
  const opts = { longs: String, bytes: String, enums: Number };
  for (const p of pl.slice(0, 200)) T.toObject(T.decode(p), opts);
  const pbDecode = await time(() => {
    let spans = 0;
    for (const p of pl) {
      const m = T.decode(p);
      for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
    }
    return spans;
  });
  // what a user without net-profiler runs on the file: read it, walk the frames, decode
  const pbFile = await time(() => {
    let spans = 0;
    for (const p of payloads(file, Infinity)) {
      const m = T.decode(p);
      for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
    }
    return spans;
  });
  const pbMbs = plBytes / MiB / pbDecode.s;
  console.log(`protobufjs decode:            ${pbDecode.s.toFixed(2)} s  ${pbMbs.toFixed(0)} MiB/s of payload  ${(pbDecode.v / pbDecode.s / 1e6).toFixed(2)} M spans/s`);
  if (pbDecode.v !== sum.v.spans || pbFile.v !== sum.v.spans || iter.v !== sum.v.spans) throw new Error(`span counts differ: ${pbDecode.v} / ${iter.v} vs ${sum.v.spans}`);
  const pbObj = await time(() => {
    let n = 0;
    for (const p of pl) {
      const o = T.toObject(T.decode(p), opts);
      for (const rs of o.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    }
    return n;
  });
  console.log(`protobufjs reading the file + decode: ${pbFile.s.toFixed(2)} s  ${mbs(pbFile.s)} MiB/s  ${(pbFile.v / pbFile.s / 1e6).toFixed(2)} M spans/s`);
  console.log(`protobufjs decode + toObject: ${pbObj.s.toFixed(2)} s  ${(plBytes / MiB / pbObj.s).toFixed(0)} MiB/s of payload  ${(pbObj.v / pbObj.s / 1e6).toFixed(2)} M spans/s`);

  const r1 = pbFile.s / sum.s;
  const r1m = (size / sumMem.s) / (plBytes / pbDecode.s);
  console.log(`ratio summary (in memory, as protobufjs) / protobufjs decode: ${r1m.toFixed(1)}x (target ≥ 10x)`);
  const r2 = (size / iter.s) / (plBytes / pbObj.s);
  console.log(`ratio summary (from the file) / protobufjs (from the file):  ${r1.toFixed(1)}x`);
  console.log(`ratio span iteration / protobufjs decode+toObject: ${r2.toFixed(1)}x (target ≥ 3x)`);

  if (process.env.NP_BENCH_BIG !== '0') {
    const big = path.join(dataDir, 'lambda-1100MiB.nptb');
    makeFile(big, 1100 * MiB, pool);
    // peak RSS from /proc (VmHWM, in KiB): getrusage's maxrss would include the parent's
    // high-water mark, inherited across fork.
    const hwmFn = `const hwm=()=>Number(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1]);`;
    const script = hwmFn + `const d=require(${JSON.stringify(path.join(__dirname, '../dist/dump'))});d.summarize(${JSON.stringify(big)}).then(s=>{console.log(JSON.stringify({spans:s.spans,maxRSS:hwm()}))})`;
    const t0 = Date.now();
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    const t1 = Date.now();
    console.log(`memory: summarize of ${(fs.statSync(big).size / MiB).toFixed(0)} MiB: peak RSS ${(out.maxRSS / 1024).toFixed(0)} MiB, ${out.spans} spans, ${((t1 - t0) / 1000).toFixed(1)} s`);
    const script2 = hwmFn + `const d=require(${JSON.stringify(path.join(__dirname, '../dist/dump'))});(async()=>{let n=0;for await (const b of d.spanBatchesOf(${JSON.stringify(big)})) n+=b.length;console.log(JSON.stringify({spans:n,maxRSS:hwm()}))})()`;
    const out2 = JSON.parse(execFileSync(process.execPath, ['-e', script2], { encoding: 'utf8' }));
    console.log(`memory: span iteration of the same file: peak RSS ${(out2.maxRSS / 1024).toFixed(0)} MiB, ${out2.spans} spans`);
  }
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
