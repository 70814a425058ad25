/**
 * `settings ping`: will these settings reach the backend? Checks the file, resolves
 * its references, sends one valid, empty ExportTraceServiceRequest (protobuf) to the
 * traces endpoint with the provider's authorization, and says what came back and
 * what it most likely means (docs/local.md).
 * @packageDocumentation
 */
import { plural } from '../text';
import { gzipSync } from 'zlib';
import { checkSettingsFile } from '../settings';
import type { SettingsDiagnostic } from '../settings';
import { maskIn, resolveTarget, Target } from './target';
import { Attempt, callGrpc, closeGrpcClients, postHttp, signalUrl } from './transport';

/** Options of {@link pingSettings}. */
export interface PingOptions {
  /** A dotenv file for the `${env:…}` references. */
  dotenv?: string;
  /** How long to wait for the answer (default: the settings' `Connection.TimeoutMs`). */
  timeoutMs?: number;
  /** The environment the references resolve from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** What came of a ping (`settings ping --json`, plus `outcome` and `diagnostics`). */
export interface PingResult {
  /** The endpoint took the request (2xx, gRPC OK). */
  ok: boolean;
  /** The traces URL pinged (no credentials), or null when the settings have errors. */
  endpoint: string | null;
  /** HTTP status, or null (no answer, gRPC, or not sent). */
  status: number | null;
  /** Milliseconds the exchange took. */
  ms: number;
  /** The answer and its likely cause, for people (tokens masked). */
  message: string;
  /**
   * `accepted`; `rejected` (the endpoint answered 4xx or a gRPC refusal, or the
   * settings have errors: exit 1); `unreachable` (5xx, no answer, timeout: exit 3).
   */
  outcome: 'accepted' | 'rejected' | 'unreachable';
  /** The settings' errors, when they stop the ping. */
  diagnostics?: SettingsDiagnostic[];
}

function explain(a: Attempt, target: Target): Pick<PingResult, 'ok' | 'message' | 'outcome'> {
  const dt = target.provider === 'dynatrace';
  const s = a.status;
  if (a.unreachable) return { ok: false, outcome: 'unreachable', message: `not reachable: ${a.message}; check Connection.EndpointUrl and that the backend is up` };
  if (s === null) {
    // gRPC
    if (a.grpcCode === 0) return { ok: true, outcome: 'accepted', message: 'reachable, and the empty export was accepted (gRPC OK)' };
    if (a.grpcCode === 16 || a.grpcCode === 7) return { ok: false, outcome: 'rejected', message: `the token was rejected (gRPC status ${a.grpcCode}): check Connection.BearerToken` };
    if (a.grpcCode === 12) return { ok: false, outcome: 'rejected', message: 'no OTLP trace service at this address (gRPC UNIMPLEMENTED): check the endpoint and Connection.Type' };
    if (a.grpcCode === 14) return { ok: false, outcome: 'unreachable', message: `not reachable (gRPC UNAVAILABLE): ${a.message ?? ''}` };
    return { ok: false, outcome: 'rejected', message: `refused with gRPC status ${a.grpcCode}: ${a.message ?? ''}` };
  }
  if (s >= 200 && s < 300) return { ok: true, outcome: 'accepted', message: `reachable, and the empty export was accepted (HTTP ${s})` };
  if (s === 401 || s === 403)
    return {
      ok: false,
      outcome: 'rejected',
      message: `the token was rejected (HTTP ${s}): check Connection.BearerToken${dt ? ' (a Dynatrace token needs the openTelemetryTrace.ingest scope)' : ''}`,
    };
  if (s === 404 || s === 405)
    return {
      ok: false,
      outcome: 'rejected',
      message: `no OTLP endpoint at this URL (HTTP ${s}): check the path${dt ? ' (Dynatrace: https://{environment}/api/v2/otlp)' : ' (the base URL; /v1/traces is appended)'}`,
    };
  if (s === 415) return { ok: false, outcome: 'rejected', message: 'the endpoint does not take OTLP protobuf over HTTP (HTTP 415): is it a gRPC port, or another service?' };
  if (s >= 400 && s < 500) return { ok: false, outcome: 'rejected', message: `the endpoint refused the request (HTTP ${s})` };
  return { ok: false, outcome: 'unreachable', message: `the backend failed (HTTP ${s}); try again later` };
}

/**
 * Pings the endpoint of a settings file. Returns what happened; throws only when it
 * cannot ping at all (the file cannot be read, a reference is not set).
 * @throws NetProfilerError `fs-…`, `env-missing`, `no-endpoint`, `bad-argument`
 */
export async function pingSettings(file: string, options: PingOptions = {}): Promise<PingResult> {
  const check = await checkSettingsFile(file);
  if (!check.ok) {
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    return { ok: false, endpoint: null, status: null, ms: 0, outcome: 'rejected', message: `${file} has ${plural(errors.length, 'error')}: fix ${errors.length === 1 ? 'it' : 'them'} first (settings check)`, diagnostics: errors };
  }
  const target = await resolveTarget({ settings: file, ...(options.dotenv !== undefined ? { dotenv: options.dotenv } : {}), ...(options.env ? { env: options.env } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const endpoint = maskIn(target.protocol === 'grpc' ? target.endpoint : signalUrl(target, 'traces'), target.secrets);
  const empty = Buffer.alloc(0);
  let a: Attempt;
  try {
    a = target.protocol === 'grpc' ? await callGrpc(target, 'traces', empty) : await postHttp(target, 'traces', gzipSync(empty));
  } finally {
    closeGrpcClients();
  }
  const e = explain(a, target);
  return { ok: e.ok, endpoint, status: a.status, ms: Math.round(a.ms), outcome: e.outcome, message: maskIn(e.message, target.secrets) };
}
