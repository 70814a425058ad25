/**
 * The one place the layer code asks the settings checker (`net-profiler/settings`).
 * @internal
 * @packageDocumentation
 */
import type { Runtime } from '../constants';
import { checkSettings } from '../settings';
import type { SettingsDiagnostic } from '../settings';

/** A settings finding as the layer code uses it. */
export type SettingsFinding = SettingsDiagnostic;

/**
 * Runs the settings checks meant for a file that goes into a layer, with the
 * runtime-dependent checks against `runtimes`.
 */
export function checkLayerSettings(source: Uint8Array, file: string, runtimes: readonly Runtime[]): SettingsFinding[] {
  return checkSettings(source, { file, runtimes: [...runtimes], forLayer: true }).diagnostics;
}
