// The paper's grid in Node: every shipped model x FP32, W8/A8, W4/A8, W4/A4 x 3 trials, on tfjs wasm.
//   npm run sweep [-- --datasets retinamnist,cifar10] [--trials 3] [--out results]
// Writes <out>/sweep.json (every run), sweep.csv (one row per run) and sweep.md (mean and spread over trials).
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BINS } from '../src/core/calib/ece';
import { PAPER_PRECISIONS, parsePrecision, precisionTitle } from '../src/core/experiment/precision';
import { CALIBRATION_IMAGES } from '../src/core/experiment/calibration';
import { type RunResult, type RunSpec, runExperiment } from '../src/core/experiment/run';
import { summarize, toCsv, toMarkdown } from '../src/core/experiment/summary';
import { ROOT, loadRunInputs, useBackend } from './nodeTf';

const bar = (done: number, total: number, label: string) => {
  const w = 30;
  const fill = Math.round((done / total) * w);
  process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${done}/${total} ${label.padEnd(50)}`);
};

async function main() {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string' }, archs: { type: 'string' }, precisions: { type: 'string', default: PAPER_PRECISIONS.join(',') },
      trials: { type: 'string', default: '3' }, out: { type: 'string', default: join(ROOT, 'results') },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const modelsDir = join(ROOT, 'public/models');
  const datasets = values.datasets?.split(',') ?? readdirSync(modelsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  const precisions = values.precisions!.split(',').map(parsePrecision);
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
  await useBackend(values.backend);
  const jobs: { dataset: string; arch: string; spec: RunSpec }[] = [];
  for (const dataset of datasets) {
    if (!existsSync(join(modelsDir, dataset))) throw new Error(`no shipped models for ${dataset}; have ${readdirSync(modelsDir).join(', ')}`);
    const archs = values.archs?.split(',') ?? readdirSync(join(modelsDir, dataset)).sort();
    for (const arch of archs) {
      for (const precision of precisions) {
        const float = precision.wBits === null && precision.aBits === null;
        for (let trial = 0; trial < (float ? 1 : trials); trial++) { // FP32 does not depend on the draw
          jobs.push({ dataset, arch, spec: { dataset, arch, precision, observer: 'histogram', trial, numBins: DEFAULT_BINS, testSplit: 'test', calibrationImages: CALIBRATION_IMAGES } });
        }
      }
    }
  }
  const results: RunResult[] = [];
  let inputs: Awaited<ReturnType<typeof loadRunInputs>> | undefined;
  let loaded = '';
  const started = Date.now();
  for (const [i, job] of jobs.entries()) {
    if (loaded !== `${job.dataset}/${job.arch}`) {
      inputs = await loadRunInputs(job.dataset, job.arch);
      loaded = `${job.dataset}/${job.arch}`;
    }
    const label = `${job.dataset} ${job.arch} ${precisionTitle(job.spec.precision)} trial ${job.spec.trial + 1}`;
    bar(i, jobs.length, label);
    results.push(await runExperiment(inputs!, job.spec));
  }
  bar(jobs.length, jobs.length, `done in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  process.stderr.write('\n');
  const out = values.out!;
  await mkdir(out, { recursive: true });
  const slim = results.map((r) => ({ ...r, qparams: undefined, predictions: undefined })); // large, not needed for the tables
  await writeFile(join(out, 'sweep.json'), JSON.stringify({ backend: tf.getBackend(), results: slim }, null, 1));
  await writeFile(join(out, 'sweep.csv'), toCsv(results));
  await writeFile(join(out, 'sweep.md'), toMarkdown(summarize(results)));
  console.log(toMarkdown(summarize(results)));
  console.log(`tensors alive after the sweep: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
