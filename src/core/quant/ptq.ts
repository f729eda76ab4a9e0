// Post-training quantization of any exported graph, as PyTorch's FX PTQ does it for the same model:
// - placement: model.json's `quant.events`, recorded from torch's prepare_fx at export
//   (training/export.py:record_placement): the network input, each conv output after its fused
//   ReLU, each slice or concat that torch observes, pooling outputs that share their input's
//   observer, and the logits. Events with the same observer index share one observer, as torch
//   shares one instance between a concat's inputs and output;
// - calibration: FP32 forward passes, each event's tensor fed to its observer in torch's call order;
// - inference: weights fake-quantized per output channel (symmetric), then every event's tensor
//   fake-quantized with its observer's qparams.
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../errors';
import { GraphModel } from '../graph/execute';
import { type GraphNode, type ParsedGraph, weightValues } from '../graph/format';
import { dequantizeWeights, fakeQuantTensor, weightIntegers } from './fakeQuant';
import { HistogramObserver } from './histogram';
import { MinMaxObserver, perChannelScales } from './minmax';
import { type MixedBits, resolveBits } from './mixed';
import { type Clamp, clampRange, type Qparams, quantRange } from './qparams';

export type ObserverKind = 'histogram' | 'histogram-bitmatched' | 'minmax';

export interface PtqConfig {
  /** Weight bits (2..8) or null for float weights. */
  wBits: number | null;
  /** Activation bits (2..8) or null for float activations. */
  aBits: number | null;
  observer: ObserverKind;
  /** Where integers are clamped below 8 bits (default 'bits'): see Clamp. */
  clamp?: Clamp;
  /** Bits per kind of layer or per layer over wBits/aBits (mixed.ts); needs both quantized. */
  mixed?: MixedBits;
}

export interface Placement {
  observers: number;
  events: [node: string, observer: number][];
}

/** The recorded placement of a model, validated against its nodes. */
export function readPlacement(parsed: ParsedGraph): Placement {
  const q = parsed.doc.quant as Placement | undefined;
  check(
    q && Number.isInteger(q.observers) && Array.isArray(q.events) && q.events.length > 0,
    `model ${parsed.doc.name} has no quantization placement (quant.events); re-export it with training/export.py`,
  );
  const order = new Map(parsed.doc.nodes.map((n, i) => [n.name, i]));
  let last = 0;
  for (const [node, obs] of q.events) {
    check(order.has(node), `quant event names unknown node ${node}`);
    check(
      Number.isInteger(obs) && obs >= 0 && obs < q.observers,
      `quant event observer ${obs} outside 0..${q.observers - 1}`,
    );
    check(order.get(node)! >= last, `quant events are not in execution order at ${node}`);
    last = order.get(node)!;
  }
  return q;
}

type WeightedNode = Extract<GraphNode, { op: 'conv2d' | 'dense' }>;

/** A conv or dense node's weight on its per-output-channel symmetric grid: integers and scales. */
export interface WeightGrid {
  node: WeightedNode;
  q: Float32Array;
  scales: Float32Array;
}

/** Every conv and dense weight of the graph on its grid, in node order: scales from the b-bit range (one b,
 * or each layer's by node name), integers clamped as `clamp` says. */
export function weightGrids(
  parsed: ParsedGraph,
  weights: Float32Array,
  bits: number | ReadonlyMap<string, number>,
  clamp: Clamp = 'bits',
): WeightGrid[] {
  const grids: WeightGrid[] = [];
  for (const node of parsed.doc.nodes) {
    if (node.op !== 'conv2d' && node.op !== 'dense') continue;
    const b = typeof bits === 'number' ? bits : bits.get(node.name)!;
    const { quantMin, quantMax } = quantRange(b, true);
    const ends = clampRange(b, true, clamp);
    const w = weightValues(weights, node.weight);
    // output channels are the last axis, or the last two for depthwise [H, W, in, multiplier]
    const channels =
      node.op === 'conv2d' && node.groups > 1
        ? node.weight.shape[2] * node.weight.shape[3]
        : node.weight.shape[node.weight.shape.length - 1];
    const scales = perChannelScales(w, channels, quantMin, quantMax);
    grids.push({ node, q: weightIntegers(w, scales, ends.quantMin, ends.quantMax), scales });
  }
  return grids;
}

/** A copy of the weights with every conv and dense kernel fake-quantized per output channel (from
 * `grids` when the caller has them already). */
export function quantizeWeights(
  parsed: ParsedGraph,
  weights: Float32Array,
  bits: number | ReadonlyMap<string, number>,
  clamp: Clamp = 'bits',
  grids = weightGrids(parsed, weights, bits, clamp),
): Float32Array {
  const out = weights.slice();
  for (const { node, q, scales } of grids) out.set(dequantizeWeights(q, scales), node.weight.offset / 4);
  return out;
}

/** One activation fake quant of a graph: its node, its place among that node's fake quants, its observer. */
export interface FakeQuantEvent {
  node: string;
  k: number;
  observer: number;
}

/** Which of a model's tensors a quantized run quantizes where not all (one-at-a-time runs, per-layer
 * sensitivity): each layer's weights by node name, each activation fake quant by its place in network order
 * (ActivationObservers.events). The others stay float. */
export interface TensorMask {
  weights(node: string): boolean;
  activation(event: number): boolean;
}

/**
 * The activation side of PTQ for one graph: each observed node's observers in torch's call order (a
 * shared index is one instance), and their qparams once calibration ends. Executors feed it the float
 * tensors they compute; PtqModel runs on tfjs, ExactPtq on the float64 reference executor.
 */
export class ActivationObservers {
  private readonly byNode = new Map<string, number[]>();
  /** Every fake quant in network order (placement order: readPlacement checks it). */
  readonly events: readonly FakeQuantEvent[];
  /** Each observed node's first event in `events`. */
  private readonly firstEvent = new Map<string, number>();
  private readonly observers: (HistogramObserver | MinMaxObserver)[] = [];
  /** Each observer's fake quants clamp to its own range, or the 8-bit one (Clamp 'dtype'). */
  private readonly clamps: { quantMin: number; quantMax: number }[] = [];
  private qparams?: Qparams[];
  batchesObserved = 0;

  /** `aBits`: one width for every observer, or each observer's (mixed precision). */
  constructor(
    parsed: ParsedGraph,
    aBits: number | readonly number[],
    kind: ObserverKind,
    readonly clamp: Clamp = 'bits',
  ) {
    const placement = readPlacement(parsed);
    this.events = placement.events.map(([node, observer], i) => {
      const seen = this.byNode.get(node) ?? [];
      if (!seen.length) this.firstEvent.set(node, i);
      this.byNode.set(node, [...seen, observer]);
      return { node, k: seen.length, observer };
    });
    check(
      typeof aBits === 'number' || aBits.length === placement.observers,
      () =>
        `expected activation bits for ${placement.observers} observers, got ${(aBits as number[]).length}`,
    );
    for (let i = 0; i < placement.observers; i++) {
      const bits = typeof aBits === 'number' ? aBits : aBits[i];
      const range = quantRange(bits, false); // the observer's: scales and zero points come from it
      this.clamps.push(clampRange(bits, false, clamp));
      this.observers.push(
        kind === 'minmax'
          ? new MinMaxObserver(range)
          : new HistogramObserver({ ...range, dstBins: kind === 'histogram-bitmatched' ? 2 ** bits : 256 }),
      );
    }
  }

  /** Whether torch observes this node's output. */
  observes(node: string): boolean {
    return this.byNode.has(node);
  }

  /** Refuses once the qparams are fixed. */
  checkCalibrating(): void {
    check(!this.qparams, 'calibration is over: qparams are already fixed');
  }

  /** One node's output of a calibration pass, fed to its observers in order. */
  observe(node: string, data: Float32Array): void {
    this.checkCalibrating();
    for (const obs of this.byNode.get(node) ?? []) this.observers[obs].observe(data);
  }

  /** Ends calibration: computes every observer's qparams. */
  freeze(): Qparams[] {
    if (!this.qparams) {
      check(this.batchesObserved > 0, 'cannot quantize activations: the calibration set is empty');
      this.qparams = this.observers.map((o) => o.qparams());
    }
    return this.qparams;
  }

  /** Fixes qparams from elsewhere (another calibration, PyTorch's) instead of calibrating. */
  useQparams(qparams: Qparams[]): void {
    check(
      qparams.length === this.observers.length,
      `expected qparams for ${this.observers.length} observers, got ${qparams.length}`,
    );
    this.qparams = qparams.map((q) => ({ ...q }));
  }

  /** The observers of a node's output, in order (none where torch does not observe). */
  observersAt(node: string): readonly number[] {
    return this.byNode.get(node) ?? [];
  }

  /** The fake quants a node's output gets at inference, in order (none where torch does not observe). */
  at(node: string): Qparams[] {
    const qp = this.freeze();
    return this.observersAt(node).map((obs) => qp[obs]);
  }

  /** The fake quants of a node's output with where each clamps, in order (none where torch does not observe). */
  fakeQuantsAt(node: string): { qp: Qparams; quantMin: number; quantMax: number }[] {
    const qp = this.freeze();
    return this.observersAt(node).map((obs) => ({ qp: qp[obs], ...this.clamps[obs] }));
  }

  /** The place in `events` of a node's k-th fake quant. */
  eventIndex(node: string, k: number): number {
    return this.firstEvent.get(node)! + k;
  }
}

/** A graph's forward pass with every observed output fake-quantized (those `mask` keeps, if given). */
function fakeQuantForward(
  graph: GraphModel,
  act: ActivationObservers,
  x: tf.Tensor4D,
  mask?: TensorMask,
  onFakeQuant?: (node: GraphNode, k: number, y: tf.Tensor) => void,
): tf.Tensor2D {
  act.freeze();
  return graph.run(x, (node, out) =>
    act.fakeQuantsAt(node.name).reduce((y, { qp, quantMin, quantMax }, k) => {
      if (mask && !mask.activation(act.eventIndex(node.name, k))) return y;
      const z = fakeQuantTensor(y, qp, quantMin, quantMax);
      onFakeQuant?.(node, k, z);
      return z;
    }, out),
  );
}

/** A model to run and dispose (a masked PtqModel). */
export interface Runnable {
  run(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export class PtqModel {
  readonly fp: GraphModel;
  private readonly q: GraphModel;
  /** The activation observers (none where activations stay float). */
  readonly act?: ActivationObservers;
  /** The weights on their grids (none for float weights), kept for masked models. */
  private readonly grids: WeightGrid[];

  constructor(
    private readonly parsed: ParsedGraph,
    private readonly weights: Float32Array,
    readonly config: PtqConfig,
  ) {
    // everything that can refuse the config first: a refused config holds no tensors
    const { wBits, aBits, mixed } = config;
    let bits: { weights: ReadonlyMap<string, number>; observers: readonly number[] } | undefined;
    if (mixed) {
      check(
        wBits !== null && aBits !== null,
        'mixed precision needs quantized weights and activations (W and A bits)',
      );
      const placement = readPlacement(parsed);
      const events = placement.events.map(([node, observer]) => ({ node, observer }));
      bits = resolveBits(parsed, { wBits, aBits }, mixed, events, placement.observers);
    }
    this.grids = wBits === null ? [] : weightGrids(parsed, weights, bits?.weights ?? wBits, config.clamp);
    if (aBits !== null)
      this.act = new ActivationObservers(parsed, bits?.observers ?? aBits, config.observer, config.clamp);
    this.fp = new GraphModel(parsed, weights);
    this.q =
      wBits === null
        ? this.fp
        : new GraphModel(parsed, quantizeWeights(parsed, weights, wBits, config.clamp, this.grids));
  }

  get needsCalibration(): boolean {
    return this.act !== undefined;
  }

  get batchesObserved(): number {
    return this.act?.batchesObserved ?? 0;
  }

  /** One FP32 forward pass's tensors that torch observes, in network order; the caller disposes them. */
  observedTensors(x: tf.Tensor4D): [GraphNode, tf.Tensor][] {
    const act = this.act;
    check(act, 'this precision has float activations: nothing is observed');
    const seen: [GraphNode, tf.Tensor][] = [];
    this.fp
      .run(x, (node, out) => {
        if (act.observes(node.name)) seen.push([node, tf.keep(out.clone())]);
        return out;
      })
      .dispose();
    return seen;
  }

  /** One calibration batch: an FP32 forward pass whose observed tensors go to their observers, in order. */
  async observe(x: tf.Tensor4D): Promise<void> {
    const act = this.act;
    check(act, 'this precision has float activations: there is nothing to calibrate');
    act.checkCalibrating();
    const seen = this.observedTensors(x);
    try {
      for (const [node, t] of seen) act.observe(node.name, (await t.data()) as Float32Array);
    } finally {
      for (const [, t] of seen) t.dispose();
    }
    act.batchesObserved++;
  }

  /** Ends calibration: computes every observer's qparams (none for float activations). */
  freeze(): Qparams[] {
    return this.act?.freeze() ?? [];
  }

  /** Fixes qparams from elsewhere (another calibration, PyTorch's) instead of calibrating. */
  useQparams(qparams: Qparams[]): void {
    check(this.act, 'this precision has float activations: it takes no qparams');
    this.act.useQparams(qparams);
  }

  /**
   * Fake-quant logits (N, classes). The caller disposes them. `onFakeQuant` hears each activation fake
   * quant's output: its node, its place among that node's fake quants, and the tensor (kept only if kept).
   */
  run(x: tf.Tensor4D, onFakeQuant?: (node: GraphNode, k: number, y: tf.Tensor) => void): tf.Tensor2D {
    return this.act ? fakeQuantForward(this.q, this.act, x, undefined, onFakeQuant) : this.q.run(x);
  }

  /** The weights file with every conv and dense kernel on its grid, at each layer's bits. */
  quantizedWeights(): Float32Array {
    return quantizeWeights(this.parsed, this.weights, this.config.wBits ?? 8, this.config.clamp, this.grids);
  }

  /** The same calibrated model with only the tensors `mask` keeps quantized: a model of its own (its weights
   * on the backend), which the caller disposes. */
  masked(mask: TensorMask): Runnable {
    const { parsed, weights, config, act } = this;
    act?.freeze(); // refuses an uncalibrated model
    const grids = this.grids.filter((g) => mask.weights(g.node.name));
    const graph = new GraphModel(
      parsed,
      grids.length ? quantizeWeights(parsed, weights, config.wBits!, config.clamp, grids) : weights,
    );
    return {
      run: (x) => (act ? fakeQuantForward(graph, act, x, mask) : graph.run(x)),
      dispose: () => graph.dispose(),
    };
  }

  dispose(): void {
    this.fp.dispose();
    if (this.q !== this.fp) this.q.dispose();
  }
}
