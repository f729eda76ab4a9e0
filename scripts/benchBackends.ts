// The core's batch times on each tfjs backend in Node, as ratios against wasm in the same run: an FP32
// forward, a calibration batch (histogram observers) and a W8/A8 fake-quant forward of shipped models, at
// each batch size, on random inputs. WebGPU runs on Dawn (dawn.ts): the machine's GPU where Vulkan finds
// one, else llvmpipe. Also how far FP32 logits stray from wasm's (a fast kernel that is wrong shows here).
//   npm run bench:backends [-- --backends wasm,webgpu --dataset retinamnist --archs mobileone_s0,ghostnet_vgg
//                              --batches 32,256 --reps 5]
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { PtqModel } from '../src/core/quant/ptq';
import { startDawn } from './dawn';
import { NODE_BACKENDS, type NodeBackend, ROOT, loadModelParts, useBackend } from './nodeTf';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Median seconds of `step` over `reps` calls after one warm-up; each call ends on a read-back. */
async function time(reps: number, step: () => Promise<void>): Promise<number> {
  const ts: number[] = [];
  for (let i = -1; i < reps; i++) {
    const t = performance.now();
    await step();
    if (i >= 0) ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}

interface Row {
  fp32: number;
  calib: number;
  fq: number;
  logits: Float32Array;
}

async function measure(dir: string, batch: number, reps: number): Promise<Row> {
  const { parsed, weights } = await loadModelParts(dir);
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const fp = new PtqModel(parsed, weights, { wBits: null, aBits: null, observer: 'histogram' });
  const q = new PtqModel(parsed, weights, { wBits: 8, aBits: 8, observer: 'histogram' });
  try {
    const forward = (m: PtqModel) => async () => {
      const y = m.run(x);
      await y.data();
      y.dispose();
    };
    const fp32 = await time(reps, forward(fp));
    const calib = await time(reps, () => q.observe(x)); // observe reads each observed tensor back
    q.freeze();
    const fq = await time(reps, forward(q));
    const y = fp.run(x);
    const logits = (await y.data()) as Float32Array;
    y.dispose();
    return { fp32, calib, fq, logits };
  } finally {
    fp.dispose();
    q.dispose();
    x.dispose();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'wasm,webgpu' },
      dataset: { type: 'string', default: 'retinamnist' },
      archs: { type: 'string' },
      batches: { type: 'string', default: '32,256' },
      reps: { type: 'string', default: '5' },
    },
  });
  const backends = values.backends!.split(',') as NodeBackend[];
  for (const b of backends)
    if (!NODE_BACKENDS.includes(b))
      throw new Error(`unknown backend ${b}; valid: ${NODE_BACKENDS.join(', ')}`);
  if (backends[0] !== 'wasm')
    throw new Error('the first backend is the reference the others are timed against: wasm');
  const modelsDir = join(ROOT, 'public/models', values.dataset!);
  const archs = values.archs?.split(',') ?? readdirSync(modelsDir).sort();
  const batches = values.batches!.split(',').map(Number);
  const reps = Number(values.reps);
  if (batches.some((b) => !(b >= 1)) || !(reps >= 1))
    throw new Error('--batches and --reps take positive numbers');

  const gpu = backends.includes('webgpu') ? (await startDawn()).description : 'none asked for';
  console.log(
    `tfjs ${tf.version_core} in Node ${process.version}; CPU ${cpus()[0]?.model} x ${cpus().length} (wasm: one thread); WebGPU adapter: ${gpu}`,
  );
  console.log(
    `${values.dataset}, random inputs, median of ${reps} batches after a warm-up; times in ms a batch`,
  );
  console.log(
    '| model | batch | backend | FP32 | calibration | W8/A8 fake quant | FP32 vs wasm | calibration vs wasm | fake quant vs wasm | FP32 logits, largest difference from wasm |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const arch of archs) {
    for (const batch of batches) {
      let ref: Row | undefined;
      for (const backend of backends) {
        await useBackend(backend);
        const before = tf.memory().numTensors;
        const r = await measure(join(modelsDir, arch), batch, reps);
        if (tf.memory().numTensors !== before) throw new Error(`${backend} ${arch}: tensors leaked`);
        ref ??= r;
        const ms = (s: number) => (1000 * s).toFixed(1);
        const x = (s: number, base: number) => `${(base / s).toFixed(2)}x`;
        const diff = r.logits.reduce((m, v, i) => Math.max(m, Math.abs(v - ref!.logits[i])), 0);
        console.log(
          `| ${arch} | ${batch} | ${backend} | ${ms(r.fp32)} | ${ms(r.calib)} | ${ms(r.fq)} | ${x(r.fp32, ref.fp32)} | ${x(r.calib, ref.calib)} | ${x(r.fq, ref.fq)} | ${diff.toExponential(1)} |`,
        );
      }
    }
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
