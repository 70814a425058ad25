// Many functions, many regions (docs/lambda.md, "Many functions"), through the real bin
// against moto in two regions with a hundred functions of both architectures, their own
// variables, layers and tags, refusal cases mixed in, and a fault proxy of the test's own
// in front (429 with Retry-After on a share of requests, connections dropped, slow
// answers). After uninstrument, every function's configuration is what it was before
// instrument, field by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'child_process';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListLayerVersionsCommand, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand, type Runtime } from '@aws-sdk/client-lambda';
import { publishLayer } from '../../lib/lambda';
import { BIN, ROOT } from '../helpers/cli';
import { cliAsync, needMoto, startMoto, startProxy, type FaultProxy, type Moto, type ProxiedRequest } from '../helpers/moto';
import { createRole, makeZip, ROLE, tmpDir, writeLayer } from './fixtures';

const EU = 'eu-central-1';
const US = 'us-east-1';
const ACCOUNT = '123456789012';

/** The region of a request for one function (its ARN in the path), if it is one. */
function regionOf(req: ProxiedRequest): string | undefined {
  return /:lambda:([a-z0-9-]+):\d+:function:/.exec(decodeURIComponent(req.url))?.[1];
}

interface Fn {
  name: string;
  region: string;
  arch: 'arm64' | 'x86_64';
  runtime: string;
  image?: boolean;
  /** The refusal instrument must give, if any. */
  refusal?: string;
}

/** What must come back exactly after uninstrument: every field of the configuration a change could touch, and the tags. */
async function fields(c: LambdaClient, name: string): Promise<Record<string, unknown>> {
  const out = await c.send(new GetFunctionCommand({ FunctionName: name }));
  const cfg = out.Configuration ?? {};
  return {
    FunctionName: cfg.FunctionName,
    Runtime: cfg.Runtime,
    Architectures: cfg.Architectures,
    Handler: cfg.Handler,
    Role: cfg.Role,
    MemorySize: cfg.MemorySize,
    Timeout: cfg.Timeout,
    Description: cfg.Description,
    PackageType: cfg.PackageType,
    Layers: (cfg.Layers ?? []).map((l) => l.Arn),
    Environment: cfg.Environment?.Variables ?? {},
    Tags: out.Tags ?? {},
  };
}

describe.runIf(needMoto())('many functions in two regions, behind a fault proxy', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let tmp: ReturnType<typeof tmpDir>;
  const clients: Record<string, LambdaClient> = {};
  const fns: Fn[] = [];
  const before = new Map<string, Record<string, unknown>>();
  let env: Record<string, string>;
  const layerArn: Record<string, Record<string, string>> = {};
  let armZip: string;

  const key = (f: { region: string; name: string }) => `${f.region}/${f.name}`;
  const arn = (f: Fn) => `arn:aws:lambda:${f.region}:${ACCOUNT}:function:${f.name}`;
  /** Functions `--all` selects, and those it changes. */
  const selected = () => fns.filter((f) => !f.image && (f.runtime === 'dotnet8' || f.runtime === 'dotnet10'));
  const eligible = () => selected().filter((f) => !f.refusal);

  // In flight per region, at most: the concurrency bound, measured at the proxy.
  const inFlight: Record<string, number> = {};
  const maxInFlight: Record<string, number> = {};
  let faults = { throttled: 0, dropped: 0, slow: 0 };

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    proxy = await startProxy(moto);
    tmp = tmpDir('np-fleet-');
    for (const r of [EU, US]) clients[r] = new LambdaClient({ region: r, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
    armZip = await writeLayer(tmp.dir, 'arm64');
    const x64Zip = await writeLayer(tmp.dir, 'x64');
    const opts = (region: string) => ({ region, endpointUrl: moto.url, quietSdk: true });
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    for (const r of [EU, US]) {
      layerArn[r] = {};
      layerArn[r]!.x86_64 = (await publishLayer({ ...opts(r), zip: x64Zip, layerName: 'fleet-np' })).layerVersionArn;
      layerArn[r]!.arm64 = (await publishLayer({ ...opts(r), zip: armZip, layerName: 'fleet-np' })).layerVersionArn;
    }
    const userLayer: Record<string, string> = {};
    for (const r of [EU, US]) userLayer[r] = (await clients[r]!.send(new PublishLayerVersionCommand({ LayerName: 'team-tools', Content: { ZipFile: await makeZip({ 't.txt': 't' }) } }))).LayerVersionArn!;

    // 100 functions: 60 in eu-central-1, 40 in us-east-1, both architectures, both runtimes.
    for (let i = 0; i < 100; i++) {
      const region = i < 60 ? EU : US;
      fns.push({ name: `fleet-${String(i).padStart(3, '0')}`, region, arch: i % 2 ? 'arm64' : 'x86_64', runtime: i % 3 ? 'dotnet10' : 'dotnet8' });
    }
    // Mixed in: what --all leaves alone, and what instrument refuses.
    fns[5]!.runtime = 'java21';
    fns[77]!.runtime = 'python3.12';
    fns[11]!.refusal = 'wrapper-conflict';
    fns[64]!.refusal = 'too-many-layers';
    fns[23]!.refusal = 'environment-too-large';
    fns.push({ name: 'fleet-image', region: EU, arch: 'x86_64', runtime: '', image: true });
    const code = await makeZip({ 'App.dll': 'MZ' });
    const queue = [...fns];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const i = fns.indexOf(f);
          const variables: Record<string, string> = { APP: f.name, TABLE: `table-${i}`, ...(i % 4 === 0 ? { LOG_LEVEL: 'debug' } : {}) };
          if (f.refusal === 'wrapper-conflict') variables.AWS_LAMBDA_EXEC_WRAPPER = '/opt/otel-instrument';
          if (f.refusal === 'environment-too-large') variables.BIG = 'x'.repeat(4060);
          if (i % 10 === 3) variables.NET_PROFILER_SETTINGS = '/var/task/mine.yaml';
          const layers = f.refusal === 'too-many-layers' ? await userLayers(f.region, 5) : i % 3 === 0 ? [userLayer[f.region]!] : [];
          await clients[f.region]!.send(
            new CreateFunctionCommand({
              FunctionName: f.name,
              Role: ROLE,
              ...(f.image
                ? { PackageType: 'Image', Code: { ImageUri: `${ACCOUNT}.dkr.ecr.${f.region}.amazonaws.com/app:latest` } }
                : { Runtime: f.runtime as Runtime, Handler: 'App::App.Function::Handler', Code: { ZipFile: code } }),
              Architectures: [f.arch],
              MemorySize: 256 + (i % 4) * 128,
              Timeout: 10 + (i % 5),
              Description: `function ${i}`,
              ...(layers.length ? { Layers: layers } : {}),
              Environment: { Variables: variables },
              ...(i % 5 === 0 ? { Tags: { team: `t${i % 3}`, cost: 'c1' } } : {}),
            }),
          );
        }
      }),
    );
    for (const f of fns) before.set(key(f), await fields(clients[f.region]!, f.name));

    async function userLayers(region: string, n: number): Promise<string[]> {
      const out: string[] = [];
      for (let k = 0; k < n; k++) out.push((await clients[region]!.send(new PublishLayerVersionCommand({ LayerName: `extra-${k}`, Content: { ZipFile: await makeZip({ [`e${k}.txt`]: 'e' }) } }))).LayerVersionArn!);
      return out;
    }

    // The faults: a share of requests throttled (429, Retry-After), some connections
    // dropped before they reach moto, some answers slow.
    proxy.rule = (_req: ProxiedRequest, index: number) => {
      if (index % 11 === 3) {
        faults.throttled++;
        return { kind: 'respond', status: 429, errorType: 'TooManyRequestsException', body: { message: 'Rate exceeded' }, headers: { 'retry-after': '0' } };
      }
      if (index % 37 === 5) {
        faults.dropped++;
        return { kind: 'drop' };
      }
      if (index % 13 === 7) {
        faults.slow++;
        return { kind: 'slow', delayMs: 150 };
      }
      return { kind: 'forward' };
    };
    env = { ...moto.env, AWS_ENDPOINT_URL: proxy.url };
  }, 300_000);
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
    tmp?.cleanup();
  });

  const np = (args: string[]) => cliAsync(['lambda', ...args, '--region', EU, '--region', US], env, 300_000);
  const json = (r: { stdout: string }) => JSON.parse(r.stdout);

  it('list: every function of both regions, none instrumented', async () => {
    const r = await np(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r);
    expect(doc.functions).toHaveLength(fns.length);
    expect(Object.keys(doc.functions[0])).toEqual(['function', 'region', 'runtime', 'architecture', 'instrumented', 'layerVersionArn', 'newestLayerVersionArn', 'recordIntact']);
    expect(doc.functions.every((f: { instrumented: boolean }) => !f.instrumented)).toBe(true);
    expect(doc.functions.map((f: { function: string }) => f.function).sort()).toEqual(fns.map(arn).sort());
  });

  it('instrument --all --layer-name --dry-run: plans every function, changes none, counts what would change and the refusals', async () => {
    const r = await np(['instrument', '--all', '--layer-name', 'fleet-np', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = json(r);
    expect(doc.summary).toEqual({ changed: eligible().length, unchanged: 0, refused: selected().length - eligible().length, failed: 0 });
    expect(doc.results).toHaveLength(selected().length);
    for (const f of fns) expect(await fields(clients[f.region]!, f.name), key(f)).toEqual(before.get(key(f)));
  });

  it('instrument --all --layer-name: each function gets the newest version for ITS architecture, at most --concurrency at a time per region, throttling retried', async () => {
    faults = { throttled: 0, dropped: 0, slow: 0 };
    // Requests for functions in flight per region, measured at the proxy.
    const rule = proxy.rule;
    proxy.rule = (req, index) => {
      const region = regionOf(req);
      if (region) {
        inFlight[region] = (inFlight[region] ?? 0) + 1;
        maxInFlight[region] = Math.max(maxInFlight[region] ?? 0, inFlight[region]!);
      }
      return rule(req, index);
    };
    proxy.onFinish = (req) => {
      const region = regionOf(req);
      if (region) inFlight[region]!--;
    };
    const r = await np(['instrument', '--all', '--layer-name', 'fleet-np', '--concurrency', '3', '--json']);
    proxy.rule = rule;
    delete proxy.onFinish;
    const doc = json(r);
    expect(r.code, JSON.stringify(doc.results.filter((x: { error?: unknown }) => x.error))).toBe(1);
    expect(doc.summary).toEqual({ changed: eligible().length, unchanged: 0, refused: selected().length - eligible().length, failed: 0 });
    expect(faults.throttled).toBeGreaterThan(5);
    expect(faults.dropped).toBeGreaterThan(0);
    for (const res of doc.results) {
      const f = fns.find((x) => arn(x) === res.function)!;
      expect(res.region).toBe(f.region);
      if (f.refusal) {
        expect(res).toMatchObject({ ok: false, applied: false, refusal: { code: f.refusal } });
        expect(await fields(clients[f.region]!, f.name)).toEqual(before.get(key(f)));
        continue;
      }
      expect(res).toMatchObject({ ok: true, applied: true });
      const now = await fields(clients[f.region]!, f.name);
      expect(now.Layers, key(f)).toEqual([...((before.get(key(f))!.Layers as string[]) ?? []), layerArn[f.region]![f.arch]]);
    }
    expect(maxInFlight[EU]).toBe(3);
    expect(maxInFlight[US]).toBe(3);
  });

  it('the same command again changes nothing (applied false, unchanged)', async () => {
    const r = await np(['instrument', '--all', '--layer-name', 'fleet-np', '--json']);
    const doc = json(r);
    expect(doc.summary).toEqual({ changed: 0, unchanged: eligible().length, refused: selected().length - eligible().length, failed: 0 });
    expect(doc.results.filter((x: { ok: boolean }) => x.ok).every((x: { applied: boolean }) => !x.applied)).toBe(true);
  });

  it('list and status show where each one stands; upgrade moves only arm64 functions of the region with a newer arm64 version', async () => {
    const l = json(await np(['list', '--json']));
    for (const f of eligible()) {
      const e = l.functions.find((x: { function: string }) => x.function === arn(f));
      expect(e, key(f)).toMatchObject({ instrumented: true, layerVersionArn: layerArn[f.region]![f.arch], newestLayerVersionArn: layerArn[f.region]![f.arch], recordIntact: true, architecture: f.arch });
    }
    const st = await np(['status', '--functions-regex', '^fleet-0[0-4]', '--json']);
    expect(st.code).toBe(0);
    const results = json(st).results as { function: string; instrumented: boolean }[];
    expect(results.length).toBe(fns.filter((f) => /^fleet-0[0-4]/.test(f.name)).length);
    for (const x of results) expect(x.instrumented, x.function).toBe(eligible().some((f) => arn(f) === x.function));

    const v3 = await publishLayer({ region: EU, endpointUrl: moto.url, quietSdk: true, zip: armZip, layerName: 'fleet-np' });
    const dry = await np(['upgrade', '--all', '--layer-name', 'fleet-np', '--dry-run', '--json']);
    const armEu = eligible().filter((f) => f.region === EU && f.arch === 'arm64');
    expect(json(dry).summary, JSON.stringify(json(dry).results.filter((x: { ok: boolean }) => !x.ok).slice(0, 2))).toMatchObject({ changed: armEu.length, failed: 0 });
    const up = await np(['upgrade', '--all', '--layer-name', 'fleet-np', '--json']);
    expect(up.code, JSON.stringify(json(up).results.filter((x: { ok: boolean }) => !x.ok))).toBe(0);
    expect(json(up).summary).toEqual({ changed: armEu.length, unchanged: selected().length - armEu.length, refused: 0, failed: 0 });
    for (const f of eligible()) {
      const want = f.region === EU && f.arch === 'arm64' ? v3.layerVersionArn : layerArn[f.region]![f.arch];
      expect(((await fields(clients[f.region]!, f.name)).Layers as string[]).at(-1), key(f)).toBe(want);
    }
    const l2 = json(await np(['list', '--json']));
    const one = l2.functions.find((x: { function: string }) => x.function === arn(armEu[0]!));
    expect(one).toMatchObject({ layerVersionArn: v3.layerVersionArn, newestLayerVersionArn: v3.layerVersionArn, recordIntact: true });
  });

  it('Ctrl-C finishes the functions in flight, changes no more, says what was done; running it again completes the rest', async () => {
    const few = ['fleet-060', 'fleet-061', 'fleet-062', 'fleet-063', 'fleet-064', 'fleet-065', 'fleet-066', 'fleet-067'].map((n) => `arn:aws:lambda:${US}:${ACCOUNT}:function:${n}`);
    const rule = proxy.rule;
    proxy.rule = (req, index) => (req.method === 'PUT' ? { kind: 'slow', delayMs: 400 } : rule(req, index));
    const child = spawn(process.execPath, [BIN, 'lambda', 'uninstrument', ...few, '--concurrency', '1'], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && /^uninstrument /m.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    proxy.rule = rule;
    expect(code, stderr).toBe(130);
    expect(stdout).toMatch(/interrupted: \d+ not started; run the same command again to do the rest/);
    const done = [...stdout.matchAll(/^uninstrument (fleet-\d+) \(us-east-1\): (\w+)/gm)].map((m) => m[1]!);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(few.length);
    for (const a of few) {
      const f = fns.find((x) => arn(x) === a)!;
      const now = await fields(clients[US]!, f.name);
      // Done: as before instrument. Not started: still instrumented, untouched.
      if (done.includes(f.name) || f.refusal) expect(now, f.name).toEqual(before.get(key(f)));
      else expect((now.Layers as string[]).at(-1), f.name).toBe(layerArn[US]![f.arch]);
    }
    const again = await cliAsync(['lambda', 'uninstrument', ...few, '--json'], env, 300_000);
    expect(again.code, again.stderr).toBe(0);
    expect(json(again).summary.failed).toBe(0);
  });

  it('instrument --zip over a selection: published once per region, never in a dry run; the other architecture refused', async () => {
    const picked = ['fleet-001', 'fleet-002', 'fleet-071', 'fleet-072'];
    const publishes = () => proxy.seen.filter((x) => x.method === 'POST' && x.url.includes('/layers/fleet-zip/versions')).length;
    const dry = await np(['instrument', ...picked, '--zip', armZip, '--layer-name', 'fleet-zip', '--dry-run', '--json']);
    expect(dry.code).toBe(1);
    expect(publishes()).toBe(0);
    const r = await np(['instrument', ...picked, '--zip', armZip, '--layer-name', 'fleet-zip', '--json']);
    expect(r.code, r.stderr).toBe(1);
    // One version in each region (the proxy may have seen a retried request twice).
    expect(publishes()).toBeGreaterThanOrEqual(2);
    for (const region of [EU, US]) {
      const versions = await clients[region]!.send(new ListLayerVersionsCommand({ LayerName: 'fleet-zip' }));
      expect((versions.LayerVersions ?? []).map((v) => v.Version), region).toEqual([1]);
    }
    const doc = json(r);
    expect(doc.summary).toEqual({ changed: 2, unchanged: 0, refused: 2, failed: 0 });
    for (const res of doc.results) {
      const f = fns.find((x) => arn(x) === res.function)!;
      if (f.arch === 'x86_64') expect(res.refusal.code).toBe('architecture-mismatch');
      else expect(res.layersAfter.at(-1)).toBe(`arn:aws:lambda:${f.region}:${ACCOUNT}:layer:fleet-zip:1`);
    }
  });

  it('uninstrument --all: every function exactly as it was before instrument, field by field', async () => {
    const r = await np(['uninstrument', '--all', '--json']);
    expect(r.code, JSON.stringify(json(r).results.filter((x: { ok: boolean }) => !x.ok))).toBe(0);
    for (const f of fns) {
      const now = await fields(clients[f.region]!, f.name);
      const was = before.get(key(f))!;
      for (const k of Object.keys(was)) expect(now[k], `${key(f)} ${k}`).toEqual(was[k]);
    }
  });

  it('selections: a pattern with ":" is a usage error; one that matches nothing exits 1 saying what was searched; ARNs carry their region', async () => {
    const colon = await np(['status', '--functions-regex', 'arn:aws:.*']);
    expect(colon.code).toBe(2);
    expect(colon.stderr).toMatch(/--functions-regex "arn:aws:\.\*" has a ':'; it matches function names, not ARNs/);
    const none = await np(['status', '--functions-regex', '^nothing-like-this$', '--json']);
    expect(none.code).toBe(1);
    expect(json(none).error).toMatchObject({ code: 'nothing-selected' });
    expect(json(none).error.message).toContain(`searched ${EU}, ${US}`);
    const byArn = await cliAsync(['lambda', 'status', arn(fns[70]!), arn(fns[1]!), '--json'], env);
    expect(json(byArn).results.map((x: { region: string }) => x.region).sort()).toEqual([EU, US].sort());
    const missing = await np(['status', 'fleet-001', 'no-such-fleet-fn', '--json']);
    expect(missing.code).toBe(3);
    expect(json(missing).results.find((x: { function: string }) => x.function === 'no-such-fleet-fn')).toMatchObject({ ok: false, error: { code: 'function-not-found' } });
  });

  it('output for people: one line per function as it finishes, then the table and the counts', async () => {
    const r = await np(['status', 'fleet-001', 'fleet-002', 'fleet-011']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3).sort()).toEqual(['status fleet-001 (eu-central-1): ok', 'status fleet-002 (eu-central-1): ok', 'status fleet-011 (eu-central-1): ok']);
    expect(lines[4]).toMatch(/^FUNCTION +REGION +RESULT +DETAIL$/);
    expect(lines.slice(5, 8).map((l) => l.split(/ +/).slice(0, 3).join(' '))).toEqual(['fleet-001 eu-central-1 unchanged', 'fleet-002 eu-central-1 unchanged', 'fleet-011 eu-central-1 unchanged']);
    expect(r.stdout).toMatch(/\n0 changed, 3 unchanged, 0 refused, 0 failed\n$/);
    expect(r.stderr).toBe('');
  });

  it('status over a selection exits 1 when any function has a problem', async () => {
    const f = fns[2]!;
    const was = before.get(key(f))!;
    await clients[f.region]!.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, Environment: { Variables: { ...(was.Environment as Record<string, string>), AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } } }));
    try {
      const r = await np(['status', 'fleet-001', f.name, '--json']);
      expect(r.code).toBe(1);
      expect(json(r).summary).toEqual({ changed: 0, unchanged: 1, refused: 1, failed: 0 });
      expect(json(r).results.find((x: { function: string }) => x.function === arn(f)).problems.map((p: { code: string }) => p.code)).toEqual(['wrapper-without-layer']);
    } finally {
      await clients[f.region]!.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, Environment: { Variables: was.Environment as Record<string, string> } }));
    }
  });

  it('on a terminal: a progress line on stderr as functions finish', async () => {
    // `script` gives the command a pseudo-terminal; its output is what the terminal shows.
    const cmd = [process.execPath, BIN, 'lambda', 'status', 'fleet-001', 'fleet-003', 'fleet-007', '--region', EU].map((a) => `'${a}'`).join(' ');
    // Not spawnSync: the proxy lives in this process and must keep answering.
    const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const t = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (status) => {
        clearTimeout(t);
        resolve({ status, stdout });
      });
    });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1\/3 done, 0 refused, 0 failed/);
    expect(r.stdout).toMatch(/3\/3 done, 0 refused, 0 failed/);
    expect(r.stdout).toMatch(/0 changed, 3 unchanged, 0 refused, 0 failed/);
  });

  it('publish to several regions: one version per region', async () => {
    const r = await np(['publish', armZip, '--layer-name', 'fleet-multi', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r);
    expect(doc).toEqual({
      ok: true,
      results: [
        { region: EU, ok: true, layerVersionArn: `arn:aws:lambda:${EU}:${ACCOUNT}:layer:fleet-multi:1`, version: 1 },
        { region: US, ok: true, layerVersionArn: `arn:aws:lambda:${US}:${ACCOUNT}:layer:fleet-multi:1`, version: 1 },
      ],
    });
  });
});
