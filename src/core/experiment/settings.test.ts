// The settings table: each setting's codec, choices and default agree, and the cache key and the CSV are
// what the table says they are.
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, type RunIdentity, cacheKey, keyHead } from './cacheKey';
import { parsePrecision } from './precision';
import { type RunSpec, paperSpec } from './run';
import { DEFAULT_SETTINGS, SETTINGS, type SettingDef, type SettingName, valuesOf } from './settings';
import { toCsv } from './summary';

const entries = Object.entries(SETTINGS) as [SettingName, SettingDef<unknown>][];
const ID: RunIdentity = {
  weightsSha256: 'a'.repeat(64),
  dataSha256: 'b'.repeat(64),
  poolCount: 5000,
  backend: 'wasm',
};
const SPEC = paperSpec('retinamnist', 'mobileone_s0', parsePrecision('w4a4'), 0);

describe('the settings table', () => {
  it('gives each setting a default its codec writes and reads back, and each choice likewise', () => {
    for (const [name, d] of entries) {
      expect(d.url.parse(d.url.format(d.default)), name).toEqual(d.default);
      for (const [v] of d.choices ?? [])
        expect(d.url.parse(d.url.format(v)), `${name} ${String(v)}`).toEqual(v);
      if (d.choices && name !== 'precision') expect(valuesOf(name), name).toContainEqual(d.default);
      expect(d.url.parse('no such value'), name).toBeUndefined();
      expect(DEFAULT_SETTINGS[name]).toEqual(d.default);
    }
  });

  it('keys a result by every setting that has a key part, and only where it can change the run', () => {
    // one variation of the spec or identity per keyed setting
    const variations: Record<string, [Partial<RunSpec>, Partial<RunIdentity>]> = {
      arch: [{}, { weightsSha256: 'c'.repeat(64) }],
      dataset: [{}, { dataSha256: 'd'.repeat(64) }],
      testSplit: [{ testSplit: 'test-lossless' }, {}],
      precision: [{ precision: parsePrecision('w4a8') }, {}],
      observer: [{ observer: 'minmax' }, {}],
      trial: [{ trial: 2 }, {}],
      bins: [{ numBins: 20 }, {}],
      backend: [{}, { backend: 'webgpu' }],
      arithmetic: [{ arithmetic: 'int8-qnnpack' }, {}],
      clamp: [{ clamp: 'dtype' }, {}],
      mixed: [{ mixed: 'depthwise:w8a8' }, {}],
    };
    const keyed = entries.filter(([, d]) => d.key).map(([n]) => n);
    expect(keyed.sort()).toEqual(Object.keys(variations).sort());
    const base = cacheKey(ID, SPEC);
    for (const [name, [spec, id]] of Object.entries(variations))
      expect(cacheKey({ ...ID, ...id }, { ...SPEC, ...spec }), name).not.toBe(base);
    // defaults add nothing, and a float run ignores the observer, the draw and the clamp
    expect(cacheKey(ID, { ...SPEC, arithmetic: 'fake-quant', clamp: 'bits' })).toBe(base);
    const fp32 = { ...SPEC, precision: parsePrecision('fp32') };
    expect(cacheKey(ID, { ...fp32, observer: 'minmax', trial: 2, clamp: 'dtype' })).toBe(cacheKey(ID, fp32));
    // mixed precision sets weights and activations per layer: a run with float activations ignores it
    const w4 = { ...SPEC, precision: parsePrecision('w4a32') };
    expect(cacheKey(ID, { ...w4, mixed: 'depthwise:w8a8' })).toBe(cacheKey(ID, w4));
    expect(cacheKey(ID, { ...SPEC, mixed: 'depthwise:w8a8' })).toBe(`${base}|mixed=depthwise:w8a8`);
    expect(base).toBe(
      `v${ENGINE_VERSION}|${'a'.repeat(16)}|retinamnist@${'b'.repeat(16)}|test|w4a4|histogram|t0|n1024|b15|wasm`,
    );
  });

  it("reads a key's model, data, split and precision back from its head", () => {
    for (const precision of ['fp32', 'w4a4', 'w6a32'])
      for (const arithmetic of [undefined, 'int8-onednn'] as const)
        expect(keyHead(cacheKey(ID, { ...SPEC, precision: parsePrecision(precision), arithmetic }))).toEqual({
          engineVersion: ENGINE_VERSION,
          weights: 'a'.repeat(16),
          dataset: 'retinamnist',
          testSplit: 'test',
          precision,
        });
    expect(keyHead('not a key')).toBeUndefined();
  });

  it('writes one CSV column for each keyed setting, under the name the table gives it', () => {
    const header = toCsv([]).trim().split(',');
    const columns = entries.flatMap(([, d]) => (d.csv ? [d.csv.column] : []));
    expect(header.slice(0, columns.length)).toEqual(columns);
    expect(new Set(header).size).toBe(header.length);
    expect(entries.filter(([, d]) => d.csv).map(([n]) => n)).toEqual(
      entries.filter(([, d]) => d.key).map(([n]) => n),
    );
  });
});
