// The int8 model PyTorch 1.13 deploys after convert_fx, on its oneDNN engine (x86 servers) or its
// QNNPACK engine (ARM phones; its x86 SSE2 build checked here) (training/reference/int8.py builds it), emulated
// with float32 tfjs ops: what "inference at 8-bit" predicts, where the fake-quant reference (ptq.ts)
// computes each layer in float and rounds once at its output.
//
// An observed tensor is carried as its integers r = q - zp (float32 values, exact) with the grid
// (scale, zp) they sit on; the rest are floats, as convert_fx leaves them. Per op, as the kernels do
// it (each matched bit for bit against torch on whole layers, training/reference/golden_int8.py and int8.test.ts):
// - conv and dense with a quantized input: the integer sum acc = sum r * w_q (exact in float32 while
//   partial sums stay under 2^24; these models' largest is about 4e5), then requantized in float32 in
//   the engine's order (requantConstants), clamped; ReLU clamps at the zero point;
// - global average pool: the integer sum times 1/K, rounded half to even on r (oneDNN's channels-last
//   tensors; on NCHW tensors torch rounds the mean of q instead, which differs on odd zero points);
//   the reference averages floats, so its ties at K = 4 or 16 fall either way;
// - adds (and prepare_fx's add_relu: an add whose one user is an observed ReLU) of two integer tensors:
//   each engine's own arithmetic, tabulated over every pair of 8-bit inputs (addTable);
// - max-pool, slices, shuffles and concats on one grid move integers; anything torch leaves in float
//   (ShuffleNetV2's concats of two grids and the convs they feed) runs on dequantized values with the
//   fake-quantized weights, and is quantized again where torch observes.
// Not emulated: oneDNN on CPUs without VNNI, which sums pairs of u8 x s8 products in a saturating int16.
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

const sameGrid = (a?: Qparams, b?: Qparams) =>
  !!a && !!b && a.scale === b.scale && a.zeroPoint === b.zeroPoint;

export class Int8Model {
  private readonly float: GraphModel;
  private readonly kernels = new Map<string, IntKernel>();
  /** Each observed node's grid: its last observer's qparams, as convert_fx quantizes it. */
  private readonly grids = new Map<string, Qparams>();
  /** Conv and dense layers run in float on the last pass (torch leaves their inputs unquantized): where
   * tfjs's float sums part from torch's in the last bit, so where the emulation can be one flip off. */
  readonly floatLayers = new Set<string>();
  /** Each add with both inputs on grids: where its result goes (its own observer's grid, or for add_relu
   * its ReLU's) and, after the first pass, its table. */
  private readonly adds = new Map<string, { grid: Qparams; relu: boolean; table?: tf.Tensor1D }>();
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    parsed: ParsedGraph,
    weights: Float32Array,
    wBits: number,
    aBits: number,
    qparams: Qparams[],
    readonly engine: Int8Engine = 'onednn',
    clamp: Clamp = 'bits',
  ) {
    check(
      INT8_ENGINES.includes(engine),
      `unknown int8 engine ${engine}: expected one of ${INT8_ENGINES.join(', ')}`,
    );
    const placement = readPlacement(parsed);
    check(
      qparams.length === placement.observers,
      `expected qparams for ${placement.observers} observers, got ${qparams.length}`,
    );
    ({ quantMin: this.lo, quantMax: this.hi } = clampRange(aBits, false, clamp));
    for (const [node, obs] of placement.events) this.grids.set(node, qparams[obs]);
    const nodes = parsed.doc.nodes;
    for (const n of nodes.filter((m) => m.op === 'add')) {
      const users = nodes.filter((m) => m.inputs.includes(n.name));
      const own = this.grids.get(n.name);
      const relu = users.length === 1 && users[0].op === 'relu' ? this.grids.get(users[0].name) : undefined;
      if (own) this.adds.set(n.name, { grid: own, relu: false });
      else if (relu) this.adds.set(n.name, { grid: relu, relu: true });
    }
    const grids = weightGrids(parsed, weights, wBits, clamp);
    this.float = new GraphModel(parsed, quantizeWeights(parsed, weights, wBits, clamp, grids));
    for (const { node, q, scales } of grids) {
      this.kernels.set(node.name, {
        w: tf.tensor(q, node.weight.shape, 'float32'),
        scales,
        bias: weightValues(weights, node.bias),
      });
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
      } else if (n.op === 'add' && grids[0] && grids[1] && this.adds.has(n.name)) {
        const add = this.adds.get(n.name)!;
        add.table ??= tf.keep(
          tf.tensor1d(addTable(this.engine, grids[0], grids[1], add.grid, add.relu, this.lo, this.hi)),
        );
        const index = tf.add(
          tf.mul(tf.add(ins[0], grids[0].zeroPoint), 256),
          tf.add(ins[1], grids[1].zeroPoint),
        );
        [y, grid] = [tf.gather(add.table, tf.cast(index, 'int32')), add.grid];
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
  private integerLinear(
    n: GraphNode & { op: 'conv2d' | 'dense' },
    r: tf.Tensor,
    into: Qparams,
    out: Qparams,
  ): tf.Tensor {
    const k = this.kernels.get(n.name)!;
    const acc =
      n.op === 'conv2d'
        ? convolve(n, r, k.w, undefined, false)
        : tf.matMul(r as tf.Tensor2D, k.w as tf.Tensor2D);
    // the input's grid is the same on every pass (fixed qparams), so these are made once per model
    if (!k.requant) {
      const { mult, bias, zeroPoint } = requantConstants(this.engine, k.scales, k.bias, into.scale, out);
      k.requant = { mult: tf.keep(tf.tensor1d(mult)), bias: tf.keep(tf.tensor1d(bias)), zeroPoint };
    }
    // requantize clamps q - zp' + zp' for the zp' it is given: bounds stay those of q
    const lo =
      (n.op === 'conv2d' && n.relu ? Math.max(out.zeroPoint, this.lo) : this.lo) -
      out.zeroPoint +
      k.requant.zeroPoint;
    return requantize(acc, { ...k.requant, lo, hi: this.hi - out.zeroPoint + k.requant.zeroPoint });
  }

  dispose(): void {
    this.float.dispose();
    for (const k of this.kernels.values())
      tf.dispose([k.w, k.requant?.mult, k.requant?.bias].filter((t) => t !== undefined));
    this.kernels.clear();
    for (const a of this.adds.values()) a.table?.dispose();
    this.adds.clear();
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
export function requantConstants(
  engine: Int8Engine,
  wScales: Float32Array,
  bias: Float32Array,
  inScale: number,
  out: Qparams,
): { mult: Float32Array; bias: Float32Array; zeroPoint: number } {
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

/**
 * quantized::add (add_relu when relu) of inputs on grids a and b into `out`, as the engine computes it,
 * for every pair of 8-bit inputs: entry qa * 256 + qb holds r = q - zp_out, clamped to [lo, hi] as the
 * int8 model is (int8.py). Each entry is computed exactly in double and rounded where the kernel rounds;
 * golden_int8.py checks every entry against torch on 15 grids per engine.
 * - oneDNN (torch's x86 qadd kernel, vectorised): each input dequantized by a fused multiply-add,
 *   fma(s, q, f(s * -zp)), the two summed in float32, ReLU, then round_half_even(sum * f(1 / s_out)) + zp.
 *   (Where the two inputs differ in memory format torch takes its scalar loop, f(s * (q - zp)), which
 *   parted from this on one pair of the 65,536 on 3 of 40 random grids; the int8 models' adds see
 *   channels-last tensors.)
 * - QNNPACK: fixed point. Multipliers m = round(s / s_out * 2^shift), the larger in [2^21, 2^22);
 *   acc = m_a (qa - zp_a) + m_b (qb - zp_b) in int32, shifted right rounding half away from zero,
 *   plus zp_out; add_relu clamps at zp_out. Grids its parameters are not made for are refused: a
 *   scale ratio under 2^-14 or from 2^8 (torch refuses them too) or a larger ratio under 2^-10 (its
 *   shift would pass 31, which QNNPACK's asserts exclude).
 */
export function addTable(
  engine: Int8Engine,
  a: Qparams,
  b: Qparams,
  out: Qparams,
  relu: boolean,
  lo: number,
  hi: number,
): Float32Array {
  const sum = engine === 'qnnpack' ? qnnpackAdd(a, b, out) : onednnAdd(a, b, out);
  const min = relu ? Math.max(lo, out.zeroPoint) : lo; // the ReLU at zero is the zero point on the grid
  const table = new Float32Array(256 * 256);
  for (let qa = 0; qa < 256; qa++) {
    for (let qb = 0; qb < 256; qb++)
      table[qa * 256 + qb] = Math.min(hi, Math.max(min, sum(qa, qb))) - out.zeroPoint;
  }
  return table;
}

const clamp8 = (q: number) => Math.min(255, Math.max(0, q));

function onednnAdd(a: Qparams, b: Qparams, out: Qparams): (qa: number, qb: number) => number {
  const [sa, sb] = [f(a.scale), f(b.scale)];
  const [pa, pb] = [f(sa * f(-a.zeroPoint)), f(sb * f(-b.zeroPoint))];
  const inv = f(1 / f(out.scale));
  // s * q + p is exact in double (both multiples of s's last bit, under 2^33 of them): one rounding, as fma
  return (qa, qb) => clamp8(roundHalfEven(f(f(f(sa * qa + pa) + f(sb * qb + pb)) * inv)) + out.zeroPoint);
}

function qnnpackAdd(a: Qparams, b: Qparams, out: Qparams): (qa: number, qb: number) => number {
  const [ra, rb] = [f(f(a.scale) / f(out.scale)), f(f(b.scale) / f(out.scale))];
  const exponent = exponentOf(Math.max(ra, rb));
  check(
    Math.min(ra, rb) >= 2 ** -14 && exponent < 8 && exponent >= -10,
    `QNNPACK cannot add on these grids: input over output scales ${ra} and ${rb} (each must be at least 2^-14, the larger from 2^-10 to under 2^8)`,
  );
  const shift = 21 - exponent;
  const [ma, mb] = [roundHalfEven(ra * 2 ** shift), roundHalfEven(rb * 2 ** shift)];
  const [unit, half] = [2 ** shift, 2 ** (shift - 1)];
  return (qa, qb) => {
    const acc = ma * (qa - a.zeroPoint) + mb * (qb - b.zeroPoint); // int32 in the kernel, exact here
    const floor = Math.floor(acc / unit);
    const rem = acc - floor * unit;
    return clamp8(floor + (rem > half || (rem === half && acc >= 0) ? 1 : 0) + out.zeroPoint);
  };
}

/** The binary exponent of a positive normal float32, read from its bits. */
function exponentOf(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x);
  return (v.getUint32(0) >>> 23) - 127;
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
