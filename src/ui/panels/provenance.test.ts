// Where a shown result came from, in words: computed, cached, shipped (and on which backend), and how a result
// computed here compares with its shipped twin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/nodeTf';
import { type BackendNoise, noiseSentence } from '../../core/experiment/backendAgreement';
import type { SweepRecord } from '../../core/experiment/summary';
import { provenance, shippedDifference } from './Provenance';

const runs: SweepRecord[] = JSON.parse(
  readFileSync(join(ROOT, 'results/retinamnist/sweep.json'), 'utf8'),
).results;
const { summary }: { summary: BackendNoise[] } = JSON.parse(
  readFileSync(join(ROOT, 'results/backend-noise/noise.json'), 'utf8'),
);
const run = runs.find((r) => r.spec.precision.wBits === 8)!;

describe('provenance', () => {
  it('should name the backend, the time and the engine version', () => {
    expect(provenance([{ result: run, source: 'computed' }], 'wasm')).toMatch(
      /^Computed on wasm in [\d.]+ s\.$/,
    );
    expect(provenance([{ result: run, source: 'cached' }], 'wasm')).toMatch(
      /^From this browser's cache: computed on wasm in [\d.]+ s with engine version 3\.$/,
    );
    const shipped = provenance([{ result: { ...run, machine: '2-core X' }, source: 'shipped' }], 'webgpu');
    expect(shipped).toMatch(/^Shipped result, computed on wasm on 2-core X with engine version 3\./);
    expect(shipped).toMatch(/This page runs on webgpu/);
    expect(provenance([{ result: run, source: 'shipped' }], 'wasm')).toMatch(/\(machine not recorded\)/);
  });
  it('should say a recomputed run is identical to its shipped twin, or by how much it differs', () => {
    expect(shippedDifference([{ result: run, source: 'computed', shipped: run }])).toMatch(
      /^Identical to the shipped result/,
    );
    const moved = { ...run, before: { ...run.before, error: run.before.error + 0.0025 } };
    expect(shippedDifference([{ result: moved, source: 'computed', shipped: run }])).toMatch(
      /error \+0\.25 points, ECE \+0\.00 points/,
    );
    expect(shippedDifference([{ result: run, source: 'computed' }])).toBeNull();
  });
  it("should quote the measured difference between backends for this model's weights and settings only", () => {
    const measured = summary.find(
      (n) => n.weightsSha256 === run.weightsSha256 && n.precision === 'w8a8' && n.backend === 'webgpu',
    )!;
    const sentence = noiseSentence(measured);
    expect(sentence).toMatch(/^Measured for this model and precision over 3 trials: webgpu and wasm agreed/);
    const shipped = provenance([{ result: run, source: 'shipped' }], 'webgpu');
    expect(shipped).toContain(`This page runs on webgpu: a recomputed result may differ. ${sentence}`);
    const onGpu = { ...run, backend: 'webgpu' };
    expect(provenance([{ result: onGpu, source: 'computed' }], 'webgpu')).toContain(sentence);
    const moved = { ...onGpu, before: { ...run.before, error: run.before.error + 0.0025 } };
    expect(shippedDifference([{ result: moved, source: 'computed', shipped: run }])).toContain(sentence);
    // other weights, another observer, WebGL (not measured): the general sentence, never another model's numbers
    for (const [r, backend] of [
      [{ ...run, weightsSha256: '0'.repeat(64) }, 'webgpu'],
      [{ ...run, spec: { ...run.spec, observer: 'minmax' as const } }, 'webgpu'],
      [run, 'webgl'],
    ] as const) {
      const text = provenance([{ result: r, source: 'shipped' }], backend);
      expect(text).not.toMatch(/Measured/);
      expect(text).toMatch(/Backends sum in different orders/);
    }
    expect(provenance([{ result: run, source: 'computed' }], 'wasm')).not.toMatch(/Measured/);
  });
});
