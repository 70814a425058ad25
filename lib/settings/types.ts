/**
 * The shapes of `net-profiler/settings`: findings, check options and results, and the
 * effective settings (their type is generated from the native key table).
 * @packageDocumentation
 */
import type { Runtime } from '../constants';
import type { Settings } from './settings.generated';

export type { Settings } from './settings.generated';

/** One finding of the checker (docs/settings.md, "Check codes"). */
export interface SettingsDiagnostic {
  /** Stable code, such as `placeholder` or `unknown-key`. */
  code: string;
  /** `error`: the file must not be used; `warning`: it works, but check it. */
  severity: 'error' | 'warning';
  /** Dotted key path (`Connection.EndpointUrl`; list items as `Monitoring.Special[0]`); `''` for the whole file. */
  path: string;
  /** 1-based line of the offending node. */
  line: number;
  /** 1-based column (in characters) of the offending node. */
  column: number;
  /** What is wrong, for a person who has not read the docs. Never holds a token. */
  message: string;
  /** How to fix it, where there is a known fix. */
  fix?: string;
}

/** Options of {@link checkSettings} and the functions built on it. */
export interface CheckOptions {
  /** The file name: the errors thrown by `effectiveSettings` and `editSettings` name it. */
  file?: string;
  /** Target runtimes, when known (layer build, deploy): enables the runtime-dependent checks. */
  runtimes?: readonly Runtime[];
  /** The file goes into a Lambda layer: warns about literal tokens embedded in it. */
  forLayer?: boolean;
}

/** The result of a check: every finding at once. */
export interface SettingsCheckResult {
  /** True exactly when no finding is an error. */
  ok: boolean;
  /** All findings, in file order. */
  diagnostics: SettingsDiagnostic[];
}

/** A client instrumentation of `Monitoring.Special`. */
export type SpecialInstrumentation = Settings['Monitoring']['Special'][number];

/** A value of `General.Provider`. */
export type Provider = Settings['General']['Provider'];

/** A value of `General.Type`. */
export type ProfiledType = Settings['General']['Type'];
