/**
 * The one place the layer code asks the settings checker (`net-profiler/settings`).
 * @internal
 * @packageDocumentation
 */
import { parseDocument } from 'yaml';

/** A settings finding as the layer code uses it. */
export interface SettingsFinding {
  code: string;
  severity: 'error' | 'warning';
  path: string;
  line: number;
  column: number;
  message: string;
  fix?: string;
}

/**
 * Runs the settings checks meant for a file that goes into a layer, with the
 * runtime-dependent checks against `runtimes`.
 *
 * Until `lib/settings` provides `checkSettings`, this checks only that the file is
 * one well-formed YAML mapping; switching is the one line marked below.
 */
export function checkLayerSettings(source: Uint8Array, file: string, runtimes: readonly ('dotnet8' | 'dotnet10')[]): SettingsFinding[] {
  void runtimes;
  // SWITCH: return checkSettings(source, { file, runtimes: [...runtimes], forLayer: true }).diagnostics;
  return yamlOnly(source, file);
}

function yamlOnly(source: Uint8Array, file: string): SettingsFinding[] {
  void file;
  const text = Buffer.from(source).toString('utf8');
  const doc = parseDocument(text, { prettyErrors: false });
  const out: SettingsFinding[] = doc.errors.map((e) => ({
    code: 'yaml-syntax',
    severity: 'error' as const,
    path: '',
    line: e.linePos?.[0]?.line ?? 1,
    column: e.linePos?.[0]?.col ?? 1,
    message: e.message.split('\n')[0] ?? e.message,
  }));
  const value: unknown = out.length === 0 ? doc.toJS() : {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out.push({ code: 'not-a-mapping', severity: 'error', path: '', line: 1, column: 1, message: 'settings must be a YAML mapping (General, Connection, Monitoring)' });
  }
  return out;
}
