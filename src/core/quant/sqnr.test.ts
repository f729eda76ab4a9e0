// Per-tensor SQNR against torch's numeric suite (training/reference/golden_sqnr.py: compute_sqnr on torch's
// replay of the same model, qparams and images). With torch's qparams injected, only float32 summation order
// differs: the weights' SQNR is the same to rounding, an activation's local SQNR moves where a value sits on
// a rounding midpoint, and the cumulative SQNR also carries the earlier layers' last-bit differences.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ROOT, loadModelParts, useBackend } from '../../../scripts/nodeTf';
import { goldenSample } from './goldenInputs.testing';
import { PtqModel } from './ptq';
import { sqnrGoldens } from './sqnrGolden.testing';
import { layerKind, tensorSqnr } from './sqnr';

const BATCH = 32;
const db = (v: number | null) => v ?? Infinity; // JSON has no Infinity: equal tensors are null there
const gap = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b)); // Infinity - Infinity is NaN

describe('per-tensor SQNR', () => {
  for (const g of sqnrGoldens()) {
    it(`${g.model} W${g.wBits}/A${g.aBits}: local, cumulative and weight SQNR as torch's compute_sqnr`, async () => {
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const { parsed, weights } = await loadModelParts(join(ROOT, g.model));
      const model = new PtqModel(parsed, weights, { wBits: g.wBits, aBits: g.aBits, observer: 'histogram' });
      model.useQparams(g.qparams.map(([scale, zeroPoint]) => ({ scale, zeroPoint })));
      const { input } = await goldenSample(parsed.doc, g.split, g.indices);
      const n = input.length / 3072;
      const batches = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) => {
        const m = Math.min(BATCH, n - b * BATCH);
        return tf.tensor4d(input.subarray(b * BATCH * 3072, (b * BATCH + m) * 3072), [m, 32, 32, 3]);
      });
      const got = await tensorSqnr(parsed, weights, model, batches);
      tf.dispose(batches);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);

      expect(got.activations.map((a) => [a.node, a.observer])).toEqual(
        g.activations.map((a) => [a.node, a.observer]),
      );
      expect(got.weights.map((w) => w.node)).toEqual(g.weights.map((w) => w.node));
      const worst = (pairs: [number, number | null][]) => Math.max(...pairs.map(([a, b]) => gap(a, db(b))));
      const weightGap = worst(got.weights.map((w, i) => [w.sqnr, g.weights[i].sqnr]));
      const localGap = worst(got.activations.map((a, i) => [a.local, g.activations[i].local]));
      const cumulativeGap = worst(got.activations.map((a, i) => [a.cumulative, g.activations[i].cumulative]));
      console.log(
        `${g.model} W${g.wBits}/A${g.aBits}: largest difference from torch, dB: weights ${weightGap.toExponential(1)}, ` +
          `local ${localGap.toExponential(1)}, cumulative ${cumulativeGap.toExponential(1)}`,
      );
      expect(weightGap).toBeLessThanOrEqual(1e-3);
      expect(localGap).toBeLessThanOrEqual(0.01);
      expect(cumulativeGap).toBeLessThanOrEqual(0.2);
    });
  }

  it("should tell a layer's kind from its node: depthwise, pointwise or full conv, dense, other", async () => {
    const { parsed } = await loadModelParts(join(ROOT, 'public/models/retinamnist/mobileone_s0'));
    const kinds = parsed.doc.nodes.map(layerKind);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    // MobileOne-S0 reparameterized: a 3x3 stem, then depthwise 3x3 and pointwise 1x1 in turn, a dense head
    expect(kinds.filter((k) => k !== 'other')[0]).toBe('full conv');
    expect([count('full conv'), count('depthwise conv'), count('pointwise conv'), count('dense')]).toEqual([
      1, 13, 13, 1,
    ]);
    expect(layerKind(parsed.doc.nodes[0])).toBe('other'); // the input
  });

  it('should refuse an uncalibrated model and an empty image set, leaving the model as it was', async () => {
    await useBackend('wasm');
    const { parsed, weights } = await loadModelParts(join(ROOT, 'public/models/retinamnist/mobileone_s0'));
    const model = new PtqModel(parsed, weights, { wBits: 8, aBits: 8, observer: 'histogram' });
    const x = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    await expect(tensorSqnr(parsed, weights, model, [x])).rejects.toThrow(/calibration set is empty/);
    await model.observe(x);
    await expect(tensorSqnr(parsed, weights, model, [])).rejects.toThrow(/at least one batch/);
    await model.observe(x); // still calibrating
    expect(model.batchesObserved).toBe(2);
    x.dispose();
    model.dispose();
  });
});
