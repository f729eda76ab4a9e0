// The wasm requantization kernel (six ops in place in one kernel) against the same six tfjs ops, bit
// for bit. torch's own numbers are checked through the whole int8 model in int8.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { createRng } from '../util/random';
import { requantize, requantizeOps } from './requant';

const f = Math.fround;

it('should equal the six tfjs ops bit for bit on wasm: ties, both clamps, ranks 2 and 4, input untouched', async () => {
  await useBackend('wasm');
  const rng = createRng(11);
  const C = 6;
  // multipliers that make exact .5 ties out of even sums, and ordinary ones
  const mult = tf.tensor1d([0.25, 0.5, f(0.0371), f(1 / 3), 1, f(0.002059136)]);
  const bias = tf.tensor1d([0.5, -1.5, f(-511.3), 0, 2.25, f(-9214.6)]);
  for (const shape of [
    [50, C],
    [2, 4, 5, C],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, (_, i) =>
      i % 7 === 0 ? 2 * (i % 13) : Math.round((rng() - 0.5) * 2e5),
    );
    const acc = tf.tensor(values, shape);
    for (const [zeroPoint, lo, hi] of [
      [0, 0, 255],
      [17, 0, 255],
      [17, 17, 255],
      [3, 0, 15],
    ]) {
      const before = tf.memory().numTensors;
      const got = requantize(acc, { bias, mult, zeroPoint, lo, hi });
      const want = requantizeOps(acc, { bias, mult, zeroPoint, lo, hi });
      const g = await got.data();
      expect(Array.from(g)).toEqual(Array.from(await want.data()));
      expect(Math.min(...g)).toBe(lo - zeroPoint); // both clamps reached
      expect(Math.max(...g)).toBe(hi - zeroPoint);
      tf.dispose([got, want]);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(Array.from(await acc.data())).toEqual(Array.from(values));
    acc.dispose();
  }
  tf.dispose([mult, bias]);
});
