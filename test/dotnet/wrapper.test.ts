// The layer's startup wrapper on a real CoreCLR (docs/dotnet.md): a layer built from the
// stand-in release and unpacked into a NET_PROFILER_LAYER_ROOT, the test program started
// through profiler_wrapper with the command line Lambda's managed runtime passes, on
// .NET 10 and on .NET 8.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Moto, needMoto, startMoto } from '../helpers/moto';
import {
  CLSID,
  cleanEnv,
  cleanup,
  createTable,
  lambdaCommand,
  LogLine,
  needDotnet,
  readLog,
  RESULT,
  runProcess,
  Sink,
  standins,
  startSink,
  tmpDir,
  unpackedLayer,
} from './helpers';

const ready = needDotnet() && needMoto();

const RUNTIMES = [
  { runtime: 'dotnet10', env: 'AWS_Lambda_dotnet10', tfm: 'net10.0', version: /^\.NET 10\./ },
  { runtime: 'dotnet8', env: 'AWS_Lambda_dotnet8', tfm: 'net8.0', version: /^\.NET 8\./ },
] as const;

describe.skipIf(!ready)('profiler_wrapper on CoreCLR (x64)', () => {
  let built: string;
  let work: string;
  let layer: string;
  let moto: Moto;
  let sink: Sink;
  let n = 0;

  beforeAll(async () => {
    built = standins();
    work = tmpDir('wrapper');
    layer = await unpackedLayer(path.join(built, 'release'), 'x64', work);
    moto = await startMoto();
    await createTable(moto.url, moto.env.AWS_REGION!);
    sink = await startSink();
  }, 20 * 60_000);

  afterAll(async () => {
    await moto?.stop();
    await sink?.close();
    if (work) cleanup(work);
  });

  /** Runs the program through the wrapper of `root`; returns the result and the stand-ins' log. */
  async function wrapped(rt: (typeof RUNTIMES)[number], opts: { root?: string; env?: Record<string, string>; args?: string[] } = {}) {
    const log = path.join(work, `log-${++n}.txt`);
    const env = cleanEnv({
      ...moto.env,
      AWS_EXECUTION_ENV: rt.env,
      NET_PROFILER_LAYER_ROOT: opts.root ?? layer,
      NET_PROFILER_STANDIN_LOG: log,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      ...opts.env,
    });
    const root = opts.root ?? layer;
    const r = await runProcess('sh', [path.join(root, 'profiler_wrapper'), ...lambdaCommand(path.join(built, 'demo', rt.tfm), ...(opts.args ?? []))], env);
    return { ...r, log: readLog(log) };
  }

  /** Runs the program as it is, without the wrapper or any profiler variable. */
  async function plain(rt: (typeof RUNTIMES)[number], args: string[] = []) {
    const log = path.join(work, `log-${++n}.txt`);
    const [cmd, ...rest] = lambdaCommand(path.join(built, 'demo', rt.tfm), ...args);
    const r = await runProcess(cmd!, rest, cleanEnv({ ...moto.env, NET_PROFILER_STANDIN_LOG: log }));
    return { ...r, log: readLog(log) };
  }

  const one = (log: LogLine[], who: string) => {
    const lines = log.filter((l) => l.who === who);
    expect(lines, `${who} lines in ${JSON.stringify(log)}`).toHaveLength(1);
    return lines[0]!.fields;
  };

  for (const rt of RUNTIMES) {
    describe(rt.runtime, () => {
      it('loads the profiler in the program\'s own process with the manifest\'s CLSID, and runs the startup hook with the layer\'s variables', async () => {
        const before = sink.requests.length;
        const r = await wrapped(rt, { args: ['--exit', '7'] });
        expect(r.stderr).toContain('[profiler_wrapper] profiling enabled');
        expect(r.stderr).toContain(`[profiler_wrapper] runtime ${rt.runtime}`);
        const demo = one(r.log, 'demo');
        const native = one(r.log, 'native');
        const hook = one(r.log, 'hook');
        // exec keeps the process: the wrapper's pid is the program's, and the profiler
        // library and the hook ran inside it
        expect(demo.pid).toBe(String(r.pid));
        expect(native).toEqual({ call: 'DllGetClassObject', pid: String(r.pid), clsid: CLSID });
        expect(hook.pid).toBe(String(r.pid));
        expect(demo.runtime).toMatch(rt.version);
        expect(hook.runtime).toMatch(rt.version);
        const home = path.join(layer, 'profiler');
        expect(hook.home).toBe(home);
        expect(hook.settings).toBe(path.join(home, 'settings/lambda/settings.yaml'));
        expect(hook.agentPath).toBe(path.join(home, 'agent', rt.tfm));
        expect(hook.profiler).toBe(CLSID);
        expect(hook.profilerPath).toBe(path.join(home, 'native/libnet_profiler.so'));
        // the agent started from that folder, read the settings, and flushed
        const agent = one(r.log, 'agent');
        expect(agent).toMatchObject({ lambda: 'true', service: 'lambda-profiler-demo', awsHook: 'true' });
        expect(one(r.log, 'agent-flush').flushed).toBe('true');
        expect(sink.requests.length).toBeGreaterThan(before);
        expect(sink.requests.at(-1)).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
        // output and exit code as without the wrapper
        const p = await plain(rt, ['--exit', '7']);
        expect(p.code).toBe(7);
        expect(r.code).toBe(7);
        expect(r.stdout).toBe(RESULT);
        expect(p.stdout).toBe(RESULT);
        expect(p.log.map((l) => l.who)).toEqual(['demo']);
        expect(r.stderr.split('\n').filter((l) => !l.startsWith('[profiler_wrapper] '))).toEqual(p.stderr.split('\n'));
      });

      it('keeps a DOTNET_STARTUP_HOOKS the user set: both hooks run', async () => {
        const user = path.join(built, 'userhook', 'UserHook.dll');
        const r = await wrapped(rt, { env: { DOTNET_STARTUP_HOOKS: user } });
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(RESULT);
        expect(one(r.log, 'userhook').pid).toBe(String(r.pid));
        const hook = one(r.log, 'hook');
        expect(hook.hooks).toBe(`${user}:${path.join(layer, 'profiler/agent', rt.tfm, 'NetProfiler.Agent.StartupHook.dll')}`);
        expect(r.log.map((l) => l.who).indexOf('userhook')).toBeLessThan(r.log.map((l) => l.who).indexOf('hook'));
      });

      it('with NET_PROFILER_DISABLED=1 runs the program untouched and says why', async () => {
        const r = await wrapped(rt, { env: { NET_PROFILER_DISABLED: '1' }, args: ['--exit', '3'] });
        expect(r.stderr).toContain('[profiler_wrapper] profiling disabled: NET_PROFILER_DISABLED=1');
        expect(r.code).toBe(3);
        expect(r.stdout).toBe(RESULT);
        expect(r.log.map((l) => l.who)).toEqual(['demo']);
      });
    });
  }

  it('without the native library runs the program untouched and says why', async () => {
    const root = path.join(work, 'no-native');
    fs.cpSync(layer, root, { recursive: true });
    fs.rmSync(path.join(root, 'profiler/native/libnet_profiler.so'));
    const r = await wrapped(RUNTIMES[0], { root, args: ['--exit', '4'] });
    expect(r.stderr).toContain(`[profiler_wrapper] profiling disabled: native profiler ${root}/profiler/native/libnet_profiler.so is missing`);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(RESULT);
    expect(r.log.map((l) => l.who)).toEqual(['demo']);
  });

  it('without the runtime\'s agent folder runs the program untouched and says why', async () => {
    const root = path.join(work, 'no-agent');
    fs.cpSync(layer, root, { recursive: true });
    fs.rmSync(path.join(root, 'profiler/agent/net8.0'), { recursive: true });
    const r = await wrapped(RUNTIMES[1], { root });
    expect(r.stderr).toContain('[profiler_wrapper] profiling disabled: no agent for dotnet8');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(RESULT);
    expect(r.log.map((l) => l.who)).toEqual(['demo']);
    // the other runtime's agent is still there and still used
    const r10 = await wrapped(RUNTIMES[0], { root });
    expect(r10.stderr).toContain('[profiler_wrapper] profiling enabled');
    expect(r10.log.map((l) => l.who)).toContain('hook');
  });

  it('passes a failing program\'s exit and output through (unhandled exception)', async () => {
    const input = '{"id":"zero","left":1,"right":0}';
    const p = await plain(RUNTIMES[0], [input]);
    const r = await wrapped(RUNTIMES[0], { args: [input] });
    expect(p.code).not.toBe(0);
    expect(r.code).toBe(p.code);
    expect(r.signal).toBe(p.signal);
    expect(r.stdout).toBe(p.stdout);
    expect(r.stderr).toContain('DivideByZeroException');
    expect(one(r.log, 'agent-flush').flushed).toBe('true');
  });
});
