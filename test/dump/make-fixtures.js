'use strict';
// Writes the small committed fixtures of test/dump/fixtures/ (read by the native C++
// tests, the arm64 smoke run and the vitest suite). Run: node test/dump/make-fixtures.js
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const g = require('./gen');

/** A ring snapshot: frames written round a ring of `size` bytes, the last one torn. */
function ringSnapshot(frames, size, tornBytes) {
  const ring = Buffer.alloc(size);
  let pos = 0;
  const placed = [];
  frames.forEach((f, i) => {
    if (pos + f.length > size) pos = 0;
    const last = i === frames.length - 1;
    const n = last && tornBytes ? tornBytes : f.length;
    f.copy(ring, pos, 0, n);
    placed.push({ seq: i, start: pos, end: pos + f.length, torn: last && tornBytes > 0 });
    pos += f.length;
  });
  // a frame is intact when no later frame overlaps it and it is not torn
  const intact = placed.filter((p, i) => !p.torn && !placed.slice(i + 1).some((q) => q.start < p.end && p.start < q.end)).map((p) => p.seq);
  return { bytes: Buffer.concat([g.header({ ring: true }), ring]), intact };
}

async function main() {
  const dir = path.join(__dirname, 'fixtures');
  fs.mkdirSync(dir, { recursive: true });
  const t1 = g.lambdaTraces({ invocations: 3, seed: 11, extras: true });
  const t2 = g.lambdaTraces({ invocations: 2, seed: 12, startNs: 1795479226000000000n });
  const m = await g.lambdaMetrics({ seed: 13 });
  const l = await g.lambdaLogs({ traceId: t1.perInvocation[0].traceId, spanId: t1.perInvocation[0].serverSpanId });
  const lambda = g.writeDump([
    { kind: 'metadata', payload: Buffer.from(JSON.stringify(g.METADATA)) },
    { kind: 'traces', payload: t1.proto },
    { kind: 'metrics', payload: m.proto, gzip: true },
    { kind: 'traces', payload: t2.proto, gzip: true },
    { kind: 'logs', payload: l.proto },
    { kind: 'dropped', payload: g.droppedPayload(17, 0, 2) },
  ]);
  fs.writeFileSync(path.join(dir, 'lambda.nptb'), lambda);
  fs.writeFileSync(path.join(dir, 'lambda.jsonl'), [t1.json, m.json, l.json, t2.json].join('\n') + '\n');
  const collector = Buffer.concat([t1.proto, t2.proto].map((p) => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(p.length);
    return Buffer.concat([h, Buffer.from(p)]);
  }));
  fs.writeFileSync(path.join(dir, 'lambda.collector.pb'), collector);
  fs.writeFileSync(path.join(dir, 'lambda.traces.pb'), Buffer.from(t1.proto));
  fs.writeFileSync(path.join(dir, 'lambda.nptb.gz'), zlib.gzipSync(lambda));

  // ring: 12 trace frames of one invocation each round a ring that holds about 5
  const frames = [];
  for (let i = 0; i < 12; i++) {
    const t = g.lambdaTraces({ invocations: 1, seed: 100 + i, startNs: 1795479230000000000n + BigInt(i) * 1000000000n });
    frames.push(g.frame('traces', t.proto, i));
  }
  const size = Math.floor(frames[0].length * 5.5 / 8) * 8;
  const ring = ringSnapshot(frames, size, 100);
  fs.writeFileSync(path.join(dir, 'ring.nptb'), ring.bytes);
  fs.writeFileSync(path.join(dir, 'ring.intact.json'), JSON.stringify(ring.intact) + '\n');

  // damaged: every kind of damage in one file
  const parts = [g.header()];
  const tf = (seed) => g.lambdaTraces({ invocations: 1, seed }).proto;
  parts.push(g.frame('metadata', Buffer.from(JSON.stringify(g.METADATA)), 0));
  parts.push(g.frame('traces', tf(21), 1));
  const badPayload = g.frame('traces', tf(22), 2);
  badPayload[40] ^= 0xff; // payload CRC fails
  parts.push(badPayload);
  const badHeader = g.frame('traces', tf(23), 3);
  badHeader[18] ^= 0x01; // header CRC fails
  parts.push(badHeader);
  parts.push(g.frame('traces', tf(24), 4));
  // frame 5 lost
  parts.push(g.frame(9, Buffer.from('from the future'), 6));
  parts.push(g.frame('traces', Buffer.from([0x0a, 0x05, 0x0a, 0x03]), 7)); // malformed protobuf
  parts.push(g.frame('dropped', g.droppedPayload(5, 1, 0), 8));
  parts.push(g.frame('traces', tf(25), 9));
  const torn = g.frame('traces', tf(26), 10);
  parts.push(torn.subarray(0, 60));
  fs.writeFileSync(path.join(dir, 'damaged.nptb'), Buffer.concat(parts));
  console.log('fixtures written to', dir);
}

main();
