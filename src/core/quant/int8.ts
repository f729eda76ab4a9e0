// The int8 model PyTorch 1.13 deploys after convert_fx, on its oneDNN engine (x86 servers) or its
// QNNPACK engine (ARM phones; its x86 SSE2 build checked here) (training/int8.py builds it), emulated
// with float32 tfjs ops: what "inference at 8-bit" predicts, where the fake-quant reference (ptq.ts)
// computes each layer in float and rounds once at its output.
//
// An observed tensor is carried as its integers r = q - zp (float32 values, exact) with the grid
// (scale, zp) they sit on; the rest are floats, as convert_fx leaves them. Per op, as the kernels do
// it (each matched bit for bit against torch on whole layers, training/golden_int8.py and int8.test.ts):
// - conv and dense with a quantized input: the integer sum acc = sum r * w_q (exact in float32 while
//   partial sums stay under 2^24; these models' largest is about 4e5), then requantized in float32 in
//   the engine's order (requantConstants), clamped; ReLU clamps at the zero point;
// - global average pool: the integer sum times 1/K, rounded half to even on r (oneDNN's channels-last
//   tensors; on NCHW tensors torch rounds the mean of q instead, which differs on odd zero points);
//   the reference averages floats, so its ties at K = 4 or 16 fall either way;
// - max-pool, slices, shuffles and concats on one grid move integers; anything torch leaves in float
//   (ShuffleNetV2's concats of two grids and the convs they feed) runs on dequantized values with the
//   fake-quantized weights, and is quantized again where torch observes.
// Not emulated: oneDNN on CPUs without VNNI, which sums pairs of u8 x s8 products in a saturating int16;
// QNNPACK's quantized add (fixed-point; none of the shipped models has an add), here computed as oneDNN does.
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../errors';
import { type Apply, GraphModel, convolve } from '../graph/execute';
import type { GraphNode, ParsedGraph } from '../graph/format';
import { weightValues } from '../graph/format';
import { f, roundHalfEven } from './f32';
import { type Clamp, clampRange, type Qparams } from './qparams';
import { quantizeWeights, readPlacement, weightGrids } from './ptq';
import { requantize } from './requant';

/** The int8 engine whose kernels are emulated: they differ only in how a conv or linear layer requantizes. */
export type Int8Engine = 'onednn' | 'qnnpack';
export const INT8_ENGINES: readonly Int8Engine[] = ['onednn', 'qnnpack'];

interface IntKernel {
  w: tf.Tensor;
  scales: Float32Array;
  bias: Float32Array;
  /** The requantization's per-channel constants and zero point, made on the first pass. */
  requant?: { mult: tf.Tensor1D; bias: tf.Tensor1D; zeroPoint: number };
}

const sameGrid = (a?: Qparams, b?: Qparams) => !!a && !!b && a.scale === b.scale && a.zeroPoint === b.zeroPoint;

export class Int8Model {
  private readonly float: GraphModel;
  private readonly kernels = new Map<string, IntKernel>();
  /** Each observed node's grid: its last observer's qparams, as convert_fx quantizes it. */
  private readonly grids = new Map<string, Qparams>();
  /** Conv and dense layers run in float on the last pass (torch leaves their inputs unquantized): where
   * tfjs's float sums part from torch's in the last bit, so where the emulation can be one flip off. */
  readonly floatLayers = new Set<string>();
  private readonly lo: number;
  private readonly hi: number;

  constructor(parsed: ParsedGraph, weights: Float32Array, wBits: number, aBits: number, qparams: Qparams[], readonly engine: Int8Engine = 'onednn', clamp: Clamp = 'bits') {
    check(INT8_ENGINES.includes(engine), `unknown int8 engine ${engine}: expected one of ${INT8_ENGINES.join(', ')}`);
    const placement = readPlacement(parsed);
    check(qparams.length === placement.observers, `expected qparams for ${placement.observers} observers, got ${qparams.length}`);
    ({ quantMin: this.lo, quantMax: this.hi } = clampRange(aBits, false, clamp));
    for (const [node, obs] of placement.events) this.grids.set(node, qparams[obs]);
    const grids = weightGrids(parsed, weights, wBits, clamp);
    this.float = new GraphModel(parsed, quantizeWeights(parsed, weights, wBits, clamp, grids));
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
        if (n.op === 'conv2d' || n.op === 'dense') this.floatLayers.add(n.name);
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

  /** quantized::conv2d(_relu) and quantized::linear: the integer sum, requantized per output channel. */
  private integerLinear(n: GraphNode & { op: 'conv2d' | 'dense' }, r: tf.Tensor, into: Qparams, out: Qparams): tf.Tensor {
    const k = this.kernels.get(n.name)!;
    const acc = n.op === 'conv2d' ? convolve(n, r, k.w, undefined, false) : tf.matMul(r as tf.Tensor2D, k.w as tf.Tensor2D);
    // the input's grid is the same on every pass (fixed qparams), so these are made once per model
    if (!k.requant) {
      const { mult, bias, zeroPoint } = requantConstants(this.engine, k.scales, k.bias, into.scale, out);
      k.requant = { mult: tf.keep(tf.tensor1d(mult)), bias: tf.keep(tf.tensor1d(bias)), zeroPoint };
    }
    // requantize clamps q - zp' + zp' for the zp' it is given: bounds stay those of q
    const lo = (n.op === 'conv2d' && n.relu ? Math.max(out.zeroPoint, this.lo) : this.lo) - out.zeroPoint + k.requant.zeroPoint;
    return requantize(acc, { ...k.requant, lo, hi: this.hi - out.zeroPoint + k.requant.zeroPoint });
  }

  dispose(): void {
    this.float.dispose();
    for (const k of this.kernels.values()) tf.dispose([k.w, k.requant?.mult, k.requant?.bias].filter((t) => t !== undefined));
    this.kernels.clear();
  }
}

/**
 * Per output channel c, the float32 constants with which `requantize` turns the integer sum acc into
 * r = q - zp_out = clamp(round_half_even(((acc + bias[c]) * mult[c]) + zeroPoint)) - zeroPoint, as each
 * engine orders the arithmetic. Each order was matched bit for bit against torch on whole layers.
 * - oneDNN (through ideep, which holds scales inverted): a = 1/s_in * 1/s_w; the bias stays float,
 *   bias_q = b * a; mult = (1/s_out) / a; zero point added before rounding. The only one of ~12
 *   candidate orders that matched every output of every layer of RetinaMNIST ShuffleNetV2.
 * - QNNPACK: the bias is first quantized to int32 on the grid s_w * s_in (as quantize_per_channel does:
 *   round_half_even(b * (1 / f(s_w * s_in))), that product in double), so where the requantization scale
 *   mult = (s_w * s_in) * (1/s_out) exceeds 1 (MobileOne's depthwise convs reach 25) the bias's rounding
 *   moves outputs by whole steps: what the deployed QNNPACK model computes. acc + bias_q is an int32
 *   there, exact here while under 2^24 in magnitude. The zero point is added after rounding (zeroPoint 0
 *   here; the caller shifts the clamp bounds).
 */
export function requantConstants(engine: Int8Engine, wScales: Float32Array, bias: Float32Array, inScale: number, out: Qparams):
  { mult: Float32Array; bias: Float32Array; zeroPoint: number } {
  if (engine === 'qnnpack') {
    const invOut = f(1 / out.scale);
    return {
      mult: wScales.map((s) => f(f(s * inScale) * invOut)),
      bias: bias.map((b, c) => roundHalfEven(f(b * f(1 / f(wScales[c] * inScale))))),
      zeroPoint: 0,
    };
  }
  const invIn = f(1 / inScale);
  const biasScale = wScales.map((s) => f(invIn * f(1 / s)));
  return {
    mult: biasScale.map((s) => f(f(1 / out.scale) / s)),
    bias: bias.map((b, c) => f(b * biasScale[c])),
    zeroPoint: out.zeroPoint,
  };
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
