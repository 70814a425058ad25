#!/usr/bin/env node
'use strict';
// Layer build benchmark (issue 5): on one release-shaped tree of >= 100 MB of real
// binaries (shared libraries of this machine), in one run, side by side:
//   - ours: writeZip of the layer tree (libdeflate level 6, parallel async work), and the
//     full `buildLayer` (checks + layer ZIP + package ZIP with SHA256SUMS)
//   - `zip -X -r -6` (Info-ZIP) on the same tree
//   - yazl (Node's zlib, level 6) on the same tree
// Time (wall), output size and peak RSS of each, each in its own process, plus ratios.
//   node bench/layer.js            (needs `npm run build` and the addon built)
//   NP_BENCH_MB=200 node bench/layer.js
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const data = path.join(__dirname, 'data', 'layer');
const release = path.join(data, 'release');
const tree = path.join(data, 'tree');
const outDir = path.join(data, 'out');
const wantMB = Number(process.env.NP_BENCH_MB || 110);

function prepare() {
  const marker = path.join(data, `.ready-${wantMB}-package`);
  if (fs.existsSync(marker)) return;
  fs.rmSync(data, { recursive: true, force: true });
  const libDir = fs.existsSync('/usr/lib/x86_64-linux-gnu') ? '/usr/lib/x86_64-linux-gnu' : '/usr/lib/aarch64-linux-gnu';
  const libs = fs
    .readdirSync(libDir)
    .filter((n) => /\.so(\.|$)/.test(n))
    .map((n) => path.join(libDir, n))
    .filter((p) => {
      const st = fs.lstatSync(p);
      return st.isFile() && st.size > 20_000 && st.size < 40 << 20;
    })
    .sort();
  const picked = [];
  let total = 0;
  for (const p of libs) {
    if (total >= wantMB << 20) break;
    picked.push(p);
    total += fs.statSync(p).size;
  }
  if (total < wantMB << 20) throw new Error(`only ${total} bytes of shared libraries found in ${libDir}`);
  const ex = path.join(root, 'examples/release');
  fs.mkdirSync(path.join(release, 'native/linux-x64'), { recursive: true });
  fs.mkdirSync(path.join(release, 'native/linux-arm64'), { recursive: true });
  fs.mkdirSync(path.join(release, 'settings/lambda'), { recursive: true });
  fs.copyFileSync(path.join(ex, 'manifest.json'), path.join(release, 'manifest.json'));
  fs.copyFileSync(path.join(ex, 'settings/lambda/settings.yaml'), path.join(release, 'settings/lambda/settings.yaml'));
  fs.copyFileSync(path.join(ex, 'native/linux-arm64/libnet_profiler.so'), path.join(release, 'native/linux-arm64/libnet_profiler.so'));
  // the biggest picked library stands in for the native profiler
  const biggest = picked.reduce((a, b) => (fs.statSync(a).size >= fs.statSync(b).size ? a : b));
  fs.copyFileSync(biggest, path.join(release, 'native/linux-x64/libnet_profiler.so'));
  picked.forEach((p, i) => {
    if (p === biggest) return;
    const tfm = i % 2 ? 'net8.0' : 'net10.0';
    const dst = path.join(release, 'agent', tfm, path.basename(p));
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(p, dst);
  });
  for (const tfm of ['net8.0', 'net10.0']) {
    fs.copyFileSync(path.join(ex, 'agent', tfm, 'NetProfiler.Agent.StartupHook.dll'), path.join(release, 'agent', tfm, 'NetProfiler.Agent.StartupHook.dll'));
  }
  // the layer tree itself (what zip and yazl get), unpacked from a stored build
  const r = node(`
    const L = require(${JSON.stringify(path.join(root, 'dist/layer'))});
    (async () => {
      const r = await L.buildLayer({ release: ${JSON.stringify(release)}, arch: 'x64', level: 0, outDir: ${JSON.stringify(path.join(data, 'stored'))} });
      await L.unpackZip(r.layerZip, ${JSON.stringify(tree)});
      // the package folder as zip gets it: layer/, function-environment.json, deploy-layer.sh, SHA256SUMS
      const pkg = await L.unpackZip(r.packageZip, ${JSON.stringify(path.join(data, 'pkgtree'))});
      require('fs').rmSync(require('path').join(pkg.dir, 'profiler-lambda-layer-1.4.0-linux-x64', 'profiler-lambda-layer-1.4.0-linux-x64.zip'));
    })();`);
  if (r.code !== 0) throw new Error(r.stderr);
  fs.rmSync(path.join(data, 'stored'), { recursive: true, force: true });
  fs.writeFileSync(marker, '');
}

function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = r.stderr.trim().split('\n');
  const [rss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  return { code: r.status, seconds, cpu: user + sys, maxRssKiB: rss, stdout: r.stdout, stderr: r.stderr };
}

function node(script) {
  return timed(process.execPath, ['-e', script], { cwd: root });
}

function treeBytes(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else n += fs.statSync(p).size;
    }
  };
  walk(dir);
  return n;
}

function main() {
  prepare();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const input = treeBytes(tree);
  const results = [];
  const run = (name, fn, out) => {
    const r = fn();
    if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    results.push({ name, seconds: r.seconds, cpu: r.cpu, bytes: fs.statSync(out).size, maxRssMiB: r.maxRssKiB / 1024 });
  };
  const oursZip = path.join(outDir, 'ours.zip');
  run(
    'net-profiler writeZip (layer ZIP, level 6)',
    () =>
      node(`
        const L = require('./dist/layer');
        const fs = require('fs'), path = require('path');
        const files = [];
        const walk = (rel) => { for (const e of fs.readdirSync(path.join(${JSON.stringify(tree)}, rel), { withFileTypes: true })) {
          const r = rel ? rel + '/' + e.name : e.name;
          if (e.isDirectory()) { files.push({ name: r + '/', mode: 0o755, dir: true }); walk(r); }
          else files.push({ name: r, mode: L.layerMode(r), file: path.join(${JSON.stringify(tree)}, r), sizeHint: fs.statSync(path.join(${JSON.stringify(tree)}, r)).size });
        } };
        walk('');
        L.writeZip(${JSON.stringify(oursZip)}, files, { level: 6 });`),
    oursZip,
  );
  const buildOut = path.join(outDir, 'build');
  run(
    'net-profiler buildLayer (checks + layer ZIP + package ZIP)',
    () => node(`require('./dist/layer').buildLayer({ release: ${JSON.stringify(release)}, arch: 'x64', outDir: ${JSON.stringify(buildOut)} }).catch((e) => { console.error(e.message); process.exit(1); })`),
    path.join(buildOut, 'profiler-lambda-layer-1.4.0-linux-x64.zip'),
  );
  const cmdOut = path.join(outDir, 'command');
  run(
    'net-profiler layer build (the whole command, both ZIPs)',
    () => timed(process.execPath, [path.join(root, 'bin/net-profiler.js'), 'layer', 'build', release, '--arch', 'x64', '--out', cmdOut], { cwd: root }),
    path.join(cmdOut, 'profiler-lambda-layer-1.4.0-linux-x64-package.zip'),
  );
  const zipOut = path.join(outDir, 'infozip.zip');
  run('zip -X -r -6', () => timed('zip', ['-X', '-r', '-6', '-q', zipOut, '.'], { cwd: tree }), zipOut);
  const base = 'profiler-lambda-layer-1.4.0-linux-x64';
  const pkgTree = path.join(data, 'pkgtree');
  const zipPkg = path.join(outDir, 'infozip-package.zip');
  const twoZips = [
    `zip -X -r -6 -q ${JSON.stringify(path.join(outDir, 'infozip-layer.zip'))} .`,
    `cp ${JSON.stringify(path.join(outDir, 'infozip-layer.zip'))} ${JSON.stringify(path.join(pkgTree, base, base + '.zip'))}`,
    `cd ${JSON.stringify(pkgTree)} && zip -X -r -6 -q ${JSON.stringify(zipPkg)} ${base}`,
  ].join(' && ');
  run('zip -X -r -6, the same two ZIPs (layer, then package)', () => timed('sh', ['-c', twoZips], { cwd: tree }), zipPkg);
  const yazlOut = path.join(outDir, 'yazl.zip');
  run(
    'yazl (Node zlib, level 6)',
    () =>
      node(`
        const yazl = require('yazl'); const fs = require('fs'); const path = require('path');
        const z = new yazl.ZipFile();
        const walk = (rel) => { for (const e of fs.readdirSync(path.join(${JSON.stringify(tree)}, rel), { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
          const r = rel ? rel + '/' + e.name : e.name;
          if (e.isDirectory()) { z.addEmptyDirectory(r, { mtime: new Date(315532800000) }); walk(r); }
          else z.addFile(path.join(${JSON.stringify(tree)}, r), r, { mtime: new Date(315532800000), compress: true });
        } };
        walk('');
        z.outputStream.pipe(fs.createWriteStream(${JSON.stringify(yazlOut)}));
        z.end();`),
    yazlOut,
  );
  const zip = results.find((r) => r.name === 'zip -X -r -6');
  const ours = results[0];
  const zip2 = results.find((r) => r.name.startsWith('zip -X -r -6, the same two'));
  const cmd = results.find((r) => r.name.startsWith('net-profiler layer build'));
  console.log(`layer build benchmark: ${(input / 1048576).toFixed(1)} MiB of shared libraries in ${fs.readdirSync(path.join(tree, 'profiler/agent/net8.0')).length + fs.readdirSync(path.join(tree, 'profiler/agent/net10.0')).length + 1} files; ${os.availableParallelism ? os.availableParallelism() : os.cpus().length} CPUs (${os.cpus()[0].model}); Node ${process.version}`);
  console.log('');
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine slows every row)`);
  console.log(`${'tool'.padEnd(58)} ${'time s'.padStart(7)} ${'CPU s'.padStart(6)} ${'MB/s'.padStart(6)} ${'output MiB'.padStart(11)} ${'vs zip'.padStart(7)} ${'peak RSS MiB'.padStart(13)} ${'speed vs zip'.padStart(13)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(58)} ${r.seconds.toFixed(2).padStart(7)} ${r.cpu.toFixed(2).padStart(6)} ${(input / 1048576 / r.seconds).toFixed(0).padStart(6)} ${(r.bytes / 1048576).toFixed(2).padStart(11)} ${(((r.bytes / zip.bytes) - 1) * 100).toFixed(1).padStart(6)}% ${r.maxRssMiB.toFixed(0).padStart(13)} ${(zip.seconds / r.seconds).toFixed(2).padStart(12)}x`,
    );
  }
  console.log('');
  console.log(`ours vs zip -6: ${(zip.seconds / ours.seconds).toFixed(2)}x faster (wall), ${(zip.cpu / ours.cpu).toFixed(2)}x less CPU, output ${(((ours.bytes / zip.bytes) - 1) * 100).toFixed(2)}% vs zip's size (target: >= 3x, <= +2%)`);
  console.log(`layer build vs zip making the same two ZIPs: ${(zip2.seconds / cmd.seconds).toFixed(2)}x faster (wall, the whole command), ${(zip2.cpu / cmd.cpu).toFixed(2)}x less CPU (target: >= 3x)`);
  const y = results.find((r) => r.name.startsWith('yazl'));
  console.log(`ours vs yazl:   ${(y.seconds / ours.seconds).toFixed(2)}x faster, output ${(((ours.bytes / y.bytes) - 1) * 100).toFixed(2)}% vs yazl's size`);
}

// The startup wrapper's cost on a cold start: dash running it in front of /bin/true,
// against /bin/true alone (both spawned the same way), from the unpacked layer tree.
function wrapperCost() {
  const runs = 200;
  const env = { PATH: process.env.PATH, NET_PROFILER_LAYER_ROOT: tree, AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' };
  const time = (cmd, args) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) spawnSync(cmd, args, { env, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  };
  const shell = time('/bin/dash', ['-c', 'exec /bin/true']);
  const unameOnly = time('/bin/dash', ['-c', 'm=$(exec uname -m); exec /bin/true']);
  const wrapped = time('/bin/dash', [path.join(tree, 'profiler_wrapper'), '/bin/true']);
  const wrappedBash = time('/bin/bash', [path.join(tree, 'profiler_wrapper'), '/bin/true']);
  console.log('');
  console.log(`startup wrapper (x64 layer, profiling enabled), mean of ${runs} spawns each:`);
  console.log(`  dash -c 'exec /bin/true'                    ${shell.toFixed(2)} ms`);
  console.log(`  dash -c 'm=$(exec uname -m); exec /bin/true' ${unameOnly.toFixed(2)} ms   (the one process the wrapper starts)`);
  console.log(`  dash profiler_wrapper /bin/true             ${wrapped.toFixed(2)} ms   (+${(wrapped - shell).toFixed(2)} ms over the bare shell, +${(wrapped - unameOnly).toFixed(2)} ms over shell + uname)`);
  console.log(`  bash profiler_wrapper /bin/true             ${wrappedBash.toFixed(2)} ms`);
}

main();
if (process.arch === 'x64') wrapperCost();
