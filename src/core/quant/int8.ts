// The int8 model PyTorch 1.13 deploys after convert_fx, on its oneDNN engine (training/int8.py builds
// it), emulated with float32 tfjs ops: what "inference at 8-bit" predicts, where the fake-quant
// reference (ptq.ts) computes each layer in float and rounds once at its output.
//
// An observed tensor is carried as its integers r = q - zp (float32 values, exact) with the grid
// (scale, zp) they sit on; the rest are floats, as convert_fx leaves them. Per op, as the kernels do
// it (each matched bit for bit against torch on whole layers, training/golden_int8.py and int8.test.ts):
// - conv and dense with a quantized input: the integer sum acc = sum r * w_q (exact in float32 while
//   partial sums stay under 2^24; these models' largest is about 4e5), then requantized in float32 in
//   ideep's order (integerLinear), clamped; ReLU clamps at the zero point;
// - global average pool: the integer sum times 1/K, rounded half to even on r (oneDNN's channels-last
//   tensors; on NCHW tensors torch rounds the mean of q instead, which differs on odd zero points);
//   the reference averages floats, so its ties at K = 4 or 16 fall either way;
// - max-pool, slices, shuffles and concats on one grid move integers; anything torch leaves in float
//   (ShuffleNetV2's concats of two grids and the convs they feed) runs on dequantized values with the
//   fake-quantized weights, and is quantized again where torch observes.
// Not emulated: oneDNN on CPUs without VNNI, which sums pairs of u8 x s8 products in a saturating int16.
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../errors';
import { type Apply, GraphModel, convolve } from '../graph/execute';
import type { GraphNode, ParsedGraph } from '../graph/format';
import { weightValues } from '../graph/format';
import { f } from './f32';
import { type Qparams, quantRange } from './qparams';
import { quantizeWeights, readPlacement, weightGrids } from './ptq';
import { requantize } from './requant';

interface IntKernel {
  w: tf.Tensor;
  scales: Float32Array;
  bias: Float32Array;
  /** The requantization's per-channel constants, made on the first pass. */
  requant?: { mult: tf.Tensor1D; bias: tf.Tensor1D };
}

const sameGrid = (a?: Qparams, b?: Qparams) => !!a && !!b && a.scale === b.scale && a.zeroPoint === b.zeroPoint;

export class Int8Model {
  private readonly float: GraphModel;
  private readonly kernels = new Map<string, IntKernel>();
  /** Each observed node's grid: its last observer's qparams, as convert_fx quantizes it. */
  private readonly grids = new Map<string, Qparams>();
  private readonly lo: number;
  private readonly hi: number;

  constructor(parsed: ParsedGraph, weights: Float32Array, wBits: number, aBits: number, qparams: Qparams[]) {
    const placement = readPlacement(parsed);
    check(qparams.length === placement.observers, `expected qparams for ${placement.observers} observers, got ${qparams.length}`);
    ({ quantMin: this.lo, quantMax: this.hi } = quantRange(aBits, false));
    for (const [node, obs] of placement.events) this.grids.set(node, qparams[obs]);
    const grids = weightGrids(parsed, weights, wBits);
    this.float = new GraphModel(parsed, quantizeWeights(parsed, weights, wBits, grids));
    for (const { node, q, scales } of grids) {
      this.kernels.set(node.name, { w: tf.tensor(q, node.weight.shape, 'float32'), scales, bias: weightValues(weights, node.bias) });
    }
  }

  /** Logits (N, classes), dequantized as torch's int8 model returns them. The caller disposes them. */
  run(x: tf.Tensor4D): tf.Tensor2D {
    const on = new Map<string, Qparams>(); // the grid each integer tensor of this pass sits on
    const apply: Apply = (n, ins, standard) => {
      const grids = n.inputs.map((i) => on.get(i));
      const out = this.grids.get(n.name);
      let y: tf.Tensor;
      let grid: Qparams | undefined;
      if ((n.op === 'conv2d' || n.op === 'dense') && grids[0] && out) {
        [y, grid] = [this.integerLinear(n, ins[0], grids[0], out), out];
      } else if (n.op === 'gap' && grids[0]) {
        [y, grid] = [averagePool(ins[0]), grids[0]];
      } else if (grids.length > 0 && grids.every((g) => sameGrid(g, grids[0])) && integerOp(n)) {
        [y, grid] = [standard(ins), grids[0]];
      } else {
        y = standard(ins.map((t, i) => (grids[i] ? tf.mul(t, grids[i]!.scale) : t)));
      }
      if (out && !sameGrid(grid, out)) {
        y = this.quantize(grid ? tf.mul(y, grid.scale) : y, out);
        grid = out;
      }
      if (grid) on.set(n.name, grid);
      return n.name === this.float.doc.output && grid ? tf.mul(y, grid.scale) : y;
    };
    return this.float.run(x, undefined, apply);
  }

  /** r on the grid: clamp(round_half_even(v * (1/scale)), qmin - zp, qmax - zp), as quantize_per_tensor. */
  private quantize(v: tf.Tensor, { scale, zeroPoint }: Qparams): tf.Tensor {
    return tf.clipByValue(tf.round(tf.mul(v, f(1 / scale))), this.lo - zeroPoint, this.hi - zeroPoint);
  }

  /**
   * quantized::conv2d(_relu) and quantized::linear as oneDNN computes them through ideep, which holds
   * scales inverted (1/s, float32): bias_q = b * (1/s_in * 1/s_w), q = round(acc + bias_q) * ((1/s_out) /
   * (1/s_in * 1/s_w)) + zp_out); each step float32, rounding half to even, clamped to the type (ReLU: at
   * zp_out). Found by trying the candidate orders on whole layers: this one, and only this one, matched
   * torch on every output of every conv and linear layer of RetinaMNIST ShuffleNetV2 (W8/A8, 200 images).
   */
  private integerLinear(n: GraphNode & { op: 'conv2d' | 'dense' }, r: tf.Tensor, into: Qparams, out: Qparams): tf.Tensor {
    const k = this.kernels.get(n.name)!;
    const acc = n.op === 'conv2d' ? convolve(n, r, k.w, undefined, false) : tf.matMul(r as tf.Tensor2D, k.w as tf.Tensor2D);
    // the input's grid is the same on every pass (fixed qparams), so these are made once per model
    if (!k.requant) {
      const invIn = f(1 / into.scale);
      const biasScale = k.scales.map((s) => f(invIn * f(1 / s)));
      k.requant = {
        mult: tf.keep(tf.tensor1d(biasScale.map((s) => f(f(1 / out.scale) / s)))),
        bias: tf.keep(tf.tensor1d(k.bias.map((b, c) => f(b * biasScale[c])))),
      };
    }
    const zeroPoint = out.zeroPoint;
    const lo = n.op === 'conv2d' && n.relu ? Math.max(zeroPoint, this.lo) : this.lo;
    return requantize(acc, { ...k.requant, zeroPoint, lo, hi: this.hi });
  }

  dispose(): void {
    this.float.dispose();
    for (const k of this.kernels.values()) tf.dispose([k.w, k.requant?.mult, k.requant?.bias].filter((t) => t !== undefined));
    this.kernels.clear();
  }
}

/** Ops that move or compare integers without arithmetic, so they run on r as on floats. */
function integerOp(n: GraphNode): boolean {
  return ['concat', 'slice', 'shuffle', 'permute', 'maxpool', 'relu'].includes(n.op);
}

/**
 * quantized adaptive_avg_pool2d to 1x1 on a channels-last tensor, output on the input's grid: the
 * integer sum times torch's float32 multiplier 1 / (1 / (s_in / s_out / K)) (s_in = s_out here),
 * rounded half to even.
 */
function averagePool(r: tf.Tensor): tf.Tensor {
  const [, H, W] = r.shape;
  return tf.round(tf.mul(tf.sum(r, [1, 2]), f(1 / f(1 / f(1 / (H! * W!))))));
}
