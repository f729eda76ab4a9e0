// Fake quantization as torch's CPU kernels compute it: q = clamp(zp + round_half_even(x * (1/scale)),
// qmin, qmax); out = (q - zp) * scale, all float32.
import * as tf from '@tensorflow/tfjs-core';
import { f, roundHalfEven } from './f32';
import type { Qparams } from './qparams';

/**
 * Per-tensor fake quant of activations on any tfjs backend, in four elementwise ops instead of six:
 * clamp(zp + r, qmin, qmax) - zp = clamp(r, qmin - zp, qmax - zp) for the integer-valued r = round(x * (1/s)),
 * exactly in float32 (for |r| < 2^24 the sum is exact; beyond, both sides clamp to the same bound).
 * One difference: a value that rounds to 0 from below stays -0 here, where torch's int64 q has no sign;
 * no later op (conv, add, ReLU, pooling, concat, dense, softmax) can tell -0 from 0.
 */
export function fakeQuantTensor(x: tf.Tensor, { scale, zeroPoint }: Qparams, quantMin: number, quantMax: number): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.clipByValue(tf.round(tf.mul(x, f(1 / scale))), quantMin - zeroPoint, quantMax - zeroPoint);
    return tf.mul(q, scale);
  });
}

/** Per-channel symmetric (zero point 0) fake quant of a weight with output channels last. */
export function fakeQuantWeights(w: Float32Array, scales: Float32Array, quantMin: number, quantMax: number): Float32Array {
  const out = new Float32Array(w.length);
  const inv = Float32Array.from(scales, (s) => f(1 / s));
  const C = scales.length;
  for (let i = 0; i < w.length; i++) {
    const c = i % C;
    // + 0 turns -0 into 0: torch holds q in an int64, which has no negative zero
    const q = Math.min(quantMax, Math.max(quantMin, roundHalfEven(f(w[i] * inv[c])))) + 0;
    out[i] = f(q * scales[c]);
  }
  return out;
}
