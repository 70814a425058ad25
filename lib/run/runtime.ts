/**
 * Which runtime a command runs on: read from the program's `*.runtimeconfig.json`
 * when the command is `dotnet X.dll` or `dotnet exec … X.dll` (docs/run.md).
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { INPUT_CAPS, Runtime } from '../constants';
import { NetProfilerError, quoteValue } from '../errors';
import { readFileCappedSync } from '../files';
import type { RunErrorCode } from './errors';

/** Host options of `dotnet exec` that take a value (the value is not the program). */
const VALUE_OPTIONS = new Set(['--depsfile', '--runtimeconfig', '--additionalprobingpath', '--additional-deps', '--fx-version', '--roll-forward', '--runtimeconfig-dir']);

/** What {@link detectRuntime} found. */
export interface DetectedRuntime {
  /** The runtime to profile for. */
  runtime: Runtime;
  /** The runtimeconfig it was read from, when one was. */
  from?: string;
}

/** The `.dll` and the runtimeconfig of a `dotnet` command line, or undefined when it is not one. */
export function dotnetProgram(command: readonly string[], cwd = process.cwd()): { dll: string; runtimeconfig: string } | undefined {
  const [exe, ...args] = command;
  if (exe === undefined || !/^dotnet(\.exe)?$/.test(path.basename(exe))) return undefined;
  let i = args[0] === 'exec' ? 1 : 0;
  let runtimeconfig: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) {
      if (a === '--runtimeconfig') runtimeconfig = args[i + 1];
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (!a.toLowerCase().endsWith('.dll')) return undefined;
    const dll = path.resolve(cwd, a);
    return { dll, runtimeconfig: path.resolve(cwd, runtimeconfig ?? dll.replace(/\.dll$/i, '') + '.runtimeconfig.json') };
  }
  return undefined;
}

function runtimeOfVersion(v: unknown): Runtime | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(?:net)?(\d+)\./.exec(v);
  return m?.[1] === '8' ? 'dotnet8' : m?.[1] === '10' ? 'dotnet10' : undefined;
}

/**
 * The runtime of a command: from the program's runtimeconfig (`runtimeOptions.tfm`, else
 * the Microsoft.NETCore.App framework version) for a `dotnet` command line whose
 * runtimeconfig exists; `dotnet10` otherwise.
 * @throws NetProfilerError `bad-runtimeconfig` (not JSON), `unsupported-runtime` (another .NET)
 */
export function detectRuntime(command: readonly string[], cwd = process.cwd()): DetectedRuntime {
  const prog = dotnetProgram(command, cwd);
  if (!prog || !fs.existsSync(prog.runtimeconfig)) return { runtime: 'dotnet10' };
  const file = prog.runtimeconfig;
  let doc: { runtimeOptions?: Record<string, unknown> };
  try {
    doc = JSON.parse(readFileCappedSync(file, INPUT_CAPS.jsonBytes, 'runtimeconfig').toString('utf8')) as typeof doc;
  } catch (err) {
    if (err instanceof NetProfilerError) throw err;
    throw new NetProfilerError<RunErrorCode>('bad-runtimeconfig', `${file} is not JSON: ${(err as Error).message}`, { kind: 'refused', file, fix: 'pass --runtime dotnet8 or --runtime dotnet10' });
  }
  const o = doc?.runtimeOptions ?? {};
  const frameworks = [o.framework, ...(Array.isArray(o.frameworks) ? o.frameworks : []), ...(Array.isArray(o.includedFrameworks) ? o.includedFrameworks : [])] as { name?: unknown; version?: unknown }[];
  const core = frameworks.find((f) => f && f.name === 'Microsoft.NETCore.App');
  const tfm = typeof o.tfm === 'string' ? o.tfm : undefined;
  const runtime = runtimeOfVersion(tfm) ?? runtimeOfVersion(core?.version);
  if (!runtime) {
    const what = tfm ?? (typeof core?.version === 'string' ? `Microsoft.NETCore.App ${core.version}` : 'no runtime');
    throw new NetProfilerError<RunErrorCode>('unsupported-runtime', `${file} targets ${quoteValue(what)}; the profiler supports dotnet8 (net8.0) and dotnet10 (net10.0)`, {
      kind: 'refused',
      file,
      fix: 'build the program for net8.0 or net10.0, or pass --runtime to choose the agent',
    });
  }
  return { runtime, from: file };
}
