// The arm64 layer on an arm64 CoreCLR under qemu-user (docs/dotnet.md): the test
// program published self-contained for linux-arm64, started through the arm64 layer's
// profiler_wrapper. The wrapper itself runs in this machine's (x64) shell, so its one
// question to the machine, `uname -m`, is answered `aarch64` by a shim first on PATH;
// everything after its `exec` is arm64 code: qemu-aarch64 running CoreCLR, the native
// profiler library and the agent. Also: the arm64 library loaded by a small C host.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Moto, needMoto, startMoto } from '../helpers/moto';
import { CLSID, cleanEnv, cleanup, createTable, needArm64, needDotnet, readLog, RESULT, runProcess, Sink, standins, startSink, tmpDir, unpackedLayer } from './helpers';

const ready = needDotnet() && needArm64() && needMoto();

/** qemu-user with the cross toolchain's arm64 glibc first (docs/dotnet.md: mixing it with Debian's libc6:arm64 hangs CoreCLR). */
const QEMU = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib'];

describe.skipIf(!ready)('the arm64 layer on CoreCLR under qemu-aarch64', () => {
  let built: string;
  let work: string;
  let layer: string;
  let shim: string;
  let moto: Moto;
  let sink: Sink;

  beforeAll(async () => {
    built = standins();
    work = tmpDir('arm64');
    layer = await unpackedLayer(path.join(built, 'release'), 'arm64', work);
    shim = path.join(work, 'shim');
    fs.mkdirSync(shim);
    fs.writeFileSync(path.join(shim, 'uname'), '#!/bin/sh\nif [ "$1" = -m ]; then echo aarch64; else exec /bin/uname "$@"; fi\n', { mode: 0o755 });
    moto = await startMoto();
    await createTable(moto.url, moto.env.AWS_REGION!);
    sink = await startSink();
  }, 20 * 60_000);

  afterAll(async () => {
    await moto?.stop();
    await sink?.close();
    if (work) cleanup(work);
  });

  it('loads the arm64 profiler with the manifest\'s CLSID and runs the agent, which exports the invocation', async () => {
    const log = path.join(work, 'log.txt');
    const env = cleanEnv({
      ...moto.env,
      PATH: `${shim}:${process.env.PATH}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_dotnet10',
      NET_PROFILER_LAYER_ROOT: layer,
      NET_PROFILER_STANDIN_LOG: log,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      // no ICU for arm64 here; invariant globalization is enough for the program
      DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1',
    });
    const program = path.join(built, 'demo', 'net10.0-linux-arm64', 'LambdaProfilerDemo');
    const r = await runProcess('sh', [path.join(layer, 'profiler_wrapper'), ...QEMU, program, '--exit', '6'], env, 170_000);
    expect(r.stderr).toContain('[profiler_wrapper] arch arm64 (machine aarch64)');
    expect(r.stderr).toContain('[profiler_wrapper] profiling enabled');
    expect(r.code).toBe(6);
    expect(r.stdout).toBe(RESULT);
    const lines = readLog(log);
    const by = (who: string) => lines.filter((l) => l.who === who).map((l) => l.fields);
    expect(by('native')).toEqual([{ call: 'DllGetClassObject', pid: String(r.pid), clsid: CLSID }]);
    expect(by('hook')).toHaveLength(1);
    expect(by('hook')[0]).toMatchObject({ pid: String(r.pid), arch: 'Arm64', agentPath: path.join(layer, 'profiler/agent/net10.0') });
    expect(by('hook')[0]!.runtime).toMatch(/^\.NET 10\./);
    expect(by('demo')[0]).toMatchObject({ pid: String(r.pid), arch: 'Arm64' });
    expect(by('agent')[0]).toMatchObject({ awsHook: 'true', lambda: 'true' });
    expect(by('agent-flush')[0]!.flushed).toBe('true');
    expect(sink.requests.filter((q) => q.path === '/v1/traces').length).toBeGreaterThan(0);
  }, 180_000);

  it('a C host under qemu loads the arm64 library and calls DllGetClassObject; the x64 library is refused', async () => {
    const log = path.join(work, 'host-log.txt');
    const host = path.join(built, 'host', 'load_host-arm64');
    const lib = path.join(layer, 'profiler/native/libnet_profiler.so');
    const r = await runProcess(QEMU[0]!, [...QEMU.slice(1), host, lib, CLSID], cleanEnv({ NET_PROFILER_STANDIN_LOG: log }), 60_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`loaded ${lib} version=1.4.0-standin hr=0x80040111 factory=null\n`);
    expect(readLog(log)).toEqual([{ who: 'native', fields: { call: 'DllGetClassObject', pid: String(r.pid), clsid: CLSID } }]);
    const x64 = path.join(built, 'release/native/linux-x64/libnet_profiler.so');
    const bad = await runProcess(QEMU[0]!, [...QEMU.slice(1), host, x64, CLSID], cleanEnv({}), 60_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/dlopen failed: .*(wrong ELF class|cannot open|invalid ELF)/);
  }, 120_000);
});
