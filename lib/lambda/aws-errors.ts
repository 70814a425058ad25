/**
 * Every AWS failure as ONE clear line: the operation, the resource, what it means for the
 * function, and the fix (docs/lambda.md, "Failures"). The SDK's own words are cut to their
 * first line, without the hints it appends for developers.
 * @packageDocumentation
 */
import * as os from 'os';
import * as path from 'path';
import { NetProfilerError, quoteValue } from '../errors';
import { readFileCappedSync } from '../files';
import { lambdaError, type LambdaError } from './errors';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const THROTTLING = /^(TooManyRequestsException|ThrottlingException|Throttling|ThrottledException|RequestLimitExceeded|SlowDown|RequestThrottled(Exception)?)$/;

/** The AWS error name of `err`, if it came from AWS (for example `ResourceNotFoundException`). */
export function awsErrorName(err: unknown): string | undefined {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}

/** True for AWS's throttling answers (HTTP 429, `TooManyRequestsException`, `ThrottlingException`, "Rate exceeded"). */
export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 429 || THROTTLING.test(e?.name ?? '') || /rate exceeded/i.test(e?.message ?? '');
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

/** The first line of an SDK message, without its developer hints, trimmed of a final full stop. */
export function sdkMessage(err: unknown): string {
  const msg = String((err as Error)?.message ?? err ?? '');
  const first = msg.split('\n')[0]!.replace(/\s*Deserialization error:.*$/i, '').trim();
  return (first.length > 300 ? `${first.slice(0, 300)}…` : first).replace(/\.$/, '') || 'no message';
}

/** The AWS config and credentials files the SDK reads (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`). */
export function awsProfileFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = path.join(os.homedir(), '.aws');
  return [env.AWS_CONFIG_FILE || path.join(home, 'config'), env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, 'credentials')];
}

/** True when no AWS config or credentials file has a section for `profile`. */
export function profileMissing(profile: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const file of awsProfileFiles(env)) {
    let text = '';
    try {
      text = readFileCappedSync(file, 1024 * 1024, 'an AWS config file').toString('utf8');
    } catch {
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/.exec(line);
      if (m && m[1] === profile) return false;
    }
  }
  return true;
}

/** What {@link awsError} may know beyond the error. */
export interface AwsErrorContext {
  /** The profile in use (`--profile` or `AWS_PROFILE`), to name it when it is missing. */
  profile?: string;
  /** The fix for a resource that does not exist. */
  notFoundFix?: string;
}

/**
 * Turns an error from an AWS call into a {@link LambdaError} of one line: `doing` says
 * what was being done (the operation and the resource), `state` what that means for the
 * function, and `fix` what to do.
 */
export function awsError(err: unknown, doing: string, state?: string, context: AwsErrorContext = {}): LambdaError {
  if (err instanceof NetProfilerError) return err as LambdaError;
  const tail = state ? ` ${state}` : '';
  const msg = sdkMessage(err);
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  const net = networkCode(err);
  if (net) {
    return lambdaError('aws-unreachable', `cannot reach AWS while ${doing} (${net}).${tail}`, {
      kind: 'outside',
      fix: 'check the network, the region and the endpoint (--endpoint-url, AWS_ENDPOINT_URL), then run the command again',
      cause: err,
    });
  }
  if (/region is missing|region not accepted|invalid region/i.test(msg)) {
    return lambdaError('no-region', 'no AWS region is set', { kind: 'usage', argument: 'region', fix: 'pass --region or set AWS_REGION', cause: err });
  }
  if (e?.name === 'CredentialsProviderError' || /could not (load|resolve) credentials/i.test(msg)) {
    const profile = context.profile ?? process.env.AWS_PROFILE;
    if (profile && profileMissing(profile)) {
      return lambdaError('no-profile', `the AWS profile ${quoteValue(profile)} is in neither ${awsProfileFiles().join(' nor ')} (while ${doing}).${tail}`, {
        kind: 'outside',
        fix: `check the name in AWS_PROFILE, or create the profile with \`aws configure --profile ${profile}\``,
        cause: err,
      });
    }
    return lambdaError('no-credentials', `no AWS credentials while ${doing}.${tail}`, {
      kind: 'outside',
      fix: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure`',
      cause: err,
    });
  }
  const name = awsErrorName(err);
  if (name === undefined) {
    return lambdaError('aws-error', `${doing} failed: ${msg}.${tail}`, { kind: 'outside', fix: 'run the command again; if it fails the same way, check the endpoint and region', cause: err });
  }
  const status = e.$metadata?.httpStatusCode;
  const what = `${name}${status ? ` (HTTP ${status})` : ''}`;
  if (isThrottling(err)) {
    return lambdaError('throttled', `AWS kept throttling ${doing} after every retry: ${what}: ${msg}.${tail}`, {
      kind: 'outside',
      fix: 'run the command again later (it completes what is left), or lower --concurrency',
      cause: err,
    });
  }
  if (name === 'NoSuchBucket') {
    return lambdaError('bucket-not-found', `AWS refused ${doing}: the bucket does not exist (${what}).${tail}`, {
      kind: 'outside',
      fix: 'create the bucket in the same region as the layer, or name another with --s3-bucket',
      cause: err,
    });
  }
  const denied = /AccessDenied|Unauthorized|InvalidSignature|UnrecognizedClient|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden/i.test(name) || status === 403;
  const fix = denied
    ? 'check the credentials (AWS_PROFILE) and that they allow this call'
    : isNotFound(err)
      ? (context.notFoundFix ?? 'check the name and the region')
      : 'fix what AWS names, then run the command again';
  return lambdaError(denied ? 'access-denied' : 'aws-error', `AWS refused ${doing}: ${what}: ${msg}.${tail}`, { kind: 'outside', fix, cause: err });
}

/** True when `err` is AWS's "no such resource" answer. */
export function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'ResourceNotFoundException' || name === 'NotFound';
}
