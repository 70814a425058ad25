// The startup wrapper, run for real under dash and bash from an unpacked layer
// (NET_PROFILER_LAYER_ROOT), with a small program standing in for the runtime that
// prints its arguments and environment.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHES, LAMBDA_ARCHITECTURE, LAMBDA_LIMITS, RUNTIME_AGENT_FOLDER, RUNTIMES } from '../../lib/constants';
import { buildLayer, unpackZip } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { cleanup, RELEASE, run, tmpDir } from './helpers';

afterAll(cleanup);

const ARCH = process.arch === 'arm64' ? 'arm64' : 'x64';
const OTHER = ARCH === 'arm64' ? 'x64' : 'arm64';
let layer = ''; // unpacked layer of this machine's arch
let otherLayer = '';
let runtime = '';
const CLSID = '{9E2B38F2-7355-4C61-A54F-434B7AC266C0}';

beforeAll(async () => {
  const dir = tmpDir();
  for (const arch of [ARCH, OTHER] as const) {
    const r = await buildLayer({ release: RELEASE, arch, outDir: path.join(dir, 'out') });
    await unpackZip(r.layerZip, path.join(dir, arch));
  }
  layer = path.join(dir, ARCH);
  otherLayer = path.join(dir, OTHER);
  runtime = path.join(dir, 'fake-runtime.js');
  fs.writeFileSync(runtime, 'process.stdout.write(JSON.stringify({argv: process.argv.slice(2), env: process.env})); process.exit(7);\n');
});

interface Run {
  code: number;
  argv: string[];
  env: Record<string, string>;
  lines: string[];
}

function wrap(shell: string, root: string, env: Record<string, string>, extraArgs: string[] = ['--depsfile', 'a b.json', '']): Run {
  const r = spawnSync(shell, [path.join(root, 'profiler_wrapper'), process.execPath, runtime, ...extraArgs], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NET_PROFILER_LAYER_ROOT: root, ...env },
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  const out = JSON.parse(r.stdout || '{}') as { argv: string[]; env: Record<string, string> };
  return { code: r.status ?? -1, argv: out.argv, env: out.env, lines: r.stderr.split('\n').filter(Boolean) };
}

const PROFILER_VARS = ['CORECLR_ENABLE_PROFILING', 'CORECLR_PROFILER', 'CORECLR_PROFILER_PATH', 'NET_PROFILER_HOME', 'NET_PROFILER_SETTINGS', 'NET_PROFILER_AGENT_PATH', 'DOTNET_STARTUP_HOOKS'];

const STRACE = needTool('strace', "traces the wrapper's processes (no process but uname)", ['-V']);

for (const shell of ['dash', 'bash']) {
  describe(`profiler_wrapper under ${shell}`, () => {
    const have = needTool(shell, `runs the startup wrapper under ${shell}`, ['-c', 'exit 0']);
    const t = it.skipIf(!have);

    it.skipIf(!have || !STRACE)(`profiling enabled: starts no process but uname, then execs the runtime (traced with strace; needs ${shell} and strace)`, () => {
      const log = path.join(tmpDir(), 'trace');
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve,fork,vfork,clone,clone3', '-o', log, shell, path.join(layer, 'profiler_wrapper'), '/bin/true', 'arg'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NET_PROFILER_LAYER_ROOT: layer, AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' },
        timeout: 30_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('[profiler_wrapper] profiling enabled');
      const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const execs = lines.map((l) => /^(\d+) +execve\("([^"]+)", \[(.*?)\].* = (-?\d+)/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
      // every program it tried to start, successful or not
      const tried = [...new Set(execs.map((m) => path.basename(m[2]!)))].sort();
      expect(tried).toEqual([shell, 'true', 'uname'].sort());
      const started = execs.filter((m) => m[4] === '0').map((m) => path.basename(m[2]!));
      expect(started).toEqual([shell, 'uname', 'true']);
      // one child process in all (the one that runs uname); the runtime replaces the shell
      const pids = new Set(lines.map((l) => l.split(' ')[0]));
      expect(pids.size).toBe(2);
      const shellPid = execs[0]![1];
      expect(execs.find((m) => path.basename(m[2]!) === 'true')![1]).toBe(shellPid);
    });

    t('enabled for dotnet10: exports the variables and execs the runtime with its arguments', () => {
      const r = wrap(shell, layer, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' });
      expect(r.code).toBe(7); // the runtime's own exit code: exec, not a child
      expect(r.argv).toEqual(['--depsfile', 'a b.json', '']);
      const agent = path.join(layer, 'profiler/agent/net10.0');
      expect(r.env).toMatchObject({
        CORECLR_ENABLE_PROFILING: '1',
        CORECLR_PROFILER: CLSID,
        CORECLR_PROFILER_PATH: path.join(layer, 'profiler/native/libnet_profiler.so'),
        NET_PROFILER_HOME: path.join(layer, 'profiler'),
        NET_PROFILER_SETTINGS: path.join(layer, 'profiler/settings/lambda/settings.yaml'),
        NET_PROFILER_AGENT_PATH: agent,
        DOTNET_STARTUP_HOOKS: path.join(agent, 'NetProfiler.Agent.StartupHook.dll'),
      });
      expect(r.lines.every((l) => l.startsWith('[profiler_wrapper] '))).toBe(true);
      expect(r.lines).toEqual([
        '[profiler_wrapper] version 1.4.0',
        expect.stringMatching(new RegExp(`^\\[profiler_wrapper\\] arch ${ARCH} \\(machine `)),
        '[profiler_wrapper] runtime dotnet10 (AWS_EXECUTION_ENV=AWS_Lambda_dotnet10)',
        `[profiler_wrapper] settings ${path.join(layer, 'profiler/settings/lambda/settings.yaml')}`,
        '[profiler_wrapper] profiling enabled',
      ]);
      expect(Object.keys(r.env).filter((k) => k.startsWith('np_'))).toEqual([]);
    });

    t('enabled for dotnet8 with the net8.0 agent', () => {
      const r = wrap(shell, layer, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet8' });
      expect(r.env.NET_PROFILER_AGENT_PATH).toBe(path.join(layer, 'profiler/agent/net8.0'));
      expect(r.lines).toContain('[profiler_wrapper] profiling enabled');
    });

    t('keeps a variable the user set, with a warning, and appends to DOTNET_STARTUP_HOOKS', () => {
      const r = wrap(shell, layer, {
        AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10',
        CORECLR_PROFILER: '{00000000-0000-0000-0000-000000000001}',
        NET_PROFILER_SETTINGS: '/var/task/my-settings.yaml',
        DOTNET_STARTUP_HOOKS: '/var/task/Other.Hook.dll',
      });
      expect(r.env.CORECLR_PROFILER).toBe('{00000000-0000-0000-0000-000000000001}');
      expect(r.env.NET_PROFILER_SETTINGS).toBe('/var/task/my-settings.yaml');
      expect(r.env.CORECLR_ENABLE_PROFILING).toBe('1');
      expect(r.env.DOTNET_STARTUP_HOOKS).toBe(`/var/task/Other.Hook.dll:${path.join(layer, 'profiler/agent/net10.0/NetProfiler.Agent.StartupHook.dll')}`);
      expect(r.lines.filter((l) => l.includes('warning'))).toEqual([
        expect.stringMatching(/^\[profiler_wrapper\] warning: CORECLR_PROFILER is already set/),
        expect.stringMatching(/^\[profiler_wrapper\] warning: NET_PROFILER_SETTINGS is already set/),
      ]);
      expect(r.lines).toContain('[profiler_wrapper] profiling enabled');
    });

    t('does not add the hook twice', () => {
      const hook = path.join(layer, 'profiler/agent/net10.0/NetProfiler.Agent.StartupHook.dll');
      const r = wrap(shell, layer, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10', DOTNET_STARTUP_HOOKS: hook });
      expect(r.env.DOTNET_STARTUP_HOOKS).toBe(hook);
    });

    const disabled = (r: Run, reason: RegExp) => {
      expect(r.code).toBe(7);
      expect(r.argv).toEqual(['--depsfile', 'a b.json', '']);
      for (const v of PROFILER_VARS) expect(r.env[v], v).toBeUndefined();
      const last = r.lines[r.lines.length - 1]!;
      expect(last).toMatch(/^\[profiler_wrapper\] profiling disabled: /);
      expect(last).toMatch(reason);
    };

    t('disabled by NET_PROFILER_DISABLED=1', () => {
      disabled(wrap(shell, layer, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10', NET_PROFILER_DISABLED: '1' }), /NET_PROFILER_DISABLED=1/);
    });

    t('disabled on a machine of the other arch', () => {
      disabled(wrap(shell, otherLayer, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' }), new RegExp(`for ${OTHER} but the machine is`));
    });

    t('disabled for a runtime other than dotnet8 or dotnet10, or none', () => {
      disabled(wrap(shell, layer, { AWS_EXECUTION_ENV: 'AWS_Lambda_java21' }), /AWS_Lambda_java21/);
      disabled(wrap(shell, layer, {}), /runtime '' is not/);
    });

    t('disabled when General.Enabled is false in the settings', () => {
      const copy = tmpDir();
      fs.cpSync(layer, copy, { recursive: true });
      const s = path.join(copy, 'profiler/settings/lambda/settings.yaml');
      fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('Enabled: true\n  Provider', 'Enabled: false   # off for now\n  Provider'));
      disabled(wrap(shell, copy, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' }), /General.Enabled is false/);
    });

    t('disabled, never failing, with a broken layer', () => {
      const noNative = tmpDir();
      fs.cpSync(layer, noNative, { recursive: true });
      fs.rmSync(path.join(noNative, 'profiler/native/libnet_profiler.so'));
      disabled(wrap(shell, noNative, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' }), /native profiler .* is missing/);
      const noAgent = tmpDir();
      fs.cpSync(layer, noAgent, { recursive: true });
      fs.rmSync(path.join(noAgent, 'profiler/agent/net8.0'), { recursive: true });
      disabled(wrap(shell, noAgent, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet8' }), /no agent for dotnet8/);
      // only the wrapper itself, no layer around it
      const bare = tmpDir();
      fs.copyFileSync(path.join(layer, 'profiler_wrapper'), path.join(bare, 'profiler_wrapper'));
      disabled(wrap(shell, bare, { AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' }), /is missing/);
    });

    t('disabled when uname cannot be run, and still starts the runtime', () => {
      const r = spawnSync(`/bin/${shell}`, [path.join(layer, 'profiler_wrapper'), process.execPath, runtime, 'x'], {
        encoding: 'utf8',
        env: { PATH: '/nonexistent', NET_PROFILER_LAYER_ROOT: layer, AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10' },
      });
      expect(r.status).toBe(7);
      expect(JSON.parse(r.stdout).argv).toEqual(['x']);
      expect(r.stderr).toMatch(/profiling disabled: this layer is for .* but the machine is unknown/);
    });
  });
}

describe('shell scripts pass shellcheck', () => {
  const have = needTool('shellcheck', 'lints the startup wrapper and deploy-layer.sh');
  it.skipIf(!have)('profiler_wrapper (as POSIX sh) and deploy-layer.sh (needs shellcheck)', () => {
    const w = run('shellcheck', ['-s', 'sh', path.join(__dirname, '../../assets/profiler_wrapper')]);
    expect(w.code, w.stdout).toBe(0);
    const built = run('shellcheck', ['-s', 'sh', path.join(layer, 'profiler_wrapper')]);
    expect(built.code, built.stdout).toBe(0);
    const d = run('shellcheck', [path.join(__dirname, '../../assets/deploy-layer.sh')]);
    expect(d.code, d.stdout).toBe(0);
  });
});

describe("the shell scripts' copies of the product's constants (lib/constants.ts) are the same", () => {
  const wrapperText = fs.readFileSync(path.join(__dirname, '../../assets/profiler_wrapper'), 'utf8');
  const deployText = fs.readFileSync(path.join(__dirname, '../../assets/deploy-layer.sh'), 'utf8');

  it('profiler_wrapper: one case per runtime, with its agent folder, and the message naming them all', () => {
    const cases = [...wrapperText.matchAll(/^\s+AWS_Lambda_(\w+)\) np_runtime=(\w+); np_tfm=([\w.]+) ;;$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(cases).toEqual(RUNTIMES.map((r) => [r, r, RUNTIME_AGENT_FOLDER[r]]));
    expect(wrapperText).toContain(`is not ${RUNTIMES.map((r) => `AWS_Lambda_${r}`).join(' or ')}`);
  });

  it("deploy-layer.sh: the runtimes, the architectures and Lambda's limits", () => {
    const rt = (re: RegExp) => [...deployText.matchAll(re)].map((m) => m[1]);
    expect(rt(/\. == "(\w+)"/g)).toEqual([...RUNTIMES]);
    expect(rt(/\$c\.Runtime != "(\w+)"/g)).toEqual([...RUNTIMES]);
    expect(rt(/\.arch == "(\w+)"/g)).toEqual([...ARCHES]);
    expect(deployText).toContain(`[ "$arch" = x64 ] && lambda_arch=${LAMBDA_ARCHITECTURE.x64}`);
    expect(deployText).toContain(`lambda_arch=${LAMBDA_ARCHITECTURE.arm64}\n`);
    expect(deployText).toContain(`if ($after | length) > ${LAMBDA_LIMITS.layersPerFunction} then`);
    expect(deployText).toContain(`if $bytes > ${LAMBDA_LIMITS.environmentBytes} then`);
    expect(50 * 1024 * 1024).toBe(LAMBDA_LIMITS.directUploadBytes);
    expect(deployText).toContain('direct_limit="${NP_DIRECT_UPLOAD_LIMIT:-$((50 * 1024 * 1024))}"');
  });
});
