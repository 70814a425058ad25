'use strict';
// The data of the dump benchmarks (bench/dump.js, bench/dump-cli.js): a pool of Lambda
// trace requests encoded by the real OpenTelemetry JS SDK, framed round-robin into a
// .nptb file of a given size, and the trace payloads of such a file.
const fs = require('fs');
const gen = require('../test/dump/gen.js');

/** 64 encoded ExportTraceServiceRequests of 20 invocations (60 spans) each. */
function sdkPool() {
  const pool = [];
  for (let i = 0; i < 64; i++) pool.push(gen.lambdaTraces({ invocations: 20, seed: 1000 + i, extras: i % 4 === 0, startNs: 1795479225000000000n + BigInt(i) * 10000000000n }).proto);
  return pool;
}

function makeFile(file, bytes, pool) {
  if (fs.existsSync(file) && fs.statSync(file).size >= bytes) return;
  const fd = fs.openSync(file + '.tmp', 'w');
  fs.writeSync(fd, gen.header());
  let size = 64;
  let seq = 0;
  fs.writeSync(fd, gen.frame('metadata', Buffer.from(JSON.stringify(gen.METADATA)), seq++));
  const framed = pool.map((p) => gen.frame('traces', p, 0));
  while (size < bytes) {
    const f = Buffer.from(framed[seq % framed.length]);
    // rewrite the sequence number and header CRC of the pooled frame
    f.writeBigUInt64LE(BigInt(seq++), 16);
    f.writeUInt32LE(gen.crc32c(f.subarray(0, 24)), 24);
    fs.writeSync(fd, f);
    size += f.length;
  }
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
}

function payloads(file, limit) {
  // the trace payloads of the file, read back by offset (what protobufjs gets)
  const buf = fs.readFileSync(file);
  const out = [];
  let off = 64;
  while (off + 32 <= buf.length && out.length < limit) {
    const len = buf.readUInt32LE(off + 8);
    if (buf[off + 4] === 1) out.push(buf.subarray(off + 32, off + 32 + len));
    off += (32 + len + 7) & ~7;
  }
  return out;
}

module.exports = { sdkPool, makeFile, payloads };
