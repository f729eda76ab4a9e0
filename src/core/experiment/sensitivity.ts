// Per-layer sensitivity of one quantized model (the study's open question: which layers break calibration). For a
// model, a precision and a trial's calibration draw, every quantized tensor in network order (a layer's weights,
// then its output's fake quants):
// - its SQNR over the calibration images (sqnr.ts, torch's compute_sqnr), cheap, so it comes first;
// - top-1 error and ECE before and after temperature scaling with only that tensor quantized, and with all but
//   it: two runs over the validation and test sets each (T fitted on validation, as runExperiment does), with
//   the FP32 and fully quantized runs as the baselines. Each tensor's pair streams in as it is done.
// The qparams are the full model's: calibration is an FP32 pass, so masking a tensor changes no observer.
import * as tf from '@tensorflow/tfjs-core';
import { reportAt } from '../calib/report';
import { fitTemperature } from '../calib/temperature';
import { check } from '../errors';
import { PtqModel, type TensorMask } from '../quant/ptq';
import { type LayerKind, tensorSqnr } from '../quant/sqnr';
import { cacheKey, ENGINE_VERSION } from './cacheKey';
import {
  calibrationDraw,
  evaluate,
  identityOf,
  ptqConfigOf,
  type RunInputs,
  type RunResult,
  type RunSpec,
} from './run';
import { settingColumns } from './summary';

/** One evaluation's test scores: top-1 error, ECE before scaling and after it (T fitted on validation). */
export interface Scores {
  error: number;
  ece: number;
  eceScaled: number;
  temperature: number;
}

export interface SensitivityTensor {
  /** An activation fake quant (`index`: its place among them, ActivationObservers.events) or a layer's weights
   * (`index`: its place among the conv and dense layers). */
  type: 'activation' | 'weights';
  index: number;
  node: string;
  kind: LayerKind;
  /** The activation's per-image shape, or the weight's. */
  shape: number[];
  /** The activation's observer (shared ones quantize several tensors alike). */
  observer?: number;
  /** dB: an activation's local SQNR (it alone, on the FP32 tensor), or the weights'. */
  sqnr: number;
  /** dB: an activation's cumulative SQNR (everything up to it quantized). */
  cumulative?: number;
}

export interface TensorRuns {
  only: Scores;
  allBut: Scores;
}

export interface Sensitivity {
  /** The run's cacheKey with `|sensitivity`. */
  key: string;
  spec: RunSpec;
  weightsSha256: string;
  dataSha256: string;
  backend: string;
  engineVersion: number;
  calibration: NonNullable<RunResult['calibration']> | null;
  tensors: SensitivityTensor[];
  fp32?: Scores;
  quantized?: Scores;
  /** runs[i] is tensors[i]'s pair, in network order (none where only the SQNR was asked for). */
  runs: TensorRuns[];
  /** Everything asked for is in (the returned result; updates while it runs are not). */
  complete: boolean;
  seconds: number;
}

export interface SensitivityOptions {
  /** Hears each step (calibration, then every evaluation) with what is known so far: a snapshot to keep. */
  onUpdate?: (s: Sensitivity, step: { done: number; total: number }) => void;
  signal?: AbortSignal;
  evalBatch?: number;
  /** Stop after the SQNR (seconds instead of minutes): no baselines, no one-at-a-time runs. */
  sqnrOnly?: boolean;
}

/** The mask that quantizes one tensor only, or all but it. */
export function tensorMask(t: Pick<SensitivityTensor, 'type' | 'index' | 'node'>, only: boolean): TensorMask {
  const is = (type: SensitivityTensor['type'], hit: boolean) => (type === t.type && hit) === only;
  return {
    weights: (node) => is('weights', node === t.node),
    activation: (event) => is('activation', event === t.index),
  };
}

export async function runSensitivity(
  inputs: RunInputs,
  spec: RunSpec,
  opts: SensitivityOptions = {},
): Promise<Sensitivity> {
  const started = performance.now();
  const { parsed, weights } = inputs;
  const { doc } = parsed;
  check(doc.dataset === spec.dataset, `model ${doc.name} was trained on ${doc.dataset}, not ${spec.dataset}`);
  check(
    spec.precision.wBits !== null || spec.precision.aBits !== null,
    'FP32 quantizes nothing: pick a precision such as W4/A8',
  );
  check(
    (spec.arithmetic ?? 'fake-quant') === 'fake-quant',
    'per-layer sensitivity runs fake quant only: int8 arithmetic quantizes every tensor at once',
  );
  check(
    Number.isInteger(spec.trial) && spec.trial >= 0,
    `trial must be a non-negative integer, got ${spec.trial}`,
  );
  const backend = tf.getBackend();
  const out: Sensitivity = {
    key: `${cacheKey(identityOf(inputs, backend), spec)}|sensitivity`,
    spec,
    weightsSha256: doc.weights.sha256,
    dataSha256: inputs.dataSha256,
    backend,
    engineVersion: ENGINE_VERSION,
    calibration: null,
    tensors: [],
    runs: [],
    complete: false,
    seconds: 0,
  };
  const draw = calibrationDraw(inputs, spec);
  const model = new PtqModel(parsed, weights, ptqConfigOf(spec)); // a refused config holds no tensors
  const batches: tf.Tensor4D[] = [];
  let total = 1;
  let done = 0;
  const step = () => {
    done++;
    out.seconds = (performance.now() - started) / 1000;
    opts.onUpdate?.({ ...out, tensors: [...out.tensors], runs: [...out.runs] }, { done, total });
  };
  const abortable = () => {
    if (opts.signal?.aborted) throw new DOMException('run cancelled', 'AbortError');
  };
  const finish = () => {
    out.complete = true;
    out.seconds = (performance.now() - started) / 1000;
    return out;
  };
  try {
    batches.push(...draw.batches());
    if (model.needsCalibration) {
      for (const x of batches) {
        abortable();
        await model.observe(x);
      }
      out.calibration = draw.record;
    }
    model.freeze();
    abortable();
    out.tensors = sensitivityTensors(doc.nodes, await tensorSqnr(parsed, weights, model, batches));
    total = opts.sqnrOnly ? 1 : 1 + 2 + 2 * out.tensors.length;
    step();
    if (opts.sqnrOnly) return finish();
    const evalOpts = { signal: opts.signal, evalBatch: opts.evalBatch };
    out.fp32 = await scores(model.fp, inputs, spec.numBins, evalOpts);
    step();
    out.quantized = await scores(model, inputs, spec.numBins, evalOpts);
    step();
    for (const t of out.tensors) {
      const pair: Partial<TensorRuns> = {};
      for (const only of [true, false]) {
        const m = model.masked(tensorMask(t, only));
        try {
          pair[only ? 'only' : 'allBut'] = await scores(m, inputs, spec.numBins, evalOpts);
        } finally {
          m.dispose();
        }
        if (!only) out.runs.push(pair as TensorRuns);
        step();
      }
    }
    return finish();
  } finally {
    model.dispose();
    tf.dispose(batches);
  }
}

/** The SQNR rows in network order: each layer's weights, then its output's fake quants. */
function sensitivityTensors(
  nodes: { name: string }[],
  sqnr: Awaited<ReturnType<typeof tensorSqnr>>,
): SensitivityTensor[] {
  const rows: SensitivityTensor[] = [];
  const place = new Map(nodes.map((n, i) => [n.name, i]));
  sqnr.weights.forEach((w, index) =>
    rows.push({ type: 'weights', index, node: w.node, kind: w.kind, shape: w.shape, sqnr: w.sqnr }),
  );
  sqnr.activations.forEach((a, index) =>
    rows.push({
      type: 'activation',
      index,
      node: a.node,
      kind: a.kind,
      shape: a.shape,
      observer: a.observer,
      sqnr: a.local,
      cumulative: a.cumulative,
    }),
  );
  const rank = (t: SensitivityTensor) => [place.get(t.node)!, t.type === 'weights' ? -1 : t.index];
  return rows.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
}

/** Validation fits T; the test set is scored before and after it. */
async function scores(
  model: { run(x: tf.Tensor4D): tf.Tensor2D },
  inputs: RunInputs,
  numBins: number,
  opts: { signal?: AbortSignal; evalBatch?: number },
): Promise<Scores> {
  const k = inputs.parsed.doc.classes.length;
  const val = await evaluate(model, inputs.val, inputs, 'validation', opts);
  const { temperature } = fitTemperature(val, inputs.val.labels, k);
  const test = await evaluate(model, inputs.test, inputs, 'test', opts);
  const before = reportAt(test, inputs.test.labels, k, 1, numBins);
  const after = reportAt(test, inputs.test.labels, k, temperature, numBins);
  return { error: before.error, ece: before.ece, eceScaled: after.ece, temperature };
}

/** A sensitivity as CSV: one row per tensor in network order, with the run's settings and identity on each;
 * the run columns empty where they are not computed (yet). Infinite SQNR (exact) is written as "inf". */
export function sensitivityCsv(s: Sensitivity): string {
  const settings = settingColumns();
  const db = (v: number | undefined) =>
    v === undefined ? '' : Number.isFinite(v) ? v : v > 0 ? 'inf' : '-inf';
  const scores = (r?: Scores) => (r ? [r.error, r.ece, r.eceScaled, r.temperature] : ['', '', '', '']);
  const cols = [
    ...settings.map((c) => c.column),
    'index',
    'tensor',
    'type',
    'kind',
    'shape',
    'observer',
    'sqnr_db',
    'cumulative_db',
    ...['only', 'all_but', 'fp32', 'quantized'].flatMap((p) => [
      `${p}_error`,
      `${p}_ece`,
      `${p}_ece_ts`,
      `${p}_t`,
    ]),
    'engine_version',
    'weights_sha256',
    'data_sha256',
  ];
  const rows = s.tensors.map((t, i) =>
    [
      ...settings.map((c) => c.value(s)),
      i,
      t.node,
      t.type,
      t.kind,
      t.shape.join('x'),
      t.observer ?? '',
      db(t.sqnr),
      db(t.cumulative),
      ...scores(s.runs[i]?.only),
      ...scores(s.runs[i]?.allBut),
      ...scores(s.fp32),
      ...scores(s.quantized),
      s.engineVersion,
      s.weightsSha256,
      s.dataSha256,
    ].join(','),
  );
  return [cols.join(','), ...rows].join('\n') + '\n';
}
