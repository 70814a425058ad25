/**
 * Where a replay or a ping goes: the endpoint's base URL, protocol, headers and the
 * provider's authorization, given directly or read from a settings file through the
 * settings SDK (docs/local.md, docs/settings.md).
 * @packageDocumentation
 */
import { NetProfilerError, badArgument } from '../errors';
import { isSecretName, looksLikeSecret, maskSecret } from '../secrets';
import { effectiveSettingsFile, readDotenvFile, resolveSettings } from '../settings';
import type { SendErrorCode } from './errors';

/** The OTLP transport of a replay. */
export type SendProtocol = 'http/protobuf' | 'grpc';

/** Where to send, as {@link resolveTarget} makes it. */
export interface Target {
  /** Base URL; `/v1/traces`, `/v1/metrics`, `/v1/logs` are appended. */
  endpoint: string;
  /** Transport. */
  protocol: SendProtocol;
  /** `dynatrace` applies the Dynatrace rules (HTTP protobuf only, 8 MB, spans at most 60 minutes old). */
  provider: 'dynatrace' | 'otlp';
  /** Headers of every request, the authorization included. */
  headers: Record<string, string>;
  /** Request timeout in milliseconds. */
  timeoutMs: number;
  /** Values that must never be printed (the token, secret header values). */
  secrets: string[];
}

/** Options of {@link resolveTarget}. */
export interface TargetOptions {
  /** Base URL of the endpoint. */
  endpoint?: string;
  /** A settings file: endpoint, token, headers, provider and protocol from it. */
  settings?: string;
  /** Transport (default: the settings' `Connection.Type`, else `http/protobuf`). */
  protocol?: SendProtocol;
  /** Extra headers (`NAME=VALUE` already split). */
  headers?: Record<string, string>;
  /** Token, sent as `Authorization: Bearer T` (provider `dynatrace`: `Api-Token T`). */
  token?: string;
  /** Resolves `${env:…}` references of the settings (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** A dotenv file whose variables are added to `env` for the references. */
  dotenv?: string;
  /** Request timeout (default: the settings' `Connection.TimeoutMs`, else 10000). */
  timeoutMs?: number;
}

/** Dynatrace accepts requests up to 8 MB. */
export const DYNATRACE_MAX_REQUEST_BYTES = 8_000_000;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function checkUrl(value: string, argument: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw badArgument(argument, `${argument} must be an http or https URL, not ${JSON.stringify(value.slice(0, 60))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badArgument(argument, `${argument} must be an http or https URL (got ${u.protocol})`);
  return u;
}

/** Replaces every secret of `target` in `text` by its masked form. */
export function maskIn(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(maskSecret(s));
  return out;
}

/**
 * Makes the target of a replay or ping.
 * @throws NetProfilerError `bad-argument`, `no-endpoint`, `settings-invalid`, `env-missing`, `fs-…`
 */
export async function resolveTarget(o: TargetOptions): Promise<Target> {
  if (o.endpoint !== undefined && o.settings !== undefined) throw badArgument('endpoint', 'give --endpoint or --settings, not both');
  if (o.protocol !== undefined && o.protocol !== 'http/protobuf' && o.protocol !== 'grpc')
    throw badArgument('protocol', `protocol must be http/protobuf or grpc, not ${JSON.stringify(String(o.protocol))}`, ['http/protobuf', 'grpc']);
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (!HEADER_NAME.test(k)) throw badArgument('header', `header name ${JSON.stringify(k.slice(0, 40))} is not a valid HTTP header name`);
    headers[k] = v;
  }
  let endpoint = o.endpoint;
  let provider: Target['provider'] = 'otlp';
  let protocol = o.protocol;
  let token = o.token;
  let timeoutMs = o.timeoutMs;
  if (o.settings !== undefined) {
    const env: Record<string, string | undefined> = { ...(o.env ?? process.env) };
    if (o.dotenv !== undefined) Object.assign(env, await readDotenvFile(o.dotenv));
    let s;
    try {
      s = resolveSettings(await effectiveSettingsFile(o.settings), env);
    } catch (err) {
      const e = err as NetProfilerError;
      if (e.code === 'settings-invalid' || e.code === 'env-missing') throw Object.assign(e, { file: e.file ?? o.settings });
      throw err;
    }
    endpoint = s.Connection.EndpointUrl;
    provider = s.General.Provider;
    protocol ??= s.Connection.Type === 'grpc' ? 'grpc' : 'http/protobuf';
    token ??= s.Connection.BearerToken;
    timeoutMs ??= s.Connection.TimeoutMs;
    for (const [k, v] of Object.entries(s.Connection.Headers)) headers[k] = v;
    if (endpoint === undefined)
      throw new NetProfilerError<SendErrorCode>('no-endpoint', `${o.settings} has no Connection.EndpointUrl`, { file: o.settings, fix: 'set Connection.EndpointUrl to the OTLP base URL' });
  }
  if (endpoint === undefined)
    throw new NetProfilerError<SendErrorCode>('no-endpoint', 'no endpoint to send to', { kind: 'usage', argument: 'endpoint', fix: 'give --endpoint URL or --settings FILE' });
  checkUrl(endpoint, o.settings !== undefined ? 'Connection.EndpointUrl' : 'endpoint');
  protocol ??= 'http/protobuf';
  if (provider === 'dynatrace' && protocol !== 'http/protobuf')
    throw badArgument('protocol', 'Dynatrace takes OTLP over HTTP with protobuf only, not gRPC', ['http/protobuf']);
  if (token !== undefined && token !== '') {
    headers['Authorization'] = `${provider === 'dynatrace' ? 'Api-Token' : 'Bearer'} ${token}`;
    secrets.push(token, headers['Authorization']);
  }
  for (const [k, v] of Object.entries(headers)) if (isSecretName(k) || looksLikeSecret(v)) secrets.push(v);
  const timeout = timeoutMs ?? 10000;
  if (!Number.isSafeInteger(timeout) || timeout < 1) throw badArgument('timeout-ms', 'the timeout must be a positive number of milliseconds');
  return { endpoint: endpoint.replace(/\/+$/, ''), protocol, provider, headers, timeoutMs: timeout, secrets: [...new Set(secrets)].filter((s) => s !== '') };
}
