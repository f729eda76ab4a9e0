// Where one batch's time goes on a tfjs backend in the browser, kernel by kernel: an FP32 forward, a
// calibration batch (the forward with its observed tensors read back) and a fake-quant forward of one
// shipped model, as the lab's worker runs them, on the page's main thread. See benchKernels.ts.
import * as tf from '@tensorflow/tfjs-core';
import { readManifest, readSplit } from '../../src/core/data/bundle';
import { toModelInput } from '../../src/core/data/preprocess';
import { parsePrecision } from '../../src/core/experiment/precision';
import { FAKE_QUANT } from '../../src/core/quant/fakeQuantGpu';
import { PtqModel } from '../../src/core/quant/ptq';
import { pickBackend } from '../../src/worker/backend';
import { fetchBytes, fetchModel } from '../../src/worker/load';
import type { BackendName } from '../../src/worker/protocol';

export interface KernelProfileSpec {
  backend: BackendName;
  dataset: string;
  arch: string;
  precision: string;
  batch: number;
  reps: number;
  /** tfjs environment flags to set once the backend runs (e.g. WEBGPU_MATMUL_PROGRAM_TYPE), to try alternatives. */
  tfjsFlags: Record<string, number | boolean | string>;
}

export interface KernelProfile {
  backend: string;
  /** WebGPU's adapter (vendor, architecture), where the backend says. */
  adapter?: string;
  /** Milliseconds per batch, one entry per repetition after a warm-up. */
  forward: number[];
  calibration: number[];
  quantized: number[];
  /** The fake-quant forward with fakeQuantOps's four ops in place of the fused kernel (empty where the
   * backend has none: cpu). */
  unfused: number[];
  /** One fake-quant forward, by tfjs kernel (op-level wrappers left out: they repeat their kernels' time). */
  kernels: { name: string; count: number; ms: number }[];
  /** The FP32 logits of the batch, to check one backend against another. */
  logits: number[];
}

async function timings(reps: number, once: () => Promise<unknown>): Promise<number[]> {
  await once(); // warm-up: shader compilation, kernel caches
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await once();
    out.push(performance.now() - t);
  }
  return out;
}

async function profileKernels(spec: KernelProfileSpec): Promise<KernelProfile> {
  const { backend } = await pickBackend(spec.backend);
  for (const [k, v] of Object.entries(spec.tfjsFlags)) tf.env().set(k, v);
  const { parsed, weights } = await fetchModel(`/models/${spec.dataset}/${spec.arch}/`);
  const fetchFile = (path: string) => fetchBytes(`/data/${spec.dataset}/${path}`);
  const manifest = await readManifest(fetchFile);
  const pool = await readSplit(fetchFile, manifest, manifest.poolSplit);
  const n = Math.min(spec.batch, pool.count);
  const x = tf.tensor4d(toModelInput(pool.images, manifest.image, parsed.doc.input, 0, n), [n, 32, 32, 3]);
  const model = new PtqModel(parsed, weights, { ...parsePrecision(spec.precision), observer: 'histogram' });
  const logitsOf = async (run: () => tf.Tensor) => {
    const y = run();
    try {
      return (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
  };
  try {
    const forward = await timings(spec.reps, () => logitsOf(() => model.fp.run(x)));
    const calibration = model.needsCalibration ? await timings(spec.reps, () => model.observe(x)) : [];
    model.freeze();
    const quantized = await timings(spec.reps, () => logitsOf(() => model.run(x)));
    // without its kernel the backend takes fakeQuantTensor's four-op path: the reference for the fused one
    const fused = tf.getKernel(FAKE_QUANT, backend);
    let unfused: number[] = [];
    if (fused) {
      tf.unregisterKernel(FAKE_QUANT, backend);
      try {
        unfused = await timings(spec.reps, () => logitsOf(() => model.run(x)));
      } finally {
        tf.registerKernel(fused);
      }
    }
    const profile = await tf.profile(() => logitsOf(() => model.run(x)));
    const kernels = new Map<string, { name: string; count: number; ms: number }>();
    for (const k of profile.kernels.filter((k) => !k.name.endsWith('__op'))) {
      const e = kernels.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
      e.count++;
      e.ms += Number(k.kernelTimeMs) || 0; // an object (an error) where the backend could not time it
      kernels.set(k.name, e);
    }
    const info = (tf.backend() as { adapterInfo?: { vendor: string; architecture: string } }).adapterInfo;
    return {
      backend,
      adapter: info && `${info.vendor} ${info.architecture}`,
      forward,
      calibration,
      quantized,
      unfused,
      kernels: [...kernels.values()].sort((a, b) => b.ms - a.ms),
      logits: Array.from(await logitsOf(() => model.fp.run(x))),
    };
  } finally {
    model.dispose();
    x.dispose();
  }
}

(window as Window & { profileKernels?: typeof profileKernels }).profileKernels = profileKernels;
