// The glue's reader handles (src/dump.cc): only a dump reader handle is taken, one call
// at a time, and a handle is free again once its call has settled, failed or not (the
// busy flag is cleared on the JS thread, in PromiseWorker's completion step).
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { dumpNative, type NativeHandle } from '../../lib/dump/native';
import { FIXTURES } from './helpers';

const n = dumpNative();
const lambda = fs.readFileSync(path.join(FIXTURES, 'lambda.nptb'));
const damaged = fs.readFileSync(path.join(FIXTURES, 'damaged.nptb'));

describe('dump reader handles', () => {
  it('refuses what is not a reader handle with bad-argument', () => {
    for (const h of [{}, null, 1, 'handle', Buffer.alloc(8)]) {
      expect(() => n.dumpFinish(h as unknown as NativeHandle)).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'handle' }));
    }
  });

  it('one call at a time; free again once the call settled', async () => {
    const h = n.dumpOpen({ mode: 'summary' });
    const first = n.dumpFeed(h, lambda.subarray(0, 4000));
    expect(() => n.dumpFeed(h, lambda.subarray(4000))).toThrow(/one call at a time/);
    expect(() => n.dumpFinish(h)).toThrow(/one call at a time/);
    await first;
    await n.dumpFeed(h, lambda.subarray(4000));
    expect(JSON.parse(n.dumpFinish(h).summary!).spans).toBe(15);
  });

  it('free again after a call that failed', async () => {
    const h = n.dumpOpen({ mode: 'summary', strict: true });
    await expect(n.dumpFeed(h, damaged)).rejects.toMatchObject({ code: 'corrupt-payload' });
    // the handle is not left busy: the next call gets past the busy check
    let message = '';
    try {
      n.dumpFinish(h);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toMatch(/one call at a time/);
  });

  it('refuses bad options with bad-argument naming the option', () => {
    expect(() => n.dumpOpen({ mode: 'nonsense' as never })).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'mode' }));
    expect(() => n.dumpOpen({ mode: 'summary', format: 'zip' })).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'format' }));
    expect(() => n.dumpOpen({ mode: 'summary', signal: 'spans' })).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'signal' }));
  });
});
