// How far one run's numbers move between two tfjs backends (WebGPU or WebGL against wasm). Their float32
// convolutions sum in different orders; the histogram observer and the rounding to the quantization grid
// amplify those last-bit differences (docs/decisions.md, "Backends"). This measures the result and sets it
// against the trial-to-trial spread, which is what a user comparing backends needs to know.
import type { Qparams } from '../quant/qparams';
import { precisionLabel } from './precision';
import type { RunResult } from './run';
import type { Stat } from './summary';

/** One run's settings computed on two backends. */
export interface BackendPair {
  dataset: string;
  arch: string;
  /** The model's weights (RunResult.weightsSha256). */
  weightsSha256: string;
  /** precisionLabel: 'w8a8', ... */
  precision: string;
  trial: number;
  reference: string;
  backend: string;
  /** Share of test images whose top-1 class is the same on both. */
  top1Agreement: number;
  /** The same, with the reference's qparams fixed on the other backend: what inference alone moves. */
  top1AgreementSameQparams: number;
  /** Largest relative difference of an activation scale between the two calibrations. */
  qparamsMaxRel: number;
  /** Other minus reference. */
  dError: number;
  dEceBefore: number;
  dEceAfter: number;
  dTemperature: number;
}

/** Share of positions where two prediction lists agree. */
export function agreementOf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`cannot compare ${a.length} predictions with ${b.length}`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Largest |a - b| / a over the activation scales of two calibrations of the same model. */
export function qparamsMaxRel(a: Qparams[], b: Qparams[]): number {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} qparams with ${b.length}`);
  return a.reduce((m, q, i) => Math.max(m, Math.abs(q.scale - b[i].scale) / q.scale), 0);
}

type Compared = Pick<
  RunResult,
  'spec' | 'weightsSha256' | 'backend' | 'qparams' | 'predictions' | 'before' | 'after' | 'temperature'
>;

/** The pair from the two runs and the other backend's predictions under the reference's qparams. */
export function comparePair(
  reference: Compared,
  other: Compared,
  predSameQparams: ArrayLike<number>,
): BackendPair {
  const s = reference.spec;
  if (JSON.stringify(s) !== JSON.stringify(other.spec) || reference.weightsSha256 !== other.weightsSha256)
    throw new Error('the two runs have different settings or weights');
  return {
    dataset: s.dataset,
    arch: s.arch,
    weightsSha256: reference.weightsSha256,
    precision: precisionLabel(s.precision),
    trial: s.trial,
    reference: reference.backend,
    backend: other.backend,
    top1Agreement: agreementOf(reference.predictions.pred, other.predictions.pred),
    top1AgreementSameQparams: agreementOf(reference.predictions.pred, predSameQparams),
    qparamsMaxRel: qparamsMaxRel(reference.qparams, other.qparams),
    dError: other.before.error - reference.before.error,
    dEceBefore: other.before.ece - reference.before.ece,
    dEceAfter: other.after.ece - reference.after.ece,
    dTemperature: other.temperature.temperature - reference.temperature.temperature,
  };
}

/** Per model and precision: the backends' difference against the spread of the reference's trials. */
export interface BackendNoise {
  dataset: string;
  arch: string;
  weightsSha256: string;
  precision: string;
  backend: string;
  reference: string;
  trials: number;
  top1Agreement: number;
  top1AgreementSameQparams: number;
  qparamsMaxRel: number;
  /** Mean |difference| over trials, in the metric's own units (fractions). */
  absError: number;
  absEceBefore: number;
  absEceAfter: number;
  /** The reference's spread (sample sd) over its trials, where the sweep has them. */
  spread?: { error: Stat; eceBefore: Stat; eceAfter: Stat };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Groups pairs by (dataset, arch, precision, backend); `spreadOf` gives the reference's trial spread. */
export function summarizeNoise(
  pairs: BackendPair[],
  spreadOf: (dataset: string, arch: string, precision: string) => BackendNoise['spread'],
): BackendNoise[] {
  const groups = new Map<string, BackendPair[]>();
  for (const p of pairs) {
    const k = [p.weightsSha256, p.precision, p.backend, p.reference].join('|');
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].map((ps) => {
    const [p] = ps;
    const spread = spreadOf(p.dataset, p.arch, p.precision);
    return {
      dataset: p.dataset,
      arch: p.arch,
      weightsSha256: p.weightsSha256,
      precision: p.precision,
      backend: p.backend,
      reference: p.reference,
      trials: ps.length,
      top1Agreement: mean(ps.map((x) => x.top1Agreement)),
      top1AgreementSameQparams: mean(ps.map((x) => x.top1AgreementSameQparams)),
      qparamsMaxRel: Math.max(...ps.map((x) => x.qparamsMaxRel)),
      absError: mean(ps.map((x) => Math.abs(x.dError))),
      absEceBefore: mean(ps.map((x) => Math.abs(x.dEceBefore))),
      absEceAfter: mean(ps.map((x) => Math.abs(x.dEceAfter))),
      ...(spread ? { spread } : {}),
    };
  });
}

/** One sentence for the page: how far this model and precision moved between the two backends. */
export function noiseSentence(n: BackendNoise): string {
  const pts = (x: number) => (100 * x).toFixed(2);
  const spread = n.spread ? ` (its spread over ${n.reference}'s trials: ${pts(n.spread.eceBefore.sd)})` : '';
  return (
    `Measured for this model and precision over ${n.trials} trial${n.trials > 1 ? 's' : ''}: ${n.backend} and ${n.reference} ` +
    `agreed on the top-1 class of ${pts(n.top1Agreement)}% of test images; error moved by ${pts(n.absError)} points ` +
    `and ECE by ${pts(n.absEceBefore)} points${spread}.`
  );
}
