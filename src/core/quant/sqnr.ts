// How much noise each quantized tensor adds, as torch's numeric suite measures it (compute_sqnr in
// torch.ao.ns.fx.utils: 20 log10(||x|| / ||x - y||), over all the images at once), in network order:
// - each activation fake quant, locally (that fake quant alone, on the FP32 model's tensor) and
//   cumulatively (the quantized model's tensor after it, weights and every earlier fake quant included,
//   against the FP32 model's);
// - each conv and dense layer's weights on their per-channel grid, against the float ones.
// Powers are summed in float64 over the batches; Infinity where the two are equal.
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../errors';
import { type GraphNode, type ParsedGraph, weightValues } from '../graph/format';
import { fakeQuantTensor } from './fakeQuant';
import type { ActivationObservers, PtqModel } from './ptq';

/** What a tensor's layer is, for telling architectures' parts apart (a conv's output, or its weights). */
export type LayerKind = 'depthwise conv' | 'pointwise conv' | 'full conv' | 'dense' | 'other';

export function layerKind(node: GraphNode): LayerKind {
  if (node.op === 'dense') return 'dense';
  if (node.op !== 'conv2d') return 'other';
  if (node.groups > 1) return 'depthwise conv';
  return node.weight.shape[0] === 1 && node.weight.shape[1] === 1 ? 'pointwise conv' : 'full conv';
}

export interface ActivationSqnr {
  node: string;
  kind: LayerKind;
  observer: number;
  /** One image's shape (NHWC without N, or [features]). */
  shape: number[];
  local: number;
  cumulative: number;
}

export interface WeightSqnr {
  node: string;
  kind: LayerKind;
  shape: number[];
  sqnr: number;
}

/** Signal and noise power of one tensor, summed over batches. */
class Power {
  private signal = 0;
  private noise = 0;

  add(x: ArrayLike<number>, y: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      this.signal += x[i] * x[i];
      this.noise += d * d;
    }
  }

  get db(): number {
    return 10 * Math.log10(this.signal / this.noise);
  }
}

/** Per-tensor SQNR of a calibrated (or given-qparams) model over the batches (NHWC model input). */
export async function tensorSqnr(
  parsed: ParsedGraph,
  weights: Float32Array,
  model: PtqModel,
  batches: tf.Tensor4D[],
): Promise<{ activations: ActivationSqnr[]; weights: WeightSqnr[] }> {
  const act = model.act;
  check(batches.length > 0, 'SQNR needs at least one batch of images');
  act?.freeze(); // refuses an uncalibrated model
  const activations = act ? await activationSqnr(model, act, parsed, batches) : [];
  const wBits = model.config.wBits;
  if (wBits === null) return { activations, weights: [] };
  const quantized = model.quantizedWeights();
  const layers: WeightSqnr[] = [];
  for (const node of parsed.doc.nodes) {
    if (node.op !== 'conv2d' && node.op !== 'dense') continue;
    const p = new Power();
    p.add(weightValues(weights, node.weight), weightValues(quantized, node.weight));
    layers.push({
      node: node.name,
      kind: layerKind(node),
      shape: node.weight.shape,
      sqnr: p.db,
    });
  }
  return { activations, weights: layers };
}

async function activationSqnr(
  model: PtqModel,
  act: ActivationObservers,
  parsed: ParsedGraph,
  batches: tf.Tensor4D[],
): Promise<ActivationSqnr[]> {
  const nodes = new Map(parsed.doc.nodes.map((n) => [n.name, n]));
  const events = act.events.map((e) => ({ ...e, node: nodes.get(e.node)! }));
  const local = events.map(() => new Power());
  const cumulative = events.map(() => new Power());
  const shapes = new Map<string, number[]>();
  for (const x of batches) {
    // the FP32 tensors (each fake-quantized alone below), and the quantized model's after each fake quant
    const fp = new Map(model.observedTensors(x).map(([node, t]) => [node.name, t]));
    const q = new Map<string, tf.Tensor[]>();
    model
      .run(x, (node, k, y) => {
        if (k === 0) q.set(node.name, []);
        q.get(node.name)!.push(tf.keep(y.clone()));
      })
      .dispose();
    try {
      for (const [i, { node, k }] of events.entries()) {
        const x32 = fp.get(node.name)!;
        shapes.set(node.name, x32.shape.slice(1));
        const { qp, quantMin, quantMax } = act.fakeQuantsAt(node.name)[k];
        const alone = tf.tidy(() => fakeQuantTensor(x32, qp, quantMin, quantMax));
        const [a, b, c] = await Promise.all([x32.data(), alone.data(), q.get(node.name)![k].data()]);
        alone.dispose();
        local[i].add(a, b);
        cumulative[i].add(a, c);
      }
    } finally {
      tf.dispose([...fp.values(), ...[...q.values()].flat()]);
    }
  }
  return events.map(({ node, observer }, i) => ({
    node: node.name,
    kind: layerKind(node),
    observer,
    shape: shapes.get(node.name)!,
    local: local[i].db,
    cumulative: cumulative[i].db,
  }));
}
