// The "Keys" table of docs/settings.md (the contract) against the native key table (the
// one owner of the keys) and against what effectiveSettings really fills in: a default,
// type or range changed in native/settings/keys.cc without the docs fails here, and so
// does a default the SDK would fill in differently.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { effectiveSettings, KeySpec, settingsKeys } from '../../lib/settings';

interface DocRow {
  key: string;
  type: string;
  default: string;
  accepted: string;
}

/** The rows of the markdown table under `## Keys`, by column name. */
function keysTable(): DocRow[] {
  const md = fs.readFileSync(path.join(__dirname, '../../docs/settings.md'), 'utf8');
  const section = md.slice(md.indexOf('\n## Keys\n'));
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, -1).split(' | ').map((c) => c.trim());
  const head = cells(lines[0] as string);
  expect(head).toEqual(['key', 'type', 'default', 'accepted']);
  const rows: DocRow[] = [];
  for (const l of lines.slice(2)) {
    const c = cells(l);
    if (!c[0]?.startsWith('`')) break;
    rows.push({ key: c[0].replace(/`/g, ''), type: c[1] as string, default: c[2] as string, accepted: c[3] as string });
  }
  return rows;
}

/** The default a docs cell states: `none`, "the value of `K`", or a backticked literal. */
function docDefault(cell: string): { default?: unknown; defaultFrom?: string } {
  if (cell === 'none') return {};
  const from = /^the value of `([^`]+)`$/.exec(cell);
  if (from) return { defaultFrom: from[1] };
  const lit = /^`([^`]*)`$/.exec(cell);
  if (!lit) throw new Error(`cannot read the default ${cell}`);
  const t = lit[1] as string;
  try {
    return { default: JSON.parse(t) };
  } catch {
    return { default: t };
  }
}

/** The range or values a docs cell states. */
function docAccepted(row: DocRow): Partial<KeySpec> {
  const range = /^(-?[\d.]+) to (-?[\d.]+)(?: \((\w+)\))?$/.exec(row.accepted);
  if (range) return { min: Number(range[1]), max: Number(range[2]), ...(range[3] ? { unit: range[3] } : {}) };
  if (row.type === 'enum' || row.type === 'list') {
    return { values: [...row.accepted.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string) };
  }
  return {};
}

describe('docs/settings.md "Keys" is the native key table', () => {
  const rows = keysTable();
  const leaves = settingsKeys().filter((k) => k.kind !== 'section');

  it('lists every setting of the native table, in its order, and nothing else', () => {
    expect(rows.map((r) => r.key)).toEqual(leaves.map((k) => k.path));
  });

  it('states each key type, default, range and accepted values as the native table has them', () => {
    for (const k of leaves) {
      const row = rows.find((r) => r.key === k.path) as DocRow;
      expect(row.type, k.path).toBe(k.kind);
      const d = docDefault(row.default);
      expect(d.default, `${k.path} default`).toEqual(k.default);
      expect(d.defaultFrom, `${k.path} defaultFrom`).toBe(k.defaultFrom);
      const a = docAccepted(row);
      if (k.kind === 'int' || k.kind === 'float') {
        expect({ min: a.min, max: a.max, unit: a.unit }, `${k.path} range`).toEqual({ min: k.min, max: k.max, unit: k.unit });
      }
      if (k.kind === 'enum' || k.kind === 'list') expect(a.values, `${k.path} values`).toEqual(k.values);
    }
  });

  it('effectiveSettings fills in exactly the documented defaults', () => {
    // Only the two keys with no default that the checker requires are set.
    const s = effectiveSettings('Connection:\n  EndpointUrl: http://localhost:4318\nMonitoring:\n  ServiceName: svc\n') as unknown as Record<string, unknown>;
    for (const row of rows) {
      const d = docDefault(row.default);
      let v: unknown = s;
      for (const part of row.key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
      if (row.key === 'Connection.EndpointUrl') expect(v).toBe('http://localhost:4318');
      else if (row.key === 'Monitoring.ServiceName') expect(v).toBe('svc');
      else if (d.defaultFrom === 'Monitoring.ServiceName') expect(v, row.key).toBe('svc');
      else if (d.default === undefined) expect(v, row.key).toBeUndefined();
      else expect(v, row.key).toEqual(d.default);
    }
  });
});
