// The published JSON Schema, checked with a small draft-07 validator for exactly the
// keywords the schema uses (no validator package is a dependency): files the checker
// accepts validate, and the per-key mistakes it reports are flagged by the schema too.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { parseSettings } from '../../lib/settings';

type Schema = Record<string, unknown>;
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schema/settings.schema.json'), 'utf8')) as Schema;

const KNOWN = new Set([
  '$schema', '$id', 'title', 'description', 'default', 'type', 'properties', 'additionalProperties', 'enum',
  'minimum', 'maximum', 'pattern', 'anyOf', 'not', 'items', 'uniqueItems', 'propertyNames',
]);

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

function valid(s: Schema, v: unknown): boolean {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`validator does not know ${k}`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!typeOf(v).some((t) => types.includes(t))) return false;
  }
  if (s.enum && !(s.enum as unknown[]).includes(v)) return false;
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && !(v >= s.minimum)) return false;
    if (typeof s.maximum === 'number' && !(v <= s.maximum)) return false;
  }
  if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) return false;
  if (s.anyOf && !(s.anyOf as Schema[]).some((x) => valid(x, v))) return false;
  if (s.not && valid(s.not as Schema, v)) return false;
  if (Array.isArray(v)) {
    if (s.items && !v.every((x) => valid(s.items as Schema, x))) return false;
    if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) return false;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (s.propertyNames && !valid(s.propertyNames as Schema, k)) return false;
      if (props[k]) {
        if (!valid(props[k] as Schema, x)) return false;
      } else if (s.additionalProperties === false) return false;
      else if (typeof s.additionalProperties === 'object' && !valid(s.additionalProperties as Schema, x)) return false;
    }
  }
  return true;
}

const example = fs.readFileSync(path.join(__dirname, 'fixtures/spec-example.yaml'), 'utf8');
const check = (text: string): boolean => valid(schema, parseSettings(text));

describe('schema/settings.schema.json', () => {
  it('accepts the spec example and the otlp starting point', () => {
    expect(check(example)).toBe(true);
    expect(check('Connection:\n  EndpointUrl: http://localhost:4318\n  Headers:\n    X-Team: core\n  TimeoutMs: 60000\nMonitoring:\n  Special: [HttpClient]\n  Sampling:\n    Ratio: 0.5\n')).toBe(true);
    expect(check('Monitoring:\n  ServiceName: 1234\n')).toBe(true); // accepted with a warning by the checker
  });
  it('flags what the checker reports per key', () => {
    const bad = [
      example.replace('  Enabled: true\n  Provider', '  Enabld: true\n  Provider'), // unknown key
      example.replace('Provider: dynatrace', 'Provider: Dynatrace'), // enum
      example.replace('  Type: http', '  Type: http\n  TimeoutMs: 0'), // range
      example.replace('  Type: http', '  Type: http\n  TimeoutMs: "5000"'), // string for a number
      example.replace('Enabled: true\n  Special', 'Enabled: yes\n  Special'), // YAML 1.1 boolean (a string in 1.2)
      example.replace('${env:DT_API_TOKEN}', '<token>'), // placeholder
      example.replace('https://abc12345.live.dynatrace.com/api/v2/otlp', 'ftp://x'), // not http(s)
      example.replace('    - AWS', '    - AWS\n    - AWS'), // duplicate item
      example.replace('    - AWS', '    - Aws'), // unknown item
      example.replace('  Type: http', '  Type: http\n  Headers:\n    "Bad Header": x'), // header name
      example.replace('CollectionInterval: 10', 'CollectionInterval: 3601'),
      example + 'Extra: 1\n',
    ];
    for (const text of bad) expect(check(text), text).toBe(false);
  });
});
