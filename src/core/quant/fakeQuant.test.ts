// The fused fake-quant kernels (wasm: four ops in place in one kernel; WebGPU: one shader) against the same
// four tfjs ops, bit for bit. torch's own numbers are checked in observers.test.ts on both paths.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { fakeQuantOps, fakeQuantTensor } from './fakeQuant';
import { fusedAgainstOps, fusedFaults } from './fakeQuantCases.testing';

describe('the fused fake-quant kernel', () => {
  it.each(['wasm', 'webgpu'] as const)(
    'should equal the four tfjs ops bit for bit on %s: ties, clamping at both ends, huge values, infinities, NaN',
    async (backend) => {
      await useBackend(backend);
      const cases = await fusedAgainstOps();
      expect(cases.length).toBeGreaterThan(0);
      expect(cases.flatMap((c) => fusedFaults(c, backend))).toEqual([]);
    },
  );

  it('should stay exact when its output grows the wasm heap', async () => {
    await useBackend('wasm');
    // 16 MiB, then 16 MiB more for the output: a view of the heap taken before that allocation would be stale
    const x = tf.randomNormal([64, 32, 32, 64], 0, 4, 'float32', 3);
    const qp = { scale: Math.fround(0.05), zeroPoint: 9 };
    const got = fakeQuantTensor(x, qp, 0, 255);
    const want = fakeQuantOps(x, qp, 0, 255);
    const [a, b] = [await got.data(), await want.data()];
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
    expect(differing).toBe(0);
    tf.dispose([x, got, want]);
  });
});
