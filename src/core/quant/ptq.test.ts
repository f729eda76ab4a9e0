// Whole-model PTQ against PyTorch (training/reference/golden_ptq.py): torch's observers, fake-quant kernels and
// prepare_fx placement on the same calibration batches.
//
// What can be exact and what cannot: the observers are bit-exact on identical tensors
// (observers.test.ts), but tfjs and torch sum convolutions in different orders, so activations differ
// in their last bits, and torch's greedy histogram search turns last-bit differences into visibly
// different ranges (the same model calibrated on the tfjs cpu and wasm backends differs as much).
// So this test checks (1) the network input's qparams exactly, (2) with torch's qparams injected,
// that placement, weight and activation fake quant reproduce torch's logits: top-1 on >= 95% of
// images (random models: 64 images; trained ones also the median image within 1e-3 of the largest
// logit, as single rounding flips at an activation's quantization boundary move the rest), and (3)
// with the lab's own calibration, that its activation ranges are torch's up to that chaos: median
// scale within 10%, at least 60% of scales within 10%, none off by 2x (seen: median 0-4%, 79-100%
// within 10%, worst 50%, also with torch on a simulated other CPU, DNNL_MAX_CPU_ISA=SSE41; the 79% is
// PneumoniaMNIST ShuffleNetV2 on both CPUs; a min/max observer in place of the histogram one gives
// medians of 22-31% and 4-7% within 10%, so 60% still tells the observers apart with room). Top-1
// agreement of the own-calibrated model is printed, not asserted: on that simulated CPU torch's own
// W8/A8 MobileOne agreed with its FP32 predictions on only 50% of RetinaMNIST test images, from
// ranges within 6% of ours. The whole-model bound "logits within 1e-3 of the largest" is checked where the sum
// order is taken out of both sides: exactPtq.test.ts (every qparam and logit equal torch's).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ROOT, loadModelParts, useBackend } from '../../../scripts/nodeTf';
import { logitAgreement, scaleSpread } from './agreement.testing';
import { goldenCalibration, goldenSample } from './goldenInputs.testing';
import type { ParsedGraph } from '../graph/format';
import { parseMixed, resolveBits } from './mixed';
import { PtqModel, readPlacement } from './ptq';

const DIR = join(ROOT, 'golden/out/ptq');
if (!existsSync(DIR))
  throw new Error('golden/out/ptq is missing: run /usr/bin/python3 training/reference/golden_ptq.py');
interface Golden {
  model: string;
  wBits: number;
  aBits: number;
  split: string;
  calibration: { inputs_nhwc?: number[][]; batch: number; seed?: number; count?: number };
  qparams: [number, number][];
  indices: number[];
  labels: number[];
  logits: number[];
  /** A mixed-precision run: its label, and the bits torch's replay gave each layer and observer. */
  mixed?: { label: string; weights: Record<string, number>; observers: number[] };
}

async function logitsOf(model: PtqModel, x: Float32Array): Promise<Float32Array> {
  const t = tf.tensor4d(x, [x.length / 3072, 32, 32, 3]);
  const y = model.run(t);
  const out = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  return out;
}

/** Calibrates `model` on the golden's batches and checks it against torch: the input observer's qparams exactly,
 * the ranges' spread, and with torch's qparams injected top-1 and (trained models) the median logit. */
async function checkAgainstTorch(
  g: Golden,
  model: PtqModel,
  parsed: ParsedGraph,
  backend: 'wasm' | 'webgpu',
  label = `${g.model} W${g.wBits}A${g.aBits}`,
): Promise<void> {
  for (const b of await goldenCalibration(parsed.doc, g.calibration)) {
    const x = tf.tensor4d(b, [b.length / 3072, 32, 32, 3]);
    await model.observe(x);
    x.dispose();
  }
  const sample = await goldenSample(parsed.doc, g.split, g.indices); // PyTorch's seeded sample, or a random model's inputs
  expect(sample.labels).toEqual(g.labels);
  // WebGPU on llvmpipe compares the first 64 golden test images: the bounds are shares of images, and
  // a defect moves far more than one in 64
  const test = backend === 'webgpu' ? sample.input.subarray(0, WEBGPU_TEST_IMAGES * 3072) : sample.input;
  const qp = model.freeze();
  expect(qp.length).toBe(g.qparams.length);
  expect(
    Math.abs(qp[0].scale - g.qparams[0][0]) / g.qparams[0][0],
    'input observer scale',
  ).toBeLessThanOrEqual(1e-6);
  expect(qp[0].zeroPoint, 'input observer zero point').toBe(g.qparams[0][1]);
  const ranges = scaleSpread(
    qp.map((q) => q.scale),
    g.qparams.map(([scale]) => scale),
  );
  const equal = qp.filter(
    (q, i) =>
      Math.abs(q.scale - g.qparams[i][0]) / g.qparams[i][0] <= 1e-6 && q.zeroPoint === g.qparams[i][1],
  ).length;
  const k = parsed.doc.classes.length;
  const compare = (got: Float32Array) => logitAgreement(got, g.logits.slice(0, got.length), k);
  const own = compare(await logitsOf(model, test));
  model.useQparams(g.qparams.map(([scale, zeroPoint]) => ({ scale, zeroPoint })));
  const withTorch = compare(await logitsOf(model, test));
  console.log(
    `${label} on ${backend}: qparams equal ${equal}/${qp.length}; torch's qparams: top-1 ${withTorch.agree}, median diff ${withTorch.median.toExponential(1)}; own calibration: top-1 ${own.agree}, scales median |log ratio| ${ranges.median.toFixed(3)}, within 10% ${ranges.within10.toFixed(2)}, max ${ranges.max.toFixed(3)}`,
  );
  expect(withTorch.agree).toBeGreaterThanOrEqual(0.95);
  // randomly initialised networks have gains far above trained ones, so one flip or one different
  // range moves many logits: for them top-1 with torch's qparams is the check
  if (!g.calibration.inputs_nhwc) expect(withTorch.median).toBeLessThanOrEqual(1e-3);
  expect(ranges.median, 'median |log(scale / torch scale)|').toBeLessThanOrEqual(0.1);
  expect(ranges.within10, 'share of scales within 10% of torch').toBeGreaterThanOrEqual(0.6);
  expect(ranges.max, 'largest |log(scale / torch scale)|').toBeLessThan(Math.log(2));
}

// WebGPU (tfjs-backend-webgpu on Dawn: scripts/dawn.ts) meets the same bounds: its convolutions sum in yet
// another order (last-bit differences, amplified as above; docs/decisions.md, "Backends"), but a defect in
// its ops, its read-back or the observers' input would move top-1 or the ranges far past them. On llvmpipe
// GhostNet-VGG runs ten times slower than on wasm, so WebGPU takes every random model at W8/A8 (each
// architecture's every op, calibrated on 12 images; other precisions change only the qparams) and one
// trained model, RetinaMNIST's MobileOne-S0, within the time `npm test` allows.
const onWebgpu = (file: string) => /^(random-.*|retinamnist-mobileone_s0)-w8a8\.json$/.test(file);
const WEBGPU_TEST_IMAGES = 64;
// llvmpipe's speed varies tenfold between CPUs and with load (the shipped GhostNet-VGG took 65 s on a quiet
// Xeon, over 400 s on a busy 2-core EPYC); a timeout would leave the run going into the next test
const WEBGPU_TIMEOUT_MS = 900_000;
for (const file of readdirSync(DIR)
  .filter((f) => /-w\da\d\.json$/.test(f))
  .sort()) {
  const g = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Golden;
  it.each(onWebgpu(file) ? (['wasm', 'webgpu'] as const) : (['wasm'] as const))(
    `${g.model} W${g.wBits}/A${g.aBits} on %s: qparams and fake-quant logits equal PyTorch's`,
    async (backend) => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const { parsed, weights } = await loadModelParts(join(ROOT, g.model));
      const model = new PtqModel(parsed, weights, { wBits: g.wBits, aBits: g.aBits, observer: 'histogram' });
      await checkAgainstTorch(g, model, parsed, backend);
      model.dispose();
      expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
    },
    onWebgpu(file) ? WEBGPU_TIMEOUT_MS : undefined,
  );
}

// mixed precision (quant/mixed.ts): the bits torch's replay gave each layer and observer, then the same checks
for (const file of readdirSync(DIR)
  .filter((f) => f.endsWith('-mixed.json'))
  .sort()) {
  const g = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Golden;
  const mixed = g.mixed!;
  it(`${g.model} W${g.wBits}/A${g.aBits} mixed ${mixed.label}: bits, qparams and logits as PyTorch's`, async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const { parsed, weights } = await loadModelParts(join(ROOT, g.model));
    const placement = readPlacement(parsed);
    const bits = resolveBits(
      parsed,
      { wBits: g.wBits, aBits: g.aBits },
      parseMixed(mixed.label),
      placement.events.map(([node, observer]) => ({ node, observer })),
      placement.observers,
    );
    expect(Object.fromEntries(bits.weights)).toEqual(mixed.weights);
    expect(bits.observers).toEqual(mixed.observers);
    expect(new Set(mixed.observers).size, 'both widths in use').toBe(2);
    const model = new PtqModel(parsed, weights, {
      wBits: g.wBits,
      aBits: g.aBits,
      observer: 'histogram',
      mixed: parseMixed(mixed.label),
    });
    await checkAgainstTorch(g, model, parsed, 'wasm', `${g.model} mixed ${mixed.label}`);
    model.dispose();
    expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  });
}

describe('PtqModel refuses what it cannot do', () => {
  it('should refuse to quantize activations without calibration', async () => {
    await useBackend('cpu');
    const { parsed, weights } = await loadModelParts(join(ROOT, 'golden/out/random-models/mobileone_s0'));
    const model = new PtqModel(parsed, weights, { wBits: 8, aBits: 8, observer: 'histogram' });
    expect(() => model.freeze()).toThrow(/calibration set is empty/);
    model.dispose();
    expect(() => new PtqModel(parsed, weights, { wBits: 9, aBits: 8, observer: 'histogram' })).toThrow(
      /bit width must be an integer from 2 to 8/,
    );
    const mixed = parseMixed('depthwise:w8a8');
    expect(
      () => new PtqModel(parsed, weights, { wBits: 4, aBits: null, observer: 'histogram', mixed }),
    ).toThrow(/mixed precision needs quantized weights and activations/);
  });
});
