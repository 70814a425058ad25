// `net-profiler run` with the real .NET test program and the stand-in agent
// (docs/run.md): the capture over OTLP/HTTP and OTLP/gRPC, from a release, a layer ZIP
// and an unpacked layer, on .NET 10 and .NET 8; --print-env; and the error paths.
// Needs the CLI built (npm run build:ts).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spansOf } from '../../lib/dump';
import type { Span } from '../../lib/dump';
import { BIN, cli, ROOT } from '../helpers/cli';
import { Moto, needMoto, startMoto } from '../helpers/moto';
import { cleanEnv, cleanup, createTable, lambdaCommand, layerZip, needDotnet, readLog, RESULT, runProcess, standins, tmpDir, unpackedLayer } from './helpers';

const ready = needDotnet() && needMoto();

/** The real bin once lib/cli/main.ts lists `run`; until then the command spec, started as main.ts starts it. */
function runArgs(args: string[]): string[] {
  let wired = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    wired = (require(path.join(ROOT, 'dist/cli/main.js')) as { commandNames(): string[] }).commandNames().includes('run');
  } catch {
    wired = false;
  }
  return wired ? [BIN, 'run', ...args] : [path.join(__dirname, 'run-driver.js'), ...args];
}

async function spans(file: string): Promise<Span[]> {
  const out: Span[] = [];
  for await (const s of spansOf(file)) out.push(s);
  return out;
}

describe.skipIf(!ready)('net-profiler run', () => {
  let built: string;
  let release: string;
  let work: string;
  let tmp: string;
  let layerDir: string;
  let zip: string;
  let moto: Moto;
  let n = 0;

  beforeAll(async () => {
    built = standins();
    release = path.join(built, 'release');
    work = tmpDir('run');
    tmp = path.join(work, 'tmp');
    fs.mkdirSync(tmp);
    zip = await layerZip(release, 'x64', work);
    layerDir = await unpackedLayer(release, 'x64', path.join(work, 'unpacked'));
    moto = await startMoto();
    await createTable(moto.url, moto.env.AWS_REGION!);
  }, 20 * 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (work) cleanup(work);
  });

  const demo = (tfm: 'net10.0' | 'net8.0') => path.join(built, 'demo', tfm);

  /** Runs `run ARGS` in its own process; TMPDIR is the test's, to see what is left there. */
  function run(args: string[], extra: Record<string, string> = {}, onStderr?: (text: string, pid: number) => void) {
    const id = ++n;
    const log = path.join(work, `log-${id}.txt`);
    const env = cleanEnv({
      ...moto.env,
      TMPDIR: tmp,
      NO_COLOR: '1',
      AWS_LAMBDA_FUNCTION_NAME: 'lambda-profiler-demo',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      NET_PROFILER_STANDIN_INVOCATION_ID: `invocation-${id}`,
      NET_PROFILER_STANDIN_LOG: log,
      ...extra,
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string; log: ReturnType<typeof readLog>; id: number }>((resolve, reject) => {
      const child = spawn(process.execPath, runArgs(args), { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        onStderr?.(stderr, child.pid!);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, log: readLog(log), id });
      });
    });
  }

  const leftovers = () => fs.readdirSync(tmp).filter((f) => f.startsWith('net-profiler-run'));

  /** The invocation of a dump: its SERVER span and that span's CLIENT children. */
  async function invocation(out: string, id: number) {
    const all = await spans(out);
    const servers = all.filter((s) => s.kind === 2);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    expect(server.attributes).toMatchObject({
      'faas.name': 'lambda-profiler-demo',
      'faas.version': '$LATEST',
      'faas.invocation_id': `invocation-${id}`,
      'faas.trigger': 'other',
      'faas.coldstart': true,
      'cloud.region': moto.env.AWS_REGION,
    });
    expect(String(server.attributes['cloud.resource_id'])).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:lambda-profiler-demo$/);
    const clients = all.filter((s) => s.kind === 3);
    expect(clients.map((c) => c.name)).toEqual(['DynamoDB.PutItem', 'DynamoDB.GetItem']);
    for (const c of clients) {
      expect(c.traceId).toBe(server.traceId);
      expect(c.parentSpanId).toBe(server.spanId);
      expect(c.attributes).toMatchObject({ 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'aws.dynamodb.table_names': ['lambda-profiler-demo'] });
    }
    const check = cli(['dump', 'check-lambda', out, '--json']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ invocations: 1, ok: true, problems: [] });
    return { server, clients };
  }

  it('over OTLP/HTTP from a release: the SERVER span and its two DynamoDB CLIENT children; check-lambda passes', async () => {
    const out = path.join(work, 'http.nptb');
    const r = await run(['--release', release, '--out', out, '--', ...lambdaCommand(demo('net10.0'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(RESULT);
    expect(r.stderr).toMatch(/receiving on http:\/\/127\.0\.0\.1:\d+ \(OTLP\/HTTP\)/);
    expect(r.stderr).toContain('demo: done');
    expect(r.stderr).toContain('net-profiler run: the program exited with 0');
    expect(r.stderr).toMatch(/SERVER lambda-profiler-demo[\s\S]*CLIENT DynamoDB\.PutItem[\s\S]*CLIENT DynamoDB\.GetItem/);
    await invocation(out, r.id);
    const hook = r.log.find((l) => l.who === 'hook')!.fields;
    expect(hook.home).toBe(release);
    expect(hook.agentPath).toBe(path.join(release, 'agent/net10.0'));
    expect(hook.settings).toMatch(new RegExp(`^${tmp}/net-profiler-run-[^/]+/settings\\.yaml$`));
    expect(r.log.find((l) => l.who === 'agent')!.fields).toMatchObject({ protocol: 'http/protobuf', settingsType: 'awslambda' });
    expect(leftovers()).toEqual([]);
  }, 160_000);

  it('over OTLP/gRPC when the settings say Connection.Type: grpc', async () => {
    const settings = path.join(work, 'grpc.yaml');
    fs.writeFileSync(settings, fs.readFileSync(path.join(release, 'settings/lambda/settings.yaml'), 'utf8').replace('  Type: http', '  Type: grpc'));
    const out = path.join(work, 'grpc.nptb');
    const r = await run(['--release', release, '--settings', settings, '--out', out, '--', ...lambdaCommand(demo('net10.0'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(RESULT);
    expect(r.stderr).toMatch(/receiving on http:\/\/127\.0\.0\.1:\d+ \(OTLP\/gRPC\)/);
    const agent = r.log.find((l) => l.who === 'agent')!.fields;
    expect(agent.protocol).toBe('grpc');
    expect(r.stderr).toContain(`receiving on ${agent.endpoint} (OTLP/gRPC)`);
    await invocation(out, r.id);
  }, 160_000);

  it('.NET 8 from a layer ZIP, the runtime read from the runtimeconfig; --json; the unpacked ZIP removed', async () => {
    const out = path.join(work, 'net8.nptb');
    const r = await run(['--layer', zip, '--out', out, '--json', '--', ...lambdaCommand(demo('net8.0'), '--exit', '5')]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout.startsWith(RESULT)).toBe(true);
    const doc = JSON.parse(r.stdout.slice(RESULT.length)) as { exitCode: number; out: string; summary: { spans: number; traces: number } };
    expect(doc).toMatchObject({ exitCode: 5, out, summary: { spans: 3, traces: 1 } });
    const hook = r.log.find((l) => l.who === 'hook')!.fields;
    expect(hook.runtime).toMatch(/^\.NET 8\./);
    expect(hook.agentPath).toMatch(new RegExp(`^${tmp}/net-profiler-run-layer-[^/]+/layer/profiler/agent/net8\\.0$`));
    await invocation(out, r.id);
    expect(leftovers()).toEqual([]);
  }, 160_000);

  it('--no-receive from an unpacked layer: the layer\'s own settings, no dump', async () => {
    const r = await run(['--layer-dir', layerDir, '--no-receive', '--', ...lambdaCommand(demo('net10.0'), '--no-aws', '--exit', '2')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe(RESULT);
    const hook = r.log.find((l) => l.who === 'hook')!.fields;
    expect(hook.settings).toBe(path.join(layerDir, 'profiler/settings/lambda/settings.yaml'));
    expect(r.log.find((l) => l.who === 'native')!.fields.clsid).toBe(JSON.parse(fs.readFileSync(path.join(release, 'manifest.json'), 'utf8')).clsid);
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.nptb') && f.startsWith('receive-'))).toEqual([]);
  }, 160_000);

  it('--print-env prints export lines that start the program under the profiler; a ZIP is refused', async () => {
    const r = await run(['--layer-dir', layerDir, '--print-env', '--', ...lambdaCommand(demo('net8.0'))]);
    expect(r.code, r.stderr).toBe(0);
    const home = path.join(layerDir, 'profiler');
    expect(r.stdout).toContain(`export NET_PROFILER_AGENT_PATH='${home}/agent/net8.0'\n`);
    expect(r.stdout).toContain(`export NET_PROFILER_SETTINGS='${home}/settings/lambda/settings.yaml'\n`);
    expect(r.stdout.split('\n').filter(Boolean).every((l) => /^export [A-Z_]+='[^']*'$/.test(l))).toBe(true);
    const envFile = path.join(work, 'env.sh');
    fs.writeFileSync(envFile, r.stdout);
    const log = path.join(work, 'print-env-log.txt');
    const [cmd, ...args] = lambdaCommand(demo('net8.0'), '--no-aws');
    const p = await runProcess('sh', ['-c', `. "$1" && shift && exec "$@"`, 'sh', envFile, cmd!, ...args], cleanEnv({ NET_PROFILER_STANDIN_LOG: log }));
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe(RESULT);
    const lines = readLog(log);
    expect(lines.find((l) => l.who === 'native')!.fields.pid).toBe(String(p.pid));
    expect(lines.find((l) => l.who === 'hook')!.fields).toMatchObject({ agentPath: `${home}/agent/net8.0`, home });
    const z = await run(['--layer', zip, '--print-env']);
    expect(z.code).toBe(2);
    expect(z.stderr).toContain('net-profiler layer unpack');
  }, 160_000);

  it('a command that cannot be started: exit 3 naming it, no dump and no temporary file left', async () => {
    const out = path.join(work, 'nostart.nptb');
    const r = await run(['--release', release, '--out', out, '--', path.join(work, 'no-such-program')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command-not-started');
    expect(r.stderr).toContain(path.join(work, 'no-such-program'));
    expect(fs.existsSync(out)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('settings with errors: exit 1 with the findings; nothing started, no dump', async () => {
    const settings = path.join(work, 'bad.yaml');
    fs.writeFileSync(settings, 'General:\n  Type: awslambda\nConnection:\n  TimeoutMs: 999999\n');
    const out = path.join(work, 'bad.nptb');
    const mark = path.join(work, 'started-mark');
    const r = await run(['--release', release, '--settings', settings, '--out', out, '--', 'sh', '-c', `touch '${mark}'`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${settings.replace(/[.]/g, '\\.')}:4:\\d+: error`));
    expect(r.stderr).toContain('nothing was started');
    expect(fs.existsSync(mark)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('a program killed by a signal: exit 128+N', async () => {
    const out = path.join(work, 'killed.nptb');
    const r = await run(['--release', release, '--out', out, '--flush-wait', '0', '--', 'sh', '-c', 'kill -KILL $$']);
    expect(r.code).toBe(137);
    expect(r.stderr).toContain('net-profiler run: the program was ended by SIGKILL (exit 137)');
    expect(fs.existsSync(out)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} during the run: forwarded to the program, which flushes; then the summary`, async () => {
      const out = path.join(work, `${sig}.nptb`);
      let sent = false;
      const r = await run(['--release', release, '--out', out, '--', ...lambdaCommand(demo('net10.0'), '--sleep-ms', '60000')], {}, (text, pid) => {
        if (!sent && text.includes('demo: sleeping')) {
          sent = true;
          process.kill(pid, sig);
        }
      });
      const code = sig === 'SIGINT' ? 130 : 143;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`the program was ended by ${sig} (exit ${code})`);
      const { server } = await invocation(out, r.id);
      expect(server.attributes['process.signal']).toBe(sig);
      expect(leftovers()).toEqual([]);
    }, 160_000);
  }
});
