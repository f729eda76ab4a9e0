// Per-layer sensitivity. The masks against PyTorch (training/reference/golden_sqnr.py: torch's replay of each
// RetinaMNIST model with torch's qparams, one tensor quantized alone and all but it, for every tensor); then the
// runner's bookkeeping on a small sample: baselines equal to runExperiment's, streaming, cancel, bad input.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, loadModelParts, loadRunInputs, useBackend } from '../../../scripts/nodeTf';
import { subset } from '../data/dataset';
import { logitAgreement } from '../quant/agreement.testing';
import { goldenSample } from '../quant/goldenInputs.testing';
import { PtqModel } from '../quant/ptq';
import { sqnrGoldens } from '../quant/sqnrGolden.testing';
import { parsePrecision } from './precision';
import { paperSpec, type RunInputs, type RunSpec, runExperiment } from './run';
import { runSensitivity, type Sensitivity, tensorMask } from './sensitivity';

async function logitsOf(model: { run(x: tf.Tensor4D): tf.Tensor2D }, x: tf.Tensor4D): Promise<Float32Array> {
  const y = model.run(x);
  const out = (await y.data()) as Float32Array;
  y.dispose();
  return out;
}

describe('one-at-a-time masks against PyTorch', () => {
  for (const g of sqnrGoldens()) {
    if (!g.masked.length) continue;
    it(`${g.model} W${g.wBits}/A${g.aBits}: every tensor alone and all but it give torch's logits`, async () => {
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const { parsed, weights } = await loadModelParts(join(ROOT, g.model));
      const model = new PtqModel(parsed, weights, { wBits: g.wBits, aBits: g.aBits, observer: 'histogram' });
      model.useQparams(g.qparams.map(([scale, zeroPoint]) => ({ scale, zeroPoint })));
      const n = g.masked[0].only.length / parsed.doc.classes.length;
      const { input } = await goldenSample(parsed.doc, g.split, g.indices.slice(0, n));
      const x = tf.tensor4d(input, [n, 32, 32, 3]);
      const k = parsed.doc.classes.length;
      // GhostNet-VGG is slow on wasm: every fifth of its tensors keeps the test short
      const rows = g.model.endsWith('ghostnet_vgg') ? g.masked.filter((_, i) => i % 5 === 0) : g.masked;
      const agree: number[] = [];
      const medians: number[] = [];
      const swapped: number[] = []; // against the other mask's golden: where a swapped mask would land
      for (const t of rows) {
        for (const only of [true, false]) {
          const m = model.masked(tensorMask(t, only));
          const got = await logitsOf(m, x);
          m.dispose();
          const a = logitAgreement(got, only ? t.only : t.allBut, k);
          agree.push(a.agree);
          medians.push(a.median);
          swapped.push(logitAgreement(got, only ? t.allBut : t.only, k).median);
        }
      }
      x.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const mid = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
      const mean = agree.reduce((p, q) => p + q) / agree.length;
      const close = medians.filter((v) => v <= 1e-3).length / medians.length;
      console.log(
        `${g.model}: ${rows.length} tensors x 2 masks on ${n} images: top-1 agreement ${mean.toFixed(4)} ` +
          `(worst ${Math.min(...agree)}), median logit difference ${mid(medians).toExponential(1)} (worst ` +
          `${Math.max(...medians).toExponential(1)}, ${(close * 100).toFixed(1)}% within 1e-3; swapped masks ` +
          `${mid(swapped).toExponential(1)})`,
      );
      // with torch's qparams only float32 sum order differs: most masks give torch's logits to a few ulps, and a
      // rounding flipped at a grid midpoint moves a few images of some (as in ptq.test)
      expect(mean).toBeGreaterThanOrEqual(0.97);
      expect(Math.min(...agree)).toBeGreaterThanOrEqual(0.75);
      expect(mid(medians)).toBeLessThanOrEqual(1e-5);
      expect(close).toBeGreaterThanOrEqual(0.95);
      expect(mid(swapped)).toBeGreaterThan(1e-3);
    });
  }
});

describe('runSensitivity on a sample of RetinaMNIST MobileOne-S0', () => {
  const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
    ...paperSpec('retinamnist', 'mobileone_s0', parsePrecision('w4a8'), 0),
    calibrationImages: 64,
    ...over,
  });
  let inputs: RunInputs;
  beforeAll(async () => {
    await useBackend('wasm');
    const all = await loadRunInputs('retinamnist', 'mobileone_s0');
    const first = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
    // a few images per split keeps 2 x 59 evaluations short; the numbers' meaning is checked above
    inputs = {
      ...all,
      val: subset(all.val, first(24), all.image),
      test: subset(all.test, first(40), all.image),
    };
  });

  it('should stream SQNR first, then baselines equal to whole runs, then each tensor in network order', async () => {
    const before = tf.memory().numTensors;
    const updates: { s: Sensitivity; done: number; total: number }[] = [];
    const s = await runSensitivity(inputs, spec(), { onUpdate: (u, st) => updates.push({ s: u, ...st }) });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.complete).toBe(true);
    expect(s.key).toMatch(/\|sensitivity$/);
    // every conv and dense layer's weights and every fake quant, once each
    const layers = inputs.parsed.doc.nodes.filter((n) => n.op === 'conv2d' || n.op === 'dense').length;
    const events = (inputs.parsed.doc.quant as { events: unknown[] }).events.length;
    expect(s.tensors.length).toBe(layers + events);
    expect(s.runs.length).toBe(s.tensors.length);
    const order = new Map(inputs.parsed.doc.nodes.map((n, i) => [n.name, i]));
    const at = s.tensors.map((t) => order.get(t.node)!);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // the first update has the SQNR and nothing else; the counts step by one up to the total
    expect(updates[0].s.tensors.length).toBe(s.tensors.length);
    expect(updates[0].s.fp32).toBeUndefined();
    expect(updates.map((u) => u.done)).toEqual(updates.map((_, i) => i + 1));
    expect(updates.at(-1)!.done).toBe(updates[0].total);
    expect(updates.map((u) => u.s.runs.length).at(-2)).toBe(s.tensors.length - 1); // snapshots, not one array
    // the baselines are whole runs' scores
    for (const [got, precision] of [
      [s.quantized!, 'w4a8'],
      [s.fp32!, 'fp32'],
    ] as const) {
      const r = await runExperiment(inputs, spec({ precision: parsePrecision(precision) }));
      expect([got.error, got.ece, got.eceScaled, got.temperature]).toEqual([
        r.before.error,
        r.before.ece,
        r.after.ece,
        r.temperature.temperature,
      ]);
    }
    // one tensor alone mostly leaves FP32's predictions, all but one mostly the quantized model's: a swapped
    // mask moves either median by two images or more here
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const image = 1 / inputs.test.count;
    expect(median(s.runs.map((r) => Math.abs(r.only.error - s.fp32!.error)))).toBeLessThanOrEqual(image);
    expect(median(s.runs.map((r) => Math.abs(r.allBut.error - s.quantized!.error)))).toBeLessThanOrEqual(
      image,
    );
    expect(Math.abs(s.quantized!.error - s.fp32!.error)).toBeGreaterThanOrEqual(1.5 * image);
  });

  it('should stop when cancelled, leaking nothing, and refuse what it cannot run', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    let seen = 0;
    await expect(
      runSensitivity(inputs, spec(), {
        signal: ctl.signal,
        onUpdate: (_, st) => {
          seen = st.done;
          if (st.done === 3) ctl.abort();
        },
      }),
    ).rejects.toThrow(/cancelled/);
    expect(seen).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    await expect(runSensitivity(inputs, spec({ precision: parsePrecision('fp32') }))).rejects.toThrow(
      /FP32 quantizes nothing/,
    );
    await expect(runSensitivity(inputs, spec({ arithmetic: 'int8-onednn' }))).rejects.toThrow(
      /fake quant only/,
    );
    await expect(runSensitivity(inputs, spec({ dataset: 'pathmnist' }))).rejects.toThrow(/trained on/);
    await expect(runSensitivity(inputs, spec({ mixed: 'nope:w8a8' }))).rejects.toThrow(
      /not a conv or dense layer/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
