/**
 * The report page served live for a dump that is being written (`receive --ui
 * HOST:PORT`): a loopback HTTP server that rebuilds the page's data when the file
 * changes and tells the open pages through server-sent events (`docs/report.md`).
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { badArgument, NetProfilerError, quoteValue } from '../errors';
import { buildReportData, emptyReportData } from './build';
import type { ReportDataOptions } from './build';
import type { ReportErrorCode } from './errors';
import type { ReportData } from './model';
import { renderPage, scriptJson } from './page';

/** Options of {@link serveReport}. */
export interface LiveReportOptions extends ReportDataOptions {
  /** Loopback address to bind: `127.0.0.1` (default), `::1` or `localhost`. */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** How often the file is looked at, in ms (default 500). */
  pollMs?: number;
}

/** A running live view. */
export interface LiveReport {
  /** The page's address, such as `http://127.0.0.1:43117/`. */
  url: string;
  /** The bound address. */
  host: string;
  /** The bound port. */
  port: number;
  /** How many times the data was rebuilt after a change (0 after the first build). */
  readonly updates: number;
  /** Stops watching and serving, and ends the open event streams. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Reads a `--ui HOST:PORT` value (`127.0.0.1:8080`, `localhost:0`, `[::1]:9000`, or
 * `:8080` for 127.0.0.1) into the host and port {@link serveReport} takes.
 * @throws NetProfilerError `bad-argument` (argument `ui`) for another form, a host that is
 * not loopback, or a port outside 0–65535
 */
export function parseUiAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  if (!m) throw badArgument('ui', `${quoteValue(value)} is not HOST:PORT (for example 127.0.0.1:8080)`);
  const host = m[1] ?? (m[2] || '127.0.0.1');
  const port = Number(m[3]);
  if (!LOOPBACK.has(host)) throw badArgument('ui', `the live view binds to loopback only, not ${quoteValue(host)}`, [...LOOPBACK]);
  if (port > 65535) throw badArgument('ui', `port ${port} is not 0 to 65535`);
  return { host, port };
}

/**
 * Serves the report page of `file` on a loopback address, live: the file is looked at
 * every `pollMs`; when its size or time changes the data is rebuilt (one build at a
 * time) and every open page is told to fetch it again, keeping its selection. A file
 * that does not exist yet or cannot be read shows as an empty page with the reason.
 * Only GET of `/`, `/data.json` and `/events` is answered, and only for a Host header
 * naming the bound address (no DNS rebinding).
 * @throws NetProfilerError `bad-argument` (argument `ui`) for an address that is not loopback
 */
export async function serveReport(file: string, options: LiveReportOptions = {}): Promise<LiveReport> {
  const { host: wanted = '127.0.0.1', port = 0, pollMs = 500, ...build } = options;
  if (!LOOPBACK.has(wanted)) throw badArgument('ui', `the live view binds to loopback only, not ${quoteValue(wanted)}`, [...LOOPBACK]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badArgument('ui', `port ${JSON.stringify(String(port).slice(0, 20))} is not 0 to 65535`);
  if (!Number.isFinite(pollMs) || pollMs < 20) throw badArgument('pollMs', 'pollMs must be at least 20');
  const name = build.name ?? file;
  const title = build.title ?? name;
  let json = scriptJson(emptyReportData(name, title));
  let version = 0;
  let updates = -1;
  const page = renderPage(null, { live: true, title });
  const clients = new Set<http.ServerResponse>();
  let last = '';
  let building: Promise<void> | undefined;
  let again = false;

  const rebuild = async (): Promise<void> => {
    let data: ReportData;
    try {
      data = await buildReportData(file, { ...build, name, title });
    } catch (e) {
      data = emptyReportData(name, title);
      data.notice = e instanceof NetProfilerError ? e.message : `cannot read ${name}: ${String(e)}`;
    }
    json = scriptJson(data);
    version++;
    updates++;
    for (const c of clients) c.write(`event: update\ndata: ${version}\n\n`);
  };
  const look = () => {
    let stamp: string;
    try {
      const st = fs.statSync(file);
      stamp = `${st.size}/${st.mtimeMs}/${st.ino}`;
    } catch (e) {
      stamp = `missing/${(e as NodeJS.ErrnoException).code ?? ''}`;
    }
    if (stamp === last) return;
    last = stamp;
    if (building) {
      again = true;
      return;
    }
    building = (async () => {
      do {
        again = false;
        await rebuild();
      } while (again);
      building = undefined;
    })();
  };

  const server = http.createServer((req, res) => {
    const addr = server.address() as AddressInfo;
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    const allowed = [`${wanted}:${addr.port}`, `127.0.0.1:${addr.port}`, `[::1]:${addr.port}`, `localhost:${addr.port}`];
    if (!allowed.includes(hostHeader)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('the live view answers only to its loopback address\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : page);
    } else if (path === '/data.json') {
      res.writeHead(200, { ...common, 'content-type': 'application/json; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : json);
    } else if (path === '/events') {
      res.writeHead(200, { ...common, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(`retry: 1000\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404, { ...common, 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  const bindHost = wanted === 'localhost' ? '127.0.0.1' : wanted;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new NetProfilerError<ReportErrorCode>('ui-address-in-use', `port ${port} on ${bindHost} is in use`, { kind: 'outside', argument: 'ui', fix: 'choose another port, or 0 for a free one' })
          : e,
      ),
    );
    server.listen(port, bindHost, () => resolve());
  });
  look();
  await building;
  const timer = setInterval(look, pollMs);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15000);
  timer.unref();
  heartbeat.unref();
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/`,
    host: addr.address,
    port: addr.port,
    get updates() {
      return Math.max(0, updates);
    },
    async close() {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      clients.clear();
      await building;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
