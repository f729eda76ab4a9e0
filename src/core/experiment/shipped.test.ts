// The shipped results: packed losslessly, every run of results/ current and keyed as the core keys it, found
// for a page on another backend (and said to come from wasm), stale engine versions never served.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/nodeTf';
import { packRun, shippedRuns } from '../../../scripts/vite/shippedResults';
import { cacheKey, ENGINE_VERSION } from './cacheKey';
import { ShippedRuns, unpackRun } from './shipped';
import type { SweepRecord } from './summary';

const packed = shippedRuns(join(ROOT, 'results'));
const retina: SweepRecord[] = JSON.parse(
  readFileSync(join(ROOT, 'results/retinamnist/sweep.json'), 'utf8'),
).results;
const manifestSha = (dataset: string) => retina.find((r) => r.spec.dataset === dataset)!.dataSha256!;

describe('shipped results', () => {
  it('should pack and unpack every run exactly, bins included', () => {
    expect(packed.length).toBeGreaterThan(300);
    for (const r of retina) expect(unpackRun(packRun(r))).toEqual(r);
  });
  it('should hold only current runs, each under the key the core gives its identity', () => {
    const runs = new ShippedRuns(packed);
    expect(runs.stale).toBe(0);
    for (const r of retina) {
      const id = {
        weightsSha256: r.weightsSha256,
        dataSha256: r.dataSha256!,
        poolCount: 1080,
        backend: r.backend,
      };
      expect(r.key).toBe(cacheKey(id, r.spec));
      expect(runs.find(id, r.spec)).toEqual(r);
      // a page on WebGPU is given the wasm run, which says where it came from
      expect(runs.find({ ...id, backend: 'webgpu' }, r.spec)?.backend).toBe('wasm');
      // another model or other data under the same name: nothing shipped
      expect(runs.find({ ...id, weightsSha256: '0'.repeat(64) }, r.spec)).toBeUndefined();
      expect(runs.find({ ...id, dataSha256: '1'.repeat(64) }, r.spec)).toBeUndefined();
    }
    expect(runs.ofData('retinamnist', manifestSha('retinamnist')).length).toBeGreaterThanOrEqual(
      retina.length,
    );
  });
  it('should never serve a run of another engine version', () => {
    const old = packed.slice(0, 3).map((p) => ({ ...p, engineVersion: ENGINE_VERSION - 1 }));
    const unversioned = packed.slice(3, 4).map((p) => {
      const copy = { ...p, key: p.key.replace(/^v\d+/, 'v2') };
      delete copy.engineVersion;
      return copy;
    });
    const runs = new ShippedRuns([...old, ...unversioned]);
    expect(runs.size).toBe(0);
    expect(runs.stale).toBe(4);
  });
});
