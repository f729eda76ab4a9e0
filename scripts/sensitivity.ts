// Where quantization breaks one shipped model (src/core/experiment/sensitivity.ts): per-tensor SQNR (torch's
// compute_sqnr) at one precision, calibrated on a trial's draw as a run is and measured over the same images;
// with --runs also each tensor's one-at-a-time runs (only it quantized, all but it: top-1 error and ECE before
// and after temperature scaling on the test set, T fitted on validation).
//   npm run sensitivity -- --dataset retinamnist --arch mobileone_s0 --precision w4a8 [--trial 1] [--runs] [--json FILE]
// Prints the tensors in network order (each layer's weights, then its output's fake quants) with their layer's
// kind, then a summary by kind; --json writes the whole result as JSON.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parsePrecision, precisionTitle } from '../src/core/experiment/precision';
import { paperSpec } from '../src/core/experiment/run';
import { runSensitivity, type Scores, type SensitivityTensor } from '../src/core/experiment/sensitivity';
import type { LayerKind } from '../src/core/quant/sqnr';
import { loadRunInputs, useBackend } from './nodeTf';

const dB = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : v > 0 ? 'exact' : String(v));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
/** A change in points (percent of the test set), signed. */
const points = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;
const what = (t: SensitivityTensor) => (t.type === 'weights' ? `${t.node} weights` : t.node);

async function main() {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'retinamnist' },
      arch: { type: 'string', default: 'mobileone_s0' },
      precision: { type: 'string', default: 'w4a8' },
      trial: { type: 'string', default: '1' },
      runs: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const precision = parsePrecision(values.precision!);
  const trial = Number(values.trial);
  if (!Number.isInteger(trial) || trial < 1)
    throw new Error(`--trial must be 1, 2, 3, ...; got ${values.trial}`);
  await useBackend('wasm');
  const inputs = await loadRunInputs(values.dataset!, values.arch!);
  const spec = paperSpec(values.dataset!, values.arch!, precision, trial - 1);
  const s = await runSensitivity(inputs, spec, {
    sqnrOnly: !values.runs,
    onUpdate: (_, { done, total }) => values.runs && process.stderr.write(`\r${done} / ${total} steps`),
  });
  if (values.runs) process.stderr.write('\n');
  const images = s.calibration ? `the ${s.calibration.images} calibration images` : 'the calibration images';
  console.log(
    `${values.dataset} ${values.arch} ${precisionTitle(precision)}, trial ${trial}: SQNR in dB over ${images} ` +
      `(higher is less noise; local: that tensor alone quantized, cumulative: everything up to it)`,
  );
  const rate = (r: Scores) =>
    `error ${(r.error * 100).toFixed(1)}%, ECE ${(r.ece * 100).toFixed(2)}% / ${(r.eceScaled * 100).toFixed(2)}% scaled`;
  if (s.fp32 && s.quantized)
    console.log(
      `FP32: ${rate(s.fp32)}; all quantized: ${rate(s.quantized)}. Changes below in points: "only" against ` +
        'FP32, "all but" against all quantized (a negative "all but" change: keeping that tensor float helps).\n',
    );
  else console.log('');
  const head = ['#', 'tensor', 'kind', 'shape', 'SQNR', 'cumulative'];
  const runHead = ['only: error', 'ECE', 'ECE scaled', 'all but: error', 'ECE', 'ECE scaled'];
  console.log(`| ${[...head, ...(s.runs.length ? runHead : [])].join(' | ')} |`);
  console.log(`|${'---|'.repeat(head.length + (s.runs.length ? runHead.length : 0))}`);
  s.tensors.forEach((t, i) => {
    const cells = [
      i,
      what(t),
      t.kind,
      t.shape.join('x'),
      dB(t.sqnr),
      t.cumulative === undefined ? '-' : dB(t.cumulative),
    ];
    const r = s.runs[i];
    const d = (a: Scores, b: Scores) => [
      points(a.error - b.error),
      points(a.ece - b.ece),
      points(a.eceScaled - b.eceScaled),
    ];
    if (r) cells.push(...d(r.only, s.fp32!), ...d(r.allBut, s.quantized!));
    console.log(`| ${cells.join(' | ')} |`);
  });
  const kinds = new Set<LayerKind>(s.tensors.map((t) => t.kind));
  console.log(
    '\n| kind | tensors | median SQNR | lowest SQNR |' +
      (s.runs.length ? ' largest error change alone | median |' : ''),
  );
  console.log(`|${'---|'.repeat(s.runs.length ? 6 : 4)}`);
  for (const kind of kinds) {
    const at = s.tensors.flatMap((t, i) => (t.kind === kind ? [i] : []));
    const sqnr = at.map((i) => s.tensors[i].sqnr);
    const cells = [kind, at.length, dB(median(sqnr)), dB(Math.min(...sqnr))];
    if (s.runs.length) {
      const alone = at.map((i) => s.runs[i].only.error - s.fp32!.error);
      cells.push(points(Math.max(...alone)), points(median(alone)));
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (values.json) await writeFile(values.json, JSON.stringify(s, null, 1));
}

await main();
