// MinMaxObserver (activations, per tensor) and PerChannelMinMaxObserver (weights, symmetric), as in
// torch.ao.quantization. For fixed weights the paper's MovingAveragePerChannelMinMaxObserver gives
// the same per-channel min/max.
import { aminmax } from './histogram';
import { affineQparams, type Qparams, symmetricScale } from './qparams';

export class MinMaxObserver {
  minVal = Infinity;
  maxVal = -Infinity;
  constructor(readonly opts: { quantMin: number; quantMax: number }) {}

  observe(x: Float32Array): void {
    if (x.length === 0) return;
    const [lo, hi] = aminmax(x);
    this.minVal = Math.min(this.minVal, lo);
    this.maxVal = Math.max(this.maxVal, hi);
  }

  qparams(): Qparams {
    return affineQparams(this.minVal, this.maxVal, this.opts.quantMin, this.opts.quantMax);
  }
}

/** Per-output-channel symmetric scales of a weight laid out with output channels last ([..., C]). */
export function perChannelScales(
  w: Float32Array,
  channels: number,
  quantMin: number,
  quantMax: number,
): Float32Array {
  const lo = new Float32Array(channels).fill(Infinity);
  const hi = new Float32Array(channels).fill(-Infinity);
  for (let i = 0; i < w.length; i++) {
    const c = i % channels;
    if (w[i] < lo[c]) lo[c] = w[i];
    if (w[i] > hi[c]) hi[c] = w[i];
  }
  return Float32Array.from(lo, (l, c) => symmetricScale(l, hi[c], quantMin, quantMax));
}
