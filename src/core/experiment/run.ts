// One experiment: (dataset, model, precision, observer, trial) -> everything the UI plots. Calibrates
// on the trial's seeded draw, evaluates validation and test logits with the same quantized model, fits
// T on validation, and reports test metrics before and after scaling. Deterministic for a given seed
// on a given backend.
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BINS } from '../calib/ece';
import { toPredictions } from '../calib/probs';
import { type CalibrationReport, scaledReports } from '../calib/report';
import { fitTemperature, type TemperatureFit } from '../calib/temperature';
import { type ImageShape, type Split, subset } from '../data/dataset';
import { toModelInput } from '../data/preprocess';
import { check, InputError } from '../errors';
import { createRng, permutation } from '../util/random';
import type { ParsedGraph } from '../graph/format';
import { Int8Model } from '../quant/int8';
import { parseMixed } from '../quant/mixed';
import { type ObserverKind, type PtqConfig, PtqModel } from '../quant/ptq';
import { CLAMPS, type Clamp, type Qparams } from '../quant/qparams';
import {
  CALIBRATION_BATCH,
  CALIBRATION_IMAGES,
  calibrationIndices,
  trialSeed,
  withReplacement,
} from './calibration';
import { cacheKey, ENGINE_VERSION, type RunIdentity } from './cacheKey';
import type { Precision } from './precision';
import { type Arithmetic, INT8_ENGINE, int8Of, runArithmetic } from './arithmetic';
import { valuesOf } from './settings';

export interface RunSpec {
  dataset: string;
  arch: string;
  precision: Precision;
  observer: ObserverKind;
  /** 0-based trial: its calibration seed is trialSeed(trial). */
  trial: number;
  numBins: number;
  testSplit: string;
  calibrationImages: number;
  /** How the quantized model computes: 'fake-quant' (default; PyTorch's reference model, float between
   * the rounding points), 'int8-onednn' (the int8 model torch deploys on oneDNN, emulated: int8.ts) or
   * 'int8-qnnpack' (the same on QNNPACK, torch's engine for ARM phones). */
  arithmetic?: Arithmetic;
  /** Where integers are clamped below 8 bits: 'bits' (default; a true b-bit model) or 'dtype' (8-bit
   * ranges, as PyTorch 1.13's convert_fx and convert_to_reference_fx leave them). See Clamp. */
  clamp?: Clamp;
  /** Mixed precision over `precision` (quant/mixed.ts), in canonical form: e.g. 'depthwise:w8a8;ends:w8a8'. */
  mixed?: string;
}

/** The PTQ configuration of a spec (its mixed precision parsed; a bad label is a clear error). */
export const ptqConfigOf = (spec: RunSpec): PtqConfig => ({
  ...spec.precision,
  observer: spec.observer,
  clamp: spec.clamp,
  ...(spec.mixed ? { mixed: parseMixed(spec.mixed) } : {}),
});

/** The paper's settings for one model, precision and trial: the histogram observer, fake quant, b-bit
 * clamps, 15 bins, the default test split and 1,024 calibration images (the sweep's runs). */
export const paperSpec = (dataset: string, arch: string, precision: Precision, trial: number): RunSpec => ({
  dataset,
  arch,
  precision,
  observer: 'histogram',
  trial,
  numBins: DEFAULT_BINS,
  testSplit: 'test',
  calibrationImages: CALIBRATION_IMAGES,
});

export interface RunInputs {
  parsed: ParsedGraph;
  weights: Float32Array;
  /** sha256 of the data bundle's manifest (RunIdentity). */
  dataSha256: string;
  image: ImageShape;
  pool: Split;
  val: Split;
  test: Split;
}

export interface RunResult {
  /** cacheKey of the run's identity and settings. */
  key: string;
  spec: RunSpec;
  weightsSha256: string;
  /** Absent from results computed before keys held the data's hash and the backend. */
  dataSha256?: string;
  engineVersion?: number;
  /** Calibration seed and image count (null for float activations, which need no calibration); `pool`, only
   * where the pool was smaller than the request: its size, the draw having been made with replacement. */
  calibration: { seed: number; images: number; pool?: number } | null;
  qparams: Qparams[];
  /** Per test image: predicted class and top-label confidence before scaling (for the image gallery). */
  predictions: { pred: number[]; conf: number[] };
  /** The test logits (row-major, images x classes) and labels, in dataset order: only where the run was
   * asked to keep them (RunOptions.keepTestLogits; the page's temperature slider rescales them). */
  test?: { logits: Float32Array; labels: Uint8Array };
  temperature: TemperatureFit;
  before: CalibrationReport;
  after: CalibrationReport;
  backend: string;
  seconds: number;
}

/** The identity of runs on these inputs on a backend. */
export const identityOf = (inputs: RunInputs, backend: string): RunIdentity => ({
  weightsSha256: inputs.parsed.doc.weights.sha256,
  dataSha256: inputs.dataSha256,
  poolCount: inputs.pool.count,
  backend,
});

export type Phase = 'calibrate' | 'validation' | 'test';
export interface Progress {
  phase: Phase;
  done: number;
  total: number;
  /** Test logits and labels so far, in streaming order (a fixed shuffle: see testOrder), for progressive
   * charts; with the temperature already fitted on the validation set, which is evaluated first. */
  partial?: { logits: Float32Array; labels: Uint8Array; temperature: number };
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  evalBatch?: number;
  /** Return the test logits and labels with the result (RunResult.test). */
  keepTestLogits?: boolean;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('run cancelled', 'AbortError');
}

/**
 * The order the test set streams in: a fixed shuffle, so that the diagram drawn from the first
 * images while a run goes is a fair sample (CIFAR-10's bundle is class-major: its first 1,000
 * images are all airplanes). Logits land in dataset order, so results do not depend on it.
 */
const TEST_ORDER_SEED = 20240;
export const testOrder = (count: number): Uint32Array => permutation(count, createRng(TEST_ORDER_SEED));

/** The model's logits on every image of `split`, in dataset order. */
export async function evaluate(
  model: { run(x: tf.Tensor4D): tf.Tensor2D },
  split: Split,
  inputs: RunInputs,
  phase: Phase,
  opts: RunOptions,
  temperature = 1,
): Promise<Float32Array> {
  const k = inputs.parsed.doc.classes.length;
  const batch = opts.evalBatch ?? 64;
  const logits = new Float32Array(split.count * k);
  const test = phase === 'test';
  const order = test ? testOrder(split.count) : Uint32Array.from({ length: split.count }, (_, i) => i);
  const seen = test && { logits: new Float32Array(split.count * k), labels: new Uint8Array(split.count) }; // in streaming order
  for (let s = 0; s < split.count; s += batch) {
    throwIfAborted(opts.signal);
    const n = Math.min(batch, split.count - s);
    const indices = order.subarray(s, s + n);
    const part = subset(split, indices, inputs.image);
    const x = tf.tensor4d(toModelInput(part.images, inputs.image, inputs.parsed.doc.input, 0, n), [
      n,
      32,
      32,
      3,
    ]);
    const y = model.run(x);
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, y]);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]))
        throw new InputError(
          `the model produced a non-finite logit (${out[i]}) on ${phase} image ${indices[Math.floor(i / k)]}`,
        );
    }
    for (let i = 0; i < n; i++) logits.set(out.subarray(i * k, (i + 1) * k), indices[i] * k);
    if (seen) {
      seen.logits.set(out, s * k);
      seen.labels.set(part.labels, s);
    }
    opts.onProgress?.({
      phase,
      done: s + n,
      total: split.count,
      partial: seen
        ? {
            logits: seen.logits.subarray(0, (s + n) * k),
            labels: seen.labels.subarray(0, s + n),
            temperature,
          }
        : undefined,
    });
  }
  return logits;
}

/** Argmax and softmax confidence of each row (confidence rounded to 1e-5 to keep results small). */
function topLabels(logits: Float32Array, k: number): RunResult['predictions'] {
  const p = toPredictions(logits, new Array(logits.length / k).fill(0), k);
  return { pred: Array.from(p.pred), conf: Array.from(p.conf, (c) => Math.round(c * 1e5) / 1e5) };
}

/** The trial's seeded draw from the pool: its record, and its images as model input in calibration
 * batches (each tensor the caller's to dispose). */
export function calibrationDraw(
  inputs: RunInputs,
  spec: Pick<RunSpec, 'trial' | 'calibrationImages'>,
): { record: NonNullable<RunResult['calibration']>; batches(): Generator<tf.Tensor4D> } {
  const seed = trialSeed(spec.trial);
  const idx = calibrationIndices(inputs.pool.count, seed, spec.calibrationImages);
  const calib = subset(inputs.pool, idx, inputs.image);
  return {
    record: {
      seed,
      images: calib.count,
      ...(withReplacement(inputs.pool.count, calib.count) ? { pool: inputs.pool.count } : {}),
    },
    *batches() {
      for (let s = 0; s < calib.count; s += CALIBRATION_BATCH) {
        const n = Math.min(CALIBRATION_BATCH, calib.count - s);
        const x = toModelInput(calib.images, inputs.image, inputs.parsed.doc.input, s, n);
        yield tf.tensor4d(x, [n, 32, 32, 3]);
      }
    },
  };
}

/** Calibrates the model on the trial's draw (nothing where activations stay float); returns its record. */
async function calibrate(
  model: PtqModel,
  inputs: RunInputs,
  spec: Pick<RunSpec, 'trial' | 'calibrationImages'>,
  opts: Pick<RunOptions, 'signal' | 'onProgress'> = {},
): Promise<RunResult['calibration']> {
  if (!model.needsCalibration) return null;
  const draw = calibrationDraw(inputs, spec);
  let done = 0;
  for (const x of draw.batches()) {
    try {
      throwIfAborted(opts.signal);
      await model.observe(x);
      done += x.shape[0];
    } finally {
      x.dispose();
    }
    opts.onProgress?.({ phase: 'calibrate', done, total: draw.record.images });
  }
  return draw.record;
}

export async function runExperiment(
  inputs: RunInputs,
  spec: RunSpec,
  opts: RunOptions = {},
): Promise<RunResult> {
  const started = performance.now();
  const { doc } = inputs.parsed;
  check(doc.dataset === spec.dataset, `model ${doc.name} was trained on ${doc.dataset}, not ${spec.dataset}`);
  check(
    Number.isInteger(spec.trial) && spec.trial >= 0,
    `trial must be a non-negative integer, got ${spec.trial}`,
  );
  const int8 = int8Of(spec.arithmetic);
  check(
    !spec.arithmetic || valuesOf('arithmetic').includes(spec.arithmetic),
    `unknown arithmetic ${spec.arithmetic}: expected one of ${valuesOf('arithmetic').join(', ')}`,
  );
  check(
    !int8 || runArithmetic(int8, spec.precision),
    'int8 arithmetic needs quantized weights and activations (W and A bits)',
  );
  check(
    !spec.clamp || CLAMPS.includes(spec.clamp),
    `unknown clamp ${spec.clamp}: expected one of ${CLAMPS.join(', ')}`,
  );
  check(!(int8 && spec.mixed), 'int8 arithmetic runs one precision: mixed precision needs fake quant');
  const model = new PtqModel(inputs.parsed, inputs.weights, ptqConfigOf(spec));
  let deployed: Int8Model | undefined;
  try {
    const calibration = await calibrate(model, inputs, spec, opts);
    const qparams = model.freeze();
    // int8: calibrated as above (the same qparams), then evaluated with integer arithmetic
    if (int8)
      deployed = new Int8Model(
        inputs.parsed,
        inputs.weights,
        spec.precision.wBits!,
        spec.precision.aBits!,
        qparams,
        INT8_ENGINE[int8],
        spec.clamp,
      );
    const evaluated = deployed ?? model;
    const k = doc.classes.length;
    const valLogits = await evaluate(evaluated, inputs.val, inputs, 'validation', opts);
    const fit = fitTemperature(valLogits, inputs.val.labels, k); // before the test set, so its diagrams fill in scaled too
    const testLogits = await evaluate(evaluated, inputs.test, inputs, 'test', opts, fit.temperature);
    const predictions = topLabels(testLogits, k);
    const reports = scaledReports({ logits: testLogits, labels: inputs.test.labels }, k, fit, {
      numBins: spec.numBins,
      bootstrap: { seed: 0 },
    });
    const backend = tf.getBackend();
    return {
      key: cacheKey(identityOf(inputs, backend), spec),
      spec,
      weightsSha256: doc.weights.sha256,
      dataSha256: inputs.dataSha256,
      engineVersion: ENGINE_VERSION,
      calibration,
      qparams,
      predictions,
      ...(opts.keepTestLogits ? { test: { logits: testLogits, labels: inputs.test.labels } } : {}),
      temperature: reports.fit,
      before: reports.before,
      after: reports.after,
      backend,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
    deployed?.dispose();
  }
}
