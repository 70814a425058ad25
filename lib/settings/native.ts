/**
 * The settings functions of the native addon (src/settings.cc), as the SDK sees them,
 * and the typed shapes every value crosses the boundary in (docs/settings.md, "The
 * native boundary"). Nothing else in the SDK calls the addon's settings functions.
 * @packageDocumentation
 * @internal
 */
import { loadNative } from '../native';
import type { SettingsDiagnostic } from './types';

/** One finding of the native checker: the public {@link SettingsDiagnostic}, field for field. @internal */
export type NativeDiagnostic = SettingsDiagnostic;

/**
 * A YAML node as the native reader resolves it under the YAML 1.2 core schema. Numbers
 * cross as their source text (`0x1F`, `1e3`, `.inf`) so the SDK converts them exactly
 * as the `yaml` package does, and a number written where a string is expected keeps
 * its text. @internal
 */
export type NativeNode =
  | { type: 'null' }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; text: string }
  | { type: 'float'; text: string }
  | { type: 'str'; value: string }
  | { type: 'seq'; items: NativeNode[] }
  | { type: 'map'; entries: { key: NativeNode; value: NativeNode }[] };

/** What a settings key holds (native/settings/keys.h `KeyType`). */
export type KeyKind = 'section' | 'bool' | 'enum' | 'url' | 'string' | 'token' | 'headers' | 'int' | 'float' | 'list';

/** One row of the native key table (native/settings/keys.cc). @internal */
export interface NativeKeySpec {
  path: string;
  kind: KeyKind;
  default?: boolean | number | string | [] | Record<string, never>;
  defaultFrom?: string;
  values?: string[];
  min?: number;
  max?: number;
  unit?: string;
  envReference: boolean;
  description: string;
}

/** The options of a native check: runtimes already validated against `RUNTIMES`. @internal */
export interface NativeCheckOptions {
  runtimes: string[];
  forLayer: boolean;
}

/** A refused document, as `settingsRead` throws it. @internal */
export interface NativeReadError extends Error {
  code: string;
  line: number;
  column: number;
  fix: string;
}

/** The addon functions of the settings capability. @internal */
export interface SettingsNative {
  /** Every finding of `source`, in file order. */
  settingsCheck(source: Uint8Array, options: NativeCheckOptions): NativeDiagnostic[];
  /** The same on Node's thread pool. */
  settingsCheckAsync(source: Uint8Array, options: NativeCheckOptions): Promise<NativeDiagnostic[]>;
  /** The document's root node; throws a {@link NativeReadError} for a refused document. */
  settingsRead(source: Uint8Array): NativeNode;
  /** The key table, parents before children. */
  settingsKeys(): NativeKeySpec[];
  /** The key path nearest to `path` (edit distance), or `''`. */
  settingsNearestKey(path: string): string;
}

/** The addon, typed as the settings capability uses it. @internal */
export function settingsNative(): SettingsNative {
  return loadNative<SettingsNative>();
}
