// A fault proxy for the replay and ping tests: answers each request by a script
// (a status with headers and body, a dropped connection, no answer at all, or passing it on to a real
// receiver), and records what it got. HTTP, or HTTPS with a certificate made here.
import * as http from 'http';
import * as https from 'https';
import * as zlib from 'zlib';

export type Step = { status: number; headers?: Record<string, string>; body?: Buffer | string } | 'drop' | 'hang' | 'pass';

export interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body after gunzip. */
  body: Buffer;
  at: number;
}

export interface Fault {
  url: string;
  seen: Seen[];
  /** Steps still to play; when empty, `otherwise` answers. */
  script: Step[];
  close(): Promise<void>;
}

export async function startFault(options: { script?: Step[]; otherwise?: Step; passTo?: string; tls?: { key: string; cert: string } } = {}): Promise<Fault> {
  const f: Fault = { url: '', seen: [], script: [...(options.script ?? [])], close: async () => undefined };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
      f.seen.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const step = f.script.length ? f.script.shift()! : (options.otherwise ?? 'pass');
      if (step === 'drop') return req.socket.destroy();
      if (step === 'hang') return;
      if (step === 'pass') {
        const r = await fetch(options.passTo + (req.url ?? ''), { method: 'POST', headers: { 'content-type': String(req.headers['content-type']), 'content-encoding': String(req.headers['content-encoding'] ?? 'identity') }, body: raw });
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/x-protobuf' });
        return res.end(Buffer.from(await r.arrayBuffer()));
      }
      res.writeHead(step.status, { 'content-type': 'application/x-protobuf', ...(step.headers ?? {}) });
      res.end(step.body ?? '');
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  f.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  f.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return f;
}
