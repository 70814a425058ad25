/**
 * The keys of settings.yaml format 1 (`settings.md`), for editing, `show`, and the
 * published JSON Schema (`schema/settings.schema.json`).
 * @packageDocumentation
 */

/** The type of a settings key. */
export type KeyKind = 'section' | 'bool' | 'enum' | 'url' | 'string' | 'token' | 'headers' | 'int' | 'float' | 'list';

/** One key of the format. */
export interface KeySpec {
  /** Dotted path, such as `Connection.TimeoutMs`. */
  path: string;
  /** Its type. */
  kind: KeyKind;
  /** The default when absent (undefined: none). */
  default?: unknown;
  /** Allowed values (enum and list items). */
  values?: readonly string[];
  /** Inclusive range (int, float). */
  min?: number;
  /** Inclusive range (int, float). */
  max?: number;
  /** One sentence for people. */
  description: string;
}

/** Every key of settings.yaml format 1, parents before children. */
export const KEYS: readonly KeySpec[] = [
  { path: 'General', kind: 'section', description: 'Profiler-wide switches.' },
  { path: 'General.Enabled', kind: 'bool', default: true, description: '`false` turns the whole profiler off (the wrapper then starts the runtime untouched).' },
  { path: 'General.Provider', kind: 'enum', default: 'otlp', values: ['dynatrace', 'otlp'], description: 'Where telemetry goes: `dynatrace` (OTLP over HTTP with an Api-Token) or any `otlp` endpoint.' },
  { path: 'General.Type', kind: 'enum', default: 'application', values: ['awslambda', 'application'], description: 'What is profiled: an AWS Lambda function or an application (`azurefunctions` is reserved, not supported yet).' },
  { path: 'Connection', kind: 'section', description: 'The OTLP export connection.' },
  { path: 'Connection.EndpointUrl', kind: 'url', description: 'Base URL of the OTLP endpoint (http or https); /v1/traces, /v1/metrics and /v1/logs are appended. Required when traces or metrics are enabled. May be ${env:NAME}.' },
  { path: 'Connection.Type', kind: 'enum', default: 'http', values: ['http', 'grpc'], description: 'OTLP transport (Dynatrace: http only).' },
  { path: 'Connection.BearerToken', kind: 'token', description: 'Token sent as `Authorization: Bearer …` (dynatrace: `Api-Token …`). Prefer ${env:NAME} over a literal token.' },
  { path: 'Connection.Headers', kind: 'headers', default: {}, description: 'Extra export headers (names per RFC 9110 token syntax).' },
  { path: 'Connection.TimeoutMs', kind: 'int', default: 10000, min: 1, max: 60000, description: 'Export timeout in milliseconds.' },
  { path: 'Monitoring', kind: 'section', description: 'What is collected.' },
  { path: 'Monitoring.Enabled', kind: 'bool', default: true, description: 'Traces on/off.' },
  { path: 'Monitoring.ServiceName', kind: 'string', description: 'Service name; with Type awslambda it may be omitted (the function name is used), otherwise required.' },
  { path: 'Monitoring.Special', kind: 'list', default: [], values: ['AWS', 'HttpClient', 'GrpcClient'], description: 'Client instrumentations (AWS ships only in the .NET 10 agent).' },
  { path: 'Monitoring.Sampling', kind: 'section', description: 'Head sampling.' },
  { path: 'Monitoring.Sampling.Ratio', kind: 'float', default: 1.0, min: 0, max: 1, description: 'Head sampling ratio, 0 to 1.' },
  { path: 'Monitoring.Metrics', kind: 'section', description: 'Metrics export.' },
  { path: 'Monitoring.Metrics.Enabled', kind: 'bool', default: false, description: 'Metrics on/off.' },
  { path: 'Monitoring.Metrics.ServiceName', kind: 'string', description: 'Service name of the metrics (default: Monitoring.ServiceName).' },
  { path: 'Monitoring.Metrics.CollectionInterval', kind: 'int', default: 10, min: 1, max: 3600, description: 'Collection interval in seconds.' },
  { path: 'Monitoring.Metrics.Cpu', kind: 'bool', default: false, description: 'CPU metrics.' },
  { path: 'Monitoring.Metrics.Memory', kind: 'bool', default: false, description: 'Memory metrics.' },
];

/** The spec of a dotted key path, or undefined. */
export function findKey(path: string): KeySpec | undefined {
  return KEYS.find((k) => k.path === path);
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

/** The known key path nearest to `path` (edit distance), or undefined when none is close. */
export function nearestKey(path: string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of KEYS) {
    if (k.kind === 'section') continue;
    const d = distance(path, k.path);
    if (d < bestD) {
      bestD = d;
      best = k.path;
    }
  }
  return bestD <= Math.max(2, Math.floor(path.length / 4)) ? best : undefined;
}

const ENV_PATTERN = '^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}$';

function leafSchema(k: KeySpec): Record<string, unknown> {
  const base: Record<string, unknown> = { description: k.description };
  if (k.default !== undefined) base.default = k.default;
  switch (k.kind) {
    case 'bool':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, type: 'string', enum: [...(k.values ?? [])] };
    case 'url':
      return { ...base, type: 'string', anyOf: [{ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+' }, { pattern: ENV_PATTERN }], not: { pattern: '<[^<>]+>' } };
    case 'string':
    case 'token':
      return { ...base, type: ['string', 'number'], not: { type: 'string', pattern: '<[^<>]+>' } };
    case 'headers':
      return {
        ...base,
        type: ['object', 'null'],
        propertyNames: { pattern: "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$" },
        additionalProperties: { type: ['string', 'number'] },
      };
    case 'int':
      return { ...base, type: 'integer', minimum: k.min, maximum: k.max };
    case 'float':
      return { ...base, type: 'number', minimum: k.min, maximum: k.max };
    case 'list':
      return { ...base, type: ['array', 'null'], items: { type: 'string', enum: [...(k.values ?? [])] }, uniqueItems: true };
    default:
      return base;
  }
}

function sectionSchema(prefix: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const k of KEYS) {
    const parent = k.path.includes('.') ? k.path.slice(0, k.path.lastIndexOf('.')) : '';
    if (parent !== prefix) continue;
    const name = k.path.slice(prefix === '' ? 0 : prefix.length + 1);
    properties[name] = k.kind === 'section' ? { description: k.description, ...sectionSchema(k.path), type: ['object', 'null'] } : leafSchema(k);
  }
  return { type: 'object', properties, additionalProperties: false };
}

/**
 * The JSON Schema (draft-07) of settings.yaml format 1, as published in
 * `schema/settings.schema.json` for editors with yaml-language-server. It covers keys,
 * types, enums and ranges; the rules across keys (provider rules, required keys) are
 * only in {@link checkSettings}.
 */
export function settingsJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/net-profiler/net-profiler/schema/settings.schema.json',
    title: 'net_profiler_rust settings.yaml (format 1)',
    description:
      'Settings of the net_profiler_rust .NET profiler. Check the file with `net-profiler settings check FILE`, which also applies the provider rules and required keys.',
    ...sectionSchema(''),
  };
}
