// How far quantized runs move between tfjs's WebGPU backend (through Dawn: dawn.ts) and wasm, per shipped
// model, precision and trial; set against the spread of wasm's trials in the sweep (results/).
//   npm run noise [-- --datasets retinamnist,pneumoniamnist] [--archs ...] [--precisions w8a8,w4a8,w4a4]
//                 [--trials 3] [--out results/backend-noise]
// Each run is computed on both backends; then WebGPU evaluates the test set again with wasm's qparams, which
// separates what calibration moves (the histogram observer's choice of range) from what inference moves
// (values near a rounding midpoint). Writes <out>/noise.json (pairs and per-model summary, which the page
// shows beside a result computed on another backend) and noise.md; a pair already in noise.json is kept.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toPredictions } from '../src/core/calib/probs';
import { type BackendPair, comparePair, summarizeNoise } from '../src/core/experiment/backendAgreement';
import { parsePrecision, precisionLabel, precisionTitle } from '../src/core/experiment/precision';
import {
  evaluate,
  type RunInputs,
  type RunResult,
  type RunSpec,
  paperSpec,
  runExperiment,
} from '../src/core/experiment/run';
import { type SweepRecord, summarize } from '../src/core/experiment/summary';
import { PtqModel } from '../src/core/quant/ptq';
import { startDawn } from './dawn';
import { ROOT, loadRunInputs, useBackend } from './nodeTf';

const pts = (x: number) => (100 * x).toFixed(2);

/** Test-set top-1 on the current backend with qparams fixed from elsewhere. */
async function predictWith(
  inputs: RunInputs,
  spec: RunSpec,
  qparams: RunResult['qparams'],
): Promise<number[]> {
  const model = new PtqModel(inputs.parsed, inputs.weights, { ...spec.precision, observer: spec.observer });
  try {
    model.useQparams(qparams);
    const logits = await evaluate(model, inputs.test, inputs, 'test', {});
    return Array.from(
      toPredictions(logits, new Array(inputs.test.count).fill(0), inputs.parsed.doc.classes.length).pred,
    );
  } finally {
    model.dispose();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string', default: 'retinamnist,pneumoniamnist,cifar10' },
      archs: { type: 'string', default: 'shufflenetv2,ghostnet_vgg,mobileone_s0' },
      precisions: { type: 'string', default: 'w8a8,w4a8,w4a4' },
      trials: { type: 'string', default: '3' },
      out: { type: 'string', default: join(ROOT, 'results/backend-noise') },
    },
  });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1 || trials > 3)
    throw new Error(`--trials must be 1, 2 or 3, got ${values.trials}`);
  const precisions = values.precisions.split(',').map(parsePrecision);
  if (precisions.some((p) => p.aBits === null && p.wBits === null))
    throw new Error('FP32 computes no qparams: compare quantized precisions (w8a8, w4a8, w4a4, ...)');
  const adapter = await startDawn();
  await useBackend('wasm');
  const file = join(values.out, 'noise.json');
  const old: { pairs?: BackendPair[] } = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const keyOf = (p: Pick<BackendPair, 'dataset' | 'arch' | 'precision' | 'trial'>) =>
    [p.dataset, p.arch, p.precision, p.trial].join('|');
  const shaOf = (dataset: string, arch: string): string =>
    JSON.parse(readFileSync(join(ROOT, 'public/models', dataset, arch, 'model.json'), 'utf8')).weights.sha256;
  // a pair of weights since replaced is measured again
  const pairs = new Map(
    (old.pairs ?? []).filter((p) => p.weightsSha256 === shaOf(p.dataset, p.arch)).map((p) => [keyOf(p), p]),
  );
  await mkdir(values.out, { recursive: true });
  const sweeps = new Map<string, ReturnType<typeof summarize>>();
  const spreadOf = (dataset: string, arch: string, precision: string) => {
    if (!sweeps.has(dataset)) {
      const f = join(ROOT, 'results', dataset, 'sweep.json');
      sweeps.set(
        dataset,
        existsSync(f) ? summarize(JSON.parse(readFileSync(f, 'utf8')).results as SweepRecord[]) : [],
      );
    }
    const row = sweeps
      .get(dataset)!
      .find(
        (r) => r.arch === arch && r.precision === precisionTitle(parsePrecision(precision)) && r.trials > 1,
      );
    return row && { error: row.error, eceBefore: row.eceBefore, eceAfter: row.eceAfter };
  };
  const save = async () => {
    const all = [...pairs.values()];
    const summary = summarizeNoise(all, spreadOf);
    const doc = { machine: adapter.description, dawn: adapter.via, pairs: all, summary };
    await writeFile(`${file}.part`, JSON.stringify(doc, null, 1));
    await rename(`${file}.part`, file);
    await writeFile(join(values.out, 'noise.md'), toMarkdown(summary, adapter.description));
  };
  for (const dataset of values.datasets.split(',')) {
    for (const arch of values.archs.split(',')) {
      let inputs: RunInputs | undefined;
      for (const precision of precisions) {
        for (let trial = 0; trial < trials; trial++) {
          const label = precisionLabel(precision);
          if (pairs.has(keyOf({ dataset, arch, precision: label, trial }))) continue;
          inputs ??= await loadRunInputs(dataset, arch, 'test');
          const spec = paperSpec(dataset, arch, precision, trial);
          await useBackend('wasm');
          const ref = await runExperiment(inputs, spec);
          await useBackend('webgpu');
          const other = await runExperiment(inputs, spec);
          const same = await predictWith(inputs, spec, ref.qparams);
          const p = comparePair(ref, other, same);
          pairs.set(keyOf(p), p);
          console.log(
            `${dataset} ${arch} ${label} trial ${trial + 1}: top-1 agreement ${pts(p.top1Agreement)}% ` +
              `(same qparams ${pts(p.top1AgreementSameQparams)}%), ECE ${pts(ref.before.ece)} -> ${pts(other.before.ece)}, ` +
              `scales up to ${pts(p.qparamsMaxRel)}% apart (${ref.seconds.toFixed(1)} s wasm, ${other.seconds.toFixed(1)} s webgpu)`,
          );
          await save();
        }
      }
    }
  }
  await save();
}

function toMarkdown(rows: ReturnType<typeof summarizeNoise>, machine: string): string {
  const head = [
    `WebGPU (tfjs-backend-webgpu on Dawn, ${machine}) against wasm, histogram observer, test split.`,
    'Agreement: share of test images with the same top-1 class; "same qparams": WebGPU with wasm\'s qparams.',
    "|Δ|: mean over trials of the absolute difference, in points; spread: sd over wasm's three trials (results/).",
    '',
    '| dataset | model | precision | trials | top-1 agreement | same qparams | scales apart (max) | \\|Δ error\\| | error spread | \\|Δ ECE\\| | ECE spread | \\|Δ ECE after\\| | ECE after spread |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const sd = (s?: { sd: number }) => (s ? pts(s.sd) : '-');
  return [
    ...head,
    ...rows.map(
      (r) =>
        `| ${r.dataset} | ${r.arch} | ${r.precision} | ${r.trials} | ${pts(r.top1Agreement)}% | ${pts(r.top1AgreementSameQparams)}% | ` +
        `${pts(r.qparamsMaxRel)}% | ${pts(r.absError)} | ${sd(r.spread?.error)} | ${pts(r.absEceBefore)} | ${sd(r.spread?.eceBefore)} | ` +
        `${pts(r.absEceAfter)} | ${sd(r.spread?.eceAfter)} |`,
    ),
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
