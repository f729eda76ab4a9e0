// Speed and memory of the core in Node (tfjs wasm) next to PyTorch on the same model and batch,
// run in the same call so the ratios share the machine's state.
//   npm run bench [-- --dataset retinamnist --batch 32 --batches 5]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { PtqModel } from '../src/core/quant/ptq';
import { ROOT, loadModelParts, useBackend } from './nodeTf';

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

async function imagesPerSecond(model: PtqModel, x: tf.Tensor4D, batches: number): Promise<number> {
  const warm = model.run(x);
  await warm.data();
  warm.dispose();
  const t = performance.now();
  for (let i = 0; i < batches; i++) {
    const y = model.run(x);
    await y.data();
    y.dispose();
    sampleRss();
  }
  return (x.shape[0] * batches) / ((performance.now() - t) / 1000);
}

async function main() {
  const { values } = parseArgs({ options: { dataset: { type: 'string', default: 'retinamnist' }, batch: { type: 'string', default: '32' }, batches: { type: 'string', default: '5' }, calibration: { type: 'string', default: '1024' } } });
  const batch = Number(values.batch), batches = Number(values.batches), calibImages = Number(values.calibration);
  await useBackend('wasm');
  const base = tf.memory();
  console.log(`tfjs ${tf.version_core} on ${tf.getBackend()}, batch ${batch}; PyTorch ${execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)']).toString().trim()} eager, 2 threads`);
  console.log('| model | core FP32 img/s | torch FP32 img/s | core / torch | core W8/A8 fake-quant img/s | fake-quant overhead | core calibration s | torch observer pass s | tensors after | bytes after |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const arch of readdirSync(join(ROOT, 'public/models', values.dataset!)).sort()) {
    const dir = join(ROOT, 'public/models', values.dataset!, arch);
    const { parsed, weights } = await loadModelParts(dir);
    const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
    const fp = new PtqModel(parsed, weights, { wBits: null, aBits: null, observer: 'histogram' });
    const fpRate = await imagesPerSecond(fp, x, batches);
    fp.dispose();
    const q = new PtqModel(parsed, weights, { wBits: 8, aBits: 8, observer: 'histogram' });
    const t = performance.now();
    for (let i = 0; i < calibImages / 32; i++) {
      const c = tf.randomNormal([32, 32, 32, 3], 0, 1, 'float32', i + 1) as tf.Tensor4D;
      await q.observe(c);
      c.dispose();
      sampleRss();
    }
    q.freeze();
    const calibSeconds = (performance.now() - t) / 1000;
    const qRate = await imagesPerSecond(q, x, batches);
    q.dispose();
    x.dispose();
    const torch = JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'training/bench_torch.py'), dir, '--batch', String(batch), '--batches', String(batches), '--calibration-images', String(calibImages)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    const m = tf.memory();
    console.log(`| ${arch} | ${fpRate.toFixed(0)} | ${torch.fp32_images_per_s.toFixed(0)} | ${(fpRate / torch.fp32_images_per_s).toFixed(2)} | ${qRate.toFixed(0)} | ${((fpRate / qRate - 1) * 100).toFixed(0)}% | ${calibSeconds.toFixed(1)} | ${torch.calibration_s.toFixed(1)} | ${m.numTensors - base.numTensors} | ${m.numBytes - base.numBytes} |`);
  }
  console.log(`peak RSS of this process: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
