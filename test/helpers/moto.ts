// A real Lambda/IAM/S3 API emulator for the tests: moto 5's server from this machine's
// python3, started on a free loopback port (one per test file), waited for until it
// answers, and stopped after. Plus a small fault-injecting HTTP proxy in front of it,
// for what moto never does by itself (a conflict while an update is in progress, the
// network going away mid-way).
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import { needTool } from './tools';
import { BIN, ROOT } from './cli';

/** True when `python3 -m moto.server` can run here (skips locally, fails under CI=true). */
export function needMoto(): boolean {
  if (!needTool('python3', 'the Lambda tests run moto 5 (python3 -m moto.server)')) return false;
  const r = spawnSync('python3', ['-c', 'import moto.server, flask'], { stdio: 'ignore', timeout: 60_000 });
  if (r.status === 0) return true;
  const msg = 'python3 has no moto server (pip install "moto[server]>=5,<6")';
  if (process.env.CI === 'true') throw new Error(`CI=true and ${msg}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIP: ${msg}`);
  return false;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A running moto server. */
export interface Moto {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Environment for the SDK, the CLI and the AWS CLI pointed at this server. */
  env: Record<string, string>;
  /** Stops the server (idempotent) and waits for the process to end. */
  stop(): Promise<void>;
}

/** Fake credentials and the region every test uses. */
export const REGION = 'eu-central-1';
/** The account moto answers with. */
export const ACCOUNT = '123456789012';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/moto-api/', timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) > 0);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Starts moto on a free loopback port and resolves once it answers HTTP. */
export async function startMoto(): Promise<Moto> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString();
    });
    let exited = false;
    const exit = new Promise<void>((resolve) => child.on('exit', () => {
      exited = true;
      resolve();
    }));
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      if (await answers(port)) {
        // Make sure it is OUR server answering (not another test file's that took the
        // port first, in which case ours exits with "address in use").
        await new Promise((r) => setTimeout(r, 300));
        if (exited) break;
        const url = `http://127.0.0.1:${port}`;
        return {
          url,
          port,
          env: {
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_SESSION_TOKEN: 'testing',
            AWS_REGION: REGION,
            AWS_DEFAULT_REGION: REGION,
            AWS_ENDPOINT_URL: url,
            AWS_PAGER: '',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            // Never ask the EC2 metadata address for credentials: tests talk to loopback only.
            AWS_EC2_METADATA_DISABLED: 'true',
          },
          async stop() {
            if (!exited) {
              child.kill('SIGTERM');
              const t = setTimeout(() => child.kill('SIGKILL'), 5000);
              await exit;
              clearTimeout(t);
            }
          },
        };
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    if (!exited) child.kill('SIGKILL');
    await exit;
    // A port taken between freePort() and bind: try another one, a few times.
    if (attempt >= 2) throw new Error(`moto did not start: ${stderr.slice(-2000)}`);
  }
}

/** What the proxy does with one request. */
export type ProxyAction =
  | { kind: 'forward' }
  /** Answer with this status and JSON body (and the `x-amzn-errortype` header, and any other headers). */
  | { kind: 'respond'; status: number; errorType?: string; body: unknown; headers?: Record<string, string> }
  /** Answer with these bytes as they are (a body that is not JSON). */
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** Forward, after waiting this long (a slow answer). */
  | { kind: 'slow'; delayMs: number }
  /** Drop the connection without answering (the network went away). */
  | { kind: 'drop' };

/** A request as the proxy sees it. */
export interface ProxiedRequest {
  method: string;
  url: string;
  body: Buffer;
}

/** An HTTP proxy in front of moto that can inject faults. */
export interface FaultProxy {
  url: string;
  /** Every request seen, in order. */
  seen: ProxiedRequest[];
  /** Decides per request; default forwards everything. */
  rule: (req: ProxiedRequest, index: number) => ProxyAction;
  /** Rewrites a forwarded JSON answer (for example to report an update in progress). */
  rewrite?: (req: ProxiedRequest, body: unknown) => unknown;
  /** Called when the answer to a request has been sent (or its connection closed). */
  onFinish?: (req: ProxiedRequest) => void;
  stop(): Promise<void>;
}

/** Starts a fault-injecting proxy on a free loopback port that forwards to `target`. */
export async function startProxy(target: Moto): Promise<FaultProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    seen: [],
    rule: () => ({ kind: 'forward' }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body: Buffer.concat(chunks) };
      const index = proxy.seen.push(seen) - 1;
      res.once('close', () => proxy.onFinish?.(seen));
      const action = proxy.rule(seen, index);
      if (action.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (action.kind === 'respond') {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(action.headers ?? {}) };
        if (action.errorType) headers['x-amzn-errortype'] = action.errorType;
        res.writeHead(action.status, headers);
        res.end(JSON.stringify(action.body));
        return;
      }
      if (action.kind === 'raw') {
        res.writeHead(action.status, { 'content-type': action.contentType ?? 'text/html' });
        res.end(action.body);
        return;
      }
      const forward = () => {
      const headers = { ...req.headers, host: `127.0.0.1:${target.port}` };
      const up = http.request(
        { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers },
        (upRes) => {
          const parts: Buffer[] = [];
          // An upstream answer cut off mid-way (the emulator stopped) cuts the client off too.
          upRes.on('error', () => req.socket.destroy());
          upRes.on('close', () => {
            if (!upRes.complete) req.socket.destroy();
          });
          upRes.on('data', (c: Buffer) => parts.push(c));
          upRes.on('end', () => {
            let body = Buffer.concat(parts);
            const outHeaders = { ...upRes.headers };
            let parsed: unknown;
            if (proxy.rewrite && body.length > 0 && body[0] === 0x7b) {
              try {
                parsed = JSON.parse(body.toString('utf8'));
              } catch {
                parsed = undefined;
              }
            }
            if (proxy.rewrite && parsed !== undefined) {
              body = Buffer.from(JSON.stringify(proxy.rewrite(seen, parsed)));
              outHeaders['content-length'] = String(body.length);
              delete outHeaders['transfer-encoding'];
            }
            res.writeHead(upRes.statusCode ?? 502, outHeaders);
            res.end(body);
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(seen.body);
      };
      if (action.kind === 'slow') {
        const t = setTimeout(forward, action.delayMs);
        req.socket.once('close', () => clearTimeout(t));
      } else forward();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return proxy;
}

/**
 * Runs the real `net-profiler` bin without blocking this process (the proxy and the
 * range servers of the tests live in it and must keep answering).
 */
export function cliAsync(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs the AWS CLI against `moto` and returns its parsed JSON output (throws on failure). */
export function awsCli(moto: Moto, args: string[]): unknown {
  const r = spawnSync('aws', [...args, '--output', 'json', '--endpoint-url', moto.url], { encoding: 'utf8', env: { ...process.env, ...moto.env }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim() === '' ? null : JSON.parse(r.stdout);
}
