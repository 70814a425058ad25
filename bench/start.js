'use strict';
// Start-up of the command line as a user meets it: whole processes of the real bin,
// against a bare `node -e 0`, run in turn (A B A B …) so drift of this shared machine
// hits both alike; each figure is the median of the pair-by-pair ratios.
// Targets (docs/cli.md, "Start-up"): --version ≤ 1.5x, dump summary of a small dump ≤ 2x,
// settings check of the seed file ≤ 2x.  Run `npm run build:ts` first.
//   node bench/start.js [runs]
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin/net-profiler.js');
const runs = Number(process.argv[2] ?? 21);

function wall(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const cases = [
  { name: '--version', args: [bin, '--version'], target: 1.5 },
  { name: 'dump summary (small dump)', args: [bin, 'dump', 'summary', 'test/dump/fixtures/lambda.nptb', '--json'], target: 2 },
  { name: 'settings check (seed file)', args: [bin, 'settings', 'check', 'test/settings/fixtures/seed.yaml'], target: 2 },
  { name: 'lambda --help', args: [bin, 'lambda', '--help'], target: undefined },
];

console.log(`node ${process.version}, ${require('os').cpus().length} CPUs, ${runs} runs of each pair; baseline: node -e 0`);
console.log(`${'command'.padEnd(28)} ${'ours ms'.padStart(8)} ${'node ms'.padStart(8)} ${'ratio'.padStart(6)}  (min–max)   target`);
for (const c of cases) {
  wall(c.args);
  wall(['-e', '0']);
  const a = [];
  const b = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const x = wall(c.args);
    const y = wall(['-e', '0']);
    a.push(x);
    b.push(y);
    ratios.push(x / y);
  }
  const r = median(ratios);
  const lo = Math.min(...ratios).toFixed(2);
  const hi = Math.max(...ratios).toFixed(2);
  const verdict = c.target === undefined ? '' : `${r <= c.target ? 'met' : 'MISSED'} (≤ ${c.target}x)`;
  console.log(`${c.name.padEnd(28)} ${median(a).toFixed(1).padStart(8)} ${median(b).toFixed(1).padStart(8)} ${r.toFixed(2).padStart(5)}x  (${lo}–${hi})  ${verdict}`);
}
