// assets/deploy-layer.sh: shellcheck, and the script itself run from a real layer package
// (built with buildLayer, unpacked with unpackZip) with the preinstalled AWS CLI against moto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { buildLayer, unpackZip } from '../../lib/layer';
import { decodeRecord, functionStatus, uninstrumentFunction } from '../../lib/lambda';
import { ROOT } from '../helpers/cli';
import { needTool } from '../helpers/tools';
import { freePort, needMoto, REGION, startMoto, startProxy, type Moto } from '../helpers/moto';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { awsOpts, client, createFunction, createRole, makeZip, RELEASE, snapshot, tmpDir } from './fixtures';

const SCRIPT = path.join(ROOT, 'assets/deploy-layer.sh');

const hasShellcheck = needTool('shellcheck', 'deploy-layer.sh must pass shellcheck');

describe('deploy-layer.sh is clean shell', () => {
  it.skipIf(!hasShellcheck)(`passes shellcheck${hasShellcheck ? '' : ' (skipped: shellcheck is not installed)'}`, () => {
    const r = spawnSync('shellcheck', ['-s', 'bash', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** An AWS CLI of one major version, as a folder holding an `aws` that runs it (put first on PATH). */
interface AwsCli {
  major: 1 | 2;
  version: string;
  bin: string;
}

/** Every AWS CLI on this machine by major version: each `aws` on PATH, Debian's /usr/bin/aws, and python's awscli module. */
function findAwsClis(): AwsCli[] {
  const found = new Map<number, { version: string; command: string }>();
  const candidates: string[] = [];
  const which = spawnSync('sh', ['-c', 'which -a aws'], { encoding: 'utf8' });
  for (const p of (which.stdout ?? '').split('\n')) if (p.trim()) candidates.push(`exec ${JSON.stringify(p.trim())} "$@"`);
  candidates.push('exec /usr/bin/aws "$@"', 'exec python3 -m awscli "$@"');
  for (const command of candidates) {
    const r = spawnSync('sh', ['-c', command.replace('"$@"', '--version')], { encoding: 'utf8', timeout: 60_000 });
    const m = /aws-cli\/(\d+)\.[\d.]+/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    if (r.status === 0 && m && !found.has(Number(m[1]))) found.set(Number(m[1]), { version: m[0], command });
  }
  const out: AwsCli[] = [];
  for (const major of [1, 2] as const) {
    const f = found.get(major);
    if (!f) continue;
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), `np-aws-v${major}-`));
    fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\n${f.command}\n`, { mode: 0o755 });
    out.push({ major, version: f.version, bin });
  }
  return out;
}

const run = needMoto() && needTool('jq', 'deploy-layer.sh needs jq');
const clis = findAwsClis();
for (const major of [1, 2]) {
  if (clis.some((x) => x.major === major)) continue;
  const msg = `the AWS CLI v${major} is not installed: deploy-layer.sh is tested with v1 (pip's awscli) and v2 (Debian's awscli)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${msg}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIP: ${msg}`);
}

function runScript(cli: AwsCli, pkg: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(pkg, 'deploy-layer.sh'), ...args], {
      cwd: '/',
      env: { ...process.env, ...env, PATH: `${cli.bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe.runIf(run && clis.length > 0).each(clis)('deploy-layer.sh against moto with the AWS CLI v$major', (cli) => {
  let moto: Moto;
  let c: LambdaClient;
  let tmp: ReturnType<typeof tmpDir>;
  let pkg: string; // the unpacked arm64 package folder
  let otherLayers: string[];

  /** A fresh copy of the package folder (to edit function-environment.json in). */
  function pkgCopy(name: string): string {
    const dest = path.join(tmp.dir, name);
    fs.cpSync(pkg, dest, { recursive: true });
    return dest;
  }

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    c = client(moto);
    tmp = tmpDir('np-deploy-');
    const built = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: path.join(tmp.dir, 'out') });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    await unpackZip(built.packageZip, path.join(tmp.dir, 'unpacked'));
    pkg = path.join(tmp.dir, 'unpacked', path.basename(built.layerZip, '.zip'));
    expect(fs.readFileSync(path.join(pkg, 'deploy-layer.sh'), 'utf8')).toBe(fs.readFileSync(SCRIPT, 'utf8'));
    otherLayers = [];
    for (const n of ['s-user-a', 's-user-b', 's-user-c', 's-user-d', 's-user-e']) {
      const out = await c.send(new PublishLayerVersionCommand({ LayerName: n, Content: { ZipFile: await makeZip({ [`${n}.txt`]: n }) } }));
      otherLayers.push(out.LayerVersionArn!);
    }
  });
  afterAll(async () => {
    await moto?.stop();
    tmp?.cleanup();
  });

  it('runs the AWS CLI of that major version', () => {
    const r = spawnSync(path.join(cli.bin, 'aws'), ['--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toContain(`aws-cli/${cli.major}.`);
  });

  it('publishes and attaches, keeps other layers and variables, records the tags; a second run replaces in place; uninstrument restores exactly', async () => {
    const fn = await createFunction(c, { layers: otherLayers.slice(0, 2), variables: { TABLE_NAME: 'demo' }, tags: { team: 'x' } });
    const before = await snapshot(c, fn);
    const r = await runScript(cli, pkg, ['net-profiler-rust', fn, REGION], moto.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`published arn:aws:lambda:${REGION}:123456789012:layer:net-profiler-rust:1 (arm64; dotnet10, dotnet8)`);
    const s1 = await snapshot(c, fn);
    expect(s1.layers).toEqual([...otherLayers.slice(0, 2), `arn:aws:lambda:${REGION}:123456789012:layer:net-profiler-rust:1`]);
    expect(s1.variables).toEqual({ TABLE_NAME: 'demo', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
    expect(decodeRecord(s1.tags, fn)).toEqual({
      v: 1,
      layer: `arn:aws:lambda:${REGION}:123456789012:layer:net-profiler-rust`,
      set: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' },
      was: {},
    });
    const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
    expect(st).toMatchObject({ instrumented: true, recorded: true, problems: [], layer: { version: 1, architectures: ['arm64'], runtimes: ['dotnet10', 'dotnet8'] } });

    const r2 = await runScript(cli, pkg, ['net-profiler-rust', fn, REGION], moto.env);
    expect(r2.code).toBe(0);
    const s2 = await snapshot(c, fn);
    expect(s2.layers).toEqual([...otherLayers.slice(0, 2), `arn:aws:lambda:${REGION}:123456789012:layer:net-profiler-rust:2`]);
    expect(s2.variables).toEqual(s1.variables);

    await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const fn = await createFunction(c, { variables: { A: '1' } });
    const before = await snapshot(c, fn);
    const r = await runScript(cli, pkg, ['--dry-run', 'np-dry', fn, REGION], moto.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: nothing changed');
    expect(r.stdout).toContain('+ AWS_LAMBDA_EXEC_WRAPPER=/opt/profiler_wrapper');
    expect(r.stdout).toContain(`arn:aws:lambda:${REGION}:123456789012:layer:np-dry:1`);
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('--force replaces another wrapper; the SDK\'s uninstrument gives it back', async () => {
    const fn = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/other' } });
    const before = await snapshot(c, fn);
    const refused = await runScript(cli, pkg, ['np-force', fn, REGION], moto.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused wrapper-conflict: .*\/opt\/other/);
    expect(await snapshot(c, fn)).toEqual(before);
    const r = await runScript(cli, pkg, ['--force', 'np-force', fn, REGION], moto.env);
    expect(r.code).toBe(0);
    expect((await snapshot(c, fn)).variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/profiler_wrapper');
    await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('refuses like the SDK, in the same order, changing nothing', async () => {
    const cases: { code: string; fn: () => Promise<string>; pkgDir?: () => string }[] = [
      { code: 'package-type-image', fn: () => createFunction(c, { image: true }) },
      { code: 'unsupported-runtime', fn: () => createFunction(c, { runtime: 'java21', arch: 'x86_64' }) },
      { code: 'architecture-mismatch', fn: () => createFunction(c, { arch: 'x86_64', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } }) },
      { code: 'too-many-layers', fn: () => createFunction(c, { layers: otherLayers }) },
      { code: 'environment-too-large', fn: () => createFunction(c, { variables: { BIG: 'y'.repeat(4080), AWS_LAMBDA_EXEC_WRAPPER: '/x' } }) },
      {
        code: 'reserved-variable',
        fn: () => createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } }),
        pkgDir: () => {
          const d = pkgCopy('reserved');
          fs.writeFileSync(path.join(d, 'function-environment.json'), JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', _HANDLER: 'x' } }));
          return d;
        },
      },
      { code: 'wrapper-conflict', fn: () => createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/other' } }) },
    ];
    // The cases are independent: run the scripts side by side (the AWS CLI's start-up dominates).
    const results = await Promise.all(
      cases.map(async (t) => {
        const fn = await t.fn();
        const before = await snapshot(c, fn);
        const r = await runScript(cli, t.pkgDir ? t.pkgDir() : pkg, ['np-refused', fn, REGION], moto.env);
        return { t, fn, before, r };
      }),
    );
    for (const { t, fn, before, r } of results) {
      expect(r.code, `${t.code}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`refused ${t.code}: `));
      expect(r.stderr).toContain('nothing was changed');
      expect(await snapshot(c, fn)).toEqual(before);
    }
    // Nothing was published by any of them.
    const list = spawnSync(path.join(cli.bin, 'aws'), ['lambda', 'list-layer-versions', '--layer-name', 'np-refused', '--output', 'json', '--endpoint-url', moto.url], { encoding: 'utf8', env: { ...process.env, ...moto.env } });
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).LayerVersions).toEqual([]);
  });

  it('above the direct-upload limit it goes through S3, and says a bucket is needed without one', async () => {
    const fn = await createFunction(c);
    const before = await snapshot(c, fn);
    const env = { ...moto.env, NP_DIRECT_UPLOAD_LIMIT: '1000' };
    const refused = await runScript(cli, pkg, ['np-s3', fn, REGION], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/above Lambda's 50 MB direct-upload limit; name a bucket with --s3-bucket/);
    expect(await snapshot(c, fn)).toEqual(before);
    const s3 = new S3Client({ region: REGION, endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'np-script-layers', CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const r = await runScript(cli, pkg, ['--s3-bucket', 'np-script-layers', 'np-s3', fn, REGION], env);
    expect(r.code, r.stderr).toBe(0);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'np-script-layers' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`net-profiler/layers/np-s3/${path.basename(pkg)}.zip`]);
    expect((await snapshot(c, fn)).layers).toEqual([`arn:aws:lambda:${REGION}:123456789012:layer:np-s3:1`]);
  });

  it('retries the update conflict and waits for Successful, through AWS_ENDPOINT_URL', async () => {
    const proxy = await startProxy(moto);
    try {
      const fn = await createFunction(c, { variables: { A: '1' } });
      let conflicts = 0;
      proxy.rule = (r) => {
        if (r.method === 'PUT' && /\/configuration$/.test(r.url) && conflicts < 2) {
          conflicts++;
          return { kind: 'respond', status: 409, errorType: 'ResourceConflictException', body: { Type: 'User', message: 'An update is in progress for resource' } };
        }
        return { kind: 'forward' };
      };
      let inProgress = 1;
      proxy.rewrite = (r, body) => {
        if (r.method === 'GET' && /\/configuration$/.test(r.url) && inProgress > 0) {
          inProgress--;
          return { ...(body as object), LastUpdateStatus: 'InProgress' };
        }
        return body;
      };
      const r = await runScript(cli, pkg, ['np-retry', fn, REGION], { ...moto.env, AWS_ENDPOINT_URL: proxy.url });
      expect(r.code, r.stderr).toBe(0);
      expect(conflicts).toBe(2);
      expect(proxy.seen.filter((x) => x.method === 'PUT' && /\/configuration$/.test(x.url))).toHaveLength(3);
      expect(proxy.seen.filter((x) => x.method === 'GET' && /\/configuration$/.test(x.url))).toHaveLength(2);
      expect((await snapshot(c, fn)).variables).toEqual({ A: '1', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
    } finally {
      await proxy.stop();
    }
  });

  it('usage errors exit 2; an unreachable endpoint exits 3 with a clear message', async () => {
    const u = await runScript(cli, pkg, ['only-one-arg'], moto.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/^usage: deploy-layer.sh/m);
    const port = await freePort();
    const r = await runScript(cli, pkg, ['np', 'some-fn', REGION], { ...moto.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_MAX_ATTEMPTS: '1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error while reading the function some-fn: .*Could not connect/);
    expect(r.stderr).toContain('Nothing was changed.');
  });
});
