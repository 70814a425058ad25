/**
 * net-profiler/settings: read, check, edit and explain the profiler's `settings.yaml`
 * (format 1, docs/settings.md). Reading and checking run in the native core (the same
 * YAML subset the profiler accepts, and the one table of keys); editing uses the `yaml`
 * package's document API, loaded only when a file is edited, so comments, order and
 * layout are kept.
 *
 * @example
 * ```ts
 * import { checkSettingsFile } from 'net-profiler/settings';
 * const r = await checkSettingsFile('settings.yaml', { runtimes: ['dotnet8'], forLayer: true });
 * for (const d of r.diagnostics) console.log(`${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
 * ```
 * @packageDocumentation
 */
export { RUNTIMES } from '../constants';
export type { Runtime } from '../constants';
export type { CheckOptions, ProfiledType, Provider, Settings, SettingsCheckResult, SettingsDiagnostic, SpecialInstrumentation } from './types';
export { SettingsError } from './errors';
export type { SettingsErrorCode, SettingsReadErrorCode } from './errors';
export { findKey, nearestKey, settingsKeys } from './keys';
export type { KeyKind, KeySpec } from './keys';
export { checkSettings, checkSettingsFile, readSettingsFile } from './check';
export { parseSettings } from './read';
export { effectiveSettings, effectiveSettingsFile, explicitKeys } from './effective';
export { envReference, resolveSettings } from './resolve';
export { parseDotenv, readDotenvFile } from './dotenv';
export { maskSettings } from './mask';
export { editSettings, parseAssignments, parseValueFor, setSettingsFile } from './edit';
export type { EditResult, SettingsEdit } from './edit';
export { initSettings, initSettingsFile } from './init';
export type { InitOptions } from './init';
export { settingsJsonSchema } from './schema';
