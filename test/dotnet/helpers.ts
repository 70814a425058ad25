// Shared by the .NET tests: the stand-ins built from test/dotnet (once per source
// hash, scripts/build-dotnet-standins.sh), a layer built and unpacked from them, the
// DynamoDB table in moto, a small OTLP/HTTP sink, and the log the stand-ins write.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { buildLayer, unpackZip } from '../../lib/layer';
import { ROOT } from '../helpers/cli';
import { needTool } from '../helpers/tools';

/** The CLSID of the stand-in release's manifest (scripts/build-dotnet-standins.sh). */
export const CLSID = '{3C8F5B0E-6A1D-4E27-9B4C-D1E2F3A4B5C6}';
/** What the test program prints for its default input. */
export const RESULT = '{"id":"article-demo","left":84,"right":2,"result":42}\n';
/** The table the program writes (its default name). */
export const TABLE = 'lambda-profiler-demo';

/** True when the .NET SDK is here (skips locally with a reason, fails under CI=true). */
export function needDotnet(): boolean {
  return needTool('dotnet', 'the .NET tests build and run the stand-ins with the .NET SDK', ['--version']);
}

/** True when arm64 can be emulated here (cross compiler and qemu-aarch64). */
export function needArm64(): boolean {
  return (
    needTool('aarch64-linux-gnu-gcc', 'the arm64 stand-ins are cross-built') &&
    needTool('qemu-aarch64', 'the arm64 .NET program runs under qemu-user', ['-version'])
  );
}

let built: string | undefined;

/** Builds the stand-ins (or re-uses the cached build) and returns their folder. */
export function standins(): string {
  if (built) return built;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/build-dotnet-standins.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`build-dotnet-standins.sh failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const dir = r.stdout.trim().split('\n').pop()!;
  if (!fs.existsSync(path.join(dir, '.complete'))) throw new Error(`no complete build in ${dir}`);
  built = dir;
  return dir;
}

/** A fresh temporary folder; remove it with {@link cleanup}. */
export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `np-dotnet-${tag}-`));
}

/** Removes folders made by {@link tmpDir}. */
export function cleanup(...dirs: string[]): void {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

/** Builds the layer ZIP of `arch` from the stand-in release into `dir`, returns its path. */
export async function layerZip(release: string, arch: 'x64' | 'arm64', dir: string): Promise<string> {
  const r = await buildLayer({ release, arch, outDir: dir, level: 1 });
  if ('errors' in r) throw new Error(`layer build refused: ${JSON.stringify(r.errors)}`);
  return r.layerZip;
}

/** Builds and unpacks the layer of `arch` into `<dir>/layer` (a NET_PROFILER_LAYER_ROOT). */
export async function unpackedLayer(release: string, arch: 'x64' | 'arm64', dir: string): Promise<string> {
  const zip = await layerZip(release, arch, dir);
  const root = path.join(dir, 'layer');
  await unpackZip(zip, root);
  return root;
}

/** A line the stand-ins appended to NET_PROFILER_STANDIN_LOG. */
export interface LogLine {
  /** `native`, `hook`, `agent`, `agent-flush`, `userhook` or `demo`. */
  who: string;
  /** The fields it recorded. */
  fields: Record<string, string | null>;
}

/** Reads the stand-ins' log (empty when nothing was written). */
export function readLog(file: string): LogLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      if (line.startsWith('native ')) {
        const m = /^native (\S+) pid=(\d+) clsid=(\{[0-9A-F-]+\})$/.exec(line);
        if (!m) throw new Error(`bad native log line: ${line}`);
        return { who: 'native', fields: { call: m[1]!, pid: m[2]!, clsid: m[3]! } };
      }
      const sp = line.indexOf(' ');
      return { who: line.slice(0, sp), fields: JSON.parse(line.slice(sp + 1)) as Record<string, string | null> };
    });
}

/** Environment with every profiler variable of the caller removed. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CORECLR_|COR_|NET_PROFILER_|OTEL_|DOTNET_STARTUP_HOOKS$|AWS_)/.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** The result of a process run by {@link runProcess}. */
export interface ProcessResult {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (bounded by `timeoutMs`), capturing its output. */
export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, cwd = ROOT): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? -1, code, signal, stdout, stderr });
    });
  });
}

/** The command line Lambda's managed runtime passes to the exec wrapper, for one program folder. */
export function lambdaCommand(programDir: string, ...args: string[]): string[] {
  const p = (ext: string) => path.join(programDir, `LambdaProfilerDemo.${ext}`);
  return ['dotnet', 'exec', '--depsfile', p('deps.json'), '--runtimeconfig', p('runtimeconfig.json'), p('dll'), ...args];
}

/** Creates the program's DynamoDB table in moto (DynamoDB's JSON API, no SDK needed). */
export async function createTable(motoUrl: string, region: string, table = TABLE): Promise<void> {
  const body = JSON.stringify({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const res = await fetch(motoUrl + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.CreateTable',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  const text = await res.text();
  if (!res.ok && !text.includes('ResourceInUseException')) throw new Error(`CreateTable: ${res.status} ${text}`);
}

/** An OTLP/HTTP sink that answers 200 and counts what it was sent. */
export interface Sink {
  url: string;
  requests: { path: string; contentType: string; bytes: number }[];
  close(): Promise<void>;
}

/** Starts a {@link Sink} on a free loopback port. */
export function startSink(): Promise<Sink> {
  const requests: Sink['requests'] = [];
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), bytes });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
