/**
 * The keys of settings.yaml format 1, as the native core declares them
 * (native/settings/keys.cc, the one table; docs/settings.md, "Keys"). The SDK never
 * declares a key itself: the defaults, the JSON Schema, the edit commands' value parsing
 * and the `Settings` type are derived from this table.
 * @packageDocumentation
 */
import { KeyKind, settingsNative } from './native';

export type { KeyKind } from './native';

/** One key of the format. */
export interface KeySpec {
  /** Dotted path, such as `Connection.TimeoutMs`. */
  readonly path: string;
  /** What it holds. */
  readonly kind: KeyKind;
  /** The value used when the file does not set it (absent: no default); `[]` and `{}` for lists and headers. */
  readonly default?: boolean | number | string | readonly string[] | Readonly<Record<string, string>>;
  /** The default is the effective value of this other key (`Monitoring.ServiceName`). */
  readonly defaultFrom?: string;
  /** Accepted values (enum) or items (list). */
  readonly values?: readonly string[];
  /** Inclusive lower bound (int, float). */
  readonly min?: number;
  /** Inclusive upper bound (int, float). */
  readonly max?: number;
  /** What a number counts, such as `milliseconds`. */
  readonly unit?: string;
  /** The value may be an environment reference `${env:NAME}` (for headers: each header value). */
  readonly envReference: boolean;
  /** One sentence for people. */
  readonly description: string;
}

let table: readonly KeySpec[] | undefined;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v as object)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * Every key of settings.yaml format 1, parents before children, in the order the
 * effective settings list them (read once from the native core, then frozen).
 */
export function settingsKeys(): readonly KeySpec[] {
  table ??= deepFreeze(settingsNative().settingsKeys() as KeySpec[]);
  return table;
}

/** The key of a dotted path (a section or a setting), or undefined. */
export function findKey(path: string): KeySpec | undefined {
  return settingsKeys().find((k) => k.path === path);
}

/**
 * The setting (not a section) whose path is nearest to `path` by edit distance, ignoring
 * case; undefined when none is close enough to be a likely typo.
 */
export function nearestKey(path: string): string | undefined {
  return settingsNative().settingsNearestKey(String(path)) || undefined;
}

/** The path of a key's parent section (`''` at the top). @internal */
export function parentOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

/**
 * Where a key's value lives in a settings object: the object that holds it (undefined
 * when its section is missing) and its name there. @internal
 */
export function holderOf(root: object, path: string): { holder: Record<string, unknown> | undefined; name: string } {
  const parts = path.split('.');
  const name = parts.pop() as string;
  let holder: Record<string, unknown> | undefined = root as Record<string, unknown>;
  for (const p of parts) holder = holder?.[p] as Record<string, unknown> | undefined;
  return { holder, name };
}
