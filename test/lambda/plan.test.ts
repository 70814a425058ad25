// The pure parts: the record kept in tags (AWS's tag rules, round trip for any values),
// layer ARNs, and the plans' rules on inputs moto cannot produce.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeRecord,
  encodeRecord,
  environmentBytes,
  planInstrument,
  planUninstrument,
  RECORD_COUNT_TAG,
  unversionedLayerArn,
  type FunctionFacts,
  type InstrumentRecord,
} from '../../lib/lambda';
import { NetProfilerError } from '../../lib/errors';

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const L = (name: string, v: number) => `arn:aws:lambda:eu-central-1:123456789012:layer:${name}:${v}`;

describe('the instrument record in tags', () => {
  it('round-trips any variables, every tag within AWS\'s rules', () => {
    const vars = fc.dictionary(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 600, unit: 'grapheme' }), { maxKeys: 6 });
    fc.assert(
      fc.property(vars, vars, (set, was) => {
        const rec: InstrumentRecord = { v: 1, layer: 'arn:aws:lambda:eu-central-1:123456789012:layer:np', set, was };
        const tags = encodeRecord(rec);
        for (const [k, v] of Object.entries(tags)) {
          expect(k.length).toBeLessThanOrEqual(128);
          expect(k).toMatch(TAG_VALUE);
          expect(k.startsWith('aws:')).toBe(false);
          expect(v.length).toBeLessThanOrEqual(256);
          expect(v).toMatch(TAG_VALUE);
        }
        expect(decodeRecord({ ...tags, team: 'x' }, 'fn')).toEqual(rec);
      }),
      { numRuns: 200 },
    );
  });

  it('no tags: no record; damaged tags: a refusal naming the fix', () => {
    expect(decodeRecord(undefined, 'fn')).toBeUndefined();
    expect(decodeRecord({ team: 'x' }, 'fn')).toBeUndefined();
    const tags = encodeRecord({ v: 1, layer: 'l', set: { A: 'x'.repeat(500) }, was: {} });
    expect(Number(tags[RECORD_COUNT_TAG])).toBeGreaterThan(1);
    const missing = { ...tags };
    delete missing['net-profiler:record:1'];
    for (const bad of [missing, { ...tags, [RECORD_COUNT_TAG]: 'many' }, { [RECORD_COUNT_TAG]: '1', 'net-profiler:record:0': 'bm90IGpzb24=' }]) {
      let err: unknown;
      try {
        decodeRecord(bad, 'fn');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NetProfilerError);
      expect((err as NetProfilerError).code).toBe('damaged-record');
      expect((err as NetProfilerError).fix).toMatch(/net-profiler:record:/);
    }
  });
});

describe('layer ARNs and sizes', () => {
  it('strips only a version number', () => {
    expect(unversionedLayerArn(L('np', 7))).toBe('arn:aws:lambda:eu-central-1:123456789012:layer:np');
    expect(unversionedLayerArn('arn:aws:lambda:eu-central-1:123456789012:layer:123')).toBe('arn:aws:lambda:eu-central-1:123456789012:layer:123');
    expect(unversionedLayerArn('arn:aws-cn:lambda:cn-north-1:123456789012:layer:np:2')).toBe('arn:aws-cn:lambda:cn-north-1:123456789012:layer:np');
  });
  it('counts the environment as the bytes of its JSON', () => {
    expect(environmentBytes({})).toBe(2);
    expect(environmentBytes({ A: 'é' })).toBe('{"A":"é"}'.length + 1);
    expect(environmentBytes({ Q: '"' })).toBe(Buffer.byteLength('{"Q":"\\""}'));
  });
});

describe('plans', () => {
  const fn = (over: Partial<FunctionFacts> = {}): FunctionFacts => ({ name: 'f', packageType: 'Zip', runtime: 'dotnet8', architecture: 'x86_64', layers: [], variables: {}, ...over });
  const layer = { layerVersionArn: L('np', 3), arch: 'x64' as const, runtimes: ['dotnet8', 'dotnet10'] };
  const vars = { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' };

  it('removes duplicate older versions of the same layer, keeping the first position', () => {
    const p = planInstrument({ fn: fn({ layers: [L('a', 1), L('np', 1), L('b', 1), L('np', 2)] }), record: undefined, layer, variables: vars, force: false });
    expect(p.layersAfter).toEqual([L('a', 1), L('np', 3), L('b', 1)]);
  });

  it('replaces the recorded profiler layer even when published under another name', () => {
    const record: InstrumentRecord = { v: 1, layer: unversionedLayerArn(L('old-name', 1)), set: vars, was: {} };
    const p = planInstrument({ fn: fn({ layers: [L('old-name', 4), L('a', 1)], variables: { ...vars } }), record, layer, variables: vars, force: false });
    expect(p.layersAfter).toEqual([L('np', 3), L('a', 1)]);
    expect(p.warnings.map((w) => w.code)).toContain('layer-renamed');
    expect(p.record!.set).toEqual(vars);
  });

  it('an unknown layer architecture is a warning, not a refusal', () => {
    const p = planInstrument({ fn: fn(), record: undefined, layer: { layerVersionArn: L('np', 1), runtimes: [] }, variables: vars, force: false });
    expect(p.warnings.map((w) => w.code)).toEqual(['layer-arch-unknown']);
  });

  it('uninstrument keeps a value the user changed and restores a replaced one', () => {
    const record: InstrumentRecord = { v: 1, layer: unversionedLayerArn(L('np', 1)), set: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', X: '1' }, was: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/theirs' } };
    const p = planUninstrument(fn({ layers: [L('a', 1), L('np', 1)], variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper', X: '2', Y: 'y' } }), record);
    expect(p.layersAfter).toEqual([L('a', 1)]);
    expect(p.variablesAfter).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/theirs', X: '2', Y: 'y' });
    expect(p.variablesChanged).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: { from: '/opt/profiler_wrapper', to: '/opt/theirs' } });
    expect(p.warnings.map((w) => w.code)).toEqual(['kept-user-value']);
  });

  it('instrument then uninstrument gives back any starting configuration (property)', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/).filter((n) => n !== 'AWS_REGION' && n !== 'TZ' && !n.startsWith('_'));
    const env = fc.dictionary(name, fc.string({ maxLength: 30 }), { maxKeys: 6 });
    const others = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }).map((ns) => ns.map((n) => L(n, 1)));
    fc.assert(
      fc.property(env, others, fc.boolean(), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (variables, layers, force, wrapper) => {
        const start = fn({ layers, variables: { ...variables, ...(wrapper !== undefined ? { AWS_LAMBDA_EXEC_WRAPPER: wrapper } : {}) } });
        let p;
        try {
          p = planInstrument({ fn: start, record: undefined, layer, variables: { ...vars, NET_PROFILER_X: 'on' }, force });
        } catch (e) {
          expect((e as NetProfilerError).code).toBe('wrapper-conflict');
          expect(force).toBe(false);
          return;
        }
        const mid = { ...start, layers: p.layersAfter, variables: p.variablesAfter };
        expect(mid.layers.filter((a) => a === layer.layerVersionArn)).toHaveLength(1);
        for (const [k, v] of Object.entries(start.variables)) if (k !== 'AWS_LAMBDA_EXEC_WRAPPER') expect(mid.variables[k]).toBe(v);
        const back = planUninstrument(mid, p.record);
        expect(back.layersAfter).toEqual(start.layers);
        expect(back.variablesAfter).toEqual(start.variables);
      }),
      { numRuns: 300 },
    );
  });
});
