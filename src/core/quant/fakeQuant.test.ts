// The wasm fake-quant kernel (four ops in place in one kernel) against the same four tfjs ops, bit for bit.
// torch's own numbers are checked in observers.test.ts on both paths.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { createRng } from '../util/random';
import { fakeQuantOps, fakeQuantTensor } from './fakeQuant';

const numDataIds = () => tf.engine().backend.numDataIds();

describe('fake quant on wasm (one kernel)', () => {
  it('should equal the four tfjs ops bit for bit: ties, clamping at both ends, huge values, infinities, NaN', async () => {
    await useBackend('wasm');
    const rng = createRng(7);
    const scale = Math.fround(0.0371);
    const special = [
      0,
      -0,
      scale / 2,
      -scale / 2,
      1.5 * scale,
      2.5 * scale,
      -2.5 * scale,
      1e30,
      -1e30,
      Infinity,
      -Infinity,
      NaN,
      1e-30,
    ];
    const values = Float32Array.from({ length: 2 * 3 * 5 * 7 }, (_, i) => special[i] ?? (rng() - 0.4) * 30);
    for (const shape of [[values.length], [14, 15], [2, 3, 5, 7]]) {
      for (const [zeroPoint, quantMin, quantMax] of [
        [0, 0, 255],
        [17, 0, 255],
        [0, -8, 7],
        [3, 0, 15],
      ]) {
        const x = tf.tensor(values, shape);
        const before = { tensors: tf.memory().numTensors, data: numDataIds() };
        const got = fakeQuantTensor(x, { scale, zeroPoint }, quantMin, quantMax);
        const want = fakeQuantOps(x, { scale, zeroPoint }, quantMin, quantMax);
        expect(got.shape).toEqual(shape);
        expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
        expect(Array.from(await x.data())).toEqual(Array.from(values)); // the input is left alone
        tf.dispose([got, want]);
        expect({ tensors: tf.memory().numTensors, data: numDataIds() }).toEqual(before);
        x.dispose();
      }
    }
  });

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
