// The SDK retry strategy lambda configures (docs/lambda.md, "Retries"): throttling tried up
// to 8 times, transient failures 3, other answers once; backoff with jitter, never shorter
// than Retry-After; and through the real SDK against moto behind a throttling proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionStatus, retryStrategy } from '../../lib/lambda';
import { NetProfilerError } from '../../lib/errors';
import { needMoto, startMoto, startProxy, type FaultProxy, type Moto } from '../helpers/moto';
import { awsOpts, client, createFunction, createRole } from './fixtures';

async function tries(errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR', maxAttempts = 8): Promise<number[]> {
  const s = retryStrategy(maxAttempts);
  let token = await s.acquireInitialRetryToken();
  const delays: number[] = [];
  for (;;) {
    try {
      token = await s.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      return delays;
    }
    delays.push(token.getRetryDelay());
  }
}

describe('the retry strategy', () => {
  it('tries throttling 8 times, transient failures and 5xx 3 times, anything else once', async () => {
    expect(await tries('THROTTLING')).toHaveLength(7);
    expect(await tries('TRANSIENT')).toHaveLength(2);
    expect(await tries('SERVER_ERROR')).toHaveLength(2);
    expect(await tries('CLIENT_ERROR')).toHaveLength(0);
    expect(await tries('THROTTLING', 3)).toHaveLength(2);
  });

  it('counts transient failures on their own: throttling between them does not use them up', async () => {
    const s = retryStrategy(8);
    let t = await s.acquireInitialRetryToken();
    for (const errorType of ['TRANSIENT', 'THROTTLING', 'THROTTLING', 'TRANSIENT'] as const) t = await s.refreshRetryTokenForRetry(t, { errorType });
    expect(t.getRetryCount()).toBe(4);
    await expect(s.refreshRetryTokenForRetry(t, { errorType: 'TRANSIENT' })).rejects.toThrow();
    // Eight tries in all, whatever the mix.
    let u = await s.acquireInitialRetryToken();
    for (const errorType of ['TRANSIENT', 'THROTTLING', 'THROTTLING', 'THROTTLING', 'THROTTLING', 'THROTTLING', 'TRANSIENT'] as const) u = await s.refreshRetryTokenForRetry(u, { errorType });
    await expect(s.refreshRetryTokenForRetry(u, { errorType: 'THROTTLING' })).rejects.toThrow();
  });

  it('backs off exponentially with full jitter, within the cap', async () => {
    const runs = await Promise.all(Array.from({ length: 200 }, () => tries('THROTTLING')));
    for (let k = 0; k < 7; k++) {
      const at = runs.map((d) => d[k]!);
      const cap = Math.min(20_000, 200 * 2 ** k);
      expect(Math.max(...at)).toBeLessThanOrEqual(cap);
      // Jitter: the delays spread over the range, not one value.
      expect(new Set(at).size).toBeGreaterThan(50);
      expect(at.reduce((a, b) => a + b, 0) / at.length).toBeGreaterThan(cap * 0.3);
      expect(at.reduce((a, b) => a + b, 0) / at.length).toBeLessThan(cap * 0.7);
    }
  });

  it('never waits less than Retry-After (up to 20 s)', async () => {
    const s = retryStrategy(8);
    const t0 = await s.acquireInitialRetryToken();
    const t1 = await s.refreshRetryTokenForRetry(t0, { errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + 3000) });
    expect(t1.getRetryDelay()).toBeGreaterThanOrEqual(2900);
    const t2 = await s.refreshRetryTokenForRetry(t1, { errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + 600_000) });
    expect(t2.getRetryDelay()).toBeLessThanOrEqual(20_000);
  });
});

describe.runIf(needMoto())('throttling through the SDK', () => {
  let moto: Moto;
  let proxy: FaultProxy;

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    proxy = await startProxy(moto);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  it('throttled on every try: gives up after maxAttempts with one clear error', async () => {
    const fn = await createFunction(client(moto));
    proxy.seen.length = 0;
    proxy.rule = () => ({ kind: 'respond', status: 429, errorType: 'TooManyRequestsException', body: { message: 'Rate exceeded' } });
    let err: unknown;
    try {
      await functionStatus({ ...awsOpts(moto, proxy.url), functionName: fn, maxAttempts: 3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NetProfilerError);
    expect((err as NetProfilerError).code).toBe('throttled');
    expect((err as NetProfilerError).kind).toBe('outside');
    expect((err as NetProfilerError).message).toMatch(/^AWS kept throttling reading the configuration of .*: TooManyRequestsException \(HTTP 429\): Rate exceeded\./);
    expect(proxy.seen).toHaveLength(3);
  });

  it('ThrottlingException and "Rate exceeded" answers (HTTP 400) are throttling too', async () => {
    const fn = await createFunction(client(moto));
    let n = 0;
    proxy.rule = () =>
      n++ === 0
        ? { kind: 'respond', status: 400, errorType: 'ThrottlingException', body: { message: 'Rate exceeded' } }
        : n === 2
          ? { kind: 'respond', status: 400, errorType: 'TooManyRequestsException', body: { message: 'Rate exceeded' } }
          : { kind: 'forward' };
    const s = await functionStatus({ ...awsOpts(moto, proxy.url), functionName: fn });
    expect(s.function).toBe(fn);
    expect(n).toBe(3);
  });
});
