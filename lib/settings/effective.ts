/**
 * The effective settings: a file's values with every default of the key table filled in.
 * @packageDocumentation
 */
import { countErrors, SettingsError } from './errors';
import { checkSettings, readSettingsFile } from './check';
import { KeySpec, parentOf, settingsKeys } from './keys';
import { NativeNode } from './native';
import { nodeAt, nodeToJs, readNode, textOf } from './read';
import type { CheckOptions, Settings } from './types';

/** The value of a key in the file, as the effective settings hold it (undefined: not set). */
function fileValue(key: KeySpec, n: NativeNode | undefined): unknown {
  if (n === undefined || n.type === 'null') return undefined;
  switch (key.kind) {
    case 'url':
    case 'string':
    case 'token':
      return textOf(n);
    case 'headers': {
      const out: Record<string, string> = {};
      if (n.type === 'map') for (const e of n.entries) out[String(nodeToJs(e.key))] = textOf(e.value) ?? '';
      return out;
    }
    default:
      return nodeToJs(n);
  }
}

function copyDefault(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v;
}

/**
 * The effective settings of a document that checked clean: each key of the table in
 * table order, set from the file or from its default. @internal
 */
export function effectiveOf(root: NativeNode): Settings {
  const keys = settingsKeys();
  const values = new Map<string, unknown>();
  for (const k of keys) {
    if (k.kind === 'section') continue;
    const v = fileValue(k, nodeAt(root, k.path));
    values.set(k.path, v !== undefined ? v : copyDefault(k.default));
  }
  for (const k of keys) {
    if (k.defaultFrom !== undefined && values.get(k.path) === undefined) values.set(k.path, values.get(k.defaultFrom));
  }
  const out: Record<string, unknown> = {};
  const sections = new Map<string, Record<string, unknown>>([['', out]]);
  for (const k of keys) {
    const parent = sections.get(parentOf(k.path));
    if (!parent) continue;
    const name = k.path.slice(k.path.lastIndexOf('.') + 1);
    if (k.kind === 'section') {
      const section: Record<string, unknown> = {};
      parent[name] = section;
      sections.set(k.path, section);
    } else if (values.get(k.path) !== undefined) {
      parent[name] = values.get(k.path);
    }
  }
  return out as unknown as Settings;
}

/**
 * The effective settings: the file's values with every default of the key table filled
 * in (`${env:…}` references are kept; see {@link resolveSettings}). A number written
 * where a string is expected becomes its source text (`1.50` stays `"1.50"`).
 * @param source - the text or bytes of settings.yaml
 * @param options - check options (file name, runtimes, for-layer)
 * @throws SettingsError `settings-invalid` with every diagnostic when the file has errors
 */
export function effectiveSettings(source: string | Uint8Array, options: CheckOptions = {}): Settings {
  const result = checkSettings(source, options);
  if (!result.ok) {
    throw new SettingsError('settings-invalid', `${options.file ?? 'the settings'} has ${countErrors(result.diagnostics)}`, result.diagnostics, options.file);
  }
  return effectiveOf(readNode(source, options.file));
}

/**
 * Reads a settings file (at most `INPUT_CAPS.settingsBytes`) and returns its effective settings.
 * @throws NetProfilerError `fs-*` or `input-too-large` when it cannot be read;
 *   SettingsError `settings-invalid` when it has errors
 */
export async function effectiveSettingsFile(file: string, options: CheckOptions = {}): Promise<Settings> {
  return effectiveSettings(await readSettingsFile(file), { ...options, file });
}

/**
 * Which keys (and sections) the file itself sets, as dotted paths: the rest of the
 * effective settings are defaults.
 * @param source - the text or bytes of settings.yaml
 * @throws NetProfilerError with the refused construct's code when the file cannot be read
 */
export function explicitKeys(source: string | Uint8Array, file?: string): Set<string> {
  const root = readNode(source, file);
  const out = new Set<string>();
  for (const k of settingsKeys()) {
    const n = nodeAt(root, k.path);
    if (n !== undefined && n.type !== 'null') out.add(k.path);
  }
  return out;
}
