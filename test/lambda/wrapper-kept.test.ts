// The startup wrapper of an instrumented function keeps every variable the user already set
// on the function, with a warning line, for EACH variable it would export (docs/lambda.md,
// "What the wrapper does"): run the wrapper of a real layer (built with buildLayer,
// unpacked with unpackZip) as Lambda would, under dash and bash, on this machine's arch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildLayer, unpackZip } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { RELEASE, tmpDir } from './fixtures';

const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
const shells = ['dash', 'bash'].filter((sh) => needTool(sh, `the wrapper must run under ${sh}`, ['-c', 'exit 0']));
const manifest = JSON.parse(fs.readFileSync(path.join(RELEASE, 'manifest.json'), 'utf8')) as { clsid: string; startupHook: string };

describe.runIf(shells.length > 0)('the wrapper keeps what the user set', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let opt: string;
  let runtime: string;

  beforeAll(async () => {
    tmp = tmpDir('np-wrapper-');
    const built = await buildLayer({ release: RELEASE, arch, outDir: path.join(tmp.dir, 'out') });
    opt = path.join(tmp.dir, 'opt');
    await unpackZip(built.layerZip, opt);
    runtime = path.join(tmp.dir, 'runtime.js');
    fs.writeFileSync(runtime, 'process.stdout.write(JSON.stringify(process.env));\n');
  });
  afterAll(() => tmp?.cleanup());

  function run(shell: string, preset: Record<string, string>): { env: Record<string, string>; stderr: string; status: number | null } {
    const r = spawnSync(shell, [path.join(opt, 'profiler_wrapper'), process.execPath, runtime], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NET_PROFILER_LAYER_ROOT: opt, AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10', ...preset },
      timeout: 30_000,
    });
    return { env: r.status === 0 ? JSON.parse(r.stdout) : {}, stderr: r.stderr, status: r.status };
  }

  /** What the wrapper exports when nothing is preset. */
  const exported = () => ({
    CORECLR_ENABLE_PROFILING: '1',
    CORECLR_PROFILER: manifest.clsid,
    CORECLR_PROFILER_PATH: path.join(opt, 'profiler/native/libnet_profiler.so'),
    NET_PROFILER_HOME: path.join(opt, 'profiler'),
    NET_PROFILER_SETTINGS: path.join(opt, 'profiler/settings/lambda/settings.yaml'),
    NET_PROFILER_AGENT_PATH: path.join(opt, 'profiler/agent/net10.0'),
  });

  it('sets each of the six variables when the function has none of them', () => {
    for (const shell of shells) {
      const r = run(shell, {});
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^\[profiler_wrapper\] profiling enabled$/m);
      for (const [k, v] of Object.entries(exported())) expect(r.env[k], `${shell} ${k}`).toBe(v);
      expect(r.stderr).not.toMatch(/warning/);
    }
  });

  const NAMES = ['CORECLR_ENABLE_PROFILING', 'CORECLR_PROFILER', 'CORECLR_PROFILER_PATH', 'NET_PROFILER_HOME', 'NET_PROFILER_SETTINGS', 'NET_PROFILER_AGENT_PATH'];
  it('exports exactly these six', () => expect(Object.keys(exported())).toEqual(NAMES));
  for (const name of NAMES) {
    it(`keeps ${name} the user set, with a warning naming it`, () => {
      for (const shell of shells) {
        const r = run(shell, { [name]: 'user-value' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.env[name], shell).toBe('user-value');
        const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
        expect(warnings, shell).toEqual([`[profiler_wrapper] warning: ${name} is already set on the function (user-value); keeping it instead of ${(exported() as Record<string, string>)[name]}`]);
        // The others are still set as usual.
        for (const [k, v] of Object.entries(exported())) if (k !== name) expect(r.env[k], `${shell} ${k}`).toBe(v);
      }
    });
  }

  it('appends the startup hook to DOTNET_STARTUP_HOOKS the user set, keeping theirs', () => {
    for (const shell of shells) {
      const r = run(shell, { DOTNET_STARTUP_HOOKS: '/var/task/Mine.dll' });
      expect(r.env.DOTNET_STARTUP_HOOKS).toBe(`/var/task/Mine.dll:${path.join(opt, 'profiler/agent/net10.0', manifest.startupHook)}`);
    }
  });
});
