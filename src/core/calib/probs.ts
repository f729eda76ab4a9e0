// Logits -> probabilities, once per evaluation; every metric reads the same Predictions.
import { check } from '../errors';

/** Row-major (N, K) logits: one row of K class scores per image. */
export type Logits = Float32Array | Float64Array | number[];

export interface Predictions {
  n: number;
  k: number;
  /** Softmax probabilities, (N, K), float64. */
  probs: Float64Array;
  /** Top-label confidence: the largest probability of each row. */
  conf: Float64Array;
  /** Predicted class: the first index of the largest logit (numpy's argmax). */
  pred: Int32Array;
  labels: Int32Array;
  /** log p(true class), from the log-sum-exp, so tiny probabilities keep their precision. */
  logProbTrue: Float64Array;
  /** Rows whose largest logit is shared by another class: no temperature can separate them. */
  tiedTop: number;
}

/** Refuses NaN/Inf logits, length mismatches, empty input and out-of-range labels. */
export function validateLogits(logits: Logits, labels: ArrayLike<number>, k: number): void {
  check(Number.isInteger(k) && k >= 1, `number of classes must be a positive integer, got ${k}`);
  check(labels.length > 0, 'no predictions: empty logits and labels');
  check(
    logits.length === labels.length * k,
    `logits hold ${logits.length} values, expected ${labels.length} labels x ${k} classes = ${labels.length * k}`,
  );
  for (let i = 0; i < logits.length; i++) {
    check(
      Number.isFinite(logits[i]),
      () =>
        `logit ${i % k} of image ${Math.floor(i / k)} is ${logits[i]}: NaN or infinite logits cannot be evaluated`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    check(
      Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < k,
      () => `label ${labels[i]} of image ${i} is outside 0..${k - 1}`,
    );
  }
}

/** Softmax of logits / temperature, in float64, max-subtracted for stability. */
export function toPredictions(
  logits: Logits,
  labels: ArrayLike<number>,
  k: number,
  temperature = 1,
): Predictions {
  validateLogits(logits, labels, k);
  check(
    temperature > 0 && Number.isFinite(temperature),
    `temperature must be positive and finite, got ${temperature}`,
  );
  const n = labels.length;
  const probs = new Float64Array(n * k);
  const conf = new Float64Array(n);
  const pred = new Int32Array(n);
  const logProbTrue = new Float64Array(n);
  let tiedTop = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let m = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      if (logits[o + j] > m) {
        m = logits[o + j];
        arg = j;
      }
    }
    let s = 0;
    let atMax = 0;
    for (let j = 0; j < k; j++) {
      if (logits[o + j] === m) atMax++;
      s += probs[o + j] = Math.exp((logits[o + j] - m) / temperature);
    }
    if (atMax > 1) tiedTop++;
    for (let j = 0; j < k; j++) probs[o + j] /= s;
    logProbTrue[i] = (logits[o + labels[i]] - m) / temperature - Math.log(s);
    pred[i] = arg;
    conf[i] = probs[o + arg];
  }
  return { n, k, probs, conf, pred, labels: Int32Array.from(labels), logProbTrue, tiedTop };
}
