// The native reader against the `yaml` package (YAML 1.2, core schema): where the
// native reader accepts a file, the value must equal what `yaml` reads.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import * as YAML from 'yaml';
import { NetProfilerError } from '../../lib/errors';
import { parseSettings } from '../../lib/settings';
import { Rng, YamlGen } from './yamlgen';

// A fixed seed keeps CI deterministic; NP_FC_SEED / NP_FC_RUNS explore further.
const FC = {
  seed: Number(process.env.NP_FC_SEED ?? 20261125),
  numRuns: Number(process.env.NP_FC_RUNS ?? 2000),
};

const REFUSALS = new Set([
  'yaml-syntax', 'anchor', 'alias', 'tag', 'complex-key', 'multiple-documents', 'directive', 'tab-indent',
  'invalid-utf8', 'control-character', 'too-deep', 'duplicate-key',
]);

function viaYaml(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  // yaml 2.9 counts a leading BOM as a column of indentation (`\uFEFF- a` is an error
  // there); the BOM is not content in YAML 1.2, so it is removed before yaml reads.
  const doc = YAML.parseDocument(text.replace(/^\uFEFF/, ''), { version: '1.2', schema: 'core' });
  if (doc.errors.length) return { ok: false, error: doc.errors.map((e) => e.message).join('; ') };
  return { ok: true, value: doc.toJS() };
}

function viaNative(text: string): { ok: true; value: unknown } | { ok: false; code: string; message: string } {
  try {
    return { ok: true, value: parseSettings(text) };
  } catch (err) {
    if (!(err instanceof NetProfilerError)) throw err;
    expect(REFUSALS.has(err.code), `unexpected code ${err.code}`).toBe(true);
    return { ok: false, code: err.code, message: `${err.line}:${err.column} ${err.message}` };
  }
}

/** native accepts => yaml accepts and the values are equal. Returns whether native accepted. */
function agree(text: string): boolean {
  const n = viaNative(text);
  if (!n.ok) return false;
  const y = viaYaml(text);
  if (!y.ok) throw new Error(`native accepted but yaml refused (${y.error}):\n${JSON.stringify(text)}`);
  if (!isDeepStrictEqual(n.value, y.value)) {
    throw new Error(`values differ for ${JSON.stringify(text)}\nnative: ${JSON.stringify(n.value)}\nyaml:   ${JSON.stringify(y.value)}`);
  }
  return true;
}

describe('native reader vs yaml (differential)', () => {
  it('generated documents in the accepted subset: native accepts them and reads what yaml reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        const text = new YamlGen(new Rng(seed)).document();
        const n = viaNative(text);
        if (!n.ok) throw new Error(`native refused a generated document (${n.code} ${n.message}):\n${JSON.stringify(text)}`);
        expect(agree(text)).toBe(true);
      }),
      FC,
    );
  });

  it('mutated documents: whatever native accepts, yaml reads the same', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ' ', '\n', ':', '-', '#', '"', "'", '[', '{', ',', '\t', '|', '>', '  ', '\\', '}', ']')), { minLength: 1, maxLength: 3 }),
        (seed, muts) => {
          // mutate whole code points (a lone surrogate has no UTF-8 form)
          const cps = Array.from(new YamlGen(new Rng(seed)).document());
          for (const [pos, ins] of muts) {
            const at = pos % (cps.length + 1);
            if (ins === '') cps.splice(at, 1);
            else cps.splice(at, 0, ins);
          }
          const text = cps.join('');
          if (agree(text)) accepted++;
        },
      ),
      FC,
    );
    // The mutations must leave many documents valid, or this test proves nothing.
    expect(accepted).toBeGreaterThan(300);
  });

  it('the fixed corpus of awkward documents', () => {
    const dir = path.join(__dirname, 'fixtures/differential');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const n = viaNative(text);
      if (!n.ok) throw new Error(`${f}: native refused (${n.code} ${n.message})`);
      expect(agree(text), f).toBe(true);
    }
  });
});
