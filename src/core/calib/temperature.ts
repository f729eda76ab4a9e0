// Temperature scaling (Guo et al. 2017): one T > 0 dividing all logits, fitted on validation
// logits by minimising NLL. With b = 1/T the NLL f(b) = mean(logsumexp(b z) - b z_y) is convex:
// f'(b) = mean(E_p[z] - z_y), f''(b) = mean(Var_p[z]) >= 0. We solve f'(b) = 0 by Newton steps
// kept inside a shrinking bracket (bisection when a step leaves it), to |dT| <= 1e-6 T.
import { check } from '../errors';
import { type Logits, validateLogits } from './probs';

/** T is kept in [T_MIN, T_MAX]: a perfectly separable validation set would drive T to 0. */
export const T_MIN = 1e-2;
export const T_MAX = 1e2;

export interface TemperatureFit {
  temperature: number;
  /** Validation NLL at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  iterations: number;
  /** True when T sits on T_MIN or T_MAX because the NLL still falls (to float precision) beyond it. */
  atBound: boolean;
}

/** f(b), f'(b), f''(b) of the mean NLL at inverse temperature b. */
function derivatives(
  logits: Logits,
  labels: ArrayLike<number>,
  k: number,
  b: number,
): [number, number, number] {
  let f = 0;
  let d1 = 0;
  let d2 = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[o + j]);
    let s = 0;
    let ez = 0;
    let ez2 = 0;
    for (let j = 0; j < k; j++) {
      const z = logits[o + j];
      const e = Math.exp(b * (z - m));
      s += e;
      ez += e * z;
      ez2 += e * z * z;
    }
    ez /= s;
    ez2 /= s;
    const zy = logits[o + labels[i]];
    f += Math.log(s) + b * (m - zy);
    d1 += ez - zy;
    d2 += ez2 - ez * ez;
  }
  return [f / n, d1 / n, Math.max(0, d2 / n)];
}

/** Fits T on validation logits. Throws on bad input (NaN, mismatched lengths, empty). */
export function fitTemperature(
  logits: Logits,
  labels: ArrayLike<number>,
  k: number,
  tol = 1e-6,
): TemperatureFit {
  validateLogits(logits, labels, k);
  check(tol > 0 && tol < 1, `tolerance must be in (0, 1), got ${tol}`);
  const nllBefore = derivatives(logits, labels, k, 1)[0];
  let lo = 1 / T_MAX;
  let hi = 1 / T_MIN;
  const gLo = derivatives(logits, labels, k, lo)[1];
  const gHi = derivatives(logits, labels, k, hi)[1];
  const done = (b: number, iterations: number, atBound: boolean): TemperatureFit => ({
    temperature: 1 / b,
    nllBefore,
    nllAfter: derivatives(logits, labels, k, b)[0],
    iterations,
    atBound,
  });
  if (gLo === 0 && gHi === 0) return done(1, 0, false); // NLL flat (one class): any T fits, keep 1
  if (gLo >= 0) return done(lo, 0, true); // NLL increases from the smallest b: T at its maximum
  if (gHi <= 0) return done(hi, 0, true); // still decreasing at the largest b: T at its minimum
  let b = 1;
  for (let it = 1; it <= 200; it++) {
    const [, g, h] = derivatives(logits, labels, k, b);
    if (g > 0) hi = b;
    else if (g < 0) lo = b;
    else return done(b, it, false);
    let next = h > 0 ? b - g / h : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    // relative change of b equals relative change of T to first order
    if (Math.abs(next - b) <= tol * 1e-3 * next || hi - lo <= tol * 1e-3 * lo) return done(next, it, false);
    b = next;
  }
  return done(b, 200, false);
}

/** Logits divided by T (a new array). */
export function scaleLogits(logits: Logits, temperature: number): Float64Array {
  check(
    temperature > 0 && Number.isFinite(temperature),
    `temperature must be positive and finite, got ${temperature}`,
  );
  return Float64Array.from(logits, (z) => z / temperature);
}
