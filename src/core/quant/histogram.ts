// PyTorch 1.13's HistogramObserver (torch/ao/quantization/observer.py), ported op for op so that
// its qparams equal torch's, quirks included:
// - torch.histc is called with int()-truncated bounds, while min_val/max_val keep the exact values;
// - merging a new batch re-bins the old histogram on an upsampled grid (upsample_rate 128), with a
//   float64 cumsum whose shifted copy is rounded to float32;
// - the L2 range search (_non_linear_param_search) greedily narrows [start_bin, end_bin] and stops at
//   the first increase of the error, which it sums with torch's float32 cascade order (f32.ts).
// Tensor ops run in float32 (Math.fround after each), Python scalars in float64, as in torch.
import { check } from '../errors';
import { divFloor, f, roundHalfEven, torchSum } from './f32';
import { affineQparams, type Qparams } from './qparams';

export const HIST_BINS = 2048;
export const UPSAMPLE_RATE = 128;

/** torch.histc(x, bins, min, max) into a float32 histogram (LINEAR_INTERPOLATION binning). */
export function histc(x: Float32Array, bins: number, min: number, max: number): Float32Array {
  let lo = min;
  let hi = max;
  if (lo === hi) [lo, hi] = aminmax(x);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const L = f(lo);
  const R = f(hi);
  const width = f(R - L);
  const nb = f(bins);
  const h = new Float32Array(bins);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= L && v <= R)) continue;
    let pos = Math.trunc(f(f(f(v - L) * nb) / width));
    if (pos === bins) pos -= 1; // the last bin includes its right edge
    h[pos] += 1;
  }
  return h;
}

export function aminmax(x: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  return [lo, hi];
}

export interface HistogramOptions {
  quantMin: number;
  quantMax: number;
  /** Destination bins of the L2 search: torch uses 256 whatever the bit width; 2^b is "bit-matched". */
  dstBins?: number;
}

export class HistogramObserver {
  readonly bins = HIST_BINS;
  histogram: Float32Array = new Float32Array(HIST_BINS);
  minVal = Infinity;
  maxVal = -Infinity;
  readonly dstBins: number;

  constructor(readonly opts: HistogramOptions) {
    this.dstBins = opts.dstBins ?? 256;
    check(
      Number.isInteger(this.dstBins) && this.dstBins >= 2,
      `destination bins must be an integer >= 2, got ${this.dstBins}`,
    );
  }

  get observed(): boolean {
    return !(this.minVal === Infinity && this.maxVal === -Infinity);
  }

  /** Adds one batch (any shape, flattened). */
  observe(x: Float32Array): void {
    if (x.length === 0) return;
    if (!this.observed || this.minVal === this.maxVal) {
      [this.minVal, this.maxVal] = aminmax(x);
      this.histogram = histc(x, this.bins, Math.trunc(this.minVal), Math.trunc(this.maxVal));
      return;
    }
    const [newMin, newMax] = aminmax(x);
    const cmin = Math.min(newMin, this.minVal);
    let cmax = Math.max(newMax, this.maxVal);
    const { downsample, startIdx } = (() => {
      // _adjust_min_max: a common grid of width hbw, relaxing only the max
      const hbw = f(f(this.maxVal - this.minVal) / (this.bins * UPSAMPLE_RATE));
      const span = f(cmax - cmin);
      const oldSpan = f(this.bins * hbw);
      const d = Math.ceil(f(span / oldSpan));
      const e = f(f(d * oldSpan) - span);
      cmax = f(cmax + e);
      return { downsample: d, startIdx: roundHalfEven(f(f(this.minVal - cmin) / hbw)) };
    })();
    let combined = histc(x, this.bins, Math.trunc(cmin), Math.trunc(cmax));
    if (cmin === this.minVal && cmax === this.maxVal) {
      for (let i = 0; i < this.bins; i++) combined[i] = f(combined[i] + this.histogram[i]);
    } else {
      combined = this.combine(combined, downsample, startIdx);
    }
    this.histogram = combined;
    this.minVal = cmin;
    this.maxVal = cmax;
  }

  /** _combine_histograms: the old histogram, upsampled and shifted by startIdx, summed per downsample-wide run. */
  private combine(orig: Float32Array, downsample: number, startIdx: number): Float32Array {
    const N = this.bins;
    const up = UPSAMPLE_RATE;
    if (startIdx < 0 || startIdx + N * up > N * downsample) {
      throw new Error(
        `HistogramObserver merge out of range (start ${startIdx}, downsample ${downsample}); torch fails here too`,
      );
    }
    const out = new Float32Array(N);
    let cum = 0; // torch.cumsum(..., dtype=double): sequential float64
    let prevShifted = 0; // integral[k-1] stored in a float32 tensor
    for (let k = 0; k < N; k++) {
      // positions p in [k*down, (k+1)*down): value old[(p - startIdx) / up] inside the inserted run, else 0
      const from = Math.max(k * downsample, startIdx);
      const to = Math.min((k + 1) * downsample, startIdx + N * up);
      for (let p = from; p < to; p++) cum += this.histogram[Math.floor((p - startIdx) / up)];
      const interpolated = f((cum - prevShifted) / up);
      out[k] = f(orig[k] + interpolated);
      prevShifted = f(cum);
    }
    return out;
  }

  /** _non_linear_param_search: the [min, max] that the greedy L2 search keeps. */
  searchRange(): [number, number] {
    const binWidth = f(f(this.maxVal - this.minVal) / this.bins);
    const total = torchSum(this.histogram);
    const cSum = new Float32Array(this.bins);
    let acc = 0;
    for (let i = 0; i < this.bins; i++) cSum[i] = f((acc += this.histogram[i])); // float64 accumulator
    const stepsize = 1e-5;
    let alpha = 0;
    let beta = 1;
    let startBin = 0;
    let endBin = this.bins - 1;
    let normMin = Infinity;
    while (alpha < beta) {
      const nextAlpha = alpha + stepsize;
      const nextBeta = beta - stepsize;
      let l = startBin;
      let r = endBin;
      const lo = f(nextAlpha * total); // tensor-vs-Python-float comparisons happen in float32
      const hi = f(nextBeta * total);
      while (l < endBin && cSum[l] < lo) l++;
      while (r > startBin && cSum[r] > hi) r--;
      let nextStart = startBin;
      let nextEnd = endBin;
      if (l - startBin > endBin - r) {
        nextStart = l;
        alpha = nextAlpha;
      } else {
        nextEnd = r;
        beta = nextBeta;
      }
      if (nextStart === startBin && nextEnd === endBin) continue;
      const norm = this.quantizationError(nextStart, nextEnd);
      if (norm > normMin) break;
      normMin = norm;
      startBin = nextStart;
      endBin = nextEnd;
    }
    return [f(this.minVal + f(binWidth * startBin)), f(this.minVal + f(binWidth * (endBin + 1)))];
  }

  /** _compute_quantization_error: L2 error of quantizing bins start..end into dstBins bins. */
  quantizationError(start: number, end: number): number {
    const binWidth = (this.maxVal - this.minVal) / this.bins; // Python floats
    const dbw = (binWidth * (end - start + 1)) / this.dstBins;
    if (dbw === 0) return 0;
    const bw32 = f(binWidth);
    const dbw32 = f(dbw);
    const half = f(dbw / 2);
    const nb1 = this.dstBins - 1;
    const cube = (v: number) => f(f(v * v) * v);
    const getNorm = (b: number, e: number, density: number) => f(density * f(f(cube(e) - cube(b)) / 3));
    const normTerms = new Float32Array(this.bins);
    const fullNorm = (density: number) => getNorm(f(-dbw / 2), f(dbw / 2), density);
    const tailBegin = f(-dbw / 2);
    for (let i = 0; i < this.bins; i++) {
      const begin = f((i - start) * bw32);
      const endv = f(begin + bw32);
      const dobBegin = Math.min(nb1, Math.max(0, divFloor(begin, dbw32)));
      const dobEnd = Math.min(nb1, Math.max(0, divFloor(endv, dbw32)));
      const density = f(this.histogram[i] / bw32);
      let norm = getNorm(f(begin - f(f(dobBegin + 0.5) * dbw32)), half, density);
      norm = f(norm + f(f(f(dobEnd - dobBegin) - 1) * fullNorm(density)));
      const endCenter = f(f(dobEnd * dbw32) + half);
      norm = f(norm + getNorm(tailBegin, f(endv - endCenter), density));
      normTerms[i] = norm;
    }
    return torchSum(normTerms);
  }

  /** calculate_qparams: the search, then MinMaxObserver's affine formula. */
  qparams(): Qparams {
    if (!this.observed) return { scale: 1, zeroPoint: 0 }; // torch warns and returns these
    const [lo, hi] = this.searchRange();
    return affineQparams(lo, hi, this.opts.quantMin, this.opts.quantMax);
  }
}
