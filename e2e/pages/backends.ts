// The core on one tfjs backend in the page's main thread, for e2e/backends.spec.ts: the fused fake-quant
// kernel against the four ops, and a shipped model calibrated and evaluated, to compare backends.
import * as tf from '@tensorflow/tfjs-core';
import { readManifest, readSplit } from '../../src/core/data/bundle';
import { toModelInput } from '../../src/core/data/preprocess';
import { parsePrecision } from '../../src/core/experiment/precision';
import { fusedAgainstOps } from '../../src/core/quant/fakeQuantCases.testing';
import { PtqModel } from '../../src/core/quant/ptq';
import type { Qparams } from '../../src/core/quant/qparams';
import { pickBackend } from '../../src/worker/backend';
import { fetchBytes, fetchModel } from '../../src/worker/load';
import type { BackendName } from '../../src/worker/protocol';

export interface QuantizedRunSpec {
  backend: BackendName;
  dataset: string;
  arch: string;
  precision: string;
  /** The first this many pool images calibrate, in batches of 32. */
  calibration: number;
  /** The first this many test images are evaluated. */
  test: number;
  /** Qparams from another backend, to evaluate the test images with as well. */
  qparams?: Qparams[];
}

export interface QuantizedRun {
  backend: string;
  classes: number;
  qparams: Qparams[];
  /** Test logits with this backend's own calibration, and with the given qparams. */
  logits: number[];
  logitsWith?: number[];
}

const BATCH = 32;

async function start(backend: BackendName): Promise<string> {
  const { backend: got } = await pickBackend(backend);
  return got;
}

async function quantizedRun(spec: QuantizedRunSpec): Promise<QuantizedRun> {
  const backend = await start(spec.backend);
  const { parsed, weights } = await fetchModel(`/models/${spec.dataset}/${spec.arch}/`);
  const fetchFile = (path: string) => fetchBytes(`/data/${spec.dataset}/${path}`);
  const manifest = await readManifest(fetchFile);
  const model = new PtqModel(parsed, weights, { ...parsePrecision(spec.precision), observer: 'histogram' });
  const batches = async (split: string, count: number, each: (x: tf.Tensor4D) => Promise<void>) => {
    const s = await readSplit(fetchFile, manifest, split);
    for (let at = 0; at < Math.min(count, s.count); at += BATCH) {
      const n = Math.min(BATCH, count - at, s.count - at);
      const x = tf.tensor4d(toModelInput(s.images, manifest.image, parsed.doc.input, at, n), [n, 32, 32, 3]);
      try {
        await each(x);
      } finally {
        x.dispose();
      }
    }
  };
  const evaluate = async () => {
    const out: number[] = [];
    await batches(manifest.testSplits[0], spec.test, async (x) => {
      const y = model.run(x);
      out.push(...(await y.data()));
      y.dispose();
    });
    return out;
  };
  try {
    await batches(manifest.poolSplit, spec.calibration, (x) => model.observe(x));
    const qparams = model.freeze();
    const logits = await evaluate();
    let logitsWith: number[] | undefined;
    if (spec.qparams) {
      model.useQparams(spec.qparams);
      logitsWith = await evaluate();
    }
    return { backend, classes: parsed.doc.classes.length, qparams, logits, logitsWith };
  } finally {
    model.dispose();
  }
}

async function fusedKernel(backend: BackendName) {
  return { backend: await start(backend), cases: await fusedAgainstOps() };
}

const checks = { quantizedRun, fusedKernel };
export type QcalChecks = typeof checks;
(window as Window & { qcalChecks?: QcalChecks }).qcalChecks = checks;
