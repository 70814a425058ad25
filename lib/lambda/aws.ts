/**
 * AWS plumbing for `lambda`: clients from the standard settings, AWS errors turned into
 * {@link NetProfilerError}s, retrying the conflict Lambda returns while an update is in
 * progress, and waiting for an update to finish.
 * @packageDocumentation
 */
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { NetProfilerError } from '../errors';

/** Where and how to reach AWS. Unset fields come from the standard AWS environment. */
export interface AwsOptions {
  /** Region; default from `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile. */
  region?: string;
  /** Endpoint URL; default from `AWS_ENDPOINT_URL_LAMBDA` / `AWS_ENDPOINT_URL` / AWS. */
  endpointUrl?: string;
  /** Named profile; default from `AWS_PROFILE`. */
  profile?: string;
  /** Attempts per AWS call for transient failures (the SDK's retry); default 3. */
  maxAttempts?: number;
  /** A ready Lambda client (overrides region, endpoint, profile). */
  lambdaClient?: LambdaClient;
  /** A ready S3 client for uploads (overrides region, endpoint, profile). */
  s3Client?: S3Client;
  /** Waiting for updates and retrying conflicts. */
  retry?: RetryOptions;
}

/** Backoff for the conflict Lambda returns while an update is in progress. */
export interface RetryOptions {
  /** First wait (ms); default 500. */
  initialDelayMs?: number;
  /** Longest single wait (ms); default 5000. */
  maxDelayMs?: number;
  /** Give up after this long in all (ms); default 300000 (5 minutes). */
  timeoutMs?: number;
}

/** Makes the Lambda client for `options`. */
export function lambdaClient(options: AwsOptions): LambdaClient {
  if (options.lambdaClient) return options.lambdaClient;
  return new LambdaClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.profile ? { profile: options.profile } : {}),
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
}

/** Makes the S3 client for `options` (path-style when an endpoint is given, as emulators need). */
export function s3Client(options: AwsOptions): S3Client {
  if (options.s3Client) return options.s3Client;
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(endpoint ? { forcePathStyle: true } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.profile ? { profile: options.profile } : {}),
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 600_000 },
  });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The AWS error name of `err`, if it came from AWS (for example `ResourceNotFoundException`). */
export function awsErrorName(err: unknown): string | undefined {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}

function networkCode(err: unknown): string | undefined {
  let e = err as { code?: string; name?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let i = 0; i < 5 && e; i++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'ETIMEDOUT';
    if (Array.isArray(e.errors) && e.errors.length > 0) e = e.errors[0] as typeof e;
    else e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * Turns an error from an AWS call into a {@link NetProfilerError} with a clear message:
 * `doing` says what was being done, `state` what that means for the function.
 */
export function awsError(err: unknown, doing: string, state?: string): NetProfilerError {
  if (err instanceof NetProfilerError) return err;
  const tail = state ? ` ${state}` : '';
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  const msg = String(e?.message ?? err);
  const net = networkCode(err);
  if (net) {
    return new NetProfilerError('aws-unreachable', `cannot reach AWS while ${doing} (${net}).${tail}`, {
      kind: 'outside',
      fix: 'check the network, the region and the endpoint (--endpoint-url, AWS_ENDPOINT_URL), then run the command again',
      cause: err,
    });
  }
  if (/region is missing|region not accepted/i.test(msg)) {
    return new NetProfilerError('no-region', 'no AWS region is set', { kind: 'usage', fix: 'pass --region or set AWS_REGION', cause: err });
  }
  if (e?.name === 'CredentialsProviderError' || /could not load credentials/i.test(msg)) {
    return new NetProfilerError('no-credentials', `no AWS credentials while ${doing}.${tail}`, {
      kind: 'outside',
      fix: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure`',
      cause: err,
    });
  }
  const fromAws = awsErrorName(err);
  if (fromAws === undefined) {
    return new NetProfilerError('aws-error', `${doing} failed: ${msg}.${tail}`, { kind: 'outside', cause: err });
  }
  const name = fromAws;
  const status = e?.$metadata?.httpStatusCode;
  const code =
    name === 'ResourceNotFoundException' || name === 'NoSuchBucket'
      ? 'not-found'
      : /AccessDenied|Unauthorized|InvalidSignature|UnrecognizedClient|ExpiredToken/i.test(name)
        ? 'access-denied'
        : 'aws-error';
  return new NetProfilerError(code, `AWS refused ${doing}: ${name}${status ? ` (HTTP ${status})` : ''}: ${msg}.${tail}`, {
    kind: 'outside',
    cause: err,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isConflict(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'ResourceConflictException' || name === 'TooManyRequestsException';
}

/**
 * Calls `fn`, retrying while Lambda answers that an update is in progress
 * (`ResourceConflictException`) or that there are too many requests, with exponential
 * backoff, until `retry.timeoutMs`.
 */
export async function retryConflicts<T>(fn: () => Promise<T>, retry: RetryOptions = {}, doing = 'updating the function'): Promise<T> {
  const start = Date.now();
  const timeout = retry.timeoutMs ?? 300_000;
  let delay = retry.initialDelayMs ?? 500;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (Date.now() - start + delay > timeout) {
        throw new NetProfilerError(
          'update-in-progress',
          `Lambda still reported an update in progress after ${Math.round((Date.now() - start) / 1000)} s while ${doing}`,
          { kind: 'outside', fix: 'wait for the function\'s current update to finish, then run the command again', cause: err },
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, retry.maxDelayMs ?? 5000);
    }
  }
}

/**
 * Polls the function's configuration until its `LastUpdateStatus` is `Successful` (or
 * unset, as right after creation), with backoff, until `retry.timeoutMs`.
 * @throws NetProfilerError `update-failed` when Lambda reports `Failed`, `update-timeout`
 *   when it is still in progress at the time limit.
 */
export async function waitUpdated(client: LambdaClient, functionName: string, retry: RetryOptions = {}): Promise<FunctionConfiguration> {
  const start = Date.now();
  const timeout = retry.timeoutMs ?? 300_000;
  let delay = retry.initialDelayMs ?? 500;
  for (;;) {
    const cfg = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const status = cfg.LastUpdateStatus;
    if (status === 'Failed') {
      throw new NetProfilerError(
        'update-failed',
        `Lambda could not apply the update to ${functionName}: ${cfg.LastUpdateStatusReasonCode ?? ''} ${cfg.LastUpdateStatusReason ?? ''}`.trim(),
        { kind: 'outside', fix: `look at the function in the Lambda console; \`net-profiler lambda status ${functionName}\` shows what is attached` },
      );
    }
    if ((status === 'Successful' || status === undefined) && cfg.State !== 'Pending') return cfg;
    if (Date.now() - start + delay > timeout) {
      throw new NetProfilerError('update-timeout', `${functionName} was still updating (LastUpdateStatus ${status}) after ${Math.round((Date.now() - start) / 1000)} s`, {
        kind: 'outside',
        fix: `run \`net-profiler lambda status ${functionName}\` later to see the result`,
      });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, retry.maxDelayMs ?? 5000);
  }
}
