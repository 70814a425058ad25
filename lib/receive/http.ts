/**
 * The OTLP/HTTP side of the receiver, as the OpenTelemetry Collector's `otlp` receiver
 * answers (docs/local.md): `POST /v1/{traces,metrics,logs}`, protobuf or JSON, gzip
 * or none; the size cap is enforced while the body arrives and while it inflates, so a
 * gzip bomb is refused after at most the cap of output.
 * @packageDocumentation
 * @internal
 */
import type * as http from 'http';
import * as zlib from 'zlib';
import { otlpNative, OtlpSignal } from './native';
import { HTTP_PATHS } from './otlp';
import type { Receiver } from './receiver';
import { authorizationMatches, Reject, REJECT_STATUS } from './status';

const PATHS: Readonly<Record<string, OtlpSignal>> = Object.fromEntries(Object.entries(HTTP_PATHS).map(([signal, p]) => [p, signal as OtlpSignal]));
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

function send(res: http.ServerResponse, status: number, json: boolean, body: Buffer, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': json ? JSON_TYPE : PROTOBUF, 'Content-Length': String(body.length), ...extra });
  res.end(body);
}

function sendReject(receiver: Receiver, req: http.IncomingMessage, res: http.ServerResponse, r: Reject, json: boolean, bodyRead: boolean): void {
  receiver.rejected('http', r.reason, r.message);
  const status = REJECT_STATUS[r.reason];
  const extra: Record<string, string> = {};
  if (r.reason === 'busy') extra['Retry-After'] = '1';
  if (r.reason === 'method') extra['Allow'] = 'POST';
  // a body left unread is not worth reading: the connection closes after the answer
  if (!bodyRead) extra['Connection'] = 'close';
  send(res, status.http, json, otlpNative().otlpStatus(status.grpc, r.message, json), extra);
  if (!bodyRead) res.once('finish', () => req.destroy());
}

/**
 * Reads the body, gunzipping it when asked, refusing it past `cap` bytes either way.
 * `reserved` bytes (its Content-Length) count towards the backlog from the start; what
 * grows beyond them counts as it arrives, and refuses the request when the backlog is
 * over its limit.
 */
function readBody(receiver: Receiver, req: http.IncomingMessage, gzip: boolean, cap: number, reserved: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let out = 0;
    let counted = reserved;
    let settled = false;
    receiver.reading(reserved);
    const finish = (err: Reject | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      receiver.reading(-counted);
      if (err) {
        chunks.length = 0;
        gunzip?.destroy();
        reject(err);
      } else resolve(body!);
    };
    const tooLarge = () => new Reject('too-large', `the request is larger than ${cap} bytes${gzip ? ' (counted after gunzip too)' : ''}`);
    const gunzip = gzip ? zlib.createGunzip({ chunkSize: 64 << 10 }) : null;
    const keep = (c: Buffer) => {
      out += c.length;
      if (out > cap) return finish(tooLarge());
      if (out > counted) {
        receiver.reading(out - counted);
        counted = out;
        if (receiver.busy()) return finish(new Reject('busy', 'the receiver is behind writing its dump; retry after a second'));
      }
      chunks.push(c);
    };
    req.on('data', (c: Buffer) => {
      if (settled) return;
      raw += c.length;
      if (raw > cap) return finish(tooLarge());
      if (!gunzip) return keep(c);
      if (!gunzip.write(c)) {
        req.pause();
        gunzip.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (gunzip) gunzip.end();
      else finish(null, Buffer.concat(chunks, out));
    });
    req.on('aborted', () => finish(new Reject('bad-body', 'the client closed the connection before the body ended')));
    req.on('error', () => finish(new Reject('bad-body', 'the connection failed before the body ended')));
    if (gunzip) {
      gunzip.on('data', (c: Buffer) => {
        if (!settled) keep(c);
      });
      gunzip.on('end', () => finish(null, Buffer.concat(chunks, out)));
      gunzip.on('error', (e) => finish(new Reject('bad-body', `the gzip body does not inflate (${e.message})`)));
    }
  });
}

/** Answers one HTTP request. @internal */
export function handleHttp(receiver: Receiver, req: http.IncomingMessage, res: http.ServerResponse): void {
  void answer(receiver, req, res).catch(() => {
    if (!res.headersSent) res.destroy();
  });
}

async function answer(receiver: Receiver, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const ctype = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const json = ctype === JSON_TYPE;
  const pathname = (req.url ?? '/').split('?')[0]!;
  const signal = PATHS[pathname];
  let bodyRead = false;
  try {
    if (!signal) throw new Reject('not-found', `no OTLP endpoint at ${pathname.slice(0, 100)}: POST to /v1/traces, /v1/metrics or /v1/logs`);
    if (req.method !== 'POST') throw new Reject('method', `${req.method} is not allowed on ${pathname}: use POST`);
    if (receiver.token !== undefined && !authorizationMatches(req.headers.authorization, receiver.token))
      throw new Reject('unauthenticated', 'missing or wrong Authorization: send "Bearer TOKEN" or "Api-Token TOKEN" with the token receive was given');
    if (!json && ctype !== PROTOBUF)
      throw new Reject('media-type', `unsupported Content-Type ${JSON.stringify(ctype.slice(0, 60))}: send ${PROTOBUF} or ${JSON_TYPE}`);
    const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'gzip' && encoding !== 'identity')
      throw new Reject('media-type', `unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}: send gzip or no encoding`);
    const cap = receiver.maxRequestBytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) throw new Reject('too-large', `the request is larger than ${cap} bytes (Content-Length ${declared})`);
    const reserved = Number.isFinite(declared) && declared > 0 ? declared : 0;
    if (receiver.busy(reserved)) throw new Reject('busy', 'the receiver is behind writing its dump; retry after a second');
    const body = await readBody(receiver, req, encoding === 'gzip', cap, reserved);
    bodyRead = true;
    await receiver.ingest(signal, body, json, 'http');
    send(res, 200, json, otlpNative().otlpResponse(signal, 0, '', json));
  } catch (err) {
    if (!(err instanceof Reject)) throw err;
    sendReject(receiver, req, res, err, json, bodyRead || req.complete);
  }
}
