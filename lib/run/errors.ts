/**
 * The failure codes of `net-profiler run` (docs/run.md).
 * @packageDocumentation
 */
import type { FsErrorCode } from '../errors';

/**
 * Every code a `run` function throws:
 * - `bad-argument`: a misused option (exit 2);
 * - `profiler-incomplete`: the release or layer lacks a piece the wrapper needs (exit 1);
 * - `native-wrong-arch`: the native library is not for this machine (exit 1);
 * - `bad-manifest`: the manifest is unreadable or lacks a field (exit 1);
 * - `unsupported-runtime`: the program targets a runtime other than dotnet8/dotnet10 (exit 1);
 * - `bad-runtimeconfig`: the program's `*.runtimeconfig.json` cannot be read as JSON (exit 1);
 * - `settings-invalid`: the effective settings have errors; nothing was started (exit 1);
 * - `command-not-started`: the command could not be started (exit 3);
 * - `receiver-failed`: the receiver could not start or write its dump (exit 3);
 * - `fs-*`: a file could not be read or written (exit 3).
 */
export type RunErrorCode =
  | 'bad-argument'
  | 'profiler-incomplete'
  | 'native-wrong-arch'
  | 'bad-manifest'
  | 'unsupported-runtime'
  | 'bad-runtimeconfig'
  | 'settings-invalid'
  | 'command-not-started'
  | 'receiver-failed'
  | FsErrorCode;
