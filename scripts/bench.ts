// Speed and memory of the core in Node (tfjs wasm) next to PyTorch on the same model and batch,
// run in the same call so the ratios share the machine's state.
//   npm run bench [-- --dataset retinamnist --batch 32 --batches 15]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Int8Model } from '../src/core/quant/int8';
import { PtqModel } from '../src/core/quant/ptq';
import { ROOT, loadModelParts, useBackend } from './nodeTf';

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** Seconds per batch of each model, median over `batches` rounds that alternate the models, so a
 * neighbour's load (training, other jobs on the two cores) falls on both alike. */
async function medianSecondsPerBatch(
  models: { run(x: tf.Tensor4D): tf.Tensor2D }[],
  x: tf.Tensor4D,
  batches: number,
): Promise<number[]> {
  const times = models.map(() => [] as number[]);
  for (let i = -1; i < batches; i++) {
    for (const [k, model] of models.entries()) {
      const t = performance.now();
      const y = model.run(x);
      await y.data();
      y.dispose();
      if (i >= 0) times[k].push((performance.now() - t) / 1000); // round -1 warms up
      sampleRss();
    }
  }
  return times.map((ts) => ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]);
}

function torchBench(dir: string, batch: number, batches: number, calibImages: number, threads: number) {
  const args = [
    join(ROOT, 'training/reference/bench_torch.py'),
    dir,
    '--batch',
    String(batch),
    '--batches',
    String(batches),
    '--calibration-images',
    String(calibImages),
    '--threads',
    String(threads),
  ];
  return JSON.parse(
    execFileSync('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
  ) as { fp32_images_per_s: number; calibration_s: number };
}

async function main() {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'retinamnist' },
      batch: { type: 'string', default: '32' },
      batches: { type: 'string', default: '15' },
      calibration: { type: 'string', default: '1024' },
    },
  });
  const batch = Number(values.batch),
    batches = Number(values.batches),
    calibImages = Number(values.calibration);
  await useBackend('wasm');
  const base = tf.memory();
  console.log(
    `tfjs ${tf.version_core} on ${tf.getBackend()} (one thread in Node), batch ${batch}, medians of ${batches} alternating batches; PyTorch ${execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)']).toString().trim()} eager at 1 and 2 threads`,
  );
  console.log(
    '| model | core FP32 img/s | torch FP32 img/s, 1 thread | core / torch, 1 thread | torch FP32 img/s, 2 threads | core / torch, 2 threads | core W8/A8 fake-quant img/s | fake-quant overhead | core W8/A8 int8 img/s | int8 overhead | core calibration s | torch observer pass s (2 threads) | tensors after | bytes after |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const arch of readdirSync(join(ROOT, 'public/models', values.dataset!)).sort()) {
    const dir = join(ROOT, 'public/models', values.dataset!, arch);
    const { parsed, weights } = await loadModelParts(dir);
    const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
    const fp = new PtqModel(parsed, weights, { wBits: null, aBits: null, observer: 'histogram' });
    const q = new PtqModel(parsed, weights, { wBits: 8, aBits: 8, observer: 'histogram' });
    const t = performance.now();
    for (let i = 0; i < calibImages / 32; i++) {
      const c = tf.randomNormal([32, 32, 32, 3], 0, 1, 'float32', i + 1) as tf.Tensor4D;
      await q.observe(c);
      c.dispose();
      sampleRss();
    }
    const qparams = q.freeze();
    const calibSeconds = (performance.now() - t) / 1000;
    const int8 = new Int8Model(parsed, weights, 8, 8, qparams);
    const [fpSeconds, qSeconds, int8Seconds] = await medianSecondsPerBatch([fp, q, int8], x, batches);
    fp.dispose();
    q.dispose();
    int8.dispose();
    x.dispose();
    const torch1 = torchBench(dir, batch, batches, 0, 1);
    const torch2 = torchBench(dir, batch, batches, calibImages, 2);
    const m = tf.memory();
    const fpRate = batch / fpSeconds;
    console.log(
      `| ${arch} | ${fpRate.toFixed(0)} | ${torch1.fp32_images_per_s.toFixed(0)} | ${(fpRate / torch1.fp32_images_per_s).toFixed(2)} | ${torch2.fp32_images_per_s.toFixed(0)} | ${(fpRate / torch2.fp32_images_per_s).toFixed(2)} | ${(batch / qSeconds).toFixed(0)} | ${((qSeconds / fpSeconds - 1) * 100).toFixed(0)}% | ${(batch / int8Seconds).toFixed(0)} | ${((int8Seconds / fpSeconds - 1) * 100).toFixed(0)}% | ${calibSeconds.toFixed(1)} | ${torch2.calibration_s.toFixed(1)} | ${m.numTensors - base.numTensors} | ${m.numBytes - base.numBytes} |`,
    );
  }
  console.log(`peak RSS of this process: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
