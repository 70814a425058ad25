// The run SDK's decisions that need no program to run (docs/run.md): the runtime from a
// runtimeconfig, the shell quoting of --print-env, and the refusals before anything
// starts. The profiler tree is the example release (examples/release) and layers built
// from it.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetProfilerError } from '../../lib/errors';
import { detectRuntime, formatExports, planRun, runProgram, shellQuote } from '../../lib/run';
import { ROOT } from '../helpers/cli';
import { cleanup, layerZip, tmpDir, unpackedLayer } from './helpers';

const RELEASE = path.join(ROOT, 'examples/release');

async function failure(p: Promise<unknown>): Promise<NetProfilerError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(NetProfilerError);
    return err as NetProfilerError;
  }
  throw new Error('expected a failure');
}

describe('run SDK', () => {
  let work: string;
  let layer: string;
  let zip: string;

  beforeAll(async () => {
    work = tmpDir('run-sdk');
    zip = await layerZip(RELEASE, 'x64', work);
    layer = await unpackedLayer(RELEASE, 'x64', path.join(work, 'u'));
  });
  afterAll(() => cleanup(work));

  it('reads the runtime from the runtimeconfig of `dotnet X.dll` and `dotnet exec … X.dll`', () => {
    const dir = path.join(work, 'app');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'A.runtimeconfig.json'), JSON.stringify({ runtimeOptions: { tfm: 'net8.0', framework: { name: 'Microsoft.NETCore.App', version: '8.0.0' } } }));
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ runtimeOptions: { includedFrameworks: [{ name: 'Microsoft.NETCore.App', version: '10.0.12' }] } }));
    fs.writeFileSync(path.join(dir, 'N9.runtimeconfig.json'), JSON.stringify({ runtimeOptions: { tfm: 'net9.0' } }));
    fs.writeFileSync(path.join(dir, 'Bad.runtimeconfig.json'), '{ not json');
    const a = path.join(dir, 'A.dll');
    expect(detectRuntime(['dotnet', a])).toEqual({ runtime: 'dotnet8', from: path.join(dir, 'A.runtimeconfig.json') });
    expect(detectRuntime(['/usr/bin/dotnet', 'exec', '--depsfile', 'x.deps.json', a, '--flag'])).toMatchObject({ runtime: 'dotnet8' });
    expect(detectRuntime(['dotnet', 'exec', '--runtimeconfig', path.join(dir, 'other.json'), a])).toEqual({ runtime: 'dotnet10', from: path.join(dir, 'other.json') });
    expect(detectRuntime(['dotnet', 'A.dll'], dir)).toMatchObject({ runtime: 'dotnet8' });
    expect(detectRuntime(['dotnet', path.join(dir, 'Missing.dll')])).toEqual({ runtime: 'dotnet10' });
    expect(detectRuntime(['./App'])).toEqual({ runtime: 'dotnet10' });
    expect(detectRuntime(['dotnet', 'build'])).toEqual({ runtime: 'dotnet10' });
    expect(() => detectRuntime(['dotnet', path.join(dir, 'N9.dll')])).toThrow(expect.objectContaining({ code: 'unsupported-runtime', file: path.join(dir, 'N9.runtimeconfig.json') }));
    expect(() => detectRuntime(['dotnet', path.join(dir, 'Bad.dll')])).toThrow(expect.objectContaining({ code: 'bad-runtimeconfig' }));
  });

  it('quotes --print-env values so that a POSIX shell gives them back byte for byte', () => {
    const vars = { A: "it's", B: 'a b $HOME `x` "q" \\ end', C: '' };
    const text = formatExports(vars);
    expect(text).toBe(`export A='it'\\''s'\nexport B='a b $HOME \`x\` "q" \\ end'\nexport C=''\n`);
    const r = spawnSync('sh', ['-c', `${text}printf '%s|%s|%s' "$A" "$B" "$C"`], { encoding: 'utf8' });
    expect(r.stdout).toBe(`${vars.A}|${vars.B}|`);
    expect(shellQuote("'")).toBe(`''\\'''`);
  });

  it('plans the wrapper\'s variables from an unpacked layer, keeping a startup hook already set', async () => {
    const plan = await planRun({ layerDir: layer, runtime: 'dotnet8', env: { DOTNET_STARTUP_HOOKS: '/u/Mine.dll' } });
    const home = path.join(layer, 'profiler');
    expect(plan.variables).toEqual({
      CORECLR_ENABLE_PROFILING: '1',
      CORECLR_PROFILER: JSON.parse(fs.readFileSync(path.join(RELEASE, 'manifest.json'), 'utf8')).clsid,
      CORECLR_PROFILER_PATH: path.join(home, 'native/libnet_profiler.so'),
      NET_PROFILER_HOME: home,
      NET_PROFILER_SETTINGS: path.join(home, 'settings/lambda/settings.yaml'),
      NET_PROFILER_AGENT_PATH: path.join(home, 'agent/net8.0'),
      DOTNET_STARTUP_HOOKS: `/u/Mine.dll:${path.join(home, 'agent/net8.0/NetProfiler.Agent.StartupHook.dll')}`,
    });
    // the layer folder itself or its profiler/ folder
    expect((await planRun({ layerDir: home, runtime: 'dotnet8' })).variables.NET_PROFILER_HOME).toBe(home);
  });

  it('refuses before anything starts: a ZIP for --print-env, no source, two sources, a missing agent, a foreign native library', async () => {
    expect(await failure(planRun({ layer: zip }))).toMatchObject({ code: 'bad-argument', argument: 'layer', kind: 'usage' });
    expect(await failure(runProgram({ command: ['true'] }))).toMatchObject({ code: 'bad-argument', kind: 'usage' });
    expect(await failure(runProgram({ release: RELEASE, layerDir: layer, command: ['true'] }))).toMatchObject({ code: 'bad-argument', argument: 'layer-dir' });
    expect(await failure(runProgram({ release: RELEASE, command: [] }))).toMatchObject({ code: 'bad-argument', argument: 'command' });
    const noAgent = path.join(work, 'no-agent');
    fs.cpSync(layer, noAgent, { recursive: true });
    fs.rmSync(path.join(noAgent, 'profiler/agent/net10.0'), { recursive: true });
    const mark = path.join(work, 'mark');
    const e = await failure(runProgram({ layerDir: noAgent, noReceive: true, command: ['sh', '-c', `touch '${mark}'`] }));
    expect(e).toMatchObject({ code: 'profiler-incomplete', file: path.join(noAgent, 'profiler/agent/net10.0') });
    const arm = await unpackedLayer(RELEASE, 'arm64', path.join(work, 'arm'));
    const w = await failure(runProgram({ layerDir: arm, noReceive: true, command: ['sh', '-c', `touch '${mark}'`] }));
    expect(w).toMatchObject({ code: 'native-wrong-arch', kind: 'refused' });
    expect(w.message).toContain('ELF machine 183');
    expect(fs.existsSync(mark)).toBe(false);
  });

  it('--no-receive runs the command with the variables and passes its exit code through', async () => {
    const out = path.join(work, 'env.txt');
    const r = await runProgram({ layerDir: layer, noReceive: true, stdio: 'ignore', command: ['sh', '-c', `env > '${out}'; exit 9`] });
    expect(r).toMatchObject({ exitCode: 9, runtime: 'dotnet10' });
    expect(r.out).toBeUndefined();
    const env = fs.readFileSync(out, 'utf8');
    expect(env).toContain(`NET_PROFILER_AGENT_PATH=${path.join(layer, 'profiler/agent/net10.0')}\n`);
    expect(env).toContain('CORECLR_ENABLE_PROFILING=1\n');
    expect(env).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    const k = await runProgram({ layerDir: layer, noReceive: true, stdio: 'ignore', command: ['sh', '-c', 'kill -TERM $$'] });
    expect(k).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
  });

  it('with a receiver: the settings copy points at it (comments kept), the OTLP variables are set, the copy is gone afterwards', async () => {
    const dir = path.join(work, 'recv');
    fs.mkdirSync(dir);
    const out = path.join(dir, 'capture.nptb');
    const script = 'cp "$NET_PROFILER_SETTINGS" copy.yaml; env > env.txt; echo "$NET_PROFILER_SETTINGS" > where.txt; exit 4';
    const r = await runProgram({ release: RELEASE, out, cwd: dir, stdio: 'ignore', flushWaitSeconds: 0, command: ['sh', '-c', script] });
    expect(r).toMatchObject({ exitCode: 4, out, runtime: 'dotnet10', receive: { requests: 0, spans: 0 } });
    expect(r.summary?.spans).toBe(0);
    expect(fs.existsSync(out)).toBe(true);
    const copy = fs.readFileSync(path.join(dir, 'copy.yaml'), 'utf8');
    const endpoint = r.variables.OTEL_EXPORTER_OTLP_ENDPOINT!;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(copy).toContain(`EndpointUrl: ${endpoint}`);
    expect(copy).toContain('Type: awslambda');
    expect(copy).toContain('# Default settings of the net-profiler Lambda layer.');
    const env = fs.readFileSync(path.join(dir, 'env.txt'), 'utf8');
    expect(env).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\n`);
    expect(env).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n');
    expect(fs.existsSync(fs.readFileSync(path.join(dir, 'where.txt'), 'utf8').trim())).toBe(false);
  });
});
