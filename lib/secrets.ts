/**
 * Secrets in output (docs/architecture.md, "Secrets"): every command masks tokens, keys
 * and passwords by default, in human output and JSON alike, and shows them only with
 * `--show-secrets`. A masked value keeps a short prefix to recognise it
 * (`dt0c01.ABCD************`). A reference such as `${env:DT_API_TOKEN}` is not a
 * secret and is shown as it is.
 * @packageDocumentation
 */

const SECRET_NAME = /(token|secret|passw(or)?d|pwd|api[-_]?key|apikey|auth|credential|private[-_]?key|access[-_]?key|session[-_]?key|signature|cookie)/i;

const SECRET_VALUE = [
  /\bdt0[a-z]\d{2}\.[A-Za-z0-9]{8,}/, // Dynatrace tokens
  /^(Api-Token|Bearer|Basic)\s+\S{8,}/i, // authorization header values
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/, // AWS access key ids
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, // JWTs
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

const REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

/** True when a variable, header or settings key of this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when `value` looks like a token, key or password whatever its name. */
export function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE.some((re) => re.test(value));
}

/**
 * Masks a secret: the scheme word of an authorization value and a short prefix stay
 * (`Api-Token dt0c01.ABCD************`), the rest becomes stars. Empty values and
 * `${env:…}` references are returned as they are.
 */
export function maskSecret(value: string): string {
  if (value === '' || REFERENCE.test(value)) return value;
  const scheme = /^(Api-Token|Bearer|Basic)(\s+)/i.exec(value);
  const head = scheme ? scheme[0] : '';
  const rest = value.slice(head.length);
  const dot = rest.indexOf('.');
  const keep = dot > 0 && dot <= 8 ? Math.min(dot + 5, rest.length - 4) : Math.min(4, Math.floor(rest.length / 4));
  const shown = rest.slice(0, Math.max(0, keep));
  return `${head}${shown}${'*'.repeat(12)}`;
}

/** Masks `value` when its `name` or the value itself says it is a secret; else returns it. */
export function maskIfSecret(name: string, value: string, show = false): string {
  if (show) return value;
  return isSecretName(name) || looksLikeSecret(value) ? maskSecret(value) : value;
}

/** A copy of a variables map with every secret-looking value masked (unless `show`). */
export function maskVariables(vars: Readonly<Record<string, string>>, show = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = maskIfSecret(k, v, show);
  return out;
}
