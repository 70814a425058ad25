/**
 * Environment references: a string setting may be exactly `${env:NAME}`; the profiler
 * resolves it at start-up, the SDK on request.
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';
import type { SettingsErrorCode } from './errors';
import { holderOf, settingsKeys } from './keys';
import type { Settings } from './types';

const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable named by `${env:NAME}`, or undefined when `value` is not a reference. */
export function envReference(value: string): string | undefined {
  return ENV_REF.exec(value)?.[1];
}

/**
 * Replaces every `${env:NAME}` value of `settings` from `env` (a copy is returned; the
 * settings given are left as they are). Only the keys that accept a reference are looked
 * at (the key table's `envReference`): URLs, strings, tokens and header values.
 * @param settings - effective settings (from {@link effectiveSettings})
 * @param env - the environment to resolve from (default `process.env`)
 * @throws NetProfilerError `env-missing` naming every variable that is not set, and where it is used
 */
export function resolveSettings(settings: Settings, env: Readonly<Record<string, string | undefined>> = process.env): Settings {
  const out = JSON.parse(JSON.stringify(settings)) as Settings;
  const missing: string[] = [];
  const resolve = (value: unknown, where: string): unknown => {
    if (typeof value !== 'string') return value;
    const name = envReference(value);
    if (name === undefined) return value;
    const v = env[name];
    if (v === undefined) {
      missing.push(`${name} (${where})`);
      return value;
    }
    return v;
  };
  for (const k of settingsKeys()) {
    if (!k.envReference) continue;
    const { holder, name } = holderOf(out, k.path);
    const v = holder?.[name];
    if (!holder || v === undefined) continue;
    if (k.kind === 'headers' && v !== null && typeof v === 'object') {
      const headers = v as Record<string, unknown>;
      for (const h of Object.keys(headers)) headers[h] = resolve(headers[h], `${k.path}.${h}`);
    } else {
      holder[name] = resolve(v, k.path);
    }
  }
  if (missing.length > 0) {
    const names = [...new Set(missing.map((m) => m.split(' ')[0]))];
    throw new NetProfilerError<SettingsErrorCode>('env-missing', `environment variable${missing.length > 1 ? 's' : ''} not set: ${missing.join(', ')}`, {
      kind: 'refused',
      fix: `set ${names.join(', ')} in the environment (or in the --dotenv file)`,
    });
  }
  return out;
}
