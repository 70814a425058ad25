/**
 * The failure codes of `net-profiler/settings` (docs/settings.md, "Errors") and the
 * error that carries the checker's findings.
 * @packageDocumentation
 */
import { CommonErrorCode, NetProfilerError } from '../errors';
import type { SettingsDiagnostic } from './types';

/** Why the native reader refuses a document (also the code of its one finding). */
export type SettingsReadErrorCode =
  | 'yaml-syntax'
  | 'anchor'
  | 'alias'
  | 'tag'
  | 'complex-key'
  | 'multiple-documents'
  | 'directive'
  | 'tab-indent'
  | 'invalid-utf8'
  | 'control-character'
  | 'too-deep'
  | 'duplicate-key';

/** Every code a function of `net-profiler/settings` throws. */
export type SettingsErrorCode =
  | CommonErrorCode
  | SettingsReadErrorCode
  /** The file has errors, so its effective settings cannot be used ({@link SettingsError}). */
  | 'settings-invalid'
  /** An edit whose result would not check; nothing was written ({@link SettingsError}). */
  | 'edit-refused'
  /** `${env:NAME}` values whose variables are not set, all named at once. */
  | 'env-missing'
  /** A line of a dotenv file that is not `NAME=value`. */
  | 'dotenv-syntax'
  /** `initSettingsFile` without `overwrite` on a file that exists. */
  | 'file-exists';

/**
 * An error that carries the checker's findings: thrown when a file with errors is used
 * (effective settings) or an edit would give one. Its `code` is `settings-invalid` or
 * `edit-refused`; `line`, `column` and `fix` are those of its first error.
 */
export class SettingsError extends NetProfilerError<'settings-invalid' | 'edit-refused'> {
  /** Every finding of the check that failed, in file order. */
  readonly diagnostics: SettingsDiagnostic[];

  constructor(code: 'settings-invalid' | 'edit-refused', message: string, diagnostics: SettingsDiagnostic[], file?: string) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(code, message, {
      kind: 'refused',
      ...(file !== undefined ? { file } : {}),
      ...(first ? { line: first.line, column: first.column } : {}),
      ...(first?.fix ? { fix: first.fix } : {}),
    });
    this.name = 'SettingsError';
    this.diagnostics = diagnostics;
  }
}

/** `1 error`, `2 errors`. @internal */
export function countErrors(diagnostics: readonly SettingsDiagnostic[]): string {
  const n = diagnostics.filter((d) => d.severity === 'error').length;
  return n === 1 ? '1 error' : `${n} errors`;
}
