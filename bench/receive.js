'use strict';
// Benchmark of `receive` (run: npm run build:ts && node bench/receive.js [seconds]).
// The receiver runs in its own process (the SDK of dist/receive, writing a real dump);
// this process is the load: concurrent clients on loopback sending Lambda-shaped trace
// requests made with the real OpenTelemetry JS SDK (encoded once, as an exporter's
// batch would be), side by side:
//   - HTTP/protobuf, HTTP/protobuf gzip, HTTP/JSON, and gRPC: spans/s and requests/s
//     accepted (answered 200 / OK, so written to the dump), 8 clients each;
//   - HTTP/protobuf with --fsync (every answer waits for the disk);
//   - memory under back-pressure: 256 clients sending 1 MiB requests to a receiver that
//     writes with --fsync, with the default 64 MiB backlog limit and with a limit too
//     high to matter: peak RSS and ArrayBuffer memory of the receiver, requests
//     answered 503.
const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

if (process.argv[2] === 'server') {
  const { startReceiver } = require('../dist/receive');
  const opts = JSON.parse(process.argv[3]);
  let peak = 0;
  let peakBuffers = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  }, 20).unref();
  startReceiver(opts).then((r) => {
    process.send({ http: r.http, grpc: r.grpc });
    process.on('message', async () => {
      const stats = await r.stop();
      process.send({ stats, peak: Math.max(peak, process.memoryUsage().rss), peakBuffers });
      process.exit(0);
    });
  });
  return;
}

const gen = require('../test/dump/gen.js');
const seconds = Number(process.argv[2] || 5);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-bench-receive-'));

function server(opts) {
  const child = fork(__filename, ['server', JSON.stringify(opts)], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('message', (addr) => resolve({ child, addr, stop: () => new Promise((r) => { child.once('message', r); child.send('stop'); }) })));
}

async function load(n, once) {
  const until = Date.now() + seconds * 1000;
  let ok = 0;
  let other = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (Date.now() < until) (await once()) ? ok++ : other++;
  }));
  return { ok, other };
}

async function main() {
  const t = gen.lambdaTraces({ invocations: 20, seed: 9 });
  const spansPer = t.spans.length;
  const proto = Buffer.from(t.proto);
  const gz = zlib.gzipSync(proto);
  const json = Buffer.from(t.json);
  const rows = [];
  const http = async (name, body, headers, opts = {}) => {
    const s = await server({ out: path.join(dir, `${name.replace(/\W+/g, '-')}.nptb`), http: '127.0.0.1:0', grpc: false, ...opts });
    const url = `http://${s.addr.http}/v1/traces`;
    const r = await load(8, async () => (await fetch(url, { method: 'POST', headers, body }).then((x) => x.arrayBuffer().then(() => x.status))) === 200);
    const end = await s.stop();
    rows.push([name, r.ok, r.other, end.stats.bytes, end.peak]);
  };
  await http('HTTP/protobuf', proto, { 'Content-Type': 'application/x-protobuf' });
  await http('HTTP/protobuf gzip', gz, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' });
  await http('HTTP/JSON', json, { 'Content-Type': 'application/json' });
  await http('HTTP/protobuf --fsync', proto, { 'Content-Type': 'application/x-protobuf' }, { fsync: true });
  {
    const grpc = require('@grpc/grpc-js');
    const s = await server({ out: path.join(dir, 'grpc.nptb'), http: false, grpc: '127.0.0.1:0' });
    const clients = Array.from({ length: 8 }, () => new grpc.Client(s.addr.grpc, grpc.credentials.createInsecure()));
    let k = 0;
    const id = (b) => b;
    const r = await load(8, () => new Promise((res) => clients[k++ % 8].makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', id, id, proto, (e) => res(!e))));
    for (const c of clients) c.close();
    const end = await s.stop();
    rows.push(['gRPC', r.ok, r.other, end.stats.bytes, end.peak]);
  }
  console.log(`\n${seconds} s each, 8 concurrent clients, ${spansPer} spans (${proto.length} bytes protobuf) a request, ${os.cpus().length} CPUs`);
  console.log('load                    spans/s    requests/s  not 200  dump MiB  peak RSS MiB');
  for (const [name, ok, other, bytes, peak] of rows)
    console.log(`${name.padEnd(22)} ${String(Math.round((ok * spansPer) / seconds)).padStart(9)} ${String(Math.round(ok / seconds)).padStart(12)} ${String(other).padStart(8)} ${(bytes / 2 ** 20).toFixed(1).padStart(9)} ${(peak / 2 ** 20).toFixed(0).padStart(13)}`);

  // back-pressure: many clients with big requests, fsync making the writer the bottleneck;
  // the default 64 MiB backlog limit beside a limit too high to matter
  const big = Buffer.concat(Array.from({ length: Math.ceil((1 << 20) / proto.length) }, () => proto));
  console.log(`\nback-pressure: 256 clients x ${(big.length / 2 ** 20).toFixed(1)} MiB requests, --fsync`);
  console.log('backlog limit     accepted MiB/s  answered 503  peak RSS MiB  peak ArrayBuffer MiB');
  for (const [label, backlogBytes] of [['64 MiB (default)', 64 << 20], ['2 GiB (no limit)', 2 ** 31]]) {
    const s = await server({ out: path.join(dir, `backlog-${backlogBytes}.nptb`), http: '127.0.0.1:0', grpc: false, fsync: true, backlogBytes });
    const url = `http://${s.addr.http}/v1/traces`;
    let busy = 0;
    const r = await load(256, async () => {
      const st = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: big }).then((x) => x.arrayBuffer().then(() => x.status), () => 0);
      if (st === 503) busy++;
      return st === 200;
    });
    const end = await s.stop();
    console.log(`${label.padEnd(17)} ${((r.ok * big.length) / 2 ** 20 / seconds).toFixed(0).padStart(14)} ${String(busy).padStart(13)} ${(end.peak / 2 ** 20).toFixed(0).padStart(13)} ${(end.peakBuffers / 2 ** 20).toFixed(0).padStart(21)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
