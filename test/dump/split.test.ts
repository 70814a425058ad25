// The split summary (docs/dump.md): a .nptb file walked in two ranges on two threads and
// merged gives exactly the summary of one pass, at every split point, on every held test
// dump, including the damaged ones; and `summarize(file)`, which reads the file natively,
// equals the streaming reader.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { summarize } from '../../lib/dump';
import { dumpNative } from '../../lib/dump/native';
import { FIXTURES, gen } from './helpers';

const opts = { format: 'auto', signal: '', strict: false };

/** Every held test dump: the fixtures and generated dumps with each kind of damage. */
function dumps(): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const f of fs.readdirSync(FIXTURES)) if (!f.endsWith('.json') && !f.endsWith('.gz')) out.push([f, fs.readFileSync(path.join(FIXTURES, f))]);
  const tr = (seed: number, invocations = 1) => gen.lambdaTraces({ invocations, seed }).proto;
  const frames = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => gen.frame('traces', tr(10 + i, 2), i));
  out.push(['clean', Buffer.concat([gen.header(), gen.frame('metadata', Buffer.from(JSON.stringify(gen.METADATA)), 0), ...frames.map((f, i) => gen.frame('traces', tr(10 + i, 2), i + 1))])]);
  // a gap in the middle, so that most split points fall beside it
  out.push(['gap', Buffer.concat([gen.header(), ...frames.slice(0, 4), ...[5, 6, 7, 8].map((s, i) => gen.frame('traces', tr(20 + i, 2), s + 3))])]);
  // one trace whose spans sit in every frame (distinct traces must not be summed)
  const same = gen.lambdaTraces({ invocations: 1, seed: 99 }).proto;
  out.push(['one-trace', Buffer.concat([gen.header(), ...[0, 1, 2, 3, 4, 5].map((s) => gen.frame('traces', same, s))])]);
  // damage of every kind, spread over the file
  const bad = gen.frame('traces', tr(30), 2);
  bad[40] ^= 0xff;
  const badHeader = gen.frame('traces', tr(31), 5);
  badHeader[1] = 0;
  const last = gen.frame('traces', tr(32), 9);
  out.push(['damage', Buffer.concat([gen.header(), frames[0]!, frames[1]!, bad, gen.frame(9, Buffer.from('?'), 3), gen.frame('dropped', gen.droppedPayload(3, 0, 1), 4), badHeader, gen.frame('traces', tr(33), 7), gen.frame('traces', Buffer.from([0xff]), 8), last.subarray(0, last.length - 9)])]);
  // a payload that holds a whole frame (a false sync point for the second range)
  const inner = gen.frame('traces', tr(40), 1);
  const carrier = gen.lambdaTraces({ invocations: 1, seed: 41 }).proto;
  // (unknown fields 14 and 15 of the request, which a reader skips; the padding puts the
  // inner frame on an 8-byte boundary of the file)
  const pad = (8 - ((96 + carrier.length + 2 + 3) % 8)) % 8;
  const payload = Buffer.concat([carrier, Buffer.from([0x72, pad]), Buffer.alloc(pad), Buffer.from([0x7a, (inner.length & 0x7f) | 0x80, inner.length >> 7]), inner]);
  expect((64 + 32 + payload.length - inner.length) % 8).toBe(0);
  out.push(['false-sync', Buffer.concat([gen.header(), gen.frame('traces', payload, 0), gen.frame('traces', tr(42), 1)])]);
  // a header larger than 64 bytes
  out.push(['big-header', gen.writeDump([0, 1, 2].map((i) => ({ kind: 'traces', payload: tr(50 + i) })), { minor: 3, headerSize: 200 })]);
  return out;
}

describe('the split summary equals one pass', () => {
  const n = dumpNative();
  for (const [name, bytes] of dumps()) {
    it(`${name}: at every split point`, () => {
      let one: unknown;
      try {
        one = n.dumpSummarizeBuffer(bytes, opts, { threads: 1 });
      } catch (e) {
        // an input that cannot be read at all fails the same way split or not
        expect(() => n.dumpSummarizeBuffer(bytes, opts, { threads: 2, splitAt: 64 })).toThrow(expect.objectContaining({ code: (e as { code: string }).code }));
        return;
      }
      const single = one as ReturnType<typeof n.dumpSummarizeBuffer>;
      expect(single.split).toBe(false);
      let splits = 0;
      for (let at = 1; at < bytes.length; at += 8) {
        const r = n.dumpSummarizeBuffer(bytes, opts, { threads: 2, splitAt: at });
        if (r.split) splits++;
        expect({ at, summary: JSON.parse(r.summary), diagnostics: r.diagnostics }).toEqual({ at, summary: JSON.parse(single.summary), diagnostics: single.diagnostics });
      }
      // the test only means something where the split really happened
      if (name.endsWith('.nptb') && name !== 'ring.nptb') expect(splits).toBeGreaterThan(0);
      if (['clean', 'gap', 'one-trace', 'damage', 'big-header'].includes(name)) expect(splits).toBeGreaterThan(bytes.length / 8 / 2);
    });
  }

  it('a gap at the split and a trace in both halves: one sequence-gap, the exact distinct-trace count', () => {
    const [, gap] = dumps().find(([n]) => n === 'gap')!;
    const cut = 64 + [0, 1, 2, 3].reduce((k, i) => k + gen.frame('traces', gen.lambdaTraces({ invocations: 2, seed: 10 + i }).proto, i).length, 0);
    const r = n.dumpSummarizeBuffer(gap, opts, { threads: 2, splitAt: cut });
    expect(r.split).toBe(true);
    expect(r.diagnostics).toEqual([{ code: 'sequence-gap', offset: cut, missing: 4, message: '4 frames missing between sequence 3 and 8' }]);
    const [, same] = dumps().find(([n]) => n === 'one-trace')!;
    const s = n.dumpSummarizeBuffer(same, opts, { threads: 2, splitAt: Math.floor(same.length / 2) });
    expect(s.split).toBe(true);
    expect(JSON.parse(s.summary)).toMatchObject({ traces: 1, spans: 18, frames: 6, firstSequence: 0, lastSequence: 5 });
  });

  it('the native walk publishes its progress; summarize passes it on, ending at the size', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-dump-progress-'));
    const [, clean] = dumps().find(([name]) => name === 'clean')!;
    const file = path.join(dir, 'clean.nptb');
    fs.writeFileSync(file, clean);
    for (const threads of [1, 2]) {
      const walked = new Float64Array(1);
      const r = await n.dumpSummarizeFile(file, opts, { threads, splitAt: threads === 2 ? clean.length >> 1 : 0 }, walked);
      expect(r.split).toBe(threads === 2);
      expect(walked[0]).toBe(clean.length);
    }
    const seen: Array<[number, number | undefined]> = [];
    await summarize(file, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.at(-1)).toEqual([clean.length, clean.length]);
  });

  it('summarize(file) (read natively, split) equals the streaming reader', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-dump-split-'));
    for (const [name, bytes] of dumps()) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const streamed = await summarize(bytes).catch((e: { code: string }) => e.code);
      const native = await summarize(file).catch((e: { code: string }) => e.code);
      expect(native, name).toEqual(streamed);
    }
  });
});
