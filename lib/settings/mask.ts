/**
 * Secrets in the effective settings: what `settings show` masks unless `--show-secrets`.
 * @packageDocumentation
 */
import { maskIfSecret, maskSecret } from '../secrets';
import { holderOf, settingsKeys } from './keys';
import type { Settings } from './types';

/**
 * A copy of `settings` with every secret masked (`dt0c01.ABCD************`): a token key
 * (`Connection.BearerToken`) always, any other string value, and any header value, when
 * its name or the value itself looks like a secret. `${env:NAME}` references are not
 * secrets and stay as they are.
 * @param settings - effective settings, resolved or not
 * @param show - return the values unmasked (`--show-secrets`)
 */
export function maskSettings(settings: Settings, show = false): Settings {
  const out = JSON.parse(JSON.stringify(settings)) as Settings;
  if (show) return out;
  for (const k of settingsKeys()) {
    const { holder, name } = holderOf(out, k.path);
    const v = holder?.[name];
    if (!holder || v === undefined) continue;
    if (k.kind === 'token' && typeof v === 'string') holder[name] = maskSecret(v);
    else if (typeof v === 'string') holder[name] = maskIfSecret(name, v);
    else if (k.kind === 'headers' && v !== null && typeof v === 'object') {
      const headers = v as Record<string, unknown>;
      for (const [h, hv] of Object.entries(headers)) if (typeof hv === 'string') headers[h] = maskIfSecret(h, hv);
    }
  }
  return out;
}
