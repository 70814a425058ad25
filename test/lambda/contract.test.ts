// The lambda contract through the real bin (docs/lambda.md): usage errors that name the
// flag and what it accepts, applied:false when nothing changed, uninstrument --dry-run,
// the refusal document of every refusal code, AWS_PROFILE, publish --s3-bucket (a real
// layer above 50 MB), the layer package given instead of the layer ZIP, one clear line
// per AWS failure (no SDK noise), and secrets of the function's environment never in
// any output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { GetLayerVersionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { buildLayer } from '../../lib/layer';
import { cliAsync, needMoto, REGION, startMoto, startProxy, type FaultProxy, type Moto } from '../helpers/moto';
import { cli } from '../helpers/cli';
import { client, createFunction, createRole, makeZip, RELEASE, snapshot, tmpDir, writeBigLayer, writeLayer } from './fixtures';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';

const NO_AWS = { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

/** stderr of a failure: the error line and its fix line, nothing else. */
function oneClearLine(stderr: string, code: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^net-profiler: error ${code}: `));
  expect(lines[1]).toMatch(/^ {4}fix: \S/);
  expect(stderr).not.toMatch(/Deserialization error|\$response|non-retryable|NodeVersionSupportWarning|\n\s+at /);
}

describe('usage errors name the flag and what it accepts, before any AWS call', () => {
  const cases: { args: string[]; argument: string; says: RegExp }[] = [
    { args: ['lambda', 'status', 'fn', '--endpoint-url', 'notaurl'], argument: 'endpoint-url', says: /^net-profiler: --endpoint-url "notaurl" is not an endpoint URL \(accepted: http:\/\/HOST\[:PORT\], https:\/\/HOST\[:PORT\]\)$/m },
    { args: ['lambda', 'status', 'fn', '--endpoint-url', 'ftp://x'], argument: 'endpoint-url', says: /^net-profiler: --endpoint-url "ftp:\/\/x" is not an endpoint URL \(accepted: http/m },
    { args: ['lambda', 'instrument', 'fn', '--layer-arn', 'notanarn'], argument: 'layer-arn', says: /^net-profiler: --layer-arn "notanarn" is not a layer version ARN \(accepted: arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION\)$/m },
    { args: ['lambda', 'status', ''], argument: 'function', says: /^net-profiler: FUNCTION is empty: no function name given \(accepted: a function name, its ARN\)$/m },
    { args: ['lambda', 'uninstrument', 'no spaces allowed'], argument: 'function', says: /^net-profiler: FUNCTION "no spaces allowed" is not a Lambda function name or ARN/m },
    { args: ['lambda', 'status', 'fn', '--region', 'mars-1'], argument: 'region', says: /^net-profiler: --region "mars-1" is not an AWS region name \(accepted: /m },
    { args: ['lambda', 'publish', 'x.zip', '--layer-name', 'bad name!'], argument: 'layer-name', says: /^net-profiler: --layer-name "bad name!" is not a layer name/m },
    { args: ['lambda', 'publish', 'x.zip', '--layer-name', 'l', '--s3-bucket', 'Bad_Bucket'], argument: 's3-bucket', says: /^net-profiler: --s3-bucket "Bad_Bucket" is not an S3 bucket name/m },
    { args: ['lambda', 'instrument', 'fn', '--zip', 'x.zip'], argument: 'layer-name', says: /needs a layer name/ },
    { args: ['lambda', 'instrument', 'fn'], argument: 'layer-arn', says: /give a layer ARN, a layer name, or a ZIP with a layer name \(accepted: --layer-arn ARN, --layer-name NAME \[--layer-version N\], --zip ZIP --layer-name NAME\)/ },
    { args: ['lambda', 'status'], argument: 'function', says: /no function selected \(accepted: FUNCTION\.\.\., --functions-regex RE, --all\)/ },
    { args: ['lambda', 'status', '--all', '--functions-regex', 'a:b'], argument: 'functions-regex', says: /has a ':'; it matches function names, not ARNs/ },
    { args: ['lambda', 'instrument', 'fn', '--layer-name', 'l', '--layer-version', '0'], argument: 'layer-version', says: /--layer-version is a version number/ },
  ];
  for (const t of cases) {
    it(`${t.args.slice(1).map((a) => (a === '' ? "''" : a)).join(' ')}`, () => {
      const r = cli(t.args, { env: NO_AWS });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(t.says);
      expect(r.stderr).toMatch(new RegExp(`^usage: net-profiler lambda ${t.args[1]} `, 'm'));
      expect(r.stderr).not.toMatch(/ENOTFOUND|ECONNREFUSED|aws-unreachable|\n\s+at /);
      const j = cli([...t.args, '--json'], { env: NO_AWS });
      expect(j.code).toBe(2);
      const doc = JSON.parse(j.stdout);
      expect(doc).toMatchObject({ ok: false, error: { code: 'bad-argument', argument: t.argument } });
      expect(doc.error.usage).toMatch(new RegExp(`^net-profiler lambda ${t.args[1]} `));
    });
  }

  it('a huge argument is quoted by a short prefix only', () => {
    const r = cli(['lambda', 'status', 'x'.repeat(120_000) + ' y'], { env: NO_AWS });
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(1000);
    expect(r.stderr).toMatch(/\(120002 characters\)/);
  });
});

describe.runIf(needMoto())('the lambda contract against moto', () => {
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
    tmp = tmpDir('np-contract-');
    zip = await writeLayer(tmp.dir, 'arm64');
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
    tmp?.cleanup();
  });

  it('instrument a second time, and uninstrument of a function not instrumented: applied false, nothing changed', async () => {
    const fn = await createFunction(c, { variables: { A: '1' } });
    const first = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'ct-twice', '--json'], moto.env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).applied).toBe(true);
    const arn = JSON.parse(first.stdout).layersAfter[0] as string;
    const mid = await snapshot(c, fn);
    const again = await cliAsync(['lambda', 'instrument', fn, '--layer-arn', arn, '--json'], moto.env);
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc).toMatchObject({ ok: true, applied: false, variablesAdded: {}, variablesChanged: {}, variablesRemoved: [] });
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('already-instrumented');
    expect(await snapshot(c, fn)).toEqual(mid);
    const human = await cliAsync(['lambda', 'instrument', fn, '--layer-arn', arn], moto.env);
    expect(human.stdout).toMatch(new RegExp(`^instrument \\(nothing to change\\): ${fn}$`, 'm'));

    const other = await createFunction(c);
    const un = await cliAsync(['lambda', 'uninstrument', other, '--json'], moto.env);
    expect(un.code).toBe(0);
    expect(JSON.parse(un.stdout)).toMatchObject({ ok: true, applied: false, warnings: [{ code: 'not-instrumented' }] });
  });

  it('uninstrument --dry-run through the CLI: the plan, nothing changed', async () => {
    const fn = await createFunction(c, { variables: { TABLE: 't' } });
    expect((await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'ct-undry'], moto.env)).code).toBe(0);
    const mid = await snapshot(c, fn);
    const dry = await cliAsync(['lambda', 'uninstrument', fn, '--dry-run', '--json'], moto.env);
    expect(dry.code, dry.stderr).toBe(0);
    const d = JSON.parse(dry.stdout);
    expect(Object.keys(d)).toEqual(['ok', 'applied', 'function', 'layersBefore', 'layersAfter', 'variablesAdded', 'variablesChanged', 'variablesRemoved', 'warnings']);
    expect(d).toMatchObject({ ok: true, applied: false, function: fn, layersBefore: mid.layers, layersAfter: [], variablesRemoved: ['AWS_LAMBDA_EXEC_WRAPPER'] });
    const human = await cliAsync(['lambda', 'uninstrument', fn, '--dry-run'], moto.env);
    expect(human.stdout).toBe(
      [`uninstrument (dry run, nothing changed): ${fn}`, 'layers before:', `  ${mid.layers[0]}`, 'layers after:', '  (none)', 'variables:', '  - AWS_LAMBDA_EXEC_WRAPPER', ''].join('\n'),
    );
    expect(await snapshot(c, fn)).toEqual(mid);
  });

  it('the refusal document of every refusal code, in the order of the contract, nothing changed and nothing published', async () => {
    const others: string[] = [];
    for (const n of ['ct-a', 'ct-b', 'ct-c', 'ct-d', 'ct-e']) {
      others.push((await c.send(new PublishLayerVersionCommand({ LayerName: n, Content: { ZipFile: await makeZip({ [`${n}.txt`]: n }) } }))).LayerVersionArn!);
    }
    const reservedDir = path.join(tmp.dir, 'reserved');
    fs.mkdirSync(reservedDir);
    const reservedZip = path.join(reservedDir, path.basename(zip));
    fs.copyFileSync(zip, reservedZip);
    fs.writeFileSync(path.join(reservedDir, 'function-environment.json'), JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', AWS_REGION: 'us-east-1' } }));
    const cases: { code: string; fn: () => Promise<string>; zip?: string }[] = [
      { code: 'package-type-image', fn: () => createFunction(c, { image: true, arch: 'x86_64' }) },
      { code: 'unsupported-runtime', fn: () => createFunction(c, { runtime: 'java21', arch: 'x86_64' }) },
      { code: 'architecture-mismatch', fn: () => createFunction(c, { arch: 'x86_64', variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } }) },
      { code: 'too-many-layers', fn: () => createFunction(c, { layers: others, variables: { BIG: 'y'.repeat(4090) } }) },
      { code: 'environment-too-large', fn: () => createFunction(c, { variables: { BIG: 'y'.repeat(4080), AWS_LAMBDA_EXEC_WRAPPER: '/x' } }) },
      { code: 'reserved-variable', fn: () => createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/x' } }), zip: reservedZip },
      { code: 'wrapper-conflict', fn: () => createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/other' } }) },
    ];
    const results = await Promise.all(
      cases.map(async (t) => {
        const fn = await t.fn();
        const before = await snapshot(c, fn);
        const j = await cliAsync(['lambda', 'instrument', fn, '--zip', t.zip ?? zip, '--layer-name', 'ct-refused', '--json'], moto.env);
        const h = await cliAsync(['lambda', 'instrument', fn, '--zip', t.zip ?? zip, '--layer-name', 'ct-refused'], moto.env);
        return { t, fn, before, j, h, after: await snapshot(c, fn) };
      }),
    );
    for (const { t, fn, before, j, h, after } of results) {
      expect(j.code, `${t.code}: ${j.stdout}${j.stderr}`).toBe(1);
      const doc = JSON.parse(j.stdout);
      expect(Object.keys(doc)).toEqual(['ok', 'refusal']);
      expect(doc.ok).toBe(false);
      expect(Object.keys(doc.refusal)).toEqual(['code', 'message', 'fix']);
      expect(doc.refusal.code).toBe(t.code);
      expect(doc.refusal.message).toContain(fn);
      expect(j.stderr).toBe('');
      expect(h.code).toBe(1);
      expect(h.stdout).toBe('');
      expect(h.stderr).toMatch(new RegExp(`^net-profiler: refused ${t.code}: .*\\n {4}fix: .+\\nNothing was changed\\.\\n$`));
      expect(after).toEqual(before);
    }
    await expect(c.send(new GetLayerVersionCommand({ LayerName: 'ct-refused', VersionNumber: 1 }))).rejects.toThrow();
  });

  it('honours AWS_PROFILE (region and credentials from the profile), and names a profile that does not exist', async () => {
    const fn = await createFunction(c);
    const cfg = path.join(tmp.dir, 'aws-config');
    const creds = path.join(tmp.dir, 'aws-credentials');
    fs.writeFileSync(cfg, `[default]\nregion = us-west-2\n\n[profile np-test]\nregion = ${REGION}\n`);
    fs.writeFileSync(creds, '[np-test]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    // Unset (undefined: left out of the child's environment), not empty.
    const unset = undefined as unknown as string;
    const env = { ...moto.env, AWS_REGION: unset, AWS_DEFAULT_REGION: unset, AWS_ACCESS_KEY_ID: unset, AWS_SECRET_ACCESS_KEY: unset, AWS_SESSION_TOKEN: unset, AWS_CONFIG_FILE: cfg, AWS_SHARED_CREDENTIALS_FILE: creds };
    const ok = await cliAsync(['lambda', 'status', fn, '--json'], { ...env, AWS_PROFILE: 'np-test' });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ function: fn, instrumented: false });
    // Without the profile the default one's region (us-west-2) is used, where the function is not.
    const def = await cliAsync(['lambda', 'status', fn, '--json'], { ...env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    expect(def.code).toBe(3);
    expect(JSON.parse(def.stdout).error.code).toBe('function-not-found');
    const missing = await cliAsync(['lambda', 'status', fn, '--region', REGION], { ...env, AWS_PROFILE: 'nosuch' });
    expect(missing.code).toBe(3);
    oneClearLine(missing.stderr, 'no-profile');
    expect(missing.stderr).toContain('"nosuch"');
    expect(missing.stderr).toContain(cfg);
  });

  it('publish --s3-bucket through the CLI: a layer above 50 MB goes through S3; a missing bucket is one clear line', async () => {
    const big = await writeBigLayer(tmp.dir);
    expect(fs.statSync(big).size).toBeGreaterThan(50 * 1024 * 1024);
    const s3 = new S3Client({ region: REGION, endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'np-cli-layers', CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const without = await cliAsync(['lambda', 'publish', big, '--layer-name', 'ct-big', '--json'], moto.env);
    expect(without.code).toBe(1);
    expect(JSON.parse(without.stdout)).toMatchObject({ ok: false, refusal: { code: 's3-bucket-required' } });
    const r = await cliAsync(['lambda', 'publish', big, '--layer-name', 'ct-big', '--s3-bucket', 'np-cli-layers'], moto.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^published arn:aws:lambda:eu-central-1:123456789012:layer:ct-big:1 \(arm64; .*; via s3:\/\/np-cli-layers\/net-profiler\/layers\/ct-big\/[0-9a-f]{64}\.zip\)\n$/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'np-cli-layers' }));
    expect(listed.Contents?.map((o) => o.Size)).toEqual([fs.statSync(big).size]);
    expect((await c.send(new GetLayerVersionCommand({ LayerName: 'ct-big', VersionNumber: 1 }))).CompatibleArchitectures).toEqual(['arm64']);

    const nb = await cliAsync(['lambda', 'publish', big, '--layer-name', 'ct-big', '--s3-bucket', 'np-no-such-bucket'], moto.env);
    expect(nb.code).toBe(3);
    oneClearLine(nb.stderr, 'bucket-not-found');
    expect(nb.stderr).toMatch(/uploading .* to s3:\/\/np-no-such-bucket\/net-profiler\/layers\/ct-big\/.*No layer version was published/);
    fs.rmSync(big);
  });

  it('the layer package given instead of the layer ZIP: says what it is and which file to use', async () => {
    const out = path.join(tmp.dir, 'pkg-out');
    const built = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: out });
    const r = await cliAsync(['lambda', 'publish', built.packageZip, '--layer-name', 'ct-pkg', '--json'], moto.env);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('invalid-layer');
    expect(doc.error.message).toContain('is the layer package');
    expect(doc.error.fix).toContain(path.basename(built.layerZip));
    expect(doc.error.fix).toContain(built.layerZip);
    const i = await cliAsync(['lambda', 'instrument', 'any-fn', '--zip', built.packageZip, '--layer-name', 'ct-pkg'], moto.env);
    expect(i.code).toBe(1);
    expect(i.stderr).toMatch(/error invalid-layer: .*is the layer package/);
  });

  it('every AWS failure is one clear line: not found, access denied, an answer that is not JSON; throttling is retried honouring Retry-After', async () => {
    const fn = await createFunction(c);
    const viaProxy = { ...moto.env, AWS_ENDPOINT_URL: proxy.url };
    const nf = await cliAsync(['lambda', 'status', 'ct-no-such-fn'], moto.env);
    expect(nf.code).toBe(3);
    oneClearLine(nf.stderr, 'function-not-found');

    proxy.rule = () => ({ kind: 'respond', status: 403, errorType: 'UnrecognizedClientException', body: { message: 'The security token included in the request is invalid.' } });
    const denied = await cliAsync(['lambda', 'status', fn], viaProxy);
    expect(denied.code).toBe(3);
    oneClearLine(denied.stderr, 'access-denied');
    expect(denied.stderr).toMatch(/reading the configuration of .*UnrecognizedClientException \(HTTP 403\): The security token included in the request is invalid/);

    proxy.rule = () => ({ kind: 'raw', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    const html = await cliAsync(['lambda', 'status', fn], viaProxy);
    expect(html.code).toBe(3);
    oneClearLine(html.stderr, 'aws-error');

    // Throttled twice with Retry-After: retried, honouring the wait, and it succeeds.
    let throttled = 0;
    const seenAt: number[] = [];
    proxy.rule = () => {
      seenAt.push(Date.now());
      return throttled++ < 2 ? { kind: 'respond', status: 429, errorType: 'TooManyRequestsException', body: { message: 'Rate exceeded' }, headers: { 'retry-after': '1' } } : { kind: 'forward' };
    };
    const ok = await cliAsync(['lambda', 'status', fn, '--json'], viaProxy);
    expect(ok.code, ok.stderr).toBe(0);
    expect(seenAt[1]! - seenAt[0]!).toBeGreaterThanOrEqual(900);
    expect(seenAt[2]! - seenAt[1]!).toBeGreaterThanOrEqual(900);
    proxy.rule = () => ({ kind: 'forward' });
  });

  it('secrets of the function\'s environment never reach any output, unless --show-secrets', async () => {
    const TOKEN = 'dt0c01.ABCDEFGH12345678.PLANTEDSECRETPLANTEDSECRETPLANTED0001';
    const TOKEN2 = 'dt0c01.ZYXWVUTS87654321.PLANTEDSECRETPLANTEDSECRETPLANTED0002';
    const PASSWORD = 'hunter2-planted-password';
    const secrets = [TOKEN, TOKEN2, PASSWORD, 'PLANTEDSECRET'];
    const dir = path.join(tmp.dir, 'secret-pkg');
    fs.mkdirSync(dir);
    const z = path.join(dir, path.basename(zip));
    fs.copyFileSync(zip, z);
    fs.writeFileSync(
      path.join(dir, 'function-environment.json'),
      JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', DT_API_TOKEN: TOKEN2, NET_PROFILER_EXPORT_TOKEN: TOKEN2 } }),
    );
    const fn = await createFunction(c, { variables: { DT_API_TOKEN: TOKEN, DB_PASSWORD: PASSWORD, PLAIN: 'x' } });
    const runs: { args: string[]; code: number; out: string }[] = [];
    const np = async (args: string[]) => {
      const r = await cliAsync(args, moto.env);
      runs.push({ args, code: r.code, out: r.stdout + r.stderr });
      return r;
    };
    for (const json of [[], ['--json']]) {
      await np(['lambda', 'instrument', fn, '--zip', z, '--layer-name', 'ct-secret', '--dry-run', ...json]);
    }
    await np(['lambda', 'instrument', fn, '--zip', z, '--layer-name', 'ct-secret']);
    // Someone changes the variable instrument set: status reports the mismatch, with the values.
    const s = await snapshot(c, fn);
    await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { ...s.variables, NET_PROFILER_EXPORT_TOKEN: TOKEN } } }));
    for (const json of [[], ['--json']]) {
      await np(['lambda', 'status', fn, ...json]);
      await np(['lambda', 'instrument', fn, '--zip', z, '--layer-name', 'ct-secret', '--dry-run', ...json]);
      await np(['lambda', 'uninstrument', fn, '--dry-run', ...json]);
    }
    const status = JSON.parse(runs.find((r) => r.args[1] === 'status' && r.args.includes('--json'))!.out);
    expect(status.problems.map((p: { code: string }) => p.code)).toContain('variable-mismatch');
    expect(status.record.set.NET_PROFILER_EXPORT_TOKEN).toMatch(/^dt0c01\.ZYXW\*+$/);
    const dryJson = JSON.parse(runs.find((r) => r.args.includes('--dry-run') && r.args.includes('--json') && r.args[1] === 'instrument')!.out);
    expect(dryJson.variablesAdded.NET_PROFILER_EXPORT_TOKEN).toMatch(/^dt0c01\.ZYXW\*+$/);
    expect(dryJson.warnings.some((w: { code: string; message: string }) => w.code === 'kept-user-value' && w.message.includes('DT_API_TOKEN'))).toBe(true);
    await np(['lambda', 'uninstrument', fn]);
    await np(['lambda', 'uninstrument', fn, '--json']);
    expect(runs.length).toBe(11);
    for (const r of runs) {
      expect(r.code, `${r.args.join(' ')}: ${r.out}`).toBeLessThanOrEqual(1);
      for (const secret of secrets) expect(r.out, r.args.join(' ')).not.toContain(secret);
    }
    // --show-secrets reveals them.
    const fresh = await createFunction(c, { variables: { DT_API_TOKEN: TOKEN } });
    const shownPlan = await cliAsync(['lambda', 'instrument', fresh, '--zip', z, '--layer-name', 'ct-secret', '--dry-run', '--json', '--show-secrets'], moto.env);
    expect(JSON.parse(shownPlan.stdout).variablesAdded.NET_PROFILER_EXPORT_TOKEN).toBe(TOKEN2);
    const applied = await cliAsync(['lambda', 'instrument', fresh, '--zip', z, '--layer-name', 'ct-secret', '--json'], moto.env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).not.toContain(TOKEN2);
    const shown = await cliAsync(['lambda', 'status', fresh, '--json', '--show-secrets'], moto.env);
    expect(JSON.parse(shown.stdout).record.set.NET_PROFILER_EXPORT_TOKEN).toBe(TOKEN2);
  });
});
