/**
 * The temporary settings of a run: the given file (or the release's) pointed at the
 * local receiver, checked before anything starts (docs/run.md).
 * @packageDocumentation
 */
import { INPUT_CAPS, Runtime } from '../constants';
import { IssuesError } from '../errors';
import { readFileCappedSync } from '../files';
import { checkSettings, editSettings, parseSettings, SettingsDiagnostic, SettingsError } from '../settings';
import type { RunErrorCode } from './errors';

/** The receiver's addresses (`HOST:PORT`). */
export interface ReceiverAddresses {
  /** OTLP/HTTP. */
  http: string;
  /** OTLP/gRPC, when it listens. */
  grpc?: string;
}

/** A settings text ready for the run. */
export interface RunSettings {
  /** The text to write to the temporary copy. */
  text: string;
  /** `General.Type` of the copy. */
  type: 'awslambda' | 'application';
  /** How the agent exports: `Connection.Type` of the copy. */
  transport: 'http' | 'grpc';
  /** The OTLP endpoint the copy points at (`Connection.EndpointUrl`). */
  endpoint: string;
  /** Warnings of the check of the copy. */
  warnings: SettingsDiagnostic[];
}

function toIssues(file: string, diagnostics: readonly SettingsDiagnostic[]) {
  const issue = (d: SettingsDiagnostic) => ({ code: d.code, message: d.message, file, path: d.path, line: d.line, column: d.column, ...(d.fix ? { fix: d.fix } : {}) });
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').map(issue),
    warnings: diagnostics.filter((d) => d.severity === 'warning').map(issue),
  };
}

function refuse(file: string, diagnostics: readonly SettingsDiagnostic[]): IssuesError<RunErrorCode> {
  const { errors, warnings } = toIssues(file, diagnostics);
  return new IssuesError<RunErrorCode>(
    'settings-invalid',
    `the settings for the run (${file}, pointed at the local receiver) have ${errors.length === 1 ? '1 error' : `${errors.length} errors`}; nothing was started`,
    errors,
    warnings,
    { kind: 'refused', file },
  );
}

/** Reads a settings file (capped) as text. */
export function readSettingsText(file: string): string {
  return readFileCappedSync(file, INPUT_CAPS.settingsBytes, 'settings').toString('utf8');
}

/**
 * The settings `text` (read from `file`) pointed at the receiver: `Connection.EndpointUrl`
 * at its HTTP address with `Connection.Type: http`, or at its gRPC address when the file
 * asks for `Connection.Type: grpc` and the receiver listens there; `General.Provider: otlp`;
 * `General.Type: application` unless the file says `awslambda`. Comments and layout are kept.
 * @throws IssuesError `settings-invalid` with every finding when the result has errors
 */
export function pointSettings(text: string, file: string, runtime: Runtime, at: ReceiverAddresses): RunSettings {
  const raw = (parseSettings(text, file) ?? {}) as { General?: { Type?: unknown }; Connection?: { Type?: unknown } };
  const type = raw.General?.Type === 'awslambda' ? 'awslambda' : 'application';
  const transport = raw.Connection?.Type === 'grpc' && at.grpc ? 'grpc' : 'http';
  const endpoint = `http://${transport === 'grpc' ? at.grpc : at.http}`;
  const edits = [
    { path: 'General.Provider', value: 'otlp' },
    { path: 'General.Type', value: type },
    { path: 'Connection.EndpointUrl', value: endpoint },
    { path: 'Connection.Type', value: transport },
  ];
  try {
    const r = editSettings(text, edits, { runtimes: [runtime], file });
    return { text: r.text, type, transport, endpoint, warnings: inOriginal(text, file, runtime, r.check.diagnostics.filter((d) => d.severity === 'warning')) };
  } catch (err) {
    if (err instanceof SettingsError) throw refuse(file, inOriginal(text, file, runtime, err.diagnostics));
    throw err;
  }
}

/**
 * The findings of the edited copy, placed where the person can find them: at the line
 * and column of the same finding (code and key) in their own file, where it has one.
 */
function inOriginal(text: string, file: string, runtime: Runtime, found: readonly SettingsDiagnostic[]): SettingsDiagnostic[] {
  const original = checkSettings(text, { runtimes: [runtime], file }).diagnostics;
  return found.map((d) => {
    const same = original.find((o) => o.code === d.code && o.path === d.path);
    return same ? { ...d, line: same.line, column: same.column } : d;
  });
}

/**
 * Checks a settings file used as it is (`--no-receive`, `--print-env`).
 * @throws IssuesError `settings-invalid` when it has errors
 */
export function checkRunSettings(text: string, file: string, runtime: Runtime): SettingsDiagnostic[] {
  const r = checkSettings(text, { runtimes: [runtime], file });
  if (!r.ok) throw refuse(file, r.diagnostics);
  return r.diagnostics;
}
