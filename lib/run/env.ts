/**
 * The variables `run` sets: exactly those of the layer's startup wrapper (docs/layer.md),
 * plus the OTLP exporter's when a receiver runs; and their `export` lines for a shell.
 * @packageDocumentation
 */
import * as path from 'path';
import type { Runtime } from '../constants';
import type { ProfilerTree } from './profiler';

/** The wrapper's variables for `tree` and `runtime`, with `settings` as NET_PROFILER_SETTINGS. */
export function profilerVariables(tree: ProfilerTree, runtime: Runtime, settings: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const hook = path.resolve(tree.agentDir(runtime), tree.startupHook);
  const have = (env.DOTNET_STARTUP_HOOKS ?? '').split(':').filter((s) => s !== '');
  return {
    CORECLR_ENABLE_PROFILING: '1',
    CORECLR_PROFILER: tree.clsid,
    CORECLR_PROFILER_PATH: path.resolve(tree.native),
    NET_PROFILER_HOME: path.resolve(tree.home),
    NET_PROFILER_SETTINGS: path.resolve(settings),
    NET_PROFILER_AGENT_PATH: path.resolve(tree.agentDir(runtime)),
    DOTNET_STARTUP_HOOKS: have.includes(hook) ? have.join(':') : [...have, hook].join(':'),
  };
}

/** The variables of `vars` that the environment already sets to something else (kept by the wrapper, replaced by `run`). */
export function replacedVariables(vars: Record<string, string>, env: NodeJS.ProcessEnv): string[] {
  return Object.keys(vars).filter((k) => k !== 'DOTNET_STARTUP_HOOKS' && env[k] !== undefined && env[k] !== vars[k]);
}

/** `value` quoted for a POSIX shell: in single quotes, a `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One `export NAME='VALUE'` line per variable, in the given order. */
export function formatExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
}
