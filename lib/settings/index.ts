/**
 * net-profiler/settings: read, check, edit and explain the profiler's `settings.yaml`
 * (format 1, `settings.md`). Reading and checking run in the native core (the same
 * YAML subset the profiler accepts); editing uses the `yaml` package's document API so
 * comments, order and layout are kept.
 *
 * @example
 * ```ts
 * import { checkSettingsFile } from 'net-profiler/settings';
 * const r = await checkSettingsFile('settings.yaml', { runtimes: ['dotnet8'], forLayer: true });
 * for (const d of r.diagnostics) console.log(`${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
 * ```
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { fileError, NetProfilerError } from '../errors';
import { loadNative } from '../native';
import { KeyKind, findKey, nearestKey } from './schema';
import { initSettings, InitOptions } from './init';

export { KEYS, findKey, settingsJsonSchema } from './schema';
export type { KeyKind, KeySpec } from './schema';
export { initSettings } from './init';
export type { InitOptions } from './init';

/** A .NET runtime a Lambda layer targets. */
export type Runtime = 'dotnet8' | 'dotnet10';

/** The runtimes the SDK knows. */
export const RUNTIMES: readonly Runtime[] = ['dotnet8', 'dotnet10'];

/** One finding of the checker. */
export interface SettingsDiagnostic {
  /** Stable code, such as `placeholder` or `unknown-key` (see docs/settings.md). */
  code: string;
  /** `error`: the file must not be used; `warning`: it works, but check it. */
  severity: 'error' | 'warning';
  /** Dotted key path (`Connection.EndpointUrl`; list items as `Monitoring.Special[0]`); `''` for the whole file. */
  path: string;
  /** 1-based line of the offending node. */
  line: number;
  /** 1-based column (in characters) of the offending node. */
  column: number;
  /** What is wrong, for a person who has not read the docs. */
  message: string;
  /** How to fix it, where there is a known fix. */
  fix?: string;
}

/** Options of {@link checkSettings}. */
export interface CheckOptions {
  /** The file name: `effectiveSettings` and `editSettings` put it in the errors they throw. */
  file?: string;
  /** Target runtimes, when known (layer build, deploy): enables the runtime-dependent checks. */
  runtimes?: Runtime[];
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
export type SpecialInstrumentation = 'AWS' | 'HttpClient' | 'GrpcClient';

/** The effective settings: the file's values with every default filled in. */
export interface Settings {
  /** Profiler-wide switches. */
  General: {
    /** `false` turns the whole profiler off. Default `true`. */
    Enabled: boolean;
    /** Where telemetry goes. Default `otlp`. */
    Provider: 'dynatrace' | 'otlp';
    /** What is profiled. Default `application`. */
    Type: 'awslambda' | 'application';
  };
  /** The OTLP export connection. */
  Connection: {
    /** Base URL (`/v1/traces` etc. are appended); may be `${env:NAME}`. No default. */
    EndpointUrl?: string;
    /** OTLP transport. Default `http`. */
    Type: 'http' | 'grpc';
    /** Token sent as `Authorization: Bearer …` (dynatrace: `Api-Token …`). No default. */
    BearerToken?: string;
    /** Extra export headers. Default `{}`. */
    Headers: Record<string, string>;
    /** Export timeout in milliseconds, 1..60000. Default 10000. */
    TimeoutMs: number;
  };
  /** What is collected. */
  Monitoring: {
    /** Traces on/off. Default `true`. */
    Enabled: boolean;
    /** Service name; with `awslambda` it may be absent (the function name is used). */
    ServiceName?: string;
    /** Client instrumentations. Default `[]`. */
    Special: SpecialInstrumentation[];
    /** Head sampling. */
    Sampling: {
      /** Ratio 0..1. Default 1. */
      Ratio: number;
    };
    /** Metrics export. */
    Metrics: {
      /** Default `false`. */
      Enabled: boolean;
      /** Default: `Monitoring.ServiceName`. */
      ServiceName?: string;
      /** Seconds, 1..3600. Default 10. */
      CollectionInterval: number;
      /** Default `false`. */
      Cpu: boolean;
      /** Default `false`. */
      Memory: boolean;
    };
  };
}

/**
 * An error that carries the checker's findings: thrown when a file with errors is
 * used (effective settings, edits). Its `code` is `settings-invalid` or `edit-refused`.
 */
export class SettingsError extends NetProfilerError {
  /** Every finding of the check that failed. */
  readonly diagnostics: SettingsDiagnostic[];
  constructor(code: string, message: string, diagnostics: SettingsDiagnostic[], file?: string) {
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

// ---- native ----------------------------------------------------------------------------

interface NativeCheckOptions {
  dotnet8: boolean;
  dotnet10: boolean;
  forLayer: boolean;
}

/** The addon functions of the settings capability. */
interface SettingsNative {
  settingsCheck(source: Uint8Array, options: NativeCheckOptions): string;
  settingsCheckAsync(source: Uint8Array, options: NativeCheckOptions): Promise<string>;
  settingsRead(source: Uint8Array): string;
}

function native(): SettingsNative {
  return loadNative<SettingsNative>();
}

function toBytes(source: string | Uint8Array, what: string): Uint8Array {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (source instanceof Uint8Array) return source;
  throw new NetProfilerError('invalid-argument', `${what}: source must be a string or a Uint8Array`, { kind: 'usage' });
}

function nativeOptions(options: CheckOptions): NativeCheckOptions {
  const runtimes = options.runtimes ?? [];
  if (!Array.isArray(runtimes)) {
    throw new NetProfilerError('invalid-runtime', 'runtimes must be an array such as ["dotnet8", "dotnet10"]', { kind: 'usage' });
  }
  for (const r of runtimes) {
    if (!RUNTIMES.includes(r)) {
      throw new NetProfilerError('invalid-runtime', `unknown runtime ${JSON.stringify(r)}; expected dotnet8 or dotnet10`, {
        kind: 'usage',
        fix: 'use dotnet8 or dotnet10',
      });
    }
  }
  return { dotnet8: runtimes.includes('dotnet8'), dotnet10: runtimes.includes('dotnet10'), forLayer: options.forLayer === true };
}

function toResult(json: string): SettingsCheckResult {
  const { diagnostics } = JSON.parse(json) as { diagnostics: SettingsDiagnostic[] };
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

// ---- check -----------------------------------------------------------------------------

/**
 * Checks settings.yaml text: every finding at once (YAML refusals, unknown and duplicate
 * keys, types and ranges, provider rules, placeholders, YAML 1.1 booleans, `${env:…}`,
 * runtime and layer warnings). Synchronous; never throws for bad input.
 * @param source - the file's text or bytes (UTF-8, BOM and CRLF allowed)
 * @param options - target runtimes, for-layer
 * @returns `ok` (no errors) and the diagnostics in file order
 */
export function checkSettings(source: string | Uint8Array, options: CheckOptions = {}): SettingsCheckResult {
  const bytes = toBytes(source, 'checkSettings');
  return toResult(native().settingsCheck(bytes, nativeOptions(options)));
}

/**
 * Reads and checks a settings file (the check runs on Node's thread pool).
 * @param file - path of settings.yaml
 * @param options - target runtimes, for-layer
 * @throws NetProfilerError (`outside`) when the file cannot be read
 */
export async function checkSettingsFile(file: string, options: CheckOptions = {}): Promise<SettingsCheckResult> {
  const opts = nativeOptions(options);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    throw fileError(err, file);
  }
  return toResult(await native().settingsCheckAsync(bytes, opts));
}

// ---- parse -----------------------------------------------------------------------------

type RawValue = null | boolean | string | RawValue[];

/** Turns the native value tree into JS values exactly as the `yaml` package does. */
function toJs(v: RawValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  const tag = v[0] as string;
  switch (tag) {
    case 'i':
      return parseInt(v[1] as string, 10);
    case 'x':
      return parseInt((v[1] as string).substring(2), 16);
    case 'o':
      return parseInt((v[1] as string).substring(2), 8);
    case 'f': {
      const s = v[1] as string;
      if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
      if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
      return parseFloat(s);
    }
    case 's':
      return v.slice(1).map(toJs);
    default: {
      const out: Record<string, unknown> = {};
      for (let i = 1; i + 1 < v.length; i += 2) {
        const k = toJs(v[i] as RawValue);
        const key = k === null ? '' : String(k);
        const value = toJs(v[i + 1] as RawValue);
        if (key in out) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
        else out[key] = value;
      }
      return out;
    }
  }
}

function readRaw(source: string | Uint8Array, file?: string): RawValue {
  const bytes = toBytes(source, 'parseSettings');
  const r = JSON.parse(native().settingsRead(bytes)) as {
    value?: RawValue;
    error?: { code: string; message: string; line: number; column: number; fix: string };
  };
  if (r.error) {
    throw new NetProfilerError(r.error.code, r.error.message, {
      kind: 'refused',
      ...(file !== undefined ? { file } : {}),
      line: r.error.line,
      column: r.error.column,
      fix: r.error.fix,
    });
  }
  return r.value ?? null;
}

/**
 * Reads settings.yaml text into plain JS values (YAML 1.2 core schema), exactly as the
 * `yaml` package would, with the profiler's restrictions (no anchors, aliases, tags,
 * complex keys, several documents, tab indentation; no duplicate keys). Does not check
 * the settings themselves: use {@link checkSettings}.
 * @param source - the text or bytes
 * @param file - the file name for error messages
 * @throws NetProfilerError with the construct's code (`anchor`, `yaml-syntax`, …), line and column
 */
export function parseSettings(source: string | Uint8Array, file?: string): unknown {
  return toJs(readRaw(source, file));
}

// ---- effective settings ----------------------------------------------------------------

function rawGet(raw: RawValue, keyPath: string): RawValue | undefined {
  let cur: RawValue | undefined = raw;
  for (const part of keyPath.split('.')) {
    if (!Array.isArray(cur) || cur[0] !== 'm') return undefined;
    let found: RawValue | undefined;
    for (let i = 1; i + 1 < cur.length; i += 2) if (cur[i] === part) found = cur[i + 1] as RawValue;
    if (found === undefined) return undefined;
    cur = found;
  }
  return cur;
}

/** A string setting's text (a number where a string is expected: its source text). */
function rawText(v: RawValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && (v[0] === 'i' || v[0] === 'f' || v[0] === 'x' || v[0] === 'o')) return v[1] as string;
  return undefined;
}

/**
 * The effective settings: the file's values with every default of `settings.md` filled
 * in (`${env:…}` references are kept; see {@link resolveSettings}).
 * @param source - the text or bytes of settings.yaml
 * @param options - check options (file name, runtimes, for-layer)
 * @throws SettingsError `settings-invalid` with every diagnostic when the file has errors
 */
export function effectiveSettings(source: string | Uint8Array, options: CheckOptions = {}): Settings {
  const result = checkSettings(source, options);
  if (!result.ok) {
    const n = result.diagnostics.filter((d) => d.severity === 'error').length;
    throw new SettingsError('settings-invalid', `${options.file ?? 'the settings'} ${n === 1 ? 'has 1 error' : `has ${n} errors`}`, result.diagnostics, options.file);
  }
  const raw = readRaw(source, options.file);
  const val = (p: string): unknown => {
    const r = rawGet(raw, p);
    return r === undefined || r === null ? undefined : toJs(r);
  };
  const text = (p: string): string | undefined => rawText(rawGet(raw, p));
  const headersRaw = rawGet(raw, 'Connection.Headers');
  const headers: Record<string, string> = {};
  if (Array.isArray(headersRaw) && headersRaw[0] === 'm') {
    for (let i = 1; i + 1 < headersRaw.length; i += 2) {
      headers[String(headersRaw[i])] = rawText(headersRaw[i + 1] as RawValue) ?? '';
    }
  }
  const serviceName = text('Monitoring.ServiceName');
  const metricsName = text('Monitoring.Metrics.ServiceName') ?? serviceName;
  const endpoint = text('Connection.EndpointUrl');
  const token = text('Connection.BearerToken');
  const settings: Settings = {
    General: {
      Enabled: (val('General.Enabled') as boolean | undefined) ?? true,
      Provider: (val('General.Provider') as Settings['General']['Provider'] | undefined) ?? 'otlp',
      Type: (val('General.Type') as Settings['General']['Type'] | undefined) ?? 'application',
    },
    Connection: {
      ...(endpoint !== undefined ? { EndpointUrl: endpoint } : {}),
      Type: (val('Connection.Type') as Settings['Connection']['Type'] | undefined) ?? 'http',
      ...(token !== undefined ? { BearerToken: token } : {}),
      Headers: headers,
      TimeoutMs: (val('Connection.TimeoutMs') as number | undefined) ?? 10000,
    },
    Monitoring: {
      Enabled: (val('Monitoring.Enabled') as boolean | undefined) ?? true,
      ...(serviceName !== undefined ? { ServiceName: serviceName } : {}),
      Special: (val('Monitoring.Special') as SpecialInstrumentation[] | undefined) ?? [],
      Sampling: { Ratio: (val('Monitoring.Sampling.Ratio') as number | undefined) ?? 1 },
      Metrics: {
        Enabled: (val('Monitoring.Metrics.Enabled') as boolean | undefined) ?? false,
        ...(metricsName !== undefined ? { ServiceName: metricsName } : {}),
        CollectionInterval: (val('Monitoring.Metrics.CollectionInterval') as number | undefined) ?? 10,
        Cpu: (val('Monitoring.Metrics.Cpu') as boolean | undefined) ?? false,
        Memory: (val('Monitoring.Metrics.Memory') as boolean | undefined) ?? false,
      },
    },
  };
  return settings;
}

/**
 * Reads a settings file and returns its effective settings.
 * @throws NetProfilerError (`outside`) when unreadable; SettingsError when it has errors
 */
export async function effectiveSettingsFile(file: string, options: CheckOptions = {}): Promise<Settings> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    throw fileError(err, file);
  }
  return effectiveSettings(bytes, { ...options, file });
}

// ---- environment references ------------------------------------------------------------

const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable named by `${env:NAME}`, or undefined when `value` is not a reference. */
export function envReference(value: string): string | undefined {
  return ENV_REF.exec(value)?.[1];
}

/**
 * Replaces every `${env:NAME}` value of `settings` from `env` (a copy is returned).
 * @param settings - effective settings (from {@link effectiveSettings})
 * @param env - the environment to resolve from (default `process.env`)
 * @throws NetProfilerError `env-missing` naming every variable that is not set, and where it is used
 */
export function resolveSettings(settings: Settings, env: Record<string, string | undefined> = process.env): Settings {
  const out = JSON.parse(JSON.stringify(settings)) as Settings;
  const missing: string[] = [];
  const resolve = (value: string | undefined, where: string): string | undefined => {
    if (value === undefined) return undefined;
    const name = envReference(value);
    if (name === undefined) return value;
    const v = env[name];
    if (v === undefined) {
      missing.push(`${name} (${where})`);
      return value;
    }
    return v;
  };
  const c = out.Connection;
  if (c.EndpointUrl !== undefined) c.EndpointUrl = resolve(c.EndpointUrl, 'Connection.EndpointUrl') as string;
  if (c.BearerToken !== undefined) c.BearerToken = resolve(c.BearerToken, 'Connection.BearerToken') as string;
  for (const k of Object.keys(c.Headers)) c.Headers[k] = resolve(c.Headers[k], `Connection.Headers.${k}`) as string;
  const m = out.Monitoring;
  if (m.ServiceName !== undefined) m.ServiceName = resolve(m.ServiceName, 'Monitoring.ServiceName') as string;
  if (m.Metrics.ServiceName !== undefined) m.Metrics.ServiceName = resolve(m.Metrics.ServiceName, 'Monitoring.Metrics.ServiceName') as string;
  if (missing.length > 0) {
    throw new NetProfilerError(
      'env-missing',
      `environment variable${missing.length > 1 ? 's' : ''} not set: ${missing.join(', ')}`,
      { kind: 'refused', fix: `set ${missing.map((m) => m.split(' ')[0]).join(', ')} in the environment (or in the --env-file)` },
    );
  }
  return out;
}

/**
 * Parses a dotenv-style file: `NAME=value` lines, `#` comments, optional `export `,
 * optional single or double quotes around the value.
 * @throws NetProfilerError `env-file-syntax` naming the line
 */
export function parseEnvFile(text: string, file = 'env file'): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) {
      throw new NetProfilerError('env-file-syntax', `line ${i + 1} is not NAME=value`, {
        kind: 'refused',
        file,
        line: i + 1,
        column: 1,
        fix: 'write NAME=value (or a # comment)',
      });
    }
    let v = m[2] as string;
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
      const inner = v.slice(1, -1);
      v = v.startsWith('"') ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : inner;
    }
    env[m[1] as string] = v;
  });
  return env;
}

// ---- edit ------------------------------------------------------------------------------

/** One edit: set `path` to `value` (`undefined` removes the key). */
export interface SettingsEdit {
  /** Dotted key path, such as `Connection.EndpointUrl` or `Connection.Headers.X-Team`. */
  path: string;
  /** The new value; `undefined` removes the key. */
  value: unknown;
}

/** The result of {@link editSettings}. */
export interface EditResult {
  /** The edited file text. */
  text: string;
  /** The check of the edited text (ok: no errors). */
  check: SettingsCheckResult;
}

function validateEditPath(p: string): string[] {
  const parts = p.split('.');
  if (parts.length === 3 && parts[0] === 'Connection' && parts[1] === 'Headers' && (parts[2] ?? '') !== '') return parts;
  const spec = findKey(p);
  if (!spec || spec.kind === 'section') {
    const near = nearestKey(p);
    throw new NetProfilerError('unknown-key', `${JSON.stringify(p)} is not a settings key${spec ? ' (it is a section)' : ''}`, {
      kind: 'usage',
      fix: near ? `did you mean ${near}?` : 'see `net-profiler settings show` for the keys',
    });
  }
  return parts;
}

/**
 * Converts a command-line VALUE for `path` into a YAML value: strings stay strings for
 * string settings; `true`/`false` for booleans; numbers for numeric settings; a list
 * (`AWS,HttpClient` or `[AWS, HttpClient]`) for `Monitoring.Special`. A VALUE that does
 * not fit is kept as text, so the check reports it with its own message.
 */
export function parseValueFor(keyPath: string, raw: string): unknown {
  const spec = findKey(keyPath);
  const kind: KeyKind = spec?.kind ?? 'string';
  switch (kind) {
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'int':
    case 'float':
      return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'list': {
      const t = raw.trim();
      if (t.startsWith('[')) {
        try {
          const v = YAML.parse(t, { version: '1.2' }) as unknown;
          if (Array.isArray(v)) return v;
        } catch {
          /* kept as text: the check reports it */
        }
        return raw;
      }
      return t === '' ? [] : t.split(',').map((s) => s.trim());
    }
    default:
      return raw;
  }
}

/** The YAML text of a scalar written in place of `old` (same quoting style), or undefined. */
function inlineScalar(value: unknown, old: YAML.Scalar): string | undefined {
  if (typeof value === 'string') {
    if (/[\n\r]/.test(value)) return undefined;
    if (old.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (old.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  }
  if (value !== null && typeof value === 'object') return undefined;
  const t = YAML.stringify(value, { version: '1.2', lineWidth: 0 }).replace(/\n$/, '');
  return t.includes('\n') ? undefined : t;
}

/** One edit on the text: in place for a scalar that exists, else through the document. */
function applyEdit(text: string, edit: SettingsEdit, file?: string): string {
  const parts = validateEditPath(edit.path);
  const doc = YAML.parseDocument(text, { version: '1.2', uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0] as YAML.YAMLError;
    throw new NetProfilerError('yaml-syntax', e.message.split('\n')[0] ?? 'YAML error', { kind: 'refused', ...(file ? { file } : {}) });
  }
  const existing = doc.getIn(parts, true);
  if (edit.value !== undefined && YAML.isScalar(existing) && existing.range && existing.type !== 'BLOCK_LITERAL' && existing.type !== 'BLOCK_FOLDED') {
    const t = inlineScalar(edit.value, existing);
    if (t !== undefined) return text.slice(0, existing.range[0]) + t + text.slice(existing.range[1]);
  }
  if (doc.contents === null || (YAML.isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  }
  if (edit.value === undefined) doc.deleteIn(parts);
  else if (YAML.isScalar(existing) && (edit.value === null || typeof edit.value !== 'object')) existing.value = edit.value;
  else doc.setIn(parts, doc.createNode(edit.value, { flow: YAML.isCollection(existing) ? (existing.flow ?? false) : false }));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Sets keys in settings.yaml text, keeping comments, key order and layout, and checks
 * the result. Refuses (throws, nothing returned) when the edited text would not check.
 * @param source - the current text (or bytes)
 * @param edits - the keys to set (or remove with `value: undefined`)
 * @param options - check options for the result (runtimes, for-layer, file)
 * @throws NetProfilerError `unknown-key` (usage) for a path that is not a key;
 *   SettingsError `edit-refused` with the findings when the result has errors
 */
export function editSettings(source: string | Uint8Array, edits: SettingsEdit[], options: CheckOptions = {}): EditResult {
  let text = typeof source === 'string' ? source : Buffer.from(toBytes(source, 'editSettings')).toString('utf8');
  const bom = text.startsWith('\uFEFF');
  if (bom) text = text.slice(1);
  const crlf = text.includes('\r\n');
  if (crlf) text = text.replace(/\r\n/g, '\n');
  // The file itself must be readable before it can be edited.
  readRaw(text, options.file);
  for (const edit of edits) text = applyEdit(text, edit, options.file);
  let out = text;
  const check = checkSettings(out, options);
  if (!check.ok) {
    const n = check.diagnostics.filter((d) => d.severity === 'error').length;
    throw new SettingsError(
      'edit-refused',
      `the edit was refused: the result would have ${n === 1 ? '1 error' : `${n} errors`}; nothing was changed`,
      check.diagnostics,
      options.file,
    );
  }
  if (crlf) out = out.replace(/\n/g, '\r\n');
  if (bom) out = '\uFEFF' + out;
  return { text: out, check };
}

/**
 * Edits a settings file in place (see {@link editSettings}): written to a temporary file
 * in the same directory and renamed over the original, so it is never half-written; on
 * refusal the file is untouched.
 * @returns the check of the written file
 */
export async function setSettingsFile(file: string, edits: SettingsEdit[], options: CheckOptions = {}): Promise<EditResult> {
  let bytes: Buffer;
  let mode = 0o644;
  try {
    bytes = await fs.promises.readFile(file);
    mode = (await fs.promises.stat(file)).mode & 0o7777;
  } catch (err) {
    throw fileError(err, file);
  }
  const result = editSettings(bytes, edits, { ...options, file });
  await writeFileAtomic(file, result.text, mode);
  return result;
}

/** Writes `text` to `file` through a temporary sibling and a rename. */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    await fs.promises.writeFile(tmp, text, { mode, flag: 'wx' });
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw fileError(err, file, 'write');
  }
}

/**
 * Writes a starting settings file (see {@link initSettings}) to `file`.
 * @throws NetProfilerError `file-exists` unless `overwrite` is set
 */
export async function initSettingsFile(file: string, options: InitOptions & { overwrite?: boolean } = {}): Promise<string> {
  const text = initSettings(options);
  if (!options.overwrite && fs.existsSync(file)) {
    throw new NetProfilerError('file-exists', `${file} already exists; nothing was written`, {
      kind: 'refused',
      file,
      fix: 'choose another -o FILE, or pass --force to overwrite it',
    });
  }
  await writeFileAtomic(file, text);
  return text;
}
