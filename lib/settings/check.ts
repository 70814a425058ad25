/**
 * Checking settings.yaml: every finding of docs/settings.md ("Check codes") at once, from
 * the native checker.
 * @packageDocumentation
 */
import { INPUT_CAPS, isRuntime, RUNTIMES } from '../constants';
import { badArgument, quoteValue } from '../errors';
import { readFileCapped } from '../files';
import { NativeCheckOptions, settingsNative } from './native';
import { toBytes } from './read';
import type { CheckOptions, SettingsCheckResult, SettingsDiagnostic } from './types';

/** The options as the native checker takes them; refuses an unknown runtime. @internal */
export function nativeOptions(options: CheckOptions): NativeCheckOptions {
  const runtimes: unknown = options.runtimes ?? [];
  if (!Array.isArray(runtimes)) throw badArgument('runtimes', 'runtimes must be a list of runtimes', RUNTIMES);
  for (const r of runtimes) {
    if (!isRuntime(r)) throw badArgument('runtimes', `unknown runtime ${quoteValue(r)}`, RUNTIMES);
  }
  return { runtimes: [...(runtimes as string[])], forLayer: options.forLayer === true };
}

function toResult(diagnostics: SettingsDiagnostic[]): SettingsCheckResult {
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

/**
 * Checks settings.yaml text: every finding at once (YAML refusals, unknown and duplicate
 * keys, types and ranges, provider rules, placeholders, YAML 1.1 booleans, `${env:…}`,
 * runtime and layer warnings). Synchronous; never throws for bad input.
 * @param source - the file's text or bytes (UTF-8, BOM and CRLF allowed)
 * @param options - target runtimes, for-layer
 * @returns `ok` (no errors) and the diagnostics in file order
 * @throws NetProfilerError `bad-argument` for a source that is not text or bytes, or an unknown runtime
 */
export function checkSettings(source: string | Uint8Array, options: CheckOptions = {}): SettingsCheckResult {
  const opts = nativeOptions(options);
  return toResult(settingsNative().settingsCheck(toBytes(source), opts));
}

/**
 * Reads a settings file (at most `INPUT_CAPS.settingsBytes`) and checks it; the check
 * runs on Node's thread pool.
 * @param file - path of settings.yaml
 * @param options - target runtimes, for-layer
 * @throws NetProfilerError `fs-*` (`outside`) when the file cannot be read,
 *   `input-too-large` when it is larger than the cap, `bad-argument` for an unknown runtime
 */
export async function checkSettingsFile(file: string, options: CheckOptions = {}): Promise<SettingsCheckResult> {
  const opts = nativeOptions(options);
  const bytes = await readSettingsFile(file);
  return toResult(await settingsNative().settingsCheckAsync(bytes, opts));
}

/**
 * The bytes of a settings file, read with the settings cap enforced while reading.
 * @throws NetProfilerError `fs-*` or `input-too-large` naming the file
 */
export function readSettingsFile(file: string): Promise<Buffer> {
  return readFileCapped(file, INPUT_CAPS.settingsBytes, 'settings file');
}
