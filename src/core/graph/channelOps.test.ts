// The wasm fast paths for channel slice and concat against tfjs's own ops, value for value.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { channelConcat, channelSlice } from './channelOps';

const ramp = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 1e3),
    shape,
  );

async function same(a: tf.Tensor, b: tf.Tensor): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`channel slice and concat on ${backend}`, () => {
    it('should equal tf.slice on the last axis, for ranks 2 and 4, at both edges and in the middle', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      for (const shape of [
        [3, 10],
        [2, 5, 4, 116],
        [1, 1, 1, 7],
      ]) {
        const x = ramp(shape);
        const C = shape[shape.length - 1];
        for (const [begin, size] of [
          [0, Math.ceil(C / 2)],
          [Math.floor(C / 2), C - Math.floor(C / 2)],
          [1, C - 2],
          [0, C],
          [C - 1, 1],
        ]) {
          if (size <= 0) continue;
          const got = channelSlice(x, begin, size);
          const want = tf.slice(
            x,
            [...shape.slice(0, -1).map(() => 0), begin],
            [...shape.slice(0, -1), size],
          );
          await same(got, want);
          tf.dispose([got, want]);
        }
        x.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it('should equal tf.concat on the last axis, for unequal widths and a repeated input', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const a = ramp([2, 3, 3, 5]);
      const b = ramp([2, 3, 3, 1]);
      const c = ramp([2, 3, 3, 58]);
      for (const xs of [[a, b], [a, b, c], [c, c], [b]]) {
        const got = channelConcat(xs);
        const want = tf.concat(xs, 3);
        await same(got, want);
        tf.dispose([got, want]);
      }
      tf.dispose([a, b, c]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('should refuse a slice outside the channels and a concat of unequal shapes', async () => {
      await useBackend(backend);
      const x = ramp([2, 2, 2, 4]);
      const y = ramp([2, 2, 3, 4]);
      expect(() => channelSlice(x, 3, 2)).toThrow(/outside 4 channels/);
      expect(() => channelSlice(x, -1, 2)).toThrow(/outside/);
      expect(() => channelSlice(x, 0, 0)).toThrow(/outside/);
      expect(() => channelConcat([x, y])).toThrow(/unequal shapes/);
      tf.dispose([x, y]);
    });
  });
}

describe('the wasm kernels when the output does not fit the heap', () => {
  it('should copy from the grown heap, not a stale view of the old one', async () => {
    await useBackend('wasm');
    // an input as large as the free heap, so that allocating the slice must grow the wasm memory
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const rows = Math.ceil(heap() / 4 / 64);
    const x = ramp([rows, 64]);
    const bytes = heap();
    const got = channelSlice(x, 3, 60);
    const grew = heap() > bytes;
    const want = tf.slice(x, [0, 3], [rows, 60]);
    await same(got, want);
    tf.dispose([x, got, want]);
    expect(grew).toBe(true);
  });
});
