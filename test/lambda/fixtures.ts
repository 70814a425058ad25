// Fixtures for the lambda tests: layer ZIPs (made with yazl, a real ZIP writer) and
// functions created in the moto emulator.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { randomFillSync } from 'crypto';
import * as yazl from 'yazl';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { ACCOUNT, Moto } from '../helpers/moto';
import { ROOT } from '../helpers/cli';
import { buildLayer } from '../../lib/layer';

/** Makes a ZIP from path → contents (with modes for files that end in `_wrapper`). */
export function makeZip(files: Record<string, string | Buffer>, opts: { compress?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [p, c] of Object.entries(files)) {
      z.addBuffer(Buffer.isBuffer(c) ? c : Buffer.from(c), p, {
        mtime: new Date(Date.UTC(1980, 0, 1)),
        mode: p.endsWith('_wrapper') ? 0o100755 : 0o100644,
        compress: opts.compress ?? true,
      });
    }
    z.end();
    const parts: Buffer[] = [];
    z.outputStream.on('data', (d: Buffer) => parts.push(d));
    z.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    z.outputStream.on('error', reject);
  });
}

/** A fresh temporary directory, removed by `cleanup()`. */
export function tmpDir(prefix = 'np-lambda-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The example profiler release of the repository. */
export const RELEASE = path.join(ROOT, 'examples/release');

/**
 * Builds a real layer ZIP from `examples/release` with `buildLayer` into a fresh folder
 * under `dir` and returns its path.
 */
export async function writeLayer(dir: string, arch: 'arm64' | 'x64', runtimes?: ('dotnet8' | 'dotnet10')[]): Promise<string> {
  const out = fs.mkdtempSync(path.join(dir, `layer-${arch}-`));
  const r = await buildLayer({ release: RELEASE, arch, ...(runtimes ? { runtimes } : {}), outDir: out });
  if (!r.ok) throw new Error(`buildLayer refused: ${JSON.stringify(r.errors)}`);
  return r.layerZip;
}

/**
 * A real layer ZIP above Lambda's 50 MB direct-upload limit: the example release with an
 * extra `bytes`-byte incompressible file in an agent folder, stored (level 0) so the build
 * is quick. Returns its path.
 */
export async function writeBigLayer(dir: string, bytes = 50 * 1024 * 1024 + 4096): Promise<string> {
  const rel = fs.mkdtempSync(path.join(dir, 'big-release-'));
  fs.cpSync(RELEASE, rel, { recursive: true });
  const big = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i += 65536) randomFillSync(big, i, Math.min(65536, bytes - i));
  fs.writeFileSync(path.join(rel, 'agent/net8.0/padding.bin'), big);
  const out = fs.mkdtempSync(path.join(dir, 'big-layer-'));
  const r = await buildLayer({ release: rel, arch: 'arm64', outDir: out, level: 0 });
  if (!r.ok) throw new Error(`buildLayer refused: ${JSON.stringify(r.errors)}`);
  fs.rmSync(rel, { recursive: true, force: true });
  fs.rmSync(r.packageZip, { force: true });
  return r.layerZip;
}

/** The role functions run as; moto refuses CreateFunction unless it exists in its IAM. */
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/np-test-role`;

/** Creates the role in moto's IAM (with the AWS CLI, as a user would). */
export function createRole(moto: Moto): void {
  const r = spawnSync(
    'aws',
    ['iam', 'create-role', '--role-name', 'np-test-role', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}', '--output', 'json', '--endpoint-url', moto.url],
    { encoding: 'utf8', env: { ...process.env, ...moto.env }, timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`aws iam create-role failed: ${r.stderr}`);
}

/** An SDK client pointed at moto. */
export function client(moto: Moto): LambdaClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new LambdaClient({
    region: moto.env.AWS_REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

/** The options every API call in the tests passes (moto, fast retries). */
export function awsOpts(moto: Moto, endpointUrl = moto.url) {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return { region: moto.env.AWS_REGION!, endpointUrl, retry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 } };
}

let fnCounter = 0;

/** Creates a function in moto and returns its name. */
export async function createFunction(
  c: LambdaClient,
  opts: {
    runtime?: string;
    arch?: 'arm64' | 'x86_64';
    image?: boolean;
    layers?: string[];
    variables?: Record<string, string>;
    tags?: Record<string, string>;
    name?: string;
  } = {},
): Promise<string> {
  const name = opts.name ?? `fn-${process.pid}-${++fnCounter}`;
  const code = await makeZip({ 'bootstrap.dll': 'not really a dll' });
  await c.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      ...(opts.image
        ? { PackageType: 'Image', Code: { ImageUri: `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/app:latest` } }
        : { Runtime: (opts.runtime ?? 'dotnet10') as Runtime, Handler: 'App::App.Function::Handler', Code: { ZipFile: code } }),
      Architectures: [opts.arch ?? 'arm64'],
      ...(opts.layers ? { Layers: opts.layers } : {}),
      ...(opts.variables ? { Environment: { Variables: opts.variables } } : {}),
      ...(opts.tags ? { Tags: opts.tags } : {}),
    }),
  );
  return name;
}

/** What a function looks like, for before/after comparisons: layers, variables, tags. */
export async function snapshot(c: LambdaClient, name: string): Promise<{ layers: string[]; variables: Record<string, string>; tags: Record<string, string> }> {
  const out = await c.send(new GetFunctionCommand({ FunctionName: name }));
  return {
    layers: (out.Configuration?.Layers ?? []).map((l) => l.Arn!),
    variables: { ...(out.Configuration?.Environment?.Variables ?? {}) },
    tags: { ...(out.Tags ?? {}) },
  };
}
