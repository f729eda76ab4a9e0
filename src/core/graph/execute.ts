// The generic executor: builds tfjs ops from a parsed qcal graph. It knows nothing of the three
// architectures. Every node's output passes through an optional tap (the quantization engine
// inserts fake-quant there), and each output is freed after its last consumer has run.
import * as tf from '@tensorflow/tfjs-core';
import { assertNever } from '../errors';
import { channelConcat, channelSlice } from './channelOps';
import { type GraphDoc, type GraphNode, type ParsedGraph, type WeightRef, weightValues } from './format';

/** Sees (and may replace) each node's output; must return a tensor of the same shape. */
export type Tap = (node: GraphNode, output: tf.Tensor) => tf.Tensor;
/** Computes a node in place of the executor (the int8 emulation); `standard` is the executor's own op. */
export type Apply = (
  node: GraphNode,
  inputs: tf.Tensor[],
  standard: (inputs: tf.Tensor[]) => tf.Tensor,
) => tf.Tensor;

type ConvNode = Extract<GraphNode, { op: 'conv2d' }>;

/** A conv2d node's convolution of x with `filter` (its layout), plus bias and ReLU when given. */
export function convolve(
  n: ConvNode,
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | undefined,
  relu: boolean,
): tf.Tensor {
  const [t, b, l, r] = n.padding;
  // PyTorch's explicit padding, never 'same' (tfjs pads bottom/right only at stride 2). Equal on
  // all sides it goes into the conv as a number (sizes floor like PyTorch's), which saves a
  // padded copy; otherwise (only a hand-made graph has it) the input is padded first.
  const even = t === b && t === l && t === r;
  const xin = even
    ? x
    : tf.pad(x, [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ]);
  const args = {
    x: xin as tf.Tensor4D,
    strides: n.stride,
    pad: even ? t : 0,
    bias,
    activation: relu ? ('relu' as const) : ('linear' as const),
  };
  return n.groups === 1
    ? tf.fused.conv2d({ ...args, filter: filter as tf.Tensor4D })
    : tf.fused.depthwiseConv2d({ ...args, filter: filter as tf.Tensor4D });
}

export class GraphModel {
  readonly doc: GraphDoc;
  private readonly params = new Map<string, tf.Tensor>();
  /** For each node, the nodes after which its output is no longer needed. */
  private readonly lastUse = new Map<string, string[]>();

  constructor(parsed: ParsedGraph, weights: Float32Array) {
    this.doc = parsed.doc;
    const take = (ref: WeightRef) => tf.tensor(weightValues(weights, ref), ref.shape, 'float32');
    for (const n of this.doc.nodes) {
      if (n.op === 'conv2d' || n.op === 'dense') {
        this.params.set(`${n.name}/w`, take(n.weight));
        this.params.set(`${n.name}/b`, take(n.bias));
      }
    }
    const last = new Map<string, string>();
    for (const n of this.doc.nodes) for (const x of n.inputs) last.set(x, n.name);
    for (const [x, at] of last) {
      if (x === this.doc.output) continue;
      this.lastUse.set(at, [...(this.lastUse.get(at) ?? []), x]);
    }
  }

  /** Logits (N, classes) for a normalised NHWC batch (N, 32, 32, 3). The caller disposes the result. */
  run(x: tf.Tensor4D, tap?: Tap, apply?: Apply): tf.Tensor2D {
    const env = new Map<string, tf.Tensor>();
    try {
      for (const n of this.doc.nodes) {
        const y = tf.tidy(() => {
          const ins = n.inputs.map((i) => env.get(i)!);
          const out = apply ? apply(n, ins, (args) => this.apply(n, args, x)) : this.apply(n, ins, x);
          return tap ? tap(n, out) : out;
        });
        env.set(n.name, y);
        for (const dead of this.lastUse.get(n.name) ?? []) {
          if (env.get(dead) !== x) env.get(dead)?.dispose();
          env.delete(dead);
        }
      }
      const out = env.get(this.doc.output)! as tf.Tensor2D;
      env.delete(this.doc.output);
      return out;
    } finally {
      for (const t of env.values()) if (t !== x) t.dispose();
    }
  }

  private apply(n: GraphNode, ins: tf.Tensor[], x: tf.Tensor4D): tf.Tensor {
    const p = (k: 'w' | 'b') => this.params.get(`${n.name}/${k}`)!;
    switch (n.op) {
      case 'input':
        return x.clone();
      case 'conv2d':
        return convolve(n, ins[0], p('w'), p('b'), n.relu);
      case 'dense':
        return tf.fused.matMul({ a: ins[0] as tf.Tensor2D, b: p('w') as tf.Tensor2D, bias: p('b') });
      case 'relu':
        return tf.relu(ins[0]);
      case 'add':
        return tf.add(ins[0], ins[1]);
      case 'concat':
        return channelConcat(ins);
      case 'gap':
        return tf.mean(ins[0], [1, 2]);
      case 'slice':
        return channelSlice(ins[0], n.begin, n.size);
      case 'shuffle': {
        // PyTorch: view(B, g, C/g, H, W).transpose(1, 2): new channel i2 * g + i1 takes old i1 * C/g + i2
        const [B, H, W, C] = ins[0].shape;
        return tf.reshape(
          tf.transpose(tf.reshape(ins[0], [B, H, W, n.groups, C / n.groups]), [0, 1, 2, 4, 3]),
          [B, H, W, C],
        );
      }
      case 'permute':
        return tf.gather(ins[0], n.perm, 3);
      case 'maxpool':
        return tf.maxPool(ins[0] as tf.Tensor4D, n.size, n.stride, 'valid');
      default:
        return assertNever(n);
    }
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }
}
