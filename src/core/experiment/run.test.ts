// The experiment runner on a shipped model: deterministic, leak-free, cancellable, consistent with the
// FP32 figures PyTorch computed at export, drawing a small pool with replacement, and refusing an empty one.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunInputs, useBackend } from '../../../scripts/nodeTf';
import type { Arithmetic } from './arithmetic';
import type { RunInputs, RunSpec } from './run';
import { identityOf, runExperiment } from './run';
import { cacheKey, ENGINE_VERSION } from './cacheKey';
import { parsePrecision } from './precision';
import { reportAt } from '../calib/report';
import { subset } from '../data/dataset';
import type { Clamp } from '../quant/qparams';

const dataset = 'retinamnist';
// the smallest shipped model: a run's bookkeeping is the same for every architecture, and every
// architecture's numbers are checked against PyTorch elsewhere (ptq, exactPtq, int8 tests)
const arch = 'mobileone_s0';
const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  dataset,
  arch,
  precision: parsePrecision('w8a8'),
  observer: 'histogram',
  trial: 0,
  numBins: 15,
  testSplit: 'test',
  calibrationImages: 128,
  ...over,
});
let inputs: RunInputs;
beforeAll(async () => {
  await useBackend('wasm');
  inputs = await loadRunInputs(dataset, arch);
});

describe(`runExperiment on ${dataset}/${arch}`, () => {
  it('should reproduce the FP32 accuracy, ECE and NLL that PyTorch measured at export', async () => {
    const r = await runExperiment(inputs, spec({ precision: parsePrecision('fp32') }), {
      keepTestLogits: true,
    });
    const fp32 = inputs.parsed.doc.fp32 as { accuracy: number; ece: number; nll: number };
    expect(1 - r.before.error).toBeCloseTo(fp32.accuracy, 6);
    expect(r.before.ece).toBeCloseTo(fp32.ece, 5);
    expect(r.before.nll).toBeCloseTo(fp32.nll, 5);
    expect(r.calibration).toBeNull();
    // the kept test logits give the result's own reports, at T = 1 and at the fitted T (the slider's ends)
    const k = inputs.parsed.doc.classes.length;
    expect(r.test!.logits.length).toBe(r.before.n * k);
    for (const [T, want] of [
      [1, r.before],
      [r.temperature.temperature, r.after],
    ] as const) {
      const got = reportAt(r.test!.logits, r.test!.labels, k, T, 15);
      expect([got.ece, got.nll, got.error, got.mce]).toEqual([want.ece, want.nll, want.error, want.mce]);
    }
  });
  it('should give identical results for the same seed, different ones for another trial, and leak no tensors', async () => {
    const before = tf.memory().numTensors;
    const a = await runExperiment(inputs, spec());
    const b = await runExperiment(inputs, spec());
    const c = await runExperiment(inputs, spec({ trial: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(b.before).toEqual(a.before);
    expect(b.temperature.temperature).toBe(a.temperature.temperature);
    expect(c.calibration!.seed).not.toBe(a.calibration!.seed);
    expect(a.calibration).toEqual({ seed: 1000, images: 128 }); // a pool larger than the draw: no `pool`
    expect(c.qparams).not.toEqual(a.qparams);
    expect(a.key).toBe(cacheKey(identityOf(inputs, 'wasm'), spec()));
    expect(a.key).not.toBe(c.key);
  }, 300_000); // a hang guard with room for a loaded machine
  it('should record where a result came from: weights, data, backend and engine version, all in its key', async () => {
    const r = await runExperiment(inputs, spec({ precision: parsePrecision('fp32') }));
    expect(r.test).toBeUndefined(); // kept only on request: the sweep's JSON stays small
    expect(r).toMatchObject({
      backend: 'wasm',
      weightsSha256: inputs.parsed.doc.weights.sha256,
      dataSha256: inputs.dataSha256,
      engineVersion: ENGINE_VERSION,
    });
    expect(inputs.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    const id = identityOf(inputs, 'wasm');
    expect(r.key).toBe(cacheKey(id, r.spec));
    const others = [
      cacheKey({ ...id, backend: 'webgpu' }, r.spec),
      cacheKey({ ...id, dataSha256: 'cd'.repeat(32) }, r.spec),
      cacheKey({ ...id, weightsSha256: 'ef'.repeat(32) }, r.spec),
    ];
    expect(new Set([r.key, ...others]).size).toBe(4);
    expect(r.key).toContain(`${dataset}@${inputs.dataSha256.slice(0, 16)}`);
  });
  it('should run the int8 arithmetic on the same calibration, under its own cache key, and only when both sides are quantized', async () => {
    const before = tf.memory().numTensors;
    const fq = await runExperiment(inputs, spec());
    const int8 = await runExperiment(inputs, spec({ arithmetic: 'int8-onednn' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(int8.qparams).toEqual(fq.qparams);
    expect(int8.key).toBe(`${fq.key}|int8-onednn`);
    expect(cacheKey(identityOf(inputs, 'wasm'), spec({ arithmetic: 'fake-quant' }))).toBe(fq.key);
    // the two arithmetics part on a few images at most: predictions nearly all equal, not all bit-identical
    const same = int8.predictions.pred.filter((p, i) => p === fq.predictions.pred[i]).length;
    expect(same / int8.predictions.pred.length).toBeGreaterThan(0.95);
    expect(int8.predictions.conf).not.toEqual(fq.predictions.conf);
    await expect(
      runExperiment(inputs, spec({ arithmetic: 'int8-onednn', precision: parsePrecision('fp32') })),
    ).rejects.toThrow(/int8 arithmetic needs quantized weights and activations/);
    await expect(runExperiment(inputs, spec({ arithmetic: 'int4' as Arithmetic }))).rejects.toThrow(
      /unknown arithmetic int4: expected one of fake-quant, int8-onednn, int8-qnnpack/,
    );
    // QNNPACK: the same calibration again, its own key, and its own numbers (its int32 bias moves outputs)
    const qnnpack = await runExperiment(inputs, spec({ arithmetic: 'int8-qnnpack' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(qnnpack.qparams).toEqual(fq.qparams);
    expect(qnnpack.key).toBe(`${fq.key}|int8-qnnpack`);
    expect(qnnpack.predictions.conf).not.toEqual(int8.predictions.conf);
  }, 300_000);
  it("should clamp at 8-bit ends on request, as PyTorch 1.13's convert_fx does, under its own cache key only below 8 bits", async () => {
    const before = tf.memory().numTensors;
    const w4a4 = spec({ precision: parsePrecision('w4a4') });
    const bits = await runExperiment(inputs, w4a4);
    const dtype = await runExperiment(inputs, { ...w4a4, clamp: 'dtype' });
    const int8 = await runExperiment(inputs, { ...w4a4, clamp: 'dtype', arithmetic: 'int8-onednn' });
    expect(tf.memory().numTensors).toBe(before);
    expect(dtype.qparams).toEqual(bits.qparams); // the same observers: only the clamps move
    expect(dtype.key).toBe(`${bits.key}|clamp-dtype`);
    expect(int8.key).toBe(`${bits.key}|int8-onednn|clamp-dtype`);
    expect(dtype.predictions.conf).not.toEqual(bits.predictions.conf);
    expect(int8.predictions.conf).not.toEqual(bits.predictions.conf);
    // at 8 bits the two clamps are one: no key of its own
    expect(cacheKey(identityOf(inputs, 'wasm'), spec({ clamp: 'dtype' }))).toBe(
      cacheKey(identityOf(inputs, 'wasm'), spec()),
    );
    await expect(runExperiment(inputs, { ...w4a4, clamp: 'int4' as Clamp })).rejects.toThrow(
      /unknown clamp int4: expected one of bits, dtype/,
    );
  }, 300_000);
  it('should run mixed precision under its own cache key, and refuse it with int8 arithmetic or a layer the model lacks', async () => {
    const before = tf.memory().numTensors;
    const w4a4 = spec({ precision: parsePrecision('w4a4') });
    const plain = await runExperiment(inputs, w4a4);
    const mixed = await runExperiment(inputs, { ...w4a4, mixed: 'ends:w8a8,depthwise:w8a8' }); // any order: keyed canonically
    expect(tf.memory().numTensors).toBe(before);
    expect(mixed.key).toBe(`${plain.key}|mixed=depthwise:w8a8;ends:w8a8`);
    // 8-bit observers where the depthwise convs, the stem and the head write: other scales, other predictions
    expect(mixed.qparams.filter((q, i) => q.scale !== plain.qparams[i].scale).length).toBeGreaterThan(10);
    expect(mixed.predictions.conf).not.toEqual(plain.predictions.conf);
    await expect(
      runExperiment(inputs, { ...w4a4, mixed: 'depthwise:w8a8', arithmetic: 'int8-onednn' }),
    ).rejects.toThrow(/int8 arithmetic runs one precision/);
    await expect(runExperiment(inputs, { ...w4a4, mixed: 'nope:w8a8' })).rejects.toThrow(
      /names nope, which is not a conv or dense layer of/,
    );
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
  it('should stream the test set in a fixed shuffle with the final temperature, yet report every image in dataset order', async () => {
    // the test split sorted by class, as CIFAR-10's bundle is: the first partial must still mix classes
    const sorted = Array.from({ length: inputs.test.count }, (_, i) => i).sort(
      (a, b) => inputs.test.labels[a] - inputs.test.labels[b],
    );
    const classMajor = { ...inputs, test: subset(inputs.test, sorted, inputs.image) };
    const partials: Uint8Array[] = [];
    const temperatures = new Set<number>();
    const fp32 = spec({ precision: parsePrecision('fp32') });
    const r = await runExperiment(classMajor, fp32, {
      onProgress: (p) => {
        if (!p.partial) return;
        partials.push(p.partial.labels.slice());
        temperatures.add(p.partial.temperature);
      },
    });
    expect([...temperatures]).toEqual([r.temperature.temperature]); // fitted on validation before the test set streams
    expect(new Set(partials[0]).size).toBeGreaterThanOrEqual(4); // 64 images, 5 grades
    const last = partials.at(-1)!;
    expect(last.length).toBe(inputs.test.count);
    expect([...last].sort()).toEqual([...classMajor.test.labels].sort());
    expect([...last]).not.toEqual([...classMajor.test.labels]);
    const plain = await runExperiment(inputs, fp32);
    expect(r.predictions.pred).toEqual(sorted.map((i) => plain.predictions.pred[i]));
    expect(r.predictions.conf).toEqual(sorted.map((i) => plain.predictions.conf[i]));
    expect(r.before.error).toBe(plain.before.error);
    expect(r.before.ece).toBeCloseTo(plain.before.ece, 12);
  });
  it('should stop when cancelled, and free what it held', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    const run = runExperiment(inputs, spec(), {
      onProgress: (p) => p.phase === 'calibrate' && p.done >= 64 && ctl.abort(),
      signal: ctl.signal,
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('should calibrate a pool smaller than the request on a draw with replacement, and say so in the result and its key', async () => {
    const small = {
      ...inputs,
      pool: subset(
        inputs.pool,
        Array.from({ length: 100 }, (_, i) => i),
        inputs.image,
      ),
    };
    const r = await runExperiment(small, spec());
    expect(r.calibration).toEqual({ seed: 1000, images: 128, pool: 100 });
    expect(r.key).toBe(`${cacheKey(identityOf(inputs, 'wasm'), spec())}|replacement`);
  });
  it('should refuse an empty calibration pool and a model of another dataset', async () => {
    const empty = { ...inputs, pool: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 } };
    await expect(runExperiment(empty, spec())).rejects.toThrow(/calibration pool is empty/);
    await expect(runExperiment(inputs, spec({ dataset: 'cifar10' }))).rejects.toThrow(
      /trained on retinamnist, not cifar10/,
    );
  });
  it('should report NaN logits clearly', async () => {
    const weights = inputs.weights.slice();
    weights.fill(NaN, weights.length - 5); // the classifier bias: a ReLU would swallow NaN earlier on
    await expect(
      runExperiment({ ...inputs, weights }, spec({ precision: parsePrecision('fp32') })),
    ).rejects.toThrow(/non-finite logit/);
  });
});
