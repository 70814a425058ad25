/**
 * The receiver: an OTLP/HTTP server (Node's `http`) and an OTLP/gRPC server
 * (`@grpc/grpc-js`, loaded only when gRPC is on) in front of one dump writer.
 * @packageDocumentation
 */
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { NetProfilerError, badArgument } from '../errors';
import { defaultDumpName, formatAddress, parseListenAddress, ListenAddress } from './address';
import type { ReceiveErrorCode } from './errors';
import { handleHttp } from './http';
import { FRAME_KIND, ItemCounts, OtlpSignal, otlpNative } from './native';
import { Reject, RejectReason, REJECT_STATUS } from './status';
import { DumpWriter } from './writer';
import { InvocationTracker, Invocation } from './invocations';

/** Options of {@link startReceiver}. */
export interface ReceiveOptions {
  /** The dump to write; default `receive-<UTC time>.nptb` in the current folder. Never overwritten. */
  out?: string;
  /** OTLP/HTTP `HOST:PORT` (default `127.0.0.1:4318`; port 0 picks a free one), or `false` for none. */
  http?: string | false;
  /** OTLP/gRPC `HOST:PORT` (default `127.0.0.1:4317`), or `false` for none. */
  grpc?: string | false;
  /** When set, requests must carry `Authorization: Bearer T` or `Api-Token T`. */
  token?: string;
  /** Largest request, counted before and after gunzip; default 20 MiB, at most 64 MiB. */
  maxRequestBytes?: number;
  /** Answer a request only once its frame is on disk (`fdatasync`), not just written. */
  fsync?: boolean;
  /** How far writes may fall behind (bytes being read or waiting to be written) before requests get 503 / UNAVAILABLE; default 64 MiB. */
  backlogBytes?: number;
  /** A request whose body has not arrived in this time gets 408; default 30000 ms. */
  requestTimeoutMs?: number;
  /** Emit `invocation` events (decodes every traces request: costs time, meant for the live view). */
  invocations?: boolean;
  /** Written into the metadata frame as `version`; default this package's version. */
  version?: string;
}

/** What a receiver accepted and rejected so far (`receive --json`). */
export interface ReceiveStats {
  /** The dump. */
  out: string;
  /** Requests accepted and written. */
  requests: number;
  /** Requests answered with an error. */
  rejected: number;
  /** Spans written. */
  spans: number;
  /** Metric data points written. */
  metricPoints: number;
  /** Log records written. */
  logRecords: number;
  /** Size of the dump. */
  bytes: number;
}

/** One accepted request (the `request` event and {@link Receiver.requests}). */
export interface AcceptedRequest extends ItemCounts {
  /** Sequence number of its frame. */
  sequence: number;
  /** Its signal. */
  signal: OtlpSignal;
  /** How it came. */
  protocol: 'http' | 'grpc';
  /** How its body was encoded (stored as protobuf in both cases). */
  encoding: 'protobuf' | 'json';
  /** Size of the stored protobuf request. */
  bytes: number;
}

/** One rejected request (the `rejected` event). */
export interface RejectedRequest {
  /** How it came. */
  protocol: 'http' | 'grpc';
  /** Why. */
  reason: RejectReason;
  /** The HTTP status (gRPC: the HTTP status that matches its code). */
  status: number;
  /** What it was told. */
  message: string;
}

/** The events of a {@link Receiver}. */
export interface ReceiverEvents {
  request: [AcceptedRequest];
  rejected: [RejectedRequest];
  invocation: [Invocation];
  error: [Error];
  stopped: [ReceiveStats];
}

const DEFAULT_MAX_REQUEST = 20 << 20;
const DEFAULT_BACKLOG = 64 << 20;
const ITERATOR_QUEUE = 65536;

function version(): string {
  return (require('../../package.json') as { version: string }).version;
}

/**
 * A running receiver. Events: `request` (accepted and written), `rejected`,
 * `invocation` (with `invocations: true`), `error` (the dump cannot be written),
 * `stopped` (with the final figures).
 */
export class Receiver extends EventEmitter<ReceiverEvents> {
  /** The dump being written. */
  readonly out: string;
  /** OTLP/HTTP address listened on (`HOST:PORT`), when on. */
  http?: string;
  /** OTLP/gRPC address listened on, when on. */
  grpc?: string;
  private readonly counts = { requests: 0, rejected: 0, spans: 0, metricPoints: 0, logRecords: 0 };
  private inflight = 0;
  private stopping: Promise<ReceiveStats> | null = null;
  private httpServer?: http.Server;
  private grpcServer?: { tryShutdown(cb: () => void): void; forceShutdown(): void };
  private tracker?: InvocationTracker;
  /** @internal */
  readonly maxRequestBytes: number;
  /** @internal */
  readonly requestTimeoutMs: number;
  private readonly backlogBytes: number;

  /** @internal */
  constructor(
    private readonly writer: DumpWriter,
    /** @internal */ readonly token: string | undefined,
    o: ReceiveOptions,
  ) {
    super();
    this.out = writer.file;
    this.maxRequestBytes = o.maxRequestBytes ?? DEFAULT_MAX_REQUEST;
    this.backlogBytes = o.backlogBytes ?? DEFAULT_BACKLOG;
    this.requestTimeoutMs = o.requestTimeoutMs ?? 30000;
    if (o.invocations) this.tracker = new InvocationTracker((inv) => this.emit('invocation', inv));
  }

  /** The figures so far. */
  stats(): ReceiveStats {
    return { out: this.out, ...this.counts, bytes: this.writer.bytes };
  }

  /**
   * True while the request bodies being read and the frames waiting to be written, plus
   * `more` bytes about to come, exceed the backlog limit (a request alone always fits). @internal
   */
  busy(more = 0): boolean {
    const now = this.inflight + this.writer.backlog;
    return now > 0 && now + more > this.backlogBytes;
  }

  /** Counts body bytes being read (negative when done). @internal */
  reading(delta: number): void {
    this.inflight += delta;
  }

  /**
   * Decodes, stores and counts one request; resolves once its frame is written.
   * @throws Reject `bad-body`, `busy` or `write-failed` @internal
   */
  async ingest(signal: OtlpSignal, body: Buffer, json: boolean, protocol: 'http' | 'grpc'): Promise<AcceptedRequest> {
    if (this.stopping) throw new Reject('busy', 'the receiver is stopping');
    const r = otlpNative().otlpDecodeBody(body, signal, json);
    if (r.error !== undefined) throw new Reject('bad-body', r.error);
    const payload = json ? r.payload! : body;
    let sequence: number;
    try {
      sequence = await this.writer.append(FRAME_KIND[signal], payload);
    } catch (err) {
      this.emit('error', err as Error);
      throw new Reject('write-failed', 'the receiver could not write its dump');
    }
    this.counts.requests++;
    this.counts.spans += r.spans;
    this.counts.metricPoints += r.metricPoints;
    this.counts.logRecords += r.logRecords;
    const accepted: AcceptedRequest = {
      sequence, signal, protocol, encoding: json ? 'json' : 'protobuf', bytes: payload.length,
      spans: r.spans, metricPoints: r.metricPoints, logRecords: r.logRecords,
    };
    if (this.tracker && signal === 'traces' && r.spans > 0) this.tracker.add(sequence, payload);
    this.emit('request', accepted);
    return accepted;
  }

  /** Counts and reports a rejection. @internal */
  rejected(protocol: 'http' | 'grpc', reason: RejectReason, message: string): void {
    this.counts.rejected++;
    this.emit('rejected', { protocol, reason, status: REJECT_STATUS[reason].http, message });
  }

  /**
   * The accepted requests from now on, as an async iterator that ends when the
   * receiver stops. It keeps at most 65536 unread entries (the oldest go first).
   */
  requests(): AsyncIterableIterator<AcceptedRequest> {
    const queue: AcceptedRequest[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    const onRequest = (r: AcceptedRequest) => {
      if (queue.length >= ITERATOR_QUEUE) queue.shift();
      queue.push(r);
      wake?.();
    };
    const onEnd = () => {
      ended = true;
      wake?.();
    };
    this.on('request', onRequest);
    this.once('stopped', onEnd);
    const self = this;
    const it: AsyncIterableIterator<AcceptedRequest> = {
      [Symbol.asyncIterator]: () => it,
      async next(): Promise<IteratorResult<AcceptedRequest>> {
        while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
        wake = null;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<AcceptedRequest>> {
        self.off('request', onRequest);
        ended = true;
        return { value: undefined, done: true };
      },
    };
    return it;
  }

  /** @internal */
  attach(httpServer?: http.Server, grpcServer?: Receiver['grpcServer']): void {
    this.httpServer = httpServer;
    this.grpcServer = grpcServer;
  }

  /**
   * Stops accepting, answers and writes what was accepted, closes the dump.
   * @returns the final figures
   */
  stop(): Promise<ReceiveStats> {
    this.stopping ??= (async () => {
      const closing: Promise<void>[] = [];
      if (this.httpServer) {
        const s = this.httpServer;
        closing.push(new Promise((r) => s.close(() => r())));
        s.closeIdleConnections();
        setTimeout(() => s.closeAllConnections(), 5000).unref();
      }
      if (this.grpcServer) {
        const g = this.grpcServer;
        closing.push(new Promise((r) => {
          const t = setTimeout(() => { g.forceShutdown(); r(); }, 5000);
          t.unref();
          g.tryShutdown(() => { clearTimeout(t); r(); });
        }));
      }
      await Promise.all(closing);
      await this.writer.close();
      await this.tracker?.flush();
      const stats = this.stats();
      this.emit('stopped', stats);
      return stats;
    })();
    return this.stopping;
  }
}

function checkOptions(o: ReceiveOptions, maxFrame: number): void {
  const max = o.maxRequestBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1 || max > maxFrame))
    throw badArgument('max-request-bytes', `max-request-bytes must be an integer from 1 to ${maxFrame} (64 MiB, the largest frame a dump holds), not ${String(max)}`);
  if (o.backlogBytes !== undefined && (!Number.isSafeInteger(o.backlogBytes) || o.backlogBytes < 1))
    throw badArgument('backlogBytes', 'backlogBytes must be a positive integer');
  if (o.requestTimeoutMs !== undefined && (!Number.isSafeInteger(o.requestTimeoutMs) || o.requestTimeoutMs < 1))
    throw badArgument('requestTimeoutMs', 'requestTimeoutMs must be a positive integer');
  if (o.token !== undefined && (typeof o.token !== 'string' || !/^\S+$/.test(o.token)))
    throw badArgument('token', 'token must be a non-empty string without spaces');
  if (o.http === false && o.grpc === false) throw badArgument('http', 'receive needs HTTP or gRPC (both are off)');
}

function listenError(err: unknown, what: string, address: string): NetProfilerError<ReceiveErrorCode> {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : code === 'EACCES' ? 'not allowed (a port below 1024?)' : (err as Error).message;
  return new NetProfilerError<ReceiveErrorCode>('listen-failed', `cannot listen for ${what} on ${address}: ${why}`, {
    kind: 'outside',
    argument: what === 'OTLP/HTTP' ? 'http' : 'grpc',
    fix: 'pick another HOST:PORT (port 0 picks a free one)',
    cause: err,
  });
}

async function listenHttp(receiver: Receiver, at: ListenAddress): Promise<http.Server> {
  const t = receiver.requestTimeoutMs;
  // the timeouts are checked every connectionsCheckingInterval: a quarter of the timeout
  const server = http.createServer({ requestTimeout: t, headersTimeout: Math.min(t, 60000), connectionsCheckingInterval: Math.max(100, Math.min(t / 4, 30000)) }, (req, res) =>
    handleHttp(receiver, req, res),
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e, 'OTLP/HTTP', formatAddress(at.host, at.port))));
    server.listen(at.port, at.host, () => resolve());
  });
  return server;
}

/**
 * Starts a receiver: creates the dump (header and metadata frame), then listens.
 * @throws NetProfilerError `bad-argument`, `out-exists`, `listen-failed`, `grpc-missing`, `fs-…`
 */
export async function startReceiver(options: ReceiveOptions = {}): Promise<Receiver> {
  const maxFrame = otlpNative().otlpLimits.maxFramePayload;
  checkOptions(options, maxFrame);
  const httpAt = options.http === false ? undefined : parseListenAddress(options.http ?? '127.0.0.1:4318', 'http');
  const grpcAt = options.grpc === false ? undefined : parseListenAddress(options.grpc ?? '127.0.0.1:4317', 'grpc');
  const out = path.resolve(options.out ?? defaultDumpName());
  const writer = await DumpWriter.create(out, { metadata: { producer: 'net-profiler receive', version: options.version ?? version() }, fsync: options.fsync });
  const receiver = new Receiver(writer, options.token, options);
  let httpServer: http.Server | undefined;
  let grpcServer: Awaited<ReturnType<typeof import('./grpc').listenGrpc>> | undefined;
  try {
    if (httpAt) {
      httpServer = await listenHttp(receiver, httpAt);
      const a = httpServer.address() as { address: string; port: number };
      receiver.http = formatAddress(a.address, a.port);
    }
    if (grpcAt) {
      const { listenGrpc } = await import('./grpc');
      grpcServer = await listenGrpc(receiver, grpcAt);
      receiver.grpc = formatAddress(grpcAt.host, grpcServer.port);
    }
  } catch (err) {
    httpServer?.close();
    grpcServer?.server.forceShutdown();
    await writer.close();
    await fs.promises.rm(out, { force: true });
    throw err;
  }
  receiver.attach(httpServer, grpcServer?.server);
  return receiver;
}
