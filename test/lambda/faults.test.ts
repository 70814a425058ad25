// What moto never does by itself, injected by a proxy in front of the real emulator:
// Lambda's "update in progress" conflict, an update still in progress, the network going
// away mid-way, the emulator stopped mid-way. And the 250 MB unzipped check, with the
// function's code location pointed at a local server that honours (or ignores) ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as http from 'http';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { instrumentFunction, listLayerVersions, listRegionFunctions, publishLayer, remoteZipSize, uninstrumentFunction } from '../../lib/lambda';
import { lambdaClient } from '../../lib/lambda/aws';
import { NetProfilerError } from '../../lib/errors';
import { cliAsync, freePort, needMoto, startMoto, startProxy, type FaultProxy, type Moto } from '../helpers/moto';
import { awsOpts, client, createFunction, createRole, makeZip, snapshot, tmpDir, writeLayer } from './fixtures';

const run = needMoto();

const isUpdate = (r: { method: string; url: string }) => r.method === 'PUT' && /\/functions\/[^/]+\/configuration$/.test(r.url);
const isGetConfig = (r: { method: string; url: string }) => r.method === 'GET' && /\/functions\/[^/]+\/configuration$/.test(r.url);
const isTag = (r: { method: string; url: string }) => r.method === 'POST' && /\/tags\//.test(r.url);
const isGetFunction = (r: { method: string; url: string }) => r.method === 'GET' && /\/functions\/[^/?]+(\?.*)?$/.test(r.url);

async function failure(p: Promise<unknown>): Promise<NetProfilerError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetProfilerError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

/** A ZIP whose central directory claims `claimed` bytes unzipped (the data is tiny; only the directory is read). */
async function zipClaiming(claimed: number, comment = 0): Promise<Buffer> {
  const z = await makeZip({ 'big.bin': Buffer.alloc(1000, 1) }, { compress: true });
  // Patch the uncompressed size in the central directory entry (offset 24 of it).
  const cen = z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  z.writeUInt32LE(claimed, cen + 24);
  if (comment === 0) return z;
  const withComment = Buffer.concat([z, Buffer.alloc(comment, 0x41)]);
  withComment.writeUInt16LE(comment, z.length - 2);
  return withComment;
}

/** Serves `body` over HTTP, honouring Range (or not), and counts the bytes it sent. */
async function serve(body: Buffer, ranges: boolean): Promise<{ url: string; sent: () => number; ranges: string[]; close(): Promise<void> }> {
  let sent = 0;
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const range = req.headers.range;
    if (range) seen.push(range);
    const m = ranges && range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
    if (m) {
      let start: number;
      let end: number;
      if (m[1] === '') {
        start = Math.max(0, body.length - Number(m[2]));
        end = body.length - 1;
      } else {
        start = Number(m[1]);
        end = m[2] === '' ? body.length - 1 : Math.min(Number(m[2]), body.length - 1);
      }
      const part = body.subarray(start, end + 1);
      sent += part.length;
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': part.length });
      res.end(part);
      return;
    }
    sent += body.length;
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/code.zip?X-Amz-Signature=secret`, sent: () => sent, ranges: seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('remote ZIP size from the central directory', () => {
  it('reads only the end of the file when the server honours ranges', async () => {
    const zip = await zipClaiming(123_456_789);
    const padded = await makeZip({ 'pad.bin': Buffer.alloc(2_000_000, 3), 'big.bin': Buffer.alloc(10, 1) }, { compress: false });
    const s = await serve(padded, true);
    try {
      const r = await remoteZipSize(s.url);
      expect(r).toMatchObject({ ranged: true, zipBytes: padded.length, unzippedBytes: 2_000_010 });
      expect(s.sent()).toBeLessThan(70_000);
      expect(s.ranges[0]).toMatch(/^bytes=-\d+$/);
    } finally {
      await s.close();
    }
    const s2 = await serve(zip, true);
    try {
      expect((await remoteZipSize(s2.url)).unzippedBytes).toBe(123_456_789);
    } finally {
      await s2.close();
    }
  });

  it('asks for more when the directory starts before the first range (long comment, many entries)', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 1500; i++) files[`dir/entry-with-a-longish-name-${String(i).padStart(5, '0')}.txt`] = Buffer.from(String(i));
    const zip = await makeZip(files, { compress: false });
    const s = await serve(zip, true);
    try {
      const r = await remoteZipSize(s.url);
      expect(r.unzippedBytes).toBe(Object.values(files).reduce((a, b) => a + b.length, 0));
      expect(s.ranges.length).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('reads the whole file from a server that ignores ranges', async () => {
    const zip = await zipClaiming(5000);
    const s = await serve(zip, false);
    try {
      expect(await remoteZipSize(s.url)).toMatchObject({ ranged: false, unzippedBytes: 5000 });
    } finally {
      await s.close();
    }
  });

  it('a server that ignores ranges with a file larger than any Lambda ZIP: refused without reading it', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(300_000_000) });
      res.write(Buffer.alloc(1024));
      res.on('close', () => res.destroy());
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const e = await failure(remoteZipSize(`http://127.0.0.1:${port}/huge.zip`));
      expect(e.code).toBe('download-failed');
      expect(e.message).toMatch(/ignores ranges and the file is 300000000 bytes/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });

  it('an unreachable location is a clear error without the presigned query', async () => {
    const port = await freePort();
    const e = await failure(remoteZipSize(`http://127.0.0.1:${port}/x.zip?X-Amz-Signature=secret`));
    expect(e.code).toBe('download-failed');
    expect(e.message).not.toContain('secret');
  });
});

describe.runIf(run)('faults against moto behind a proxy', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let c: LambdaClient;
  let tmp: ReturnType<typeof tmpDir>;
  let zip: string;

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    proxy = await startProxy(moto);
    c = client(moto);
    tmp = tmpDir();
    zip = await writeLayer(tmp.dir, 'arm64');
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
    tmp?.cleanup();
  });

  const reset = () => {
    proxy.rule = () => ({ kind: 'forward' });
    delete proxy.rewrite;
    proxy.seen.length = 0;
  };

  it('retries the conflict Lambda returns while an update is in progress, and waits for Successful', async () => {
    reset();
    const fn = await createFunction(c, { variables: { A: '1' } });
    let conflicts = 0;
    proxy.rule = (r) => {
      if (isUpdate(r) && conflicts < 2) {
        conflicts++;
        return { kind: 'respond', status: 409, errorType: 'ResourceConflictException', body: { Type: 'User', message: 'The operation cannot be performed at this time. An update is in progress for resource' } };
      }
      return { kind: 'forward' };
    };
    // The SDK's waiter (waitUntilFunctionUpdatedV2) reads GetFunction: after the update,
    // report InProgress twice, then let moto's Successful through.
    let inProgress = 2;
    proxy.rewrite = (r, body) => {
      if (isGetFunction(r) && proxy.seen.some(isUpdate) && inProgress > 0) {
        inProgress--;
        const b = body as { Configuration?: object };
        return { ...b, Configuration: { ...b.Configuration, LastUpdateStatus: 'InProgress' } };
      }
      return body;
    };
    const r = await instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-conflict' });
    expect(r.applied).toBe(true);
    expect(conflicts).toBe(2);
    expect(inProgress).toBe(0);
    expect(proxy.seen.filter(isUpdate)).toHaveLength(3);
    const afterUpdate = proxy.seen.slice(proxy.seen.findIndex(isUpdate));
    expect(afterUpdate.filter(isGetFunction)).toHaveLength(3);
    expect(afterUpdate.filter(isGetConfig)).toHaveLength(0);
    expect((await snapshot(c, fn)).variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/profiler_wrapper');
  });

  it('gives up on a conflict that lasts past the time limit, with the function unchanged', async () => {
    reset();
    const fn = await createFunction(c, { variables: { A: '1' } });
    const before = await snapshot(c, fn);
    proxy.rule = (r) =>
      isUpdate(r) ? { kind: 'respond', status: 409, errorType: 'ResourceConflictException', body: { Type: 'User', message: 'An update is in progress' } } : { kind: 'forward' };
    const opts = { ...awsOpts(moto, proxy.url), retry: { initialDelayMs: 50, maxDelayMs: 100, timeoutMs: 600 } };
    const e = await failure(instrumentFunction({ ...opts, functionName: fn, zip, layerName: 'np-conflict2' }));
    expect(e.code).toBe('update-in-progress');
    expect(e.kind).toBe('outside');
    reset();
    const after = await snapshot(c, fn);
    expect(after.layers).toEqual(before.layers);
    expect(after.variables).toEqual(before.variables);
    // The record was written first; uninstrument takes the function back to exactly before.
    await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('the network going away mid-way: exit 3, a clear message, the function not half-changed', async () => {
    reset();
    const fn = await createFunction(c, { layers: [], variables: { TABLE_NAME: 'demo' }, tags: { team: 'x' } });
    const before = await snapshot(c, fn);
    proxy.rule = (r) => (isUpdate(r) ? { kind: 'drop' } : { kind: 'forward' });
    const r = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'np-net', '--endpoint-url', proxy.url, '--region', 'eu-central-1'], moto.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error aws-unreachable: cannot reach AWS while updating the configuration of .*\((ECONNRESET|EPIPE|ECONNREFUSED)\)/);
    expect(r.stderr).toMatch(/lambda status/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    reset();
    const after = await snapshot(c, fn);
    expect(after.layers).toEqual(before.layers);
    expect(after.variables).toEqual(before.variables);
    // status says what is wrong; uninstrument restores exactly.
    const st = await cliAsync(['lambda', 'status', fn, '--json'], moto.env);
    expect(st.code).toBe(1);
    expect(JSON.parse(st.stdout).problems.map((p: { code: string }) => p.code)).toContain('layer-missing');
    const u = await cliAsync(['lambda', 'uninstrument', fn, '--json'], moto.env);
    expect(u.code).toBe(0);
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('tagging fails: the configuration is not touched (the record is written before the update)', async () => {
    reset();
    const fn = await createFunction(c, { variables: { A: '1' } });
    const before = await snapshot(c, fn);
    proxy.rule = (r) => (isTag(r) ? { kind: 'drop' } : { kind: 'forward' });
    const e = await failure(instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-tagfail' }));
    expect(e.code).toBe('aws-unreachable');
    expect(e.message).toMatch(/configuration was not changed/);
    expect(proxy.seen.filter(isUpdate)).toHaveLength(0);
    reset();
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('the wait after the update fails: the record is there, so uninstrument still restores exactly', async () => {
    reset();
    const fn = await createFunction(c, { layers: [], variables: { KEEP: 'me' } });
    const before = await snapshot(c, fn);
    // Every read after the update is dropped: the waiter keeps trying until its time limit.
    proxy.rule = (r) => (isGetFunction(r) && proxy.seen.some(isUpdate) ? { kind: 'drop' } : { kind: 'forward' });
    const opts = { ...awsOpts(moto, proxy.url), retry: { initialDelayMs: 50, maxDelayMs: 100, timeoutMs: 1000 } };
    const e = await failure(instrumentFunction({ ...opts, functionName: fn, zip, layerName: 'np-waitfail' }));
    expect(e.code).toBe('update-timeout');
    expect(e.kind).toBe('outside');
    expect(e.message).toMatch(/had not finished updating at the time limit \(last answer: .*(ECONNRESET|socket hang up)/);
    expect(e.message).toMatch(/update was accepted/);
    expect(e.message).not.toContain('\n');
    reset();
    const mid = await snapshot(c, fn);
    expect(mid.variables).toEqual({ KEEP: 'me', AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' });
    await uninstrumentFunction({ ...awsOpts(moto), functionName: fn });
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('Lambda reports the update Failed: update-failed with Lambda\'s reason', async () => {
    reset();
    const fn = await createFunction(c, { variables: { KEEP: 'me' } });
    proxy.rewrite = (r, body) => {
      if (!isGetFunction(r) || !proxy.seen.some(isUpdate)) return body;
      const b = body as { Configuration?: object };
      return { ...b, Configuration: { ...b.Configuration, LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: 'InvalidLayer', LastUpdateStatusReason: 'the layer is gone' } };
    };
    const e = await failure(instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-failed' }));
    expect(e.code).toBe('update-failed');
    expect(e.message).toMatch(/InvalidLayer the layer is gone/);
    reset();
  });

  it('refuses a function whose code and layers would exceed 250 MB unzipped, reading only directories', async () => {
    reset();
    const fn = await createFunction(c);
    const before = await snapshot(c, fn);
    const big = await serve(await zipClaiming(262_144_000 - 100), true);
    try {
      proxy.rewrite = (r, body) => (isGetFunction(r) ? { ...(body as object), Code: { RepositoryType: 'S3', Location: big.url } } : body);
      const e = await failure(instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-big' }));
      expect(e.code).toBe('unzipped-too-large');
      expect(e.kind).toBe('refused');
      expect(big.ranges.every((x) => x.startsWith('bytes='))).toBe(true);
      expect(await snapshot(c, fn)).toEqual(before);
      // Just under: accepted, no warning about the check.
      const small = await serve(await zipClaiming(1000), true);
      proxy.rewrite = (r, body) => (isGetFunction(r) ? { ...(body as object), Code: { RepositoryType: 'S3', Location: small.url } } : body);
      const ok = await instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-big', dryRun: true });
      expect(ok.warnings.map((w) => w.code)).not.toContain('size-not-checked');
      await small.close();
    } finally {
      await big.close();
      reset();
    }
  });

  it('lists every page of layer versions and of functions (the SDK paginators), when the server pages', async () => {
    reset();
    // moto answers every list in one page: the proxy pages its answers by MaxItems and Marker, as Lambda does.
    proxy.rewrite = (r, body) => {
      const u = new URL(r.url, 'http://x');
      const max = Number(u.searchParams.get('MaxItems') ?? 0);
      const field = /\/layers\/[^/]+\/versions$/.test(u.pathname) ? 'LayerVersions' : /\/functions\/?$/.test(u.pathname) ? 'Functions' : undefined;
      const b = body as Record<string, unknown[]>;
      if (!field || !max || !Array.isArray(b[field])) return body;
      const from = Number(u.searchParams.get('Marker') ?? 0);
      const all = b[field]!;
      return { ...b, [field]: all.slice(from, from + max), ...(from + max < all.length ? { NextMarker: String(from + max) } : { NextMarker: null }) };
    };
    for (let i = 0; i < 5; i++) await publishLayer({ ...awsOpts(moto), zip, layerName: 'np-pages' });
    const pages = () => proxy.seen.filter((x) => x.url.includes('/layers/np-pages/versions')).length;
    const all = await listLayerVersions(lambdaClient(awsOpts(moto, proxy.url)), 'np-pages', 2);
    expect(all.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(pages()).toBe(3);
    // instrument --zip takes the next version from every page.
    const fn = await createFunction(c);
    const dry = await instrumentFunction({ ...awsOpts(moto, proxy.url), functionName: fn, zip, layerName: 'np-pages', dryRun: true });
    expect(dry.layersAfter).toEqual([`arn:aws:lambda:eu-central-1:123456789012:layer:np-pages:6`]);
    // Every function of the region, over pages of 50.
    for (let i = 0; i < 52; i++) await createFunction(c, { name: `np-page-fn-${i}` });
    const fns = await listRegionFunctions(lambdaClient(awsOpts(moto, proxy.url)), 'eu-central-1');
    expect(fns.filter((f) => f.FunctionName?.startsWith('np-page-fn-'))).toHaveLength(52);
    expect(proxy.seen.filter((x) => /\/functions\/?\?/.test(x.url)).length).toBeGreaterThanOrEqual(2);
    reset();
  });

  it('the emulator stopped mid-way: a clear error and exit 3', async () => {
    reset();
    const fn = await createFunction(c);
    // Stop moto as soon as the function has been read.
    let stopping: Promise<void> | undefined;
    proxy.rule = (r) => {
      if (isGetFunction(r) && !stopping) {
        stopping = new Promise((res) => setTimeout(() => void moto.stop().then(res), 0));
      }
      return stopping && !isGetFunction(r) ? { kind: 'drop' } : { kind: 'forward' };
    };
    const r = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'np-stop', '--endpoint-url', proxy.url, '--region', 'eu-central-1'], moto.env);
    await stopping;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error aws-unreachable: cannot reach AWS while/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // And with nothing listening at all.
    const port = await freePort();
    const r2 = await cliAsync(['lambda', 'status', fn, '--endpoint-url', `http://127.0.0.1:${port}`, '--json'], moto.env);
    expect(r2.code).toBe(3);
    expect(JSON.parse(r2.stdout)).toMatchObject({ ok: false, error: { code: 'aws-unreachable' } });
  });
});
