/**
 * One OTLP export attempt over HTTP (protobuf, gzip) or gRPC (gzip), with the answer
 * boiled down to what the retry rules and the reports need.
 * @packageDocumentation
 * @internal
 */
import type { OtlpSignal } from '../receive/native';
import { GRPC_METHODS, Grpc, HTTP_PATHS, loadGrpc } from '../receive/otlp';
import type { Target } from './target';

/** What one attempt gave. @internal */
export interface Attempt {
  /** HTTP status; null over gRPC or when no answer came. */
  status: number | null;
  /** gRPC status code, over gRPC. */
  grpcCode?: number;
  /** The server's `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  /** Answer body (at most 1 MiB kept). */
  body?: Buffer;
  /** The body is JSON. */
  json?: boolean;
  /** gRPC status details, or why no answer came (connection refused, timeout, …). */
  message?: string;
  /** No answer at all (nothing listening, connection dropped, timeout). */
  unreachable?: boolean;
  /** Milliseconds it took. */
  ms: number;
}

const MAX_ANSWER = 1 << 20;

/** The URL a signal is sent to over HTTP. */
export function signalUrl(target: Pick<Target, 'endpoint'>, signal: OtlpSignal): string {
  return target.endpoint + HTTP_PATHS[signal];
}

/** `Retry-After` as milliseconds: seconds, or an HTTP date. @internal */
export function parseRetryAfter(v: string | null | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused (nothing listens there)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'the host name does not resolve';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': return 'the connection was dropped before an answer came';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'the host cannot be reached';
    default:
      if (code && /CERT|TLS|SSL/.test(code)) return `TLS failed (${code})`;
      return `the request failed (${code ?? e.cause?.message ?? e.message ?? 'unknown error'})`;
  }
}

async function readCapped(res: Response): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (n < MAX_ANSWER) chunks.push(Buffer.from(c).subarray(0, MAX_ANSWER - n));
    n += c.length;
  }
  return Buffer.concat(chunks);
}

/** POSTs one gzip-compressed protobuf request. @internal */
export async function postHttp(target: Target, signal: OtlpSignal, gzipped: Buffer): Promise<Attempt> {
  const t0 = performance.now();
  try {
    const res = await fetch(signalUrl(target, signal), {
      method: 'POST',
      headers: { ...target.headers, 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: gzipped,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const body = await readCapped(res);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return {
      status: res.status,
      body,
      json: /json/i.test(res.headers.get('content-type') ?? ''),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ms: performance.now() - t0,
    };
  } catch (err) {
    return { status: null, unreachable: true, message: networkReason(err, target.timeoutMs), ms: performance.now() - t0 };
  }
}

const clients = new Map<string, InstanceType<Grpc['Client']>>();

/** Sends one request over gRPC (gzip-compressed by the channel). @internal */
export function callGrpc(target: Target, signal: OtlpSignal, request: Buffer): Promise<Attempt> {
  const grpc = loadGrpc('reinstall net-profiler (npm install), or send over http/protobuf');
  const url = new URL(target.endpoint);
  const address = `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  const key = `${url.protocol}//${address}`;
  let client = clients.get(key);
  if (!client) {
    const creds = url.protocol === 'https:' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    client = new grpc.Client(address, creds, { 'grpc.default_compression_algorithm': 2, 'grpc.max_receive_message_length': MAX_ANSWER });
    clients.set(key, client);
  }
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(target.headers)) metadata.set(k.toLowerCase(), v);
  const id = (b: Buffer) => b;
  const t0 = performance.now();
  return new Promise<Attempt>((resolve) => {
    client!.makeUnaryRequest(GRPC_METHODS[signal], id, id, request, metadata, { deadline: Date.now() + target.timeoutMs }, (err, value) => {
      const ms = performance.now() - t0;
      if (!err) return resolve({ status: null, grpcCode: 0, body: value ?? Buffer.alloc(0), ms });
      const unreachable = err.code === grpc.status.UNAVAILABLE && /connect|ECONNREFUSED|No connection|Connection dropped/i.test(err.details ?? '');
      resolve({ status: null, grpcCode: err.code, message: err.details || err.message, ms, ...(unreachable ? { unreachable } : {}) });
    });
  });
}

/** Closes the gRPC channels opened by {@link callGrpc}. @internal */
export function closeGrpcClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}
