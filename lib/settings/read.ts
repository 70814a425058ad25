/**
 * Reading settings.yaml: the native reader's node tree (lib/settings/native.ts), turned
 * into plain values exactly as the `yaml` package reads them.
 * @packageDocumentation
 */
import { badArgument, NetProfilerError } from '../errors';
import type { SettingsReadErrorCode } from './errors';
import { NativeNode, NativeReadError, settingsNative } from './native';

/** The bytes of a settings source given as text or bytes. @internal */
export function toBytes(source: string | Uint8Array, argument = 'source'): Uint8Array {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (source instanceof Uint8Array) return source;
  throw badArgument(argument, `${argument} must be a string or a Uint8Array, not ${source === null ? 'null' : typeof source}`);
}

/**
 * The document's root node, as the native reader resolves it.
 * @throws NetProfilerError with the refused construct's code, line, column and fix
 * @internal
 */
export function readNode(source: string | Uint8Array, file?: string): NativeNode {
  const bytes = toBytes(source);
  try {
    return settingsNative().settingsRead(bytes);
  } catch (err) {
    const e = err as NativeReadError;
    if (typeof e?.line !== 'number') throw err;
    throw new NetProfilerError<SettingsReadErrorCode>(e.code as SettingsReadErrorCode, e.message, {
      kind: 'refused',
      ...(file !== undefined ? { file } : {}),
      line: e.line,
      column: e.column,
      fix: e.fix,
    });
  }
}

/** A scalar's number, converted as the `yaml` package converts it (core schema). */
function numberOf(text: string, float: boolean): number {
  if (float) {
    if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text[0] === '-' ? -Infinity : Infinity;
    return parseFloat(text);
  }
  if (text.startsWith('0x')) return parseInt(text.substring(2), 16);
  if (text.startsWith('0o')) return parseInt(text.substring(2), 8);
  return parseInt(text, 10);
}

/** A node as a plain value, as the `yaml` package's `toJS()` gives it. @internal */
export function nodeToJs(n: NativeNode): unknown {
  switch (n.type) {
    case 'null':
      return null;
    case 'bool':
    case 'str':
      return n.value;
    case 'int':
      return numberOf(n.text, false);
    case 'float':
      return numberOf(n.text, true);
    case 'seq':
      return n.items.map(nodeToJs);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of n.entries) {
        const k = nodeToJs(key);
        const name = k === null ? '' : String(k);
        const v = nodeToJs(value);
        // `__proto__` and other inherited names become own properties, as in `yaml`.
        if (name in out) Object.defineProperty(out, name, { value: v, writable: true, enumerable: true, configurable: true });
        else out[name] = v;
      }
      return out;
    }
  }
}

/**
 * The node at a dotted key path of a mapping tree (keys compared as written), or
 * undefined. @internal
 */
export function nodeAt(root: NativeNode, path: string): NativeNode | undefined {
  let cur: NativeNode | undefined = root;
  for (const part of path.split('.')) {
    if (cur?.type !== 'map') return undefined;
    let found: NativeNode | undefined;
    for (const e of cur.entries) if (e.key.type === 'str' && e.key.value === part) found = e.value;
    cur = found;
  }
  return cur;
}

/** A string setting's text: a string, or a number's source text. @internal */
export function textOf(n: NativeNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'str') return n.value;
  if (n.type === 'int' || n.type === 'float') return n.text;
  return undefined;
}

/**
 * Reads settings.yaml text into plain values (YAML 1.2 core schema), exactly as the
 * `yaml` package would, with the profiler's restrictions (no anchors, aliases, tags,
 * complex keys, several documents, tab indentation; no duplicate keys). Does not check
 * the settings themselves: use {@link checkSettings}.
 * @param source - the text or bytes
 * @param file - the file name for error messages
 * @throws NetProfilerError with the construct's code (`anchor`, `yaml-syntax`, …), line and column
 */
export function parseSettings(source: string | Uint8Array, file?: string): unknown {
  return nodeToJs(readNode(source, file));
}
