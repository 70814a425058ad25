// End to end, as the seed article does it and as a new user would, with the real bin
// against moto: settings check (and fix) -> layer build for arm64 -> lambda publish ->
// lambda instrument of a dotnet10 arm64 function -> lambda status -> run the attached
// layer's wrapper with the function's resulting environment (read back from the
// emulator) -> lambda uninstrument -> the function is as it was. docs/lambda.md has this
// flow as the walkthrough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ROOT } from '../helpers/cli';
import { needTool } from '../helpers/tools';
import { cliAsync, needMoto, REGION, startMoto, type Moto } from '../helpers/moto';
import { client, createRole, makeZip, ROLE, snapshot, tmpDir } from './fixtures';

const run = needMoto() && needTool('dash', 'the walkthrough runs the startup wrapper under dash', ['-c', 'exit 0']);

describe.runIf(run)('walkthrough: from settings.yaml to an instrumented function and back', () => {
  let moto: Moto;
  let c: LambdaClient;
  let tmp: ReturnType<typeof tmpDir>;

  beforeAll(async () => {
    moto = await startMoto();
    createRole(moto);
    c = client(moto);
    tmp = tmpDir('np-e2e-');
  });
  afterAll(async () => {
    await moto?.stop();
    tmp?.cleanup();
  });

  it('settings check, layer build, lambda publish, instrument, status, the wrapper enables profiling, uninstrument', async () => {
    const np = (args: string[]) => cliAsync(args, moto.env);
    const work = tmp.dir;

    // 1. The user's settings.yaml, straight from the article: check it, fix what it says.
    const settings = path.join(work, 'settings.yaml');
    fs.copyFileSync(path.join(ROOT, 'test/settings/fixtures/seed.yaml'), settings);
    const check1 = await np(['settings', 'check', settings, '--runtime', 'dotnet10', '--for-layer']);
    expect(check1.code).toBe(1);
    expect(check1.stdout + check1.stderr).toMatch(/settings\.yaml:7:16: error placeholder: Connection\.EndpointUrl/);
    const set = await np(['settings', 'set', settings, 'Connection.EndpointUrl=https://abc12345.live.dynatrace.com/api/v2/otlp', 'Connection.BearerToken=${env:DT_API_TOKEN}']);
    expect(set.code, set.stderr).toBe(0);
    const check2 = await np(['settings', 'check', settings, '--runtime', 'dotnet10', '--for-layer', '--json']);
    expect(check2.code, check2.stdout).toBe(0);
    expect(JSON.parse(check2.stdout).ok).toBe(true);

    // 2. Build the arm64 layer from the release with those settings.
    const out = path.join(work, 'out');
    const build = await np(['layer', 'build', path.join(ROOT, 'examples/release'), '--arch', 'arm64', '--settings', settings, '--out', out, '--json']);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const built = JSON.parse(build.stdout) as { layerZip: string; arch: string; runtimes: string[] };
    expect(built.arch).toBe('arm64');

    // 3. The function, as `dotnet lambda deploy-function` creates it (dotnet10, arm64).
    const fn = 'lambda-profiler-demo';
    await c.send(
      new CreateFunctionCommand({
        FunctionName: fn,
        Role: ROLE,
        Runtime: 'dotnet10',
        Handler: 'LambdaProfilerDemo::LambdaProfilerDemo.Function::FunctionHandler',
        Architectures: ['arm64'],
        Timeout: 30,
        MemorySize: 512,
        Code: { ZipFile: await makeZip({ 'LambdaProfilerDemo.dll': 'MZ' }) },
        Environment: { Variables: { TABLE_NAME: 'lambda-profiler-demo', DT_API_TOKEN: 'dt0c01.example' } },
      }),
    );
    const before = await snapshot(c, fn);

    // 4. Publish: runtimes and architecture come from the layer's manifest.
    const pub = await np(['lambda', 'publish', built.layerZip, '--layer-name', 'net-profiler-rust', '--region', REGION, '--json']);
    expect(pub.code, pub.stderr).toBe(0);
    const published = JSON.parse(pub.stdout) as { layerVersionArn: string; arch: string; runtimes: string[] };
    expect(published).toMatchObject({ arch: 'arm64', version: 1 });
    expect([...published.runtimes].sort()).toEqual([...built.runtimes].sort());

    // 5. Instrument (plan first, then for real).
    const plan = await np(['lambda', 'instrument', fn, '--layer-arn', published.layerVersionArn, '--dry-run']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`+ ${published.layerVersionArn}`);
    expect(await snapshot(c, fn)).toEqual(before);
    const ins = await np(['lambda', 'instrument', fn, '--layer-arn', published.layerVersionArn, '--json']);
    expect(ins.code, ins.stderr).toBe(0);
    expect(JSON.parse(ins.stdout)).toMatchObject({ ok: true, applied: true, layersAfter: [published.layerVersionArn], variablesAdded: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } });

    // 6. Status.
    const st = await np(['lambda', 'status', fn, '--json']);
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ instrumented: true, problems: [], layer: { layerVersionArn: published.layerVersionArn, architectures: ['arm64'] } });

    // 7. Run the attached layer's wrapper as Lambda would: the function's variables read back
    //    from the emulator, the layer unpacked as /opt would be (NET_PROFILER_LAYER_ROOT),
    //    AWS_EXECUTION_ENV of dotnet10. This machine is x86_64, so an arm64 machine is
    //    stood in for by a `uname` that answers aarch64 (the only process the wrapper starts).
    const cfg = await c.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    const vars = cfg.Environment?.Variables ?? {};
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/profiler_wrapper');
    const opt = path.join(work, 'opt');
    const unpack = await np(['layer', 'unpack', built.layerZip, opt]);
    expect(unpack.code, unpack.stderr).toBe(0);
    const wrapper = path.join(opt, vars.AWS_LAMBDA_EXEC_WRAPPER!.replace(/^\/opt\//, ''));
    expect(fs.statSync(wrapper).mode & 0o111).not.toBe(0);
    const bin = path.join(work, 'arm64-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'uname'), '#!/bin/sh\n[ "$1" = -m ] && echo aarch64 || echo Linux\n', { mode: 0o755 });
    const runtime = path.join(work, 'runtime.js');
    fs.writeFileSync(runtime, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env: process.env }));\n');
    const w = spawnSync('dash', [wrapper, process.execPath, runtime, '--handler', 'LambdaProfilerDemo'], {
      encoding: 'utf8',
      env: { ...vars, PATH: `${bin}:/usr/bin:/bin`, NET_PROFILER_LAYER_ROOT: opt, AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10', AWS_LAMBDA_FUNCTION_NAME: fn },
      timeout: 30_000,
    });
    expect(w.status, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/^\[profiler_wrapper\] .*profiling enabled/m);
    const child = JSON.parse(w.stdout) as { argv: string[]; env: Record<string, string> };
    expect(child.argv).toEqual(['--handler', 'LambdaProfilerDemo']);
    expect(child.env.CORECLR_ENABLE_PROFILING).toBe('1');
    expect(child.env.CORECLR_PROFILER).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/release/manifest.json'), 'utf8')).clsid);
    expect(child.env.CORECLR_PROFILER_PATH).toBe(path.join(opt, 'profiler/native/libnet_profiler.so'));
    expect(child.env.NET_PROFILER_AGENT_PATH).toBe(path.join(opt, 'profiler/agent/net10.0'));
    expect(child.env.DOTNET_STARTUP_HOOKS).toContain('NetProfiler.Agent.StartupHook.dll');
    expect(child.env.TABLE_NAME).toBe('lambda-profiler-demo');
    expect(fs.readFileSync(child.env.NET_PROFILER_SETTINGS!, 'utf8')).toBe(fs.readFileSync(settings, 'utf8'));

    // 8. Uninstrument: the function is exactly as it was.
    const un = await np(['lambda', 'uninstrument', fn, '--json']);
    expect(un.code, un.stderr).toBe(0);
    expect(JSON.parse(un.stdout)).toMatchObject({ applied: true, layersAfter: [], variablesRemoved: ['AWS_LAMBDA_EXEC_WRAPPER'] });
    expect(await snapshot(c, fn)).toEqual(before);
    const st2 = await np(['lambda', 'status', fn, '--json']);
    expect(JSON.parse(st2.stdout)).toMatchObject({ instrumented: false, recorded: false, problems: [] });
  });
});
