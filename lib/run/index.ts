/**
 * net-profiler/run: run a local .NET program under the profiler, as the startup wrapper
 * of the Lambda layer would start it, with a local OTLP receiver writing a dump
 * (docs/run.md).
 *
 * @example
 * ```ts
 * import { runProgram } from 'net-profiler/run';
 * const r = await runProgram({ layerDir: 'layer', command: ['dotnet', 'bin/App.dll'] });
 * console.log(r.exitCode, r.out, r.summary?.spans);
 * ```
 * @packageDocumentation
 */
export { runProgram, planRun } from './run';
export type { RunOptions, RunPlan, RunResult, RunReceiver, RunReceiveStats, StartRunReceiver } from './run';
export { openProfiler, checkTree, machineArch } from './profiler';
export type { ProfilerSource, ProfilerTree } from './profiler';
export { detectRuntime, dotnetProgram } from './runtime';
export type { DetectedRuntime } from './runtime';
export { profilerVariables, formatExports, shellQuote } from './env';
export { pointSettings } from './settings';
export type { ReceiverAddresses, RunSettings } from './settings';
export type { RunErrorCode } from './errors';
