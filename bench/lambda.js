// Benchmark of the 250 MB check's remote read: the unzipped size of a function's code or a
// layer read from its central directory with HTTP range requests (what `lambda instrument`
// does), side by side with what a user would do instead: download the whole ZIP and list
// it (`curl -o code.zip "$LOCATION" && unzip -l code.zip`, here: fetch the whole body and
// read its directory). Served from a local HTTP server that honours ranges, as S3 does.
//
//   npm run build:ts && node bench/lambda.js [MiB]        (default 60 MiB)
//
// And, with `fleet`, instrumenting many functions: `lambda instrument --all --layer-name`
// over N functions (default 100) in one run, side by side with the same work done one
// function at a time with the one-function command (`lambda instrument FN --layer-arn`),
// against moto on loopback, with a counting proxy in front: the wall time and the AWS
// calls per function of each, then uninstrument of the lot.
//
//   npm run build:ts && node bench/lambda.js fleet [N]
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const { remoteZipSize } = require(path.join(root, 'dist/lambda'));
const { readZipDirectoryFromTail } = require(path.join(root, 'dist/layer'));

const mib = Number(process.argv[2] === 'fleet' ? 60 : (process.argv[2] ?? 60));
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

function startMoto() {
  return new Promise((resolve, reject) => {
    const srv = http.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port;
      srv.close(() => {
        const child = require('child_process').spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
        const deadline = Date.now() + 60_000;
        const poll = () =>
          http
            .get({ host: '127.0.0.1', port, path: '/moto-api/' }, (res) => {
              res.resume();
              resolve({ port, child });
            })
            .on('error', () => (Date.now() > deadline ? reject(new Error('moto did not start')) : setTimeout(poll, 200)));
        poll();
      });
    });
  });
}

/** A proxy in front of moto that counts the requests it forwards. */
function countingProxy(target) {
  const counter = { n: 0 };
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      counter.n++;
      const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target}` } }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, counter, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

function np(args, env) {
  return new Promise((resolve) => {
    const child = require('child_process').spawn(process.execPath, [path.join(root, 'bin/net-profiler.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => undefined);
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function fleetBench(n) {
  const { LambdaClient, CreateFunctionCommand } = require('@aws-sdk/client-lambda');
  const { buildLayer } = require(path.join(root, 'dist/layer'));
  const { publishLayer } = require(path.join(root, 'dist/lambda'));
  const os = require('os');
  const moto = await startMoto();
  const proxy = await countingProxy(moto.port);
  const motoUrl = `http://127.0.0.1:${moto.port}`;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-central-1', AWS_ENDPOINT_URL: proxy.url, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', NO_COLOR: '1' };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' });
  try {
    const role = spawnSync('aws', ['iam', 'create-role', '--role-name', 'bench', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}', '--endpoint-url', motoUrl], { env: { ...env, AWS_ENDPOINT_URL: motoUrl }, encoding: 'utf8' });
    if (role.status !== 0) throw new Error(`aws iam create-role failed: ${role.stderr}`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-bench-'));
    const built = await buildLayer({ release: path.join(root, 'examples/release'), arch: 'arm64', outDir: tmp });
    const layer = await publishLayer({ region: 'eu-central-1', endpointUrl: motoUrl, zip: built.layerZip, layerName: 'bench-np', quietSdk: true });
    const c = new LambdaClient({ region: 'eu-central-1', endpoint: motoUrl, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const code = fs.readFileSync(built.layerZip).subarray(0, 0);
    void code;
    const yazl = require('yazl');
    const zip = await new Promise((resolve) => {
      const z = new yazl.ZipFile();
      z.addBuffer(Buffer.from('MZ'), 'App.dll');
      z.end();
      const parts = [];
      z.outputStream.on('data', (d) => parts.push(d)).on('end', () => resolve(Buffer.concat(parts)));
    });
    const names = [];
    for (let i = 0; i < 2 * n; i++) {
      const name = `bench-${i}`;
      names.push(name);
      await c.send(new CreateFunctionCommand({ FunctionName: name, Role: 'arn:aws:iam::123456789012:role/bench', Runtime: 'dotnet10', Handler: 'App::App.F::H', Architectures: ['arm64'], Code: { ZipFile: zip }, Environment: { Variables: { APP: name } } }));
    }
    const first = names.slice(0, n);
    const second = names.slice(n);
    const measure = async (label, fn) => {
      const calls0 = proxy.counter.n;
      const t0 = Date.now();
      const ok = await fn();
      return { label, ms: Date.now() - t0, calls: proxy.counter.n - calls0, ok };
    };
    const fleet = await measure(`fleet: one command, ${n} functions (--concurrency 4)`, async () => (await np(['lambda', 'instrument', ...first, '--layer-name', 'bench-np', '--json'], env)).code === 0);
    const single = await measure(`one at a time: ${n} commands`, async () => {
      let ok = true;
      for (const f of second) ok = (await np(['lambda', 'instrument', f, '--layer-arn', layer.layerVersionArn, '--json'], env)).code === 0 && ok;
      return ok;
    });
    const un = await measure(`fleet uninstrument, ${2 * n} functions`, async () => (await np(['lambda', 'uninstrument', ...names, '--json'], env)).code === 0);
    console.log(`instrument ${n} functions against moto on loopback (${os.cpus().length} cores), AWS calls counted at a proxy:`);
    for (const r of [fleet, single, un]) {
      const per = r.label.startsWith('fleet uninstrument') ? 2 * n : n;
      console.log(`  ${r.label.padEnd(48)} ${String(r.ms).padStart(7)} ms  ${(r.ms / per).toFixed(1).padStart(7)} ms/function  ${(r.calls / per).toFixed(2).padStart(6)} calls/function${r.ok ? '' : '  (FAILED)'}`);
    }
    console.log(`  ratio: the fleet command is ${(single.ms / fleet.ms).toFixed(1)}x faster, ${(single.calls / fleet.calls).toFixed(2)}x the calls of one at a time`);
    fs.rmSync(tmp, { recursive: true, force: true });
  } finally {
    proxy.server.close();
    moto.child.kill();
  }
}

(async () => {
  if (process.argv[2] === 'fleet') return fleetBench(Number(process.argv[3] ?? 100));
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
