// Requantization of an int8 layer's integer sums, as oneDNN's ideep layer orders it (int8.ts):
// q = clamp(round_half_even(((acc + bias_q) * mult) + zp), lo, hi) - zp, per output channel (last
// axis), each step float32. Six elementwise ops; on wasm one kernel of its own runs tfjs's own wasm
// functions for them in place on one output, as the fake-quant kernel does (fewer dispatches, no
// intermediates, the same bits: requant.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import {
  CPP_FLOAT32,
  type WasmBackend,
  elementwiseFns,
  onWasm,
  shapeBytes,
  wasmId,
} from '../util/wasmBackend';

const REQUANT = 'QcalRequant';

export interface RequantArgs {
  /** Per output channel, float32: the bias in accumulator units and the multiplier. */
  bias: tf.Tensor1D;
  mult: tf.Tensor1D;
  zeroPoint: number;
  /** Clamp bounds for q (before the zero point is taken off). */
  lo: number;
  hi: number;
}

function registerWasmKernel(): void {
  if (tf.getKernel(REQUANT, 'wasm')) return;
  tf.registerKernel({
    kernelName: REQUANT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackend;
      const fns = elementwiseFns(b);
      const { acc, bias, mult } = inputs as Record<'acc' | 'bias' | 'mult', tf.TensorInfo>;
      const { zeroPoint, lo, hi } = attrs as unknown as Record<'zeroPoint' | 'lo' | 'hi', number>;
      const out = b.makeOutput(acc.shape, 'float32');
      const zp = b.makeOutput([], 'float32');
      const [accId, biasId, multId, outId, zpId] = [acc, bias, mult, out, zp].map((t) => wasmId(b, t));
      const shape = shapeBytes(acc.shape);
      const rank = acc.shape.length;
      const channel = shapeBytes(bias.shape);
      const scalar = new Uint8Array(0);
      try {
        fns.add(accId, shape, rank, biasId, channel, 1, CPP_FLOAT32, outId);
        fns.mul(outId, shape, rank, multId, channel, 1, CPP_FLOAT32, outId);
        b.typedArrayFromHeap(zp)[0] = zeroPoint;
        fns.add(outId, shape, rank, zpId, scalar, 0, CPP_FLOAT32, outId);
        fns.round(outId, CPP_FLOAT32, outId);
        fns.clip(outId, lo, hi, outId);
        b.typedArrayFromHeap(zp)[0] = -zeroPoint; // q - zp is exact: both are small integers
        fns.add(outId, shape, rank, zpId, scalar, 0, CPP_FLOAT32, outId);
      } finally {
        b.disposeData(zp.dataId);
      }
      return out;
    },
  });
}
registerWasmKernel();

/** r = q - zp of the layer's output, from its integer sums `acc` (channels last). */
export function requantize(acc: tf.Tensor, args: RequantArgs): tf.Tensor {
  if (!onWasm(acc, args.bias, args.mult)) return requantizeOps(acc, args);
  const { zeroPoint, lo, hi } = args;
  return tf.engine().runKernel(REQUANT, { acc, bias: args.bias, mult: args.mult }, {
    zeroPoint,
    lo,
    hi,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** requantize as six tfjs ops, on any backend. */
export function requantizeOps(acc: tf.Tensor, { bias, mult, zeroPoint, lo, hi }: RequantArgs): tf.Tensor {
  return tf.tidy(() =>
    tf.sub(tf.clipByValue(tf.round(tf.add(tf.mul(tf.add(acc, bias), mult), zeroPoint)), lo, hi), zeroPoint),
  );
}
