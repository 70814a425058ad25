/**
 * `run`: a local program under the profiler, with a local receiver (docs/run.md).
 * @packageDocumentation
 */
import { spawn, StdioOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Arch, isRuntime, Runtime, RUNTIMES } from '../constants';
import { badArgument, NetProfilerError, quoteValue } from '../errors';
import { summarize } from '../dump';
import type { DumpSummary } from '../dump';
import type { ReceiveStats } from '../receive';
import type { SettingsDiagnostic } from '../settings';
import type { RunErrorCode } from './errors';
import { profilerVariables, replacedVariables } from './env';
import { checkTree, machineArch, openProfiler, ProfilerSource, ProfilerTree, sourceKind } from './profiler';
import { detectRuntime } from './runtime';
import { checkRunSettings, pointSettings, readSettingsText, RunSettings } from './settings';

/** What a receiver tells `run` (the receive capability's receiver fits it). */
export interface RunReceiver {
  /** The dump it writes. */
  readonly out: string;
  /** Its OTLP/HTTP address, `HOST:PORT`. */
  readonly http?: string | undefined;
  /** Its OTLP/gRPC address, when on. */
  readonly grpc?: string | undefined;
  /** Called for every request it accepted and wrote. */
  on(event: 'request', listener: (request: { spans: number }) => void): unknown;
  /** Called when it cannot write its dump. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops accepting, finishes what it accepted, closes the dump. */
  stop(): Promise<RunReceiveStats>;
}

/** The receiver's final figures: the receive capability's {@link ReceiveStats}. */
export type RunReceiveStats = ReceiveStats;

/** Starts a receiver on loopback; `run` asks for free ports (`127.0.0.1:0`). */
export type StartRunReceiver = (options: { out?: string; http: string; grpc: string | false }) => Promise<RunReceiver>;

/** Options of {@link planRun} and {@link runProgram}. */
export interface RunOptions extends ProfilerSource {
  /** The command to run, program first. */
  command: readonly string[];
  /** The runtime; default read from the program's runtimeconfig (`dotnet X.dll`), else `dotnet10`. */
  runtime?: Runtime;
  /** A settings file to use instead of the release's or layer's. */
  settings?: string;
  /** The dump to write (default: as `receive`). */
  out?: string;
  /** Start no receiver: the settings are used as they are. Default false. */
  noReceive?: boolean;
  /** Longest wait for the last exports after the program ended, seconds (default 5; ends after 1 s with nothing new). */
  flushWaitSeconds?: number;
  /** The environment the program inherits (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The folder the command runs in (default the current one). */
  cwd?: string;
  /** The program's stdio (default `inherit`: untouched). */
  stdio?: StdioOptions;
  /** Signals of this process forwarded to the program (default SIGINT and SIGTERM). */
  forwardSignals?: readonly NodeJS.Signals[];
  /** Forwards SIGINT to the program when aborted (for a caller that handles Ctrl-C itself). */
  signal?: AbortSignal;
  /** Lines for the person running it (warnings, where things are); default none. */
  onNote?: (line: string) => void;
  /** Called with the program's pid once it started. */
  onStart?: (pid: number) => void;
}

/** The variables of a run and where they come from ({@link planRun}). */
export interface RunPlan {
  /** The runtime profiled for. */
  runtime: Runtime;
  /** Where the runtime was read from, if from a file. */
  runtimeFrom?: string;
  /** This machine's architecture. */
  arch: Arch;
  /** The variables the startup wrapper would set, in its order. */
  variables: Record<string, string>;
  /** The settings file the variables point at. */
  settings: string;
  /** Warnings of its check. */
  warnings: SettingsDiagnostic[];
}

/** What {@link runProgram} returns once the program ended and the dump is closed. */
export interface RunResult {
  /** The program's exit code; 128+N when signal N ended it. */
  exitCode: number;
  /** The signal that ended the program, if one did. */
  signal?: NodeJS.Signals;
  /** The runtime profiled for. */
  runtime: Runtime;
  /** The variables set for the program (beyond its environment). */
  variables: Record<string, string>;
  /** The dump written (absent with `noReceive`). */
  out?: string;
  /** The receiver's figures (absent with `noReceive`). */
  receive?: RunReceiveStats;
  /** The summary of the dump (absent with `noReceive`). */
  summary?: DumpSummary;
}

function checkOptions(o: RunOptions): void {
  if (!Array.isArray(o.command) || o.command.length === 0 || o.command.some((a) => typeof a !== 'string')) {
    throw badArgument('command', 'give the command to run after --, such as -- dotnet bin/App.dll');
  }
  if (o.runtime !== undefined && !isRuntime(o.runtime)) throw badArgument('runtime', `--runtime does not accept ${quoteValue(o.runtime)}`, RUNTIMES);
  if (o.flushWaitSeconds !== undefined && (!Number.isFinite(o.flushWaitSeconds) || o.flushWaitSeconds < 0 || o.flushWaitSeconds > 600)) {
    throw badArgument('flush-wait', `--flush-wait takes seconds from 0 to 600, not ${quoteValue(o.flushWaitSeconds)}`);
  }
  sourceKind(o);
}

function thisArch(): Arch {
  const arch = machineArch();
  if (!arch) throw new NetProfilerError<RunErrorCode>('profiler-incomplete', `this machine (${process.arch}) is neither x64 nor arm64: the profiler has no native library for it`, { kind: 'refused' });
  return arch;
}

/**
 * The variables `run --print-env` prints: those of the startup wrapper for this machine
 * and the runtime, with `NET_PROFILER_SETTINGS` at the given settings file or the
 * profiler's own (checked). Takes a release or an unpacked layer only: a ZIP's
 * temporary folder would be gone when the variables are used.
 * @throws NetProfilerError `bad-argument` for a ZIP; the errors of {@link runProgram}'s checks
 */
export async function planRun(options: Omit<RunOptions, 'command'> & { command?: readonly string[] }): Promise<RunPlan> {
  if (options.layer !== undefined) {
    throw new NetProfilerError<RunErrorCode>('bad-argument', 'a layer ZIP cannot be used with --print-env: its paths would point into a temporary folder removed on exit', {
      kind: 'usage',
      argument: 'layer',
      fix: 'unpack it first with `net-profiler layer unpack ZIP DIR`, then pass --layer-dir DIR',
    });
  }
  checkOptions({ ...options, command: options.command ?? ['dotnet'] });
  const arch = thisArch();
  const found = options.runtime ? { runtime: options.runtime } : options.command ? detectRuntime(options.command, options.cwd) : { runtime: 'dotnet10' as Runtime };
  const tree = await openProfiler(options, arch);
  checkTree(tree, found.runtime, arch);
  const settings = path.resolve(options.settings ?? tree.settings);
  const warnings = checkRunSettings(readSettingsText(settings), settings, found.runtime);
  return {
    runtime: found.runtime,
    ...('from' in found && found.from ? { runtimeFrom: found.from } : {}),
    arch,
    variables: profilerVariables(tree, found.runtime, settings, options.env ?? process.env),
    settings,
    warnings: warnings.filter((d) => d.severity === 'warning'),
  };
}

/** Spawns the command; resolves with its end, rejects `command-not-started` when it cannot start. */
function startProgram(o: RunOptions, env: NodeJS.ProcessEnv): Promise<{ exitCode: number; signal?: NodeJS.Signals }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = o.command;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd!, args, { stdio: o.stdio ?? 'inherit', env, ...(o.cwd ? { cwd: o.cwd } : {}) });
    } catch (err) {
      reject(notStarted(cmd!, err as NodeJS.ErrnoException));
      return;
    }
    const forward = (sig: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const handlers = (o.forwardSignals ?? ['SIGINT', 'SIGTERM']).map((sig) => [sig, forward(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    const onAbort = forward('SIGINT');
    o.signal?.addEventListener('abort', onAbort);
    const done = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
      o.signal?.removeEventListener('abort', onAbort);
    };
    let started = false;
    child.once('spawn', () => {
      started = true;
      o.onStart?.(child.pid!);
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (started) return;
      done();
      reject(notStarted(cmd!, err));
    });
    child.once('exit', (code, signal) => {
      done();
      if (signal) resolve({ exitCode: 128 + (os.constants.signals[signal] ?? 0), signal });
      else resolve({ exitCode: code ?? 0 });
    });
  });
}

function notStarted(cmd: string, err: NodeJS.ErrnoException): NetProfilerError<RunErrorCode> {
  const why = err.code === 'ENOENT' ? 'not found' : err.code === 'EACCES' ? 'not executable' : (err.code ?? err.message);
  return new NetProfilerError<RunErrorCode>('command-not-started', `the command ${quoteValue(cmd, 200)} could not be started: ${why}`, {
    kind: 'outside',
    fix: err.code === 'ENOENT' ? 'check the program name and PATH (the command comes after --)' : 'check the program and its permissions',
    cause: err,
  });
}

/** Waits until nothing arrived for `quietMs`, at most `maxMs` in all. */
async function flushWait(lastArrival: () => number, maxMs: number, quietMs = 1000): Promise<void> {
  const end = Date.now() + maxMs;
  for (;;) {
    const now = Date.now();
    if (now >= end || now - lastArrival() >= quietMs) return;
    await new Promise((r) => setTimeout(r, Math.min(100, end - now)));
  }
}

/**
 * Runs a local program under the profiler (docs/run.md): the startup wrapper's
 * variables for this machine and the runtime, from a release, a layer ZIP or an
 * unpacked layer; unless `noReceive`, a receiver on free loopback ports and a temporary
 * copy of the settings pointed at it (checked before anything starts), and the OTLP
 * exporter variables. The program's stdio and exit code are its own; SIGINT and SIGTERM
 * are forwarded. After it ends: the flush wait, the dump closed and summarised.
 * Temporary files (the settings copy, an unpacked ZIP) are removed in every case.
 * @param startReceiver - starts the receiver; default the receive capability's `startReceiver`
 * @throws NetProfilerError `command-not-started` (exit 3), `settings-invalid` (nothing started), the source's errors
 */
export async function runProgram(options: RunOptions, startReceiver?: StartRunReceiver): Promise<RunResult> {
  checkOptions(options);
  const arch = thisArch();
  const note = options.onNote ?? (() => undefined);
  const base = options.env ?? process.env;
  const found = options.runtime ? { runtime: options.runtime } : detectRuntime(options.command, options.cwd);
  const runtime = found.runtime;
  const temps: string[] = [];
  const removeTemps = () => {
    for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true });
  };
  process.once('exit', removeTemps);
  let receiver: RunReceiver | undefined;
  try {
    const tree: ProfilerTree = await openProfiler(options, arch);
    if (tree.temporary) temps.push(tree.temporary);
    checkTree(tree, runtime, arch);
    const settingsFile = path.resolve(options.settings ?? tree.settings);
    const text = readSettingsText(settingsFile);
    let settingsPath = settingsFile;
    let otel: Record<string, string> = {};
    let lastArrival = 0;
    let receiving: string | undefined;
    if (options.noReceive) {
      for (const w of checkRunSettings(text, settingsFile, runtime).filter((d) => d.severity === 'warning')) note(`${settingsFile}:${w.line}:${w.column}: warning ${w.code}: ${w.message}`);
    } else {
      // Check the copy before anything starts (the port is the only thing that changes later).
      pointSettings(text, settingsFile, runtime, { http: '127.0.0.1:4318', grpc: '127.0.0.1:4317' });
      try {
        const start: StartRunReceiver = startReceiver ?? (await import('../receive')).startReceiver;
        receiver = await start({ ...(options.out !== undefined ? { out: options.out } : {}), http: '127.0.0.1:0', grpc: '127.0.0.1:0' });
      } catch (err) {
        if (err instanceof NetProfilerError) throw err;
        throw new NetProfilerError<RunErrorCode>('receiver-failed', `the local receiver could not start: ${(err as Error).message}`, { kind: 'outside', cause: err });
      }
      receiver.on('request', () => (lastArrival = Date.now()));
      receiver.on('error', (e) => note(`error: the receiver could not write ${receiver?.out ?? 'its dump'}: ${e.message}`));
      const pointed: RunSettings = pointSettings(text, settingsFile, runtime, { http: receiver.http!, ...(receiver.grpc ? { grpc: receiver.grpc } : {}) });
      for (const w of pointed.warnings) note(`${settingsFile}:${w.line}:${w.column}: warning ${w.code}: ${w.message}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'net-profiler-run-'));
      temps.push(dir);
      settingsPath = path.join(dir, 'settings.yaml');
      fs.writeFileSync(settingsPath, pointed.text, { mode: 0o600 });
      otel = { OTEL_EXPORTER_OTLP_ENDPOINT: pointed.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: pointed.transport === 'grpc' ? 'grpc' : 'http/protobuf' };
      receiving = `receiving on ${pointed.endpoint} (${pointed.transport === 'grpc' ? 'OTLP/gRPC' : 'OTLP/HTTP'}); writing ${receiver.out}`;
    }
    const variables = { ...profilerVariables(tree, runtime, settingsPath, base), ...otel };
    for (const k of replacedVariables(variables, base)) note(`warning: ${k} was set to ${quoteValue(base[k])}; the run sets it to ${quoteValue(variables[k])}`);
    const ended = await startProgram(
      {
        ...options,
        onStart: (pid) => {
          if (receiving) note(receiving);
          options.onStart?.(pid);
        },
      },
      { ...base, ...variables },
    );
    const result: RunResult = { exitCode: ended.exitCode, ...(ended.signal ? { signal: ended.signal } : {}), runtime, variables };
    if (receiver) {
      lastArrival = Math.max(lastArrival, Date.now());
      await flushWait(() => lastArrival, (options.flushWaitSeconds ?? 5) * 1000);
      const r = receiver;
      receiver = undefined;
      const stats = await r.stop();
      result.out = stats.out;
      result.receive = stats;
      result.summary = await summarize(stats.out);
    }
    return result;
  } catch (err) {
    // A program that never started leaves no dump behind: it would hold nothing.
    if (receiver && err instanceof NetProfilerError && err.code === 'command-not-started') {
      const r = receiver;
      receiver = undefined;
      const stats = await r.stop().catch(() => undefined);
      if (stats) fs.rmSync(stats.out, { force: true });
    }
    throw err;
  } finally {
    if (receiver) await receiver.stop().catch(() => undefined);
    removeTemps();
    process.off('exit', removeTemps);
  }
}
