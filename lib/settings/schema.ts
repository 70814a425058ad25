/**
 * The JSON Schema of settings.yaml format 1 (`schema/settings.schema.json`), generated
 * from the native key table.
 * @packageDocumentation
 */
import { KeySpec, parentOf, settingsKeys } from './keys';

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

function sectionSchema(keys: readonly KeySpec[], prefix: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const k of keys) {
    if (parentOf(k.path) !== prefix) continue;
    const name = k.path.slice(prefix === '' ? 0 : prefix.length + 1);
    properties[name] = k.kind === 'section' ? { description: k.description, ...sectionSchema(keys, k.path), type: ['object', 'null'] } : leafSchema(k);
  }
  return { type: 'object', properties, additionalProperties: false };
}

/**
 * The JSON Schema (draft-07) of settings.yaml format 1, as published in
 * `schema/settings.schema.json` for editors with yaml-language-server. It covers keys,
 * types, enums, ranges and defaults, all from the native key table; the rules across keys
 * (provider rules, required keys) are only in {@link checkSettings}.
 */
export function settingsJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/net-profiler/net-profiler/schema/settings.schema.json',
    title: 'net_profiler_rust settings.yaml (format 1)',
    description:
      'Settings of the net_profiler_rust .NET profiler. Check the file with `net-profiler settings check FILE`, which also applies the provider rules and required keys.',
    ...sectionSchema(settingsKeys(), ''),
  };
}
