/**
 * AWS plumbing for `lambda`: the SDK clients (region, endpoint and profile passed as
 * options, never through the environment; a silent logger so the SDK prints nothing of
 * its own; the retry strategy of docs/lambda.md), and waiting for an update with the
 * SDK's waiter. Turning AWS failures into one clear error is `aws-errors.ts`.
 * @packageDocumentation
 */
import { LambdaClient, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { quoteValue } from '../errors';
import { awsErrorName, awsError, awsProfileFiles, profileMissing } from './aws-errors';
import { lambdaError, type LambdaError } from './errors';
import { checkEndpointUrl, checkProfile, checkRegion } from './validate';

/** Where and how to reach AWS. Unset fields come from the standard AWS environment. */
export interface AwsOptions {
  /** Region; default from `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile. */
  region?: string;
  /** Endpoint URL (`http://` or `https://`); default from `AWS_ENDPOINT_URL_LAMBDA` / `AWS_ENDPOINT_URL` / AWS. */
  endpointUrl?: string;
  /** Named profile; default from `AWS_PROFILE`. */
  profile?: string;
  /** Most tries of one AWS call that is throttled (HTTP 429, `TooManyRequestsException`, `ThrottlingException`); default 8. */
  maxAttempts?: number;
  /** A ready Lambda client (overrides region, endpoint, profile). */
  lambdaClient?: LambdaClient;
  /** A ready S3 client for uploads (overrides region, endpoint, profile). */
  s3Client?: S3Client;
  /** Waiting for updates and for the conflict of an update in progress. */
  retry?: RetryOptions;
  /** Leave out the AWS SDK's notice about its future Node.js requirement (the CLI does). */
  quietSdk?: boolean;
  /** Called for every AWS call retried by the retry strategy (counting, progress). */
  onRetry?: (errorType: string) => void;
}

/** Backoff for the conflict Lambda returns while an update is in progress, and the wait for an update. */
export interface RetryOptions {
  /** First wait (ms); default 500. */
  initialDelayMs?: number;
  /** Longest single wait (ms); default 5000. */
  maxDelayMs?: number;
  /** Give up after this long in all (ms); default 300000 (5 minutes). */
  timeoutMs?: number;
}

/** Tries of a call that failed for a transient reason (network, HTTP 5xx). */
const TRANSIENT_ATTEMPTS = 3;
/** First backoff of a throttled call (ms), doubled each time, with full jitter. */
const THROTTLE_BASE_MS = 200;
/** Longest single backoff, also the most a `Retry-After` is honoured for (ms). */
const MAX_BACKOFF_MS = 20_000;

/** What the SDK's retry middleware tells a retry strategy about a failed attempt. */
interface RetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
  /** Tries that failed for a transient reason so far. */
  transient?: number;
}

const token = (count: number, delay: number, transient = 0): Token => ({ getRetryCount: () => count, getRetryDelay: () => delay, getRetryCost: () => undefined, transient });

/**
 * The SDK retry strategy (the SDK's `RetryStrategyV2` interface) of docs/lambda.md:
 * up to `maxAttempts` tries in all, of which at most 3 may fail for a transient reason
 * (network, HTTP 5xx); any other answer is not retried. Exponential backoff with full
 * jitter, never shorter than the server's `Retry-After` (up to 20 s). No shared quota:
 * one throttled function must not stop the others' retries.
 */
export function retryStrategy(maxAttempts: number, onRetry?: (errorType: string) => void) {
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: Token, info: RetryErrorInfo): Promise<Token> => {
      const tries = previous.getRetryCount() + 1;
      const throttled = info.errorType === 'THROTTLING';
      const transient = (previous.transient ?? 0) + (throttled ? 0 : 1);
      if (info.errorType === 'CLIENT_ERROR' || tries >= maxAttempts || transient >= TRANSIENT_ATTEMPTS) throw new Error('No retry token available');
      const base = throttled ? THROTTLE_BASE_MS : 100;
      const n = throttled ? tries - transient : transient;
      let delay = Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, n - 1));
      if (info.retryAfterHint instanceof Date) delay = Math.max(delay, Math.min(MAX_BACKOFF_MS, info.retryAfterHint.getTime() - Date.now()));
      onRetry?.(info.errorType);
      return token(tries, Math.max(0, Math.round(delay)), transient);
    },
    recordSuccess: () => undefined,
  };
}

/** A logger that drops everything: the SDK must not print on its own (one clear line per failure is ours). */
const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function quietly<T>(quiet: boolean | undefined, make: () => T): T {
  if (!quiet) return make();
  // The SDK emits its Node.js support notice while the client is made; nothing else is dropped.
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(typeof warning === 'string' ? warning : warning.message).startsWith('NodeVersionSupportWarning')) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = emit;
  }
}

function common(options: AwsOptions) {
  if (options.region !== undefined) checkRegion(options.region);
  if (options.endpointUrl !== undefined) checkEndpointUrl(options.endpointUrl);
  if (options.profile !== undefined) checkProfile(options.profile);
  // A profile that no file has can only fail, after the SDK has tried every other source: say so at once.
  const profile = options.profile ?? process.env.AWS_PROFILE;
  if (profile && profileMissing(profile)) {
    throw lambdaError('no-profile', `the AWS profile ${quoteValue(profile)} is in neither ${awsProfileFiles().join(' nor ')}`, {
      kind: 'outside',
      fix: `check the name in AWS_PROFILE, or create the profile with \`aws configure --profile ${profile}\``,
    });
  }
  const attempts = options.maxAttempts ?? 8;
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: attempts,
    retryStrategy: retryStrategy(attempts, options.onRetry),
    logger: SILENT,
  };
}

/** Makes the Lambda client for `options` (checking region, endpoint and profile first: `bad-argument`). */
export function lambdaClient(options: AwsOptions): LambdaClient {
  if (options.lambdaClient) return options.lambdaClient;
  const config = common(options);
  return quietly(options.quietSdk, () => new LambdaClient({ ...config, requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 } }));
}

/** Makes the S3 client for `options` (path-style when an endpoint is given, as emulators need). */
export function s3Client(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): S3Client {
  if (options.s3Client) return options.s3Client;
  const config = common(options);
  const pathStyle = !!(options.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return quietly(options.quietSdk, () => new S3Client({ ...config, ...(pathStyle ? { forcePathStyle: true } : {}), requestHandler: { connectionTimeout: 10_000, requestTimeout: 600_000 } }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `fn`, and while Lambda answers that an update is in progress
 * (`ResourceConflictException`) waits with exponential backoff and calls again, until
 * `retry.timeoutMs`. Throttling is not handled here: the SDK's retry strategy does it.
 * @throws LambdaError `update-in-progress` (outside) at the time limit.
 */
export async function retryConflicts<T>(fn: () => Promise<T>, retry: RetryOptions = {}, doing = 'updating the function'): Promise<T> {
  const start = Date.now();
  const timeout = retry.timeoutMs ?? 300_000;
  let delay = retry.initialDelayMs ?? 500;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (awsErrorName(err) !== 'ResourceConflictException') throw err;
      if (Date.now() - start + delay > timeout) {
        throw lambdaError('update-in-progress', `Lambda still reported an update in progress after ${Math.round((Date.now() - start) / 1000)} s while ${doing}`, {
          kind: 'outside',
          fix: 'wait for the function\'s current update to finish, then run the command again',
          cause: err,
        });
      }
      await sleep(delay * (0.5 + Math.random() / 2));
      delay = Math.min(delay * 2, retry.maxDelayMs ?? 5000);
    }
  }
}

/**
 * Waits until the function's `LastUpdateStatus` is `Successful`, with the SDK's waiter
 * (`waitUntilFunctionUpdatedV2`), backing off from `retry.initialDelayMs` to
 * `retry.maxDelayMs`, for at most `retry.timeoutMs`.
 * @throws LambdaError `update-failed` when Lambda reports `Failed` (with its reason),
 *   `update-timeout` when it has not finished at the time limit.
 */
export async function waitUpdated(client: LambdaClient, functionName: string, retry: RetryOptions = {}): Promise<void> {
  const minDelay = (retry.initialDelayMs ?? 500) / 1000;
  const maxDelay = Math.max(minDelay, (retry.maxDelayMs ?? 5000) / 1000);
  const maxWaitTime = Math.max(minDelay * 2, (retry.timeoutMs ?? 300_000) / 1000);
  try {
    await waitUntilFunctionUpdatedV2({ client, minDelay, maxDelay, maxWaitTime }, { FunctionName: functionName });
  } catch (err) {
    throw waiterError(err, functionName);
  }
}

function waiterError(err: unknown, functionName: string): LambdaError {
  const e = err as Error;
  let result: { state?: string; reason?: { Configuration?: { LastUpdateStatusReason?: string; LastUpdateStatusReasonCode?: string } }; observedResponses?: Record<string, number> } = {};
  try {
    result = JSON.parse(e.message);
  } catch {
    return awsError(err, `waiting for ${functionName} to finish updating`);
  }
  if (result.state === 'FAILURE') {
    const c = result.reason?.Configuration;
    return lambdaError('update-failed', `Lambda could not apply the update to ${functionName}: ${[c?.LastUpdateStatusReasonCode, c?.LastUpdateStatusReason].filter(Boolean).join(' ') || 'no reason given'}`, {
      kind: 'outside',
      fix: `look at the function in the Lambda console; \`net-profiler lambda status ${functionName}\` shows what is attached`,
    });
  }
  const seen = Object.keys(result.observedResponses ?? {});
  const last = (seen[seen.length - 1] ?? '').split('\n')[0]!.slice(0, 200);
  return lambdaError('update-timeout', `${functionName} had not finished updating at the time limit${last ? ` (last answer: ${last})` : ''}`, {
    kind: 'outside',
    fix: `run \`net-profiler lambda status ${functionName}\` later to see the result`,
  });
}
