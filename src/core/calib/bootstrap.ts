// A percentile bootstrap interval for ECE: small test sets (RetinaMNIST: 400 images) make a single
// ECE figure noisy, so the lab shows its spread.
import { check } from '../errors';
import { createRng } from '../util/random';
import { ece } from './ece';
import type { Predictions } from './probs';

export interface Interval {
  lo: number;
  hi: number;
  level: number;
  resamples: number;
  seed: number;
}

/** numpy.percentile's default ('linear') on sorted values. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Resamples images with replacement (index = floor(rng() * N)), recomputes ECE, returns the central interval. */
export function bootstrapEce(
  p: Predictions,
  numBins: number,
  { resamples = 1000, level = 0.95, seed = 0 } = {},
): Interval {
  check(Number.isInteger(resamples) && resamples >= 2, `resamples must be an integer >= 2, got ${resamples}`);
  check(level > 0 && level < 1, `level must be in (0, 1), got ${level}`);
  const rng = createRng(seed);
  const values = new Float64Array(resamples);
  const conf = new Float64Array(p.n);
  const pred = new Int32Array(p.n);
  const labels = new Int32Array(p.n);
  const sample: Predictions = { ...p, conf, pred, labels }; // top-label ECE reads only these three
  for (let r = 0; r < resamples; r++) {
    for (let j = 0; j < p.n; j++) {
      const i = Math.floor(rng() * p.n);
      conf[j] = p.conf[i];
      pred[j] = p.pred[i];
      labels[j] = p.labels[i];
    }
    values[r] = ece(sample, numBins).ece;
  }
  values.sort();
  const tail = ((1 - level) / 2) * 100;
  return { lo: percentile(values, tail), hi: percentile(values, 100 - tail), level, resamples, seed };
}
