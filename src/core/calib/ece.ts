// Calibration errors from Predictions. Top-label ECE/MCE use equal-width bins (bins.ts);
// adaptive ECE uses equal-mass bins; classwise ECE averages one-vs-rest ECEs over classes.
import { check } from '../errors';
import { type Bin, binStats, expectedAndMaxGap } from './bins';
import type { Predictions } from './probs';

export const DEFAULT_BINS = 15;

function checkBins(numBins: number): void {
  check(
    Number.isInteger(numBins) && numBins >= 1 && numBins <= 1000,
    `number of bins must be an integer in 1..1000, got ${numBins}`,
  );
}

function hits(p: Predictions): Uint8Array {
  return Uint8Array.from(p.pred, (c, i) => (c === p.labels[i] ? 1 : 0));
}

/** Top-label reliability bins: count, mean confidence, accuracy, gap; ready to plot. */
export function reliabilityBins(p: Predictions, numBins = DEFAULT_BINS): Bin[] {
  checkBins(numBins);
  return binStats(p.conf, hits(p), numBins);
}

/** ECE and MCE (Guo et al. 2017), top-label, equal-width bins (lo, hi]. */
export function ece(p: Predictions, numBins = DEFAULT_BINS): { ece: number; mce: number } {
  const { expected, max } = expectedAndMaxGap(reliabilityBins(p, numBins), p.n);
  return { ece: expected, mce: max };
}

/**
 * Adaptive ECE: images sorted by confidence (stable) and cut into numBins runs of equal size
 * (run b holds sorted positions floor(b N / B) .. floor((b+1) N / B) - 1).
 */
export function adaptiveEce(p: Predictions, numBins = DEFAULT_BINS): number {
  checkBins(numBins);
  const order = Array.from(p.conf.keys()).sort((a, b) => p.conf[a] - p.conf[b]);
  const h = hits(p);
  let total = 0;
  for (let b = 0; b < numBins; b++) {
    const lo = Math.floor((b * p.n) / numBins);
    const hi = Math.floor(((b + 1) * p.n) / numBins);
    if (hi <= lo) continue;
    let c = 0;
    let a = 0;
    for (let j = lo; j < hi; j++) {
      c += p.conf[order[j]];
      a += h[order[j]];
    }
    total += Math.abs(c - a) / p.n;
  }
  return total;
}

/** Classwise ECE (Kull et al. 2019): for each class, ECE of p(class) against "label is class"; the mean over classes. */
export function classwiseEce(p: Predictions, numBins = DEFAULT_BINS): number {
  checkBins(numBins);
  const score = new Float64Array(p.n);
  const present = new Uint8Array(p.n);
  let sum = 0;
  for (let k = 0; k < p.k; k++) {
    for (let i = 0; i < p.n; i++) {
      score[i] = p.probs[i * p.k + k];
      present[i] = p.labels[i] === k ? 1 : 0;
    }
    sum += expectedAndMaxGap(binStats(score, present, numBins), p.n).expected;
  }
  return sum / p.k;
}
