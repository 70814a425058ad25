// The `lambda` command group as a user runs it (the real bin, built by `npm run build`),
// against moto: JSON documents of docs/lambda.md, exit codes, human output, flags and the AWS
// environment settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { cliAsync, needMoto, REGION, startMoto, type Moto } from '../helpers/moto';
import { cli } from '../helpers/cli';
import { client, createFunction, createRole, snapshot, tmpDir, writeLayer } from './fixtures';

describe('lambda CLI without AWS', () => {
  it('--help on the group and every command, with an example', () => {
    const g = cli(['lambda', '--help']);
    expect(g.code).toBe(0);
    for (const c of ['publish', 'instrument', 'uninstrument', 'status', 'upgrade', 'list']) {
      expect(g.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
      const h = cli(['lambda', c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/^example:\n  net-profiler lambda /m);
      expect(h.stdout).toContain('--region R');
      expect(h.stdout).toContain('--endpoint-url URL');
    }
  });

  it('usage errors exit 2 with the usage line and no stack trace', () => {
    const cases = [
      ['lambda', 'publish', 'x.zip'],
      ['lambda', 'instrument', 'fn'],
      ['lambda', 'instrument', 'fn', '--zip', 'x.zip'],
      ['lambda', 'instrument', 'fn', '--zip', 'x.zip', '--layer-name', 'l', '--layer-arn', 'arn:aws:lambda:eu-central-1:123456789012:layer:l:1'],
      ['lambda', 'instrument', 'fn', '--layer-arn', 'arn:aws:lambda:eu-central-1:123456789012:layer:l'],
      ['lambda', 'status'],
      ['lambda', 'status', 'fn', '--bogus'],
      ['lambda', 'status', 'fn', '--endpoint-url', 'not a url'],
    ];
    for (const args of cases) {
      const r = cli(args, { env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
      expect(r.code, args.join(' ') + r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(cli(['lambda', 'instrument', 'fn'], { env: { AWS_EC2_METADATA_DISABLED: 'true' } }).stderr).toMatch(/^usage: net-profiler lambda instrument \[FUNCTION\.\.\.\] /m);
  });

  it('no region: exit 2 saying how to set one', () => {
    const r = cli(['lambda', 'status', 'fn'], {
      env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_CONFIG_FILE: '/dev/null', AWS_PROFILE: '', AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error no-region/);
    expect(r.stderr).toMatch(/--region or set AWS_REGION/);
  });

  it('a missing ZIP is an outside failure (exit 3) naming the file', () => {
    const r = cli(['lambda', 'publish', 'nope/missing.zip', '--layer-name', 'l', '--region', REGION, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'fs-enoent', file: 'nope/missing.zip' } });
  });
});

describe.runIf(needMoto())('lambda CLI against moto', () => {
  let moto: Moto;
  let c: LambdaClient;
  let tmp: ReturnType<typeof tmpDir>;
  let zip: string;

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    c = client(moto);
    tmp = tmpDir();
    zip = await writeLayer(tmp.dir, 'arm64');
  });
  afterAll(async () => {
    await moto?.stop();
    tmp?.cleanup();
  });

  it('publish --json is the document of docs/lambda.md', async () => {
    const r = await cliAsync(['lambda', 'publish', zip, '--layer-name', 'cli-pub', '--json'], moto.env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['ok', 'layerVersionArn', 'version', 'arch', 'runtimes']);
    expect(doc).toMatchObject({ ok: true, layerVersionArn: `arn:aws:lambda:${REGION}:123456789012:layer:cli-pub:1`, version: 1, arch: 'arm64' });
    expect([...doc.runtimes].sort()).toEqual(['dotnet10', 'dotnet8']);
    expect(r.stderr).toBe('');
    const h = await cliAsync(['lambda', 'publish', zip, '--layer-name', 'cli-pub'], moto.env);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^published arn:aws:lambda:eu-central-1:123456789012:layer:cli-pub:2 \(arm64; .*direct upload\)\n$/);
  });

  it('instrument --dry-run --json, instrument --json, status, uninstrument --json: the documents and exit codes of docs/lambda.md', async () => {
    const fn = await createFunction(c, { variables: { TABLE_NAME: 'demo' } });
    const before = await snapshot(c, fn);
    const dry = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'cli-np', '--dry-run', '--json'], moto.env);
    expect(dry.code).toBe(0);
    const d = JSON.parse(dry.stdout);
    expect(Object.keys(d)).toEqual(['ok', 'applied', 'function', 'layersBefore', 'layersAfter', 'variablesAdded', 'variablesChanged', 'variablesRemoved', 'warnings']);
    expect(d).toMatchObject({ ok: true, applied: false, function: fn, layersBefore: [], variablesAdded: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' }, variablesChanged: {}, variablesRemoved: [] });
    expect(await snapshot(c, fn)).toEqual(before);

    const ins = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'cli-np', '--json', '--region', REGION, '--endpoint-url', moto.url], { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(ins.code).toBe(0);
    const i = JSON.parse(ins.stdout);
    expect(i).toMatchObject({ ok: true, applied: true, layersAfter: [`arn:aws:lambda:${REGION}:123456789012:layer:cli-np:1`] });

    const st = await cliAsync(['lambda', 'status', fn], moto.env);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^${fn}: instrumented \\(dotnet10, arm64\\)\nprofiler layer: arn:aws:lambda:eu-central-1:123456789012:layer:cli-np:1 \\(version 1, position 1 of 1;`));
    const stj = JSON.parse((await cliAsync(['lambda', 'status', fn, '--json'], moto.env)).stdout);
    expect(stj).toMatchObject({ function: fn, instrumented: true, recorded: true, problems: [], layer: { version: 1 } });

    const un = await cliAsync(['lambda', 'uninstrument', fn, '--json'], moto.env);
    expect(un.code).toBe(0);
    expect(JSON.parse(un.stdout)).toMatchObject({ ok: true, applied: true, variablesRemoved: ['AWS_LAMBDA_EXEC_WRAPPER'], layersAfter: [] });
    expect(await snapshot(c, fn)).toEqual(before);
  });

  it('human output of a plan and of a refusal', async () => {
    const fn = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/other' } });
    const r = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'cli-h', '--dry-run', '--force'], moto.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `instrument (dry run, nothing changed): ${fn}`,
        'layers before:',
        '  (none)',
        'layers after:',
        `  + arn:aws:lambda:${REGION}:123456789012:layer:cli-h:1`,
        'variables:',
        '  ~ AWS_LAMBDA_EXEC_WRAPPER=/opt/profiler_wrapper (was /opt/other)',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toMatch(/^warning wrapper-replaced: /m);
    const refused = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'cli-h'], moto.env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^net-profiler: refused wrapper-conflict: .*\/opt\/other.*\n    fix: pass --force/m);
    const j = await cliAsync(['lambda', 'instrument', fn, '--zip', zip, '--layer-name', 'cli-h', '--json'], moto.env);
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.refusal.code).toBe('wrapper-conflict');
    expect(typeof doc.refusal.message).toBe('string');
  });

  it('--zip uses function-environment.json beside the ZIP (as in the layer package)', async () => {
    const dir = path.join(tmp.dir, 'pkg');
    fs.mkdirSync(dir);
    const z = path.join(dir, path.basename(zip));
    fs.copyFileSync(zip, z);
    fs.writeFileSync(path.join(dir, 'function-environment.json'), JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', NET_PROFILER_LOG: 'debug' } }));
    const fn = await createFunction(c);
    const r = await cliAsync(['lambda', 'instrument', fn, '--zip', z, '--layer-name', 'cli-env', '--json'], moto.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).variablesAdded).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', NET_PROFILER_LOG: 'debug' });
    fs.writeFileSync(path.join(dir, 'function-environment.json'), '{"Variables": [1]}');
    const bad = await cliAsync(['lambda', 'instrument', fn, '--zip', z, '--layer-name', 'cli-env'], moto.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^net-profiler: .*function-environment\.json: error bad-function-environment: .*function-environment.json must be/m);
  });

  it('honours AWS_ENDPOINT_URL_LAMBDA over AWS_ENDPOINT_URL', async () => {
    const fn = await createFunction(c);
    const r = await cliAsync(['lambda', 'status', fn, '--json'], { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_LAMBDA: moto.url });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).instrumented).toBe(false);
  });

  it('status exits 1 when something is missing or mismatched; an unknown function exits 3', async () => {
    const fn = await createFunction(c, { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } });
    const r = await cliAsync(['lambda', 'status', fn], moto.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^problem wrapper-without-layer: /m);
    const nf = await cliAsync(['lambda', 'status', 'no-such-function', '--json'], moto.env);
    expect(nf.code).toBe(3);
    expect(JSON.parse(nf.stdout)).toMatchObject({ ok: false, error: { code: 'function-not-found' } });
  });
});
