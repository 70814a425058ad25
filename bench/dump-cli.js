'use strict';
// Benchmark of `dump summary` as a user runs it (run: npm run build:ts && node
// bench/dump-cli.js [MiB]): the whole command, `net-profiler dump summary FILE --json`,
// as a child process over a .nptb file of real SDK trace frames (bench/dump-data.js,
// 256 MiB by default; already in the page cache after the warm-up run), against
// protobufjs (the generated code of @opentelemetry/otlp-transformer@0.53.0) decoding
// the same payloads from memory in this process. Side by side in one run: each side is
// timed NP_BENCH_RUNS times (default 5), interleaved, and the ratio is given as the
// median with the spread (min–max over the runs), since the machine may be shared.
// NP_DUMP_THREADS=1 in the environment makes the command read in one pass (the
// figures before the split summary). NP_BENCH_UNSET=NAME[,NAME…] removes variables from
// the command's environment: on the machines of this project NODE_EXTRA_CA_CERTS is set
// by the workplace, and makes every Node start read extra CA certificates (about 38 ms
// of a 66 ms `node -e 0` here), which a user's shell does not.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { makeFile, payloads, sdkPool } = require('./dump-data.js');
const root = require('otlp-transformer-053/build/src/generated/root.js').opentelemetry.proto;

const MiB = 1 << 20;
const target = Number(process.argv[2] || 256) * MiB;
const RUNS = Number(process.env.NP_BENCH_RUNS || 5);
// NP_BENCH_BIN: the bin of another tree (for figures before a change)
const BIN = process.env.NP_BENCH_BIN || path.join(__dirname, '../bin/net-profiler.js');
const dataDir = path.join(__dirname, 'data');
fs.mkdirSync(dataDir, { recursive: true });

// The command is timed by a small shell (bash's `time`, millisecond resolution), not
// from this process: starting a child from a process that holds the payloads in memory
// (hundreds of MiB) costs the fork itself tens of milliseconds, which the user's shell
// does not pay.
const unset = (process.env.NP_BENCH_UNSET || '').split(',').filter(Boolean);
function command(file, env = {}) {
  const base = { ...process.env, ...env };
  for (const name of unset) delete base[name];
  const script = `TIMEFORMAT=%3R; { time "$NODE" "$BIN" dump summary "$FILE" --json >"$OUT"; } 2>&1`;
  const out = path.join(dataDir, 'dump-cli.out.json');
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...base, NODE: process.execPath, BIN, FILE: file, OUT: out } });
  const s = Number(r.stdout.trim().split('\n').at(-1));
  if (r.status !== 0 || !Number.isFinite(s)) throw new Error(`dump summary failed (${r.status}): ${r.stdout}${r.stderr}`);
  return { s, spans: JSON.parse(fs.readFileSync(out, 'utf8')).spans };
}

const median = (a) => [...a].sort((x, y) => x - y)[(a.length - 1) >> 1];
const spread = (a) => `${Math.min(...a).toFixed(1)}–${Math.max(...a).toFixed(1)}`;

const file = path.join(dataDir, `lambda-${target / MiB}MiB.nptb`);
makeFile(file, target, sdkPool());
const size = fs.statSync(file).size;
const T = root.collector.trace.v1.ExportTraceServiceRequest;
const pl = payloads(file, Infinity);
const plBytes = pl.reduce((n, p) => n + p.length, 0);
for (const p of pl.slice(0, 200)) T.decode(p); // warm-up
command(file); // warm-up, and the file into the page cache

const threads = process.env.NP_DUMP_THREADS;
const ours = [];
const pb = [];
const ratios = [];
let spans = 0;
for (let i = 0; i < RUNS; i++) {
  const c = command(file);
  spans = c.spans;
  const t = process.hrtime.bigint();
  let n = 0;
  for (const p of pl) {
    const m = T.decode(p);
    for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (n !== spans) throw new Error(`span counts differ: protobufjs ${n}, dump summary ${spans}`);
  ours.push(size / MiB / c.s);
  pb.push(plBytes / MiB / s);
  ratios.push(size / c.s / (plBytes / s));
}
const start = [];
for (let i = 0; i < RUNS; i++) {
  const t = process.hrtime.bigint();
  const env = { ...process.env };
  for (const name of unset) delete env[name];
  spawnSync(process.execPath, ['-e', '0'], { env });
  start.push(Number(process.hrtime.bigint() - t) / 1e9);
}
console.log(`data: ${file} (${(size / MiB).toFixed(0)} MiB, ${spans} spans)${threads ? `, NP_DUMP_THREADS=${threads}` : ''}${unset.length ? `, without ${unset.join(', ')}` : ''}`);
console.log(`net-profiler dump summary FILE --json (whole process): median ${median(ours).toFixed(0)} MiB/s (${spread(ours)})`);
console.log(`protobufjs decode of the same payloads, in memory:     median ${median(pb).toFixed(0)} MiB/s (${spread(pb)})`);
console.log(`node -e 0: median ${(median(start) * 1000).toFixed(0)} ms`);
console.log(`ratio whole command / protobufjs in memory: median ${median(ratios).toFixed(1)}x, spread ${spread(ratios)}x over ${RUNS} runs (target ≥ 8x, goal 12x)`);
