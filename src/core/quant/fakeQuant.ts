// Fake quantization as torch's CPU kernels compute it: q = clamp(zp + round_half_even(x * (1/scale)),
// qmin, qmax); out = (q - zp) * scale, all float32.
import * as tf from '@tensorflow/tfjs-core';
import { f, roundHalfEven } from './f32';
import { FAKE_QUANT, type FakeQuantAttrs } from './fakeQuantGpu';
import type { Qparams } from './qparams';
import { CPP_FLOAT32, type WasmBackend, elementwiseFns, shapeBytes, wasmId } from '../util/wasmBackend';

/**
 * On wasm, the same four ops as fakeQuantOps, but run by the wasm module in place on one output
 * tensor inside one kernel: no intermediate tensors, one engine dispatch instead of four. On small
 * activations the dispatches cost more than the arithmetic (MobileOne-S0 fake-quantizes 31
 * tensors of 25k-1.5M values a batch): about 2x faster there, 1.4x on large ones, same bits.
 */
function registerWasmKernel(): void {
  if (tf.getKernel(FAKE_QUANT, 'wasm')) return;
  tf.registerKernel({
    kernelName: FAKE_QUANT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackend;
      const fns = elementwiseFns(b);
      const x = inputs.x as tf.TensorInfo;
      const { inv, scale, lo, hi } = attrs as unknown as FakeQuantAttrs;
      const out = b.makeOutput(x.shape, 'float32');
      const factor = b.makeOutput([], 'float32');
      const [xId, outId, factorId] = [x, out, factor].map((t) => wasmId(b, t));
      const shape = shapeBytes(x.shape);
      const scalar = new Uint8Array(0);
      try {
        b.typedArrayFromHeap(factor)[0] = inv;
        fns.mul(xId, shape, x.shape.length, factorId, scalar, 0, CPP_FLOAT32, outId);
        fns.round(outId, CPP_FLOAT32, outId);
        fns.clip(outId, lo, hi, outId);
        b.typedArrayFromHeap(factor)[0] = scale;
        fns.mul(outId, shape, x.shape.length, factorId, scalar, 0, CPP_FLOAT32, outId);
      } finally {
        b.disposeData(factor.dataId);
      }
      return out;
    },
  });
}
registerWasmKernel();

/**
 * Per-tensor fake quant of activations on any tfjs backend, in four elementwise ops instead of six:
 * clamp(zp + r, qmin, qmax) - zp = clamp(r, qmin - zp, qmax - zp) for the integer-valued r = round(x * (1/s)),
 * exactly in float32 (for |r| < 2^24 the sum is exact; beyond, both sides clamp to the same bound).
 * One difference: a value that rounds to 0 from below stays -0 here, where torch's int64 q has no sign;
 * no later op (conv, add, ReLU, pooling, concat, dense, softmax) can tell -0 from 0.
 */
export function fakeQuantTensor(x: tf.Tensor, qp: Qparams, quantMin: number, quantMax: number): tf.Tensor {
  // the fused kernel where the backend has one: wasm here, WebGL and WebGPU in fakeQuantGpu.ts
  if (x.dtype !== 'float32' || x.size === 0 || !tf.getKernel(FAKE_QUANT, tf.getBackend()))
    return fakeQuantOps(x, qp, quantMin, quantMax);
  const attrs: FakeQuantAttrs = {
    inv: f(1 / qp.scale),
    scale: qp.scale,
    lo: quantMin - qp.zeroPoint,
    hi: quantMax - qp.zeroPoint,
  };
  return tf.engine().runKernel(FAKE_QUANT, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** fakeQuantTensor as four tfjs ops, on any backend (the cpu backend's path, and the fused kernels' reference). */
export function fakeQuantOps(
  x: tf.Tensor,
  { scale, zeroPoint }: Qparams,
  quantMin: number,
  quantMax: number,
): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.clipByValue(tf.round(tf.mul(x, f(1 / scale))), quantMin - zeroPoint, quantMax - zeroPoint);
    return tf.mul(q, scale);
  });
}

/** fakeQuantTensor on plain float32 values, as torch's kernel computes each one. */
export function fakeQuantValues(
  x: Float32Array,
  { scale, zeroPoint }: Qparams,
  quantMin: number,
  quantMax: number,
): Float32Array {
  const inv = f(1 / scale);
  return x.map((v) =>
    f((Math.min(quantMax, Math.max(quantMin, zeroPoint + roundHalfEven(f(v * inv)))) - zeroPoint) * scale),
  );
}

/** Per-channel symmetric (zero point 0) fake quant of a weight with output channels last. */
export function fakeQuantWeights(
  w: Float32Array,
  scales: Float32Array,
  quantMin: number,
  quantMax: number,
): Float32Array {
  return dequantizeWeights(weightIntegers(w, scales, quantMin, quantMax), scales);
}

/** q * scale per output channel (the last axis), in float32. */
export function dequantizeWeights(q: Float32Array, scales: Float32Array): Float32Array {
  return q.map((v, i) => f(v * scales[i % scales.length]));
}

/** The integers q of fakeQuantWeights (out = q * scale): what an int8 kernel multiplies. */
export function weightIntegers(
  w: Float32Array,
  scales: Float32Array,
  quantMin: number,
  quantMax: number,
): Float32Array {
  const out = new Float32Array(w.length);
  const inv = Float32Array.from(scales, (s) => f(1 / s));
  const C = scales.length;
  for (let i = 0; i < w.length; i++) {
    // + 0 turns -0 into 0: torch holds q in an int64, which has no negative zero
    out[i] = Math.min(quantMax, Math.max(quantMin, roundHalfEven(f(w[i] * inv[i % C])))) + 0;
  }
  return out;
}
