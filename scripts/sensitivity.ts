// Where quantization puts its noise in one shipped model: per-tensor SQNR (src/core/quant/sqnr.ts, torch's
// compute_sqnr) at one precision, calibrated on a trial's draw as a run is and measured over the same images.
//   npm run sensitivity -- --dataset retinamnist --arch mobileone_s0 --precision w4a8 [--trial 1] [--json FILE]
// Prints the activation fake quants in network order (local: that one alone; cumulative: everything up to it),
// then the weights, each with its layer's kind, and a summary by kind; --json writes the same as JSON.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parsePrecision, precisionTitle } from '../src/core/experiment/precision';
import { calibrationDraw, paperSpec } from '../src/core/experiment/run';
import { PtqModel } from '../src/core/quant/ptq';
import { type LayerKind, tensorSqnr } from '../src/core/quant/sqnr';
import { loadRunInputs, useBackend } from './nodeTf';

const dB = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : v > 0 ? 'exact' : String(v));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main() {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'retinamnist' },
      arch: { type: 'string', default: 'mobileone_s0' },
      precision: { type: 'string', default: 'w4a8' },
      trial: { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  });
  const precision = parsePrecision(values.precision!);
  const trial = Number(values.trial);
  if (!Number.isInteger(trial) || trial < 1)
    throw new Error(`--trial must be 1, 2, 3, ...; got ${values.trial}`);
  if (precision.wBits === null && precision.aBits === null)
    throw new Error('FP32 quantizes nothing: pick a precision such as w4a8');
  await useBackend('wasm');
  const inputs = await loadRunInputs(values.dataset!, values.arch!);
  const spec = paperSpec(values.dataset!, values.arch!, precision, trial - 1);
  const model = new PtqModel(inputs.parsed, inputs.weights, { ...precision, observer: spec.observer });
  // the trial's draw, once: it calibrates the model, then the SQNR is measured over it
  const draw = calibrationDraw(inputs, spec);
  const batches = [...draw.batches()];
  try {
    if (model.needsCalibration) for (const x of batches) await model.observe(x);
    const got = await tensorSqnr(inputs.parsed, inputs.weights, model, batches);
    console.log(
      `${values.dataset} ${values.arch} ${precisionTitle(precision)}, trial ${trial}: SQNR in dB over the ` +
        `${draw.record.images} calibration images (higher is less noise)\n`,
    );
    if (got.activations.length) {
      console.log('| # | activation | kind | shape | local | cumulative |');
      console.log('|---|---|---|---|---|---|');
      got.activations.forEach((a, i) =>
        console.log(
          `| ${i} | ${a.node} | ${a.kind} | ${a.shape.join('x')} | ${dB(a.local)} | ${dB(a.cumulative)} |`,
        ),
      );
    }
    if (got.weights.length) {
      console.log('\n| weights of | kind | shape | SQNR |');
      console.log('|---|---|---|---|');
      for (const w of got.weights)
        console.log(`| ${w.node} | ${w.kind} | ${w.shape.join('x')} | ${dB(w.sqnr)} |`);
    }
    const kinds = new Set<LayerKind>([...got.activations, ...got.weights].map((t) => t.kind));
    console.log('\n| kind | activations | median local | lowest local | weights | median | lowest |');
    console.log('|---|---|---|---|---|---|---|');
    for (const kind of kinds) {
      const a = got.activations.filter((t) => t.kind === kind).map((t) => t.local);
      const w = got.weights.filter((t) => t.kind === kind).map((t) => t.sqnr);
      const cells = (v: number[]) =>
        v.length ? [v.length, dB(median(v)), dB(Math.min(...v))] : [0, '-', '-'];
      console.log(`| ${kind} | ${[...cells(a), ...cells(w)].join(' | ')} |`);
    }
    if (values.json)
      await writeFile(
        values.json,
        JSON.stringify({ spec, calibration: model.needsCalibration ? draw.record : null, ...got }, null, 1),
      );
  } finally {
    model.dispose();
    batches.forEach((b) => b.dispose());
  }
}

await main();
