/**
 * The retry rules of the OTLP specification (docs/local.md): over HTTP 429, 502, 503
 * and 504 are retried, over gRPC the codes the specification lists as retryable, and
 * so is a request that got no answer; 400 and every other status are final. The
 * wait doubles from a base with jitter, and a server's `Retry-After` is honoured.
 * @packageDocumentation
 */
import type { Attempt } from './transport';

/** HTTP statuses that are retried. */
export const RETRYABLE_HTTP: readonly number[] = [429, 502, 503, 504];

/** gRPC codes that are retried: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. */
export const RETRYABLE_GRPC: readonly number[] = [1, 4, 10, 11, 14, 15];

/** Options of the retry loop. */
export interface RetryOptions {
  /** Tries of one request in all (default 5). */
  maxTries?: number;
  /** First wait in milliseconds (default 1000); doubles each try. */
  baseDelayMs?: number;
  /** Longest wait (default 30000); a longer `Retry-After` is cut to it. */
  maxDelayMs?: number;
}

/** True when an attempt's answer says to try again. */
export function isRetryable(a: Attempt): boolean {
  if (a.unreachable) return true;
  if (a.status !== null) return RETRYABLE_HTTP.includes(a.status);
  return a.grpcCode !== undefined && RETRYABLE_GRPC.includes(a.grpcCode);
}

/** True when an attempt succeeded (2xx, gRPC OK). */
export function isSuccess(a: Attempt): boolean {
  return a.status !== null ? a.status >= 200 && a.status < 300 : a.grpcCode === 0;
}

/** The wait before try `next` (2, 3, …): `Retry-After` when given, else exponential with jitter. */
export function retryDelay(a: Attempt, next: number, o: RetryOptions = {}, random: () => number = Math.random): number {
  const max = o.maxDelayMs ?? 30000;
  if (a.retryAfterMs !== undefined) return Math.min(a.retryAfterMs, max);
  const base = (o.baseDelayMs ?? 1000) * 2 ** (next - 2);
  return Math.min(max, base * (0.5 + random() * 0.5));
}

/**
 * Runs `attempt` until it succeeds, gets a final answer, or `maxTries` are used.
 * @returns the last attempt and the number of retries made
 */
export async function withRetries(attempt: () => Promise<Attempt>, o: RetryOptions = {}): Promise<{ last: Attempt; retries: number }> {
  const tries = o.maxTries ?? 5;
  let retries = 0;
  for (let n = 1; ; n++) {
    const a = await attempt();
    if (isSuccess(a) || !isRetryable(a) || n >= tries) return { last: a, retries };
    retries++;
    await new Promise((r) => setTimeout(r, retryDelay(a, n + 1, o)));
  }
}
