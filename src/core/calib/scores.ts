// Proper scoring rules and the error rate, from Predictions.
import type { Predictions } from './probs';

export function topOneError(p: Predictions): number {
  let wrong = 0;
  for (let i = 0; i < p.n; i++) if (p.pred[i] !== p.labels[i]) wrong++;
  return wrong / p.n;
}

/** Mean negative log-likelihood of the true class (natural log). */
export function nll(p: Predictions): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) s -= p.logProbTrue[i];
  return s / p.n;
}

/** Brier score: mean over images of the squared distance between probabilities and the one-hot label (sum over classes). */
export function brier(p: Predictions): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.k; j++) {
      const d = p.probs[i * p.k + j] - (j === p.labels[i] ? 1 : 0);
      s += d * d;
    }
  }
  return s / p.n;
}
