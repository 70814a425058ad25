// Benchmark of the 250 MB check's remote read: the unzipped size of a function's code or a
// layer read from its central directory with HTTP range requests (what `lambda instrument`
// does), side by side with what a user would do instead: download the whole ZIP and list
// it (`curl -o code.zip "$LOCATION" && unzip -l code.zip`, here: fetch the whole body and
// read its directory). Served from a local HTTP server that honours ranges, as S3 does.
//
//   npm run build:ts && node bench/lambda.js [MiB]        (default 60 MiB)
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const { remoteZipSize } = require(path.join(root, 'dist/lambda'));
const { readZipDirectoryFromTail } = require(path.join(root, 'dist/layer'));

const mib = Number(process.argv[2] ?? 60);
const dataDir = path.join(__dirname, 'data');
const zipPath = path.join(dataDir, `lambda-code-${mib}mib.zip`);

function makeZip() {
  if (fs.existsSync(zipPath)) return;
  fs.mkdirSync(dataDir, { recursive: true });
  const src = fs.mkdtempSync(path.join(dataDir, 'src-'));
  // 400 files of random (incompressible) bytes, like the assemblies of a real function.
  const per = Math.floor((mib * 1024 * 1024) / 400);
  for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(src, `lib${String(i).padStart(3, '0')}.dll`), crypto.randomBytes(per));
  const r = spawnSync('zip', ['-q', '-r', '-1', zipPath, '.'], { cwd: src });
  fs.rmSync(src, { recursive: true, force: true });
  if (r.status !== 0) throw new Error('zip failed (install zip)');
}

function serve(body) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (m) {
        const start = m[1] === '' ? Math.max(0, body.length - Number(m[2])) : Number(m[1]);
        const end = m[1] === '' || m[2] === '' ? body.length - 1 : Math.min(Number(m[2]), body.length - 1);
        res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
        res.end(body.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function time(label, n, fn) {
  await fn(); // warm up
  const t0 = process.hrtime.bigint();
  let last;
  for (let i = 0; i < n; i++) last = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
  return { label, ms, last };
}

(async () => {
  makeZip();
  const body = fs.readFileSync(zipPath);
  const server = await serve(body);
  const url = `http://127.0.0.1:${server.address().port}/code.zip`;
  const n = 5;
  const ranged = await time('ranged directory read (net-profiler)', n, async () => remoteZipSize(url));
  const whole = await time('whole download + directory (curl + unzip -l)', n, async () => {
    const res = await fetch(url);
    const buf = new Uint8Array(await res.arrayBuffer());
    const dir = readZipDirectoryFromTail(buf, buf.length, { maxUnzippedBytes: Number.MAX_SAFE_INTEGER, maxRatio: 1e15 });
    return { unzippedBytes: dir.unzippedBytes, bytesRead: buf.length };
  });
  server.close();
  if (ranged.last.unzippedBytes !== whole.last.unzippedBytes) throw new Error('the two reads disagree');
  console.log(`ZIP: ${(body.length / 1048576).toFixed(1)} MiB, ${ranged.last.unzippedBytes} bytes unzipped, local HTTP server, mean of ${n}`);
  for (const r of [ranged, whole]) {
    console.log(`  ${r.label.padEnd(46)} ${r.ms.toFixed(1).padStart(8)} ms  ${String(r.last.bytesRead).padStart(10)} bytes read`);
  }
  console.log(`  ratio: ${(whole.ms / ranged.ms).toFixed(0)}x faster, ${(whole.last.bytesRead / ranged.last.bytesRead).toFixed(0)}x fewer bytes (over a real network the bytes dominate)`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
