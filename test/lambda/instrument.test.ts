// publish / instrument / uninstrument / status through the SDK, against moto 5.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  decodeRecord,
  functionStatus,
  instrumentFunction,
  LAMBDA_LIMITS,
  LambdaRefusal,
  listLayerVersions,
  publishLayer,
  REFUSAL_CODES,
  uninstrumentFunction,
} from '../../lib/lambda';
import { NetProfilerError, RefusalError } from '../../lib/errors';
import { needMoto, REGION, startMoto, type Moto } from '../helpers/moto';
import { awsOpts, client, createFunction, createRole, makeZip, snapshot, tmpDir, writeLayer } from './fixtures';

const run = needMoto();

async function refusal(p: Promise<unknown>): Promise<NetProfilerError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetProfilerError) return err;
    throw err;
  }
  throw new Error('expected a refusal, got success');
}

describe.runIf(run)('lambda against moto', () => {
  let moto: Moto;
  let c: LambdaClient;
  let tmp: ReturnType<typeof tmpDir>;
  let arm64Zip: string;
  let x64Zip: string;
  let otherLayers: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    c = client(moto);
    tmp = tmpDir();
    arm64Zip = await writeLayer(tmp.dir, 'arm64');
    x64Zip = await writeLayer(tmp.dir, 'x64');
    // Layers of the user's own, to be kept in order.
    otherLayers = [];
    for (const n of ['user-a', 'user-b', 'user-c', 'user-d']) {
      const out = await c.send(new PublishLayerVersionCommand({ LayerName: n, Content: { ZipFile: await makeZip({ [`${n}.txt`]: n }) } }));
      otherLayers.push(out.LayerVersionArn!);
    }
  });
  afterAll(async () => {
    await moto?.stop();
    tmp?.cleanup();
  });

  describe('publish', () => {
    it('publishes with the runtimes and architecture of the manifest', async () => {
      const r = await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'pub-arm' });
      expect(r).toMatchObject({ ok: true, version: 1, arch: 'arm64', runtimes: ['dotnet8', 'dotnet10'], uploadedVia: 'direct' });
      expect(r.layerVersionArn).toBe(`arn:aws:lambda:${REGION}:123456789012:layer:pub-arm:1`);
      const lv = await c.send(new GetLayerVersionCommand({ LayerName: 'pub-arm', VersionNumber: 1 }));
      expect(lv.CompatibleArchitectures).toEqual(['arm64']);
      expect(lv.CompatibleRuntimes).toEqual(['dotnet8', 'dotnet10']);
      expect(lv.Description).toMatch(/^net_profiler_rust 1\.4\.0/);

      const one = await writeLayer(tmp.dir, 'x64', ['dotnet8']);
      const r2 = await publishLayer({ ...awsOpts(moto), zip: one, layerName: 'pub-x64' });
      const lv2 = await c.send(new GetLayerVersionCommand({ LayerName: 'pub-x64', VersionNumber: r2.version }));
      expect(lv2.CompatibleArchitectures).toEqual(['x86_64']);
      expect(lv2.CompatibleRuntimes).toEqual(['dotnet8']);
    });

    it('goes through S3 above the direct-upload limit, and says a bucket is needed without one', async () => {
      expect(LAMBDA_LIMITS.directUploadBytes).toBe(50 * 1024 * 1024);
      const size = fs.statSync(arm64Zip).size;
      const e = await refusal(publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'pub-s3', directUploadLimit: size - 1 }));
      expect(e.code).toBe('s3-bucket-required');
      const dry = await refusal(instrumentFunction({ ...awsOpts(moto), functionName: 'any', zip: arm64Zip, layerName: 'pub-s3', directUploadLimit: size - 1, dryRun: true }));
      expect(dry.code).toBe('s3-bucket-required');
      expect(e.kind).toBe('refused');
      expect(e.fix).toMatch(/--s3-bucket/);

      const s3 = new S3Client({ region: REGION, endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      await s3.send(new CreateBucketCommand({ Bucket: 'np-layers', CreateBucketConfiguration: { LocationConstraint: REGION } }));
      const seen: [number, number][] = [];
      const r = await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'pub-s3', directUploadLimit: size - 1, s3Bucket: 'np-layers', onProgress: (a, b) => seen.push([a, b]) });
      expect(r.uploadedVia).toBe('s3');
      expect(seen[0]).toEqual([0, size]);
      expect(seen[seen.length - 1]).toEqual([size, size]);
      const obj = await s3.send(new GetObjectCommand({ Bucket: 'np-layers', Key: r.s3!.key }));
      expect(Buffer.from(await obj.Body!.transformToByteArray()).equals(fs.readFileSync(arm64Zip))).toBe(true);
      const lv = await c.send(new GetLayerVersionCommand({ LayerName: 'pub-s3', VersionNumber: r.version }));
      expect(lv.CompatibleArchitectures).toEqual(['arm64']);
    });

    it('lists every version of a layer with the SDK paginator, page after page', async () => {
      for (let i = 0; i < 5; i++) await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'pub-pages' });
      const all = await listLayerVersions(c, 'pub-pages', 2);
      expect(all.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
      expect(all[0]).toMatchObject({ layerVersionArn: `arn:aws:lambda:${REGION}:123456789012:layer:pub-pages:5`, architectures: ['arm64'] });
      expect(await listLayerVersions(c, 'no-such-layer-here', 2)).toEqual([]);
    });

    it('refuses a ZIP that is not a profiler layer, before any AWS call', async () => {
      const bad = path.join(tmp.dir, 'not-a-layer.zip');
      fs.writeFileSync(bad, await makeZip({ 'hello.txt': 'hi' }));
      const e = await refusal(publishLayer({ ...awsOpts(moto, 'http://127.0.0.1:9'), zip: bad, layerName: 'x' }));
      expect(e.code).toBe('invalid-layer');
      const badArch = path.join(tmp.dir, 'bad-arch.zip');
      fs.writeFileSync(badArch, await makeZip({ profiler_wrapper: '', 'profiler/manifest.json': '{"version":"1","arch":"sparc","runtimes":["dotnet8"]}' }));
      const e2 = await refusal(publishLayer({ ...awsOpts(moto), zip: badArch, layerName: 'x' }));
      expect(e2.code).toBe('invalid-layer');
      expect(e2.message).toContain(badArch);
      expect((await refusal(publishLayer({ ...awsOpts(moto), zip: path.join(tmp.dir, 'missing.zip'), layerName: 'x' }))).kind).toBe('outside');
      expect((await refusal(publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'bad name!' }))).kind).toBe('usage');
    });
  });

  describe('instrument refusals (nothing changed)', () => {
    const cases: { code: string; setup: () => Promise<{ fn: string; opts?: object }> }[] = [
      { code: 'package-type-image', setup: async () => ({ fn: await createFunction(c, { image: true }) }) },
      { code: 'unsupported-runtime', setup: async () => ({ fn: await createFunction(c, { runtime: 'python3.12' }) }) },
      {
        code: 'unsupported-runtime',
        setup: async () => {
          const zip = await writeLayer(tmp.dir, 'arm64', ['dotnet8']);
          return { fn: await createFunction(c, { runtime: 'dotnet10' }), opts: { zip } };
        },
      },
      { code: 'architecture-mismatch', setup: async () => ({ fn: await createFunction(c, { arch: 'x86_64' }) }) },
      {
        code: 'too-many-layers',
        setup: async () => {
          const extra = await c.send(new PublishLayerVersionCommand({ LayerName: 'user-e', Content: { ZipFile: await makeZip({ 'e.txt': 'e' }) } }));
          return { fn: await createFunction(c, { layers: [...otherLayers, extra.LayerVersionArn!] }) };
        },
      },
      {
        code: 'environment-too-large',
        // 4,096 bytes of JSON with the wrapper variable added: just over.
        setup: async () => {
          const base = { BIG: '' };
          const overhead = Buffer.byteLength(JSON.stringify({ BIG: '', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' }));
          base.BIG = 'x'.repeat(4096 - overhead + 1);
          return { fn: await createFunction(c, { variables: base }) };
        },
      },
      { code: 'reserved-variable', setup: async () => ({ fn: await createFunction(c), opts: { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', AWS_REGION: 'us-east-1' } } }) },
      { code: 'wrapper-conflict', setup: async () => ({ fn: await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' } }) }) },
    ];
    for (const [i, t] of cases.entries()) {
      it(`${t.code} (${i})`, async () => {
        const { fn, opts } = await t.setup();
        const before = await snapshot(c, fn);
        const e = await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'refused-layer', ...(opts ?? {}) }));
        expect(e.code).toBe(t.code);
        expect(e.kind).toBe('refused');
        expect(e).toBeInstanceOf(RefusalError);
        expect(e).toBeInstanceOf(LambdaRefusal);
        // The message names the function it refuses to change.
        expect(e.message).toContain(fn);
        expect(e.fix).toMatch(/\w/);
        expect(await snapshot(c, fn)).toEqual(before);
        // Refused before publishing: the layer was never published.
        await expect(c.send(new GetLayerVersionCommand({ LayerName: 'refused-layer', VersionNumber: 1 }))).rejects.toThrow();
      });
    }

    it('the environment limit is exactly 4,096 bytes of JSON (multi-byte characters counted as bytes)', async () => {
      const overhead = Buffer.byteLength(JSON.stringify({ BIG: '', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' }));
      const room = 4096 - overhead; // bytes left for BIG's value
      const value = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
      const fn = await createFunction(c, { variables: { BIG: value } });
      expect(Buffer.byteLength(JSON.stringify({ BIG: value, AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' }))).toBe(4096);
      await expect(instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'env-edge', dryRun: true })).resolves.toMatchObject({ ok: true });
      const fn2 = await createFunction(c, { variables: { BIG: value + 'x' } });
      expect((await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn2, zip: arm64Zip, layerName: 'env-edge', dryRun: true }))).code).toBe('environment-too-large');
    });

    it('reports the first refusal in the order of docs/lambda.md', async () => {
      expect(REFUSAL_CODES.slice(0, 7)).toEqual([
        'package-type-image',
        'unsupported-runtime',
        'architecture-mismatch',
        'too-many-layers',
        'environment-too-large',
        'reserved-variable',
        'wrapper-conflict',
      ]);
      // Wrong runtime AND wrong arch AND a conflicting wrapper: the runtime is reported.
      const fn = await createFunction(c, { runtime: 'nodejs20.x', arch: 'x86_64', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } });
      expect((await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'l' }))).code).toBe('unsupported-runtime');
      // Wrong arch AND a conflicting wrapper: the arch.
      const fn2 = await createFunction(c, { arch: 'x86_64', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } });
      expect((await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn2, zip: arm64Zip, layerName: 'l' }))).code).toBe('architecture-mismatch');
      // A too-large environment AND a reserved variable AND a conflict: the size.
      const fn3 = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x', BIG: 'y'.repeat(4090) } });
      expect(
        (await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn3, zip: arm64Zip, layerName: 'l', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', TZ: 'UTC' } }))).code,
      ).toBe('environment-too-large');
      // An image function on the wrong architecture: the package type.
      const fn4 = await createFunction(c, { image: true, arch: 'x86_64' });
      expect((await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn4, zip: arm64Zip, layerName: 'l' }))).code).toBe('package-type-image');
      // Too many layers AND a too-large environment: the layers.
      const extra = await c.send(new PublishLayerVersionCommand({ LayerName: 'user-f', Content: { ZipFile: await makeZip({ 'f.txt': 'f' }) } }));
      const fn5 = await createFunction(c, { layers: [...otherLayers, extra.LayerVersionArn!], variables: { BIG: 'y'.repeat(4090) } });
      expect((await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn5, zip: arm64Zip, layerName: 'l' }))).code).toBe('too-many-layers');
      // A reserved variable AND a conflicting wrapper: the reserved variable.
      const fn6 = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } });
      expect(
        (await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn6, zip: arm64Zip, layerName: 'l', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', LAMBDA_TASK_ROOT: '/x' } }))).code,
      ).toBe('reserved-variable');
    });

    it('an unknown function or layer is an outside error naming it', async () => {
      const e = await refusal(instrumentFunction({ ...awsOpts(moto), functionName: 'no-such-fn', zip: arm64Zip, layerName: 'l' }));
      expect(e.code).toBe('function-not-found');
      expect(e.kind).toBe('outside');
      const fn = await createFunction(c);
      const e2 = await refusal(instrumentFunction({ ...awsOpts(moto), functionName: fn, layerArn: `arn:aws:lambda:${REGION}:123456789012:layer:nope:3` }));
      expect(e2.code).toBe('layer-not-found');
    });
  });

  describe('instrument, again, and uninstrument', () => {
    it('dry run prints the plan and changes nothing', async () => {
      const fn = await createFunction(c, { layers: otherLayers.slice(0, 2), variables: { TABLE_NAME: 'demo' } });
      const before = await snapshot(c, fn);
      const r = await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'dry', dryRun: true });
      expect(r.applied).toBe(false);
      expect(r.layersBefore).toEqual(otherLayers.slice(0, 2));
      expect(r.layersAfter).toEqual([...otherLayers.slice(0, 2), `arn:aws:lambda:${REGION}:123456789012:layer:dry:1`]);
      expect(r.variablesAdded).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
      expect(r.variablesChanged).toEqual({});
      expect(r.warnings.map((w) => w.code)).toContain('not-published');
      expect(await snapshot(c, fn)).toEqual(before);
      await expect(c.send(new GetLayerVersionCommand({ LayerName: 'dry', VersionNumber: 1 }))).rejects.toThrow();
    });

    it('keeps other layers and variables, replaces the old version in place, and uninstrument restores exactly', async () => {
      const fn = await createFunction(c, { layers: otherLayers.slice(0, 3), variables: { TABLE_NAME: 'demo', LOG_LEVEL: 'debug' }, tags: { team: 'payments' } });
      const before = await snapshot(c, fn);

      const v1 = await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'np-again' });
      const r1 = await instrumentFunction({ ...awsOpts(moto), functionName: fn, layerArn: v1.layerVersionArn });
      expect(r1.applied).toBe(true);
      expect(r1.layersAfter).toEqual([...otherLayers.slice(0, 3), v1.layerVersionArn]);
      const mid = await snapshot(c, fn);
      expect(mid.layers).toEqual(r1.layersAfter);
      expect(mid.variables).toEqual({ TABLE_NAME: 'demo', LOG_LEVEL: 'debug', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
      expect(mid.tags.team).toBe('payments');
      const rec = decodeRecord(mid.tags, fn)!;
      expect(rec.set).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
      expect(rec.was).toEqual({});
      for (const [k, v] of Object.entries(mid.tags)) {
        expect(k.length).toBeLessThanOrEqual(128);
        expect(v.length).toBeLessThanOrEqual(256);
        expect(v).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
      }

      // The user moves the profiler layer to the front; a new version then stays there.
      await c.send(new (await import('@aws-sdk/client-lambda')).UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [v1.layerVersionArn, ...otherLayers.slice(0, 3)] }));
      const r2 = await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-again' });
      expect(r2.published?.version).toBe(2);
      expect(r2.layersAfter).toEqual([r2.published!.layerVersionArn, ...otherLayers.slice(0, 3)]);
      expect(r2.variablesAdded).toEqual({});
      const after2 = await snapshot(c, fn);
      expect(after2.layers).toEqual(r2.layersAfter);
      expect(after2.layers.filter((a) => a.includes(':layer:np-again:'))).toHaveLength(1);
      expect(after2.variables).toEqual(mid.variables);

      // The same version again: nothing to change, and it says so (applied false).
      const r3 = await instrumentFunction({ ...awsOpts(moto), functionName: fn, layerArn: r2.published!.layerVersionArn });
      expect(r3.applied).toBe(false);
      expect(r3.layersAfter).toEqual(r3.layersBefore);
      expect(r3.warnings.map((w) => w.code)).toContain('already-instrumented');
      expect(await snapshot(c, fn)).toEqual(after2);

      const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st).toMatchObject({ instrumented: true, recorded: true, problems: [], layer: { version: 2, position: 0, architectures: ['arm64'] } });

      const dry = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn, dryRun: true });
      expect(dry).toMatchObject({ applied: false, variablesRemoved: ['AWS_LAMBDA_EXEC_WRAPPER'], layersAfter: otherLayers.slice(0, 3) });
      expect(await snapshot(c, fn)).toEqual(after2);

      const u = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(u).toMatchObject({ ok: true, applied: true, variablesRemoved: ['AWS_LAMBDA_EXEC_WRAPPER'], variablesChanged: {} });
      const end = await snapshot(c, fn);
      expect(end.layers).toEqual(otherLayers.slice(0, 3));
      expect(end.variables).toEqual(before.variables);
      expect(end.tags).toEqual(before.tags);
      expect((await functionStatus({ ...awsOpts(moto), functionName: fn })).instrumented).toBe(false);

      // A second uninstrument finds nothing to do and changes nothing.
      const again = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(again.applied).toBe(false);
      expect(again.warnings.map((w) => w.code)).toEqual(['not-instrumented']);
    });

    it('never removes a variable the user had set, even one with the profiler\'s value', async () => {
      const fn = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', OTHER: '1' } });
      const before = await snapshot(c, fn);
      const r = await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-user-set' });
      expect(r.variablesAdded).toEqual({});
      const u = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(u.variablesRemoved).toEqual([]);
      expect(await snapshot(c, fn)).toEqual(before);
    });

    it('keeps a user value of another variable the layer would set, with a warning', async () => {
      const fn = await createFunction(c, { variables: { NET_PROFILER_SETTINGS: '/var/task/mine.yaml' } });
      const before = await snapshot(c, fn);
      const vars = { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', NET_PROFILER_SETTINGS: '/opt/profiler/settings/lambda/settings.yaml', NET_PROFILER_EXTRA: 'on' };
      const r = await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-keep', variables: vars });
      expect(r.variablesAdded).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', NET_PROFILER_EXTRA: 'on' });
      expect(r.warnings.map((w) => w.code)).toContain('kept-user-value');
      expect((await snapshot(c, fn)).variables.NET_PROFILER_SETTINGS).toBe('/var/task/mine.yaml');
      await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(await snapshot(c, fn)).toEqual(before);
    });

    it('--force replaces another wrapper and uninstrument gives it back', async () => {
      const fn = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument', A: 'b' } });
      const before = await snapshot(c, fn);
      const r = await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-force', force: true });
      expect(r.variablesChanged).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: { from: '/opt/otel-instrument', to: '/opt/profiler_wrapper' } });
      expect(r.warnings.map((w) => w.code)).toContain('wrapper-replaced');
      expect((await snapshot(c, fn)).variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/profiler_wrapper');
      // Instrumenting again (new version) keeps the value to give back.
      await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-force' });
      const u = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(u.variablesChanged).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: { from: '/opt/profiler_wrapper', to: '/opt/otel-instrument' } });
      expect(await snapshot(c, fn)).toEqual(before);
    });

    it('a value the user changed after instrument is kept by uninstrument', async () => {
      const fn = await createFunction(c);
      await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-changed' });
      const { UpdateFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
      const s = await snapshot(c, fn);
      await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { ...s.variables, AWS_LAMBDA_EXEC_WRAPPER: '/opt/mine' } } }));
      const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st.instrumented).toBe(false);
      expect(st.problems.map((p) => p.code)).toEqual(['wrapper-mismatch']);
      const u = await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
      expect(u.variablesRemoved).toEqual([]);
      expect(u.warnings.map((w) => w.code)).toContain('kept-user-value');
      expect(await snapshot(c, fn)).toEqual({ layers: [], variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/mine' }, tags: {} });
    });
  });

  describe('status', () => {
    it('reports a layer whose architecture no longer matches the function, and a missing layer', async () => {
      const fn = await createFunction(c, { arch: 'arm64' });
      await instrumentFunction({ ...awsOpts(moto), functionName: fn, zip: arm64Zip, layerName: 'np-status' });
      // The function is moved to x86_64 later (by its owner, outside net-profiler).
      const x64 = await publishLayer({ ...awsOpts(moto), zip: x64Zip, layerName: 'np-status' });
      const { UpdateFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
      const s = await snapshot(c, fn);
      // Simulate "arm64 layer on an x86_64 function" by attaching the x64 version to the arm64
      // function (moto ignores Architectures on UpdateFunctionCode, so the function cannot move).
      await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [x64.layerVersionArn] }));
      const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st.layer?.layerVersionArn).toBe(x64.layerVersionArn);
      expect(st.problems.map((p) => p.code)).toEqual(['architecture-mismatch']);

      await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [] }));
      const st2 = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st2.instrumented).toBe(false);
      expect(st2.problems.map((p) => p.code)).toEqual(['layer-missing']);
      expect(s.variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/profiler_wrapper');
    });

    it('not instrumented: no problems; the wrapper without its layer: a problem', async () => {
      const fn = await createFunction(c, { variables: { A: '1' } });
      expect(await functionStatus({ ...awsOpts(moto), functionName: fn })).toMatchObject({ instrumented: false, recorded: false, layer: null, problems: [] });
      const fn2 = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } });
      expect((await functionStatus({ ...awsOpts(moto), functionName: fn2 })).problems.map((p) => p.code)).toEqual(['wrapper-without-layer']);
    });

    it('a deleted layer version still attached: reported, not a crash', async () => {
      const v = await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'np-deleted' });
      const gone = await c.send(new PublishLayerVersionCommand({ LayerName: 'user-gone', Content: { ZipFile: await makeZip({ 'g.txt': 'g' }) } }));
      const fn = await createFunction(c, { layers: [gone.LayerVersionArn!] });
      const fn2 = await createFunction(c, { layers: [gone.LayerVersionArn!] }); // no record
      await instrumentFunction({ ...awsOpts(moto), functionName: fn, layerArn: v.layerVersionArn });
      const { DeleteLayerVersionCommand } = await import('@aws-sdk/client-lambda');
      await c.send(new DeleteLayerVersionCommand({ LayerName: 'np-deleted', VersionNumber: v.version }));
      await c.send(new DeleteLayerVersionCommand({ LayerName: 'user-gone', VersionNumber: gone.Version! }));
      const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st.problems.map((p) => p.code)).toEqual(['layer-unreadable']);
      expect(await functionStatus({ ...awsOpts(moto), functionName: fn2 })).toMatchObject({ instrumented: false, layer: null, problems: [] });
    });

    it('finds a profiler layer attached without a record', async () => {
      const v = await publishLayer({ ...awsOpts(moto), zip: arm64Zip, layerName: 'np-norecord' });
      const fn = await createFunction(c, { layers: [otherLayers[0]!, v.layerVersionArn], variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } });
      const st = await functionStatus({ ...awsOpts(moto), functionName: fn });
      expect(st).toMatchObject({ instrumented: true, recorded: false, layer: { position: 1, version: v.version } });
      expect(st.problems.map((p) => p.code)).toEqual(['no-record']);
    });
  });
});
