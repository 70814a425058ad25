/**
 * Editing settings.yaml in place (`settings set`): comments, key order and layout kept,
 * through the `yaml` package's document API. `yaml` is loaded by the first edit, not by
 * `net-profiler/settings` itself, so checking and showing never load it.
 * @packageDocumentation
 */
import type * as YAMLModule from 'yaml';
import { badArgument, NetProfilerError, quoteValue } from '../errors';
import { writeFileAtomic } from '../files';
import { checkSettings, readSettingsFile } from './check';
import { countErrors, SettingsError, SettingsReadErrorCode } from './errors';
import { findKey, nearestKey } from './keys';
import { readNode, toBytes } from './read';
import type { CheckOptions, SettingsCheckResult } from './types';

let yamlModule: typeof YAMLModule | undefined;

/** The `yaml` package, loaded on first use. */
function yaml(): typeof YAMLModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as typeof YAMLModule;
  return yamlModule;
}

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

/**
 * The path split into its keys, or a `bad-argument` error (naming `argument`) that
 * suggests the nearest key.
 */
function editPath(p: unknown, argument = 'path'): string[] {
  if (typeof p !== 'string') throw badArgument(argument, `an edit's path must be a dotted key path such as Connection.TimeoutMs, not ${typeof p}`);
  const parts = p.split('.');
  if (parts.length === 3 && parts[0] === 'Connection' && parts[1] === 'Headers' && (parts[2] ?? '') !== '') return parts;
  const spec = findKey(p);
  if (!spec || spec.kind === 'section') {
    const near = nearestKey(p);
    const why = spec ? ' (it is a section: set one of its keys)' : '';
    throw badArgument(argument, `${quoteValue(p)} is not a settings key${why}; ${near ? `did you mean ${near}?` : 'see docs/settings.md for the keys'}`);
  }
  return parts;
}

/**
 * Converts a command-line VALUE for `path` into a YAML value by the key's type: text for
 * string keys (`1234` stays the text `1234`); `true`/`false` for booleans; numbers for
 * numeric keys; a list (`AWS,HttpClient` or `[AWS, HttpClient]`) for list keys. A VALUE
 * that does not fit is kept as text, so the check reports it with its own message.
 */
export function parseValueFor(keyPath: string, raw: string): unknown {
  switch (findKey(keyPath)?.kind) {
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'int':
    case 'float':
      return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'list': {
      const t = raw.trim();
      if (t.startsWith('[')) {
        try {
          const v = yaml().parse(t, { version: '1.2' }) as unknown;
          if (Array.isArray(v)) return v;
        } catch {
          // kept as text: the check reports it
        }
        return raw;
      }
      return t === '' ? [] : t.split(',').map((s) => s.trim());
    }
    default:
      return raw;
  }
}

/**
 * The edits of command-line `KEY=VALUE` arguments: VALUE converted by
 * {@link parseValueFor}; an empty VALUE (`KEY=`) removes the key.
 * @throws NetProfilerError `bad-argument` (argument `KEY=VALUE`) for an argument without
 *   `=`, or a KEY that is not a settings key (with the nearest key suggested)
 */
export function parseAssignments(assignments: readonly string[]): SettingsEdit[] {
  return assignments.map((a) => {
    const eq = typeof a === 'string' ? a.indexOf('=') : -1;
    if (eq <= 0) throw badArgument('KEY=VALUE', `${quoteValue(a)} is not KEY=VALUE (such as Monitoring.Metrics.Enabled=true)`);
    const key = a.slice(0, eq);
    editPath(key, 'KEY=VALUE');
    const raw = a.slice(eq + 1);
    return { path: key, value: raw === '' ? undefined : parseValueFor(key, raw) };
  });
}

/** The YAML text of a scalar written in place of `old` (same quoting style), or undefined. */
function inlineScalar(value: unknown, old: YAMLModule.Scalar): string | undefined {
  if (typeof value === 'string') {
    if (/[\n\r]/.test(value)) return undefined;
    if (old.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (old.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  }
  if (value !== null && typeof value === 'object') return undefined;
  const t = yaml().stringify(value, { version: '1.2', lineWidth: 0 }).replace(/\n$/, '');
  return t.includes('\n') ? undefined : t;
}

/** One edit on the text: in place for a scalar that exists, else through the document. */
function applyEdit(text: string, edit: SettingsEdit, file?: string): string {
  const YAML = yaml();
  const parts = editPath(edit.path);
  const doc = YAML.parseDocument(text, { version: '1.2', uniqueKeys: false });
  if (doc.errors.length > 0) {
    const message = doc.errors[0]?.message.split('\n')[0] ?? 'YAML error';
    throw new NetProfilerError<SettingsReadErrorCode>('yaml-syntax', message, { kind: 'refused', ...(file !== undefined ? { file } : {}) });
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
 * the result. Refuses (throws, nothing returned) when the edited text would not check;
 * every edit is applied together or not at all.
 * @param source - the current text (or bytes)
 * @param edits - the keys to set (or remove with `value: undefined`)
 * @param options - check options for the result (runtimes, for-layer, file)
 * @throws NetProfilerError `bad-argument` (argument `path`) for a path that is not a key;
 *   the reader's code when the file itself cannot be read;
 *   SettingsError `edit-refused` with the findings when the result has errors
 */
export function editSettings(source: string | Uint8Array, edits: readonly SettingsEdit[], options: CheckOptions = {}): EditResult {
  let text = typeof source === 'string' ? source : Buffer.from(toBytes(source)).toString('utf8');
  if (!Array.isArray(edits)) throw badArgument('edits', 'edits must be a list of {path, value}');
  for (const e of edits) editPath(e?.path);
  const bom = text.startsWith('\uFEFF');
  if (bom) text = text.slice(1);
  const crlf = text.includes('\r\n');
  if (crlf) text = text.replace(/\r\n/g, '\n');
  // The file itself must be readable before it can be edited.
  readNode(text, options.file);
  for (const edit of edits) text = applyEdit(text, edit, options.file);
  const check = checkSettings(text, options);
  if (!check.ok) {
    throw new SettingsError('edit-refused', `the edit was refused: the result would have ${countErrors(check.diagnostics)}; nothing was changed`, check.diagnostics, options.file);
  }
  if (crlf) text = text.replace(/\n/g, '\r\n');
  if (bom) text = '\uFEFF' + text;
  return { text, check };
}

/**
 * Edits a settings file in place (see {@link editSettings}): the file (at most
 * `INPUT_CAPS.settingsBytes`) is read, edited, checked and written through a temporary
 * file and a rename, so it is never half-written; its mode is kept, and a symbolic link
 * stays a link (its target is edited). On refusal the file is untouched.
 * @returns the edited text and the check of the written file
 * @throws as {@link editSettings}; NetProfilerError `fs-*` or `input-too-large` naming the file
 */
export async function setSettingsFile(file: string, edits: readonly SettingsEdit[], options: CheckOptions = {}): Promise<EditResult> {
  const bytes = await readSettingsFile(file);
  const result = editSettings(bytes, edits, { ...options, file });
  writeFileAtomic(file, result.text);
  return result;
}
