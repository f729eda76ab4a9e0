// The executor's convolutions against a direct loop, for the paddings a hand-made graph may hold:
// equal on all sides (passed to the conv) at strides 1 and 2, and unequal (padded first).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { GraphModel } from './execute';
import { createRng } from '../util/random';
import { parseGraph, weightValues } from './format';

type Pad = [number, number, number, number];
interface ConvSpec {
  name: string;
  input: string;
  k: number;
  cin: number;
  cout: number;
  stride: number;
  padding: Pad;
  depthwise?: boolean;
}

const CONVS: ConvSpec[] = [
  { name: 'same1', input: 'x', k: 3, cin: 3, cout: 4, stride: 1, padding: [1, 1, 1, 1] },
  { name: 'same2', input: 'same1', k: 3, cin: 4, cout: 4, stride: 2, padding: [1, 1, 1, 1] },
  {
    name: 'uneven_dw',
    input: 'same2',
    k: 3,
    cin: 4,
    cout: 4,
    stride: 2,
    padding: [0, 1, 1, 0],
    depthwise: true,
  },
  { name: 'uneven', input: 'uneven_dw', k: 3, cin: 4, cout: 5, stride: 1, padding: [2, 0, 1, 2] },
];

/** A graph of CONVS, then global pooling and a dense layer, with seeded weights. */
function buildGraph(): { json: string; weights: Float32Array } {
  const values: number[] = [];
  const rng = createRng(7);
  const take = (shape: number[]) => {
    const offset = values.length * 4;
    for (let i = 0; i < shape.reduce((a, b) => a * b, 1); i++) values.push(rng() - 0.5);
    return { offset, shape };
  };
  const nodes: object[] = [{ name: 'x', op: 'input', inputs: [] }];
  for (const c of CONVS) {
    nodes.push({
      name: c.name,
      op: 'conv2d',
      inputs: [c.input],
      weight: take([c.k, c.k, c.cin, c.depthwise ? 1 : c.cout]),
      bias: take([c.cout]),
      stride: [c.stride, c.stride],
      padding: c.padding,
      groups: c.depthwise ? c.cin : 1,
      relu: false,
    });
  }
  nodes.push(
    { name: 'pool', op: 'gap', inputs: ['uneven'] },
    { name: 'logits', op: 'dense', inputs: ['pool'], weight: take([5, 2]), bias: take([2]) },
  );
  const doc = {
    format: 'qcal-graph',
    version: 1,
    name: 'paddings',
    arch: 'test',
    dataset: 'none',
    classes: ['a', 'b'],
    input: {
      height: 32,
      width: 32,
      channels: 3,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      image: { height: 32, width: 32, channels: 3 },
    },
    weights: { file: 'weights.bin', bytes: values.length * 4, sha256: '0'.repeat(64) },
    nodes,
    output: 'logits',
  };
  return { json: JSON.stringify(doc), weights: Float32Array.from(values) };
}

/** PyTorch's conv2d (zero padding top, bottom, left, right) on NHWC arrays, in doubles. */
function directConv(
  x: Float32Array,
  [N, H, W, C]: number[],
  w: Float32Array,
  b: Float32Array,
  c: ConvSpec,
): { y: Float64Array; shape: number[] } {
  const [t, bo, l, r] = c.padding;
  const Ho = Math.floor((H + t + bo - c.k) / c.stride) + 1;
  const Wo = Math.floor((W + l + r - c.k) / c.stride) + 1;
  const y = new Float64Array(N * Ho * Wo * c.cout);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let o = 0; o < c.cout; o++) {
          let s = b[o];
          for (let di = 0; di < c.k; di++)
            for (let dj = 0; dj < c.k; dj++) {
              const hi = i * c.stride + di - t;
              const wj = j * c.stride + dj - l;
              if (hi < 0 || hi >= H || wj < 0 || wj >= W) continue;
              const at = ((n * H + hi) * W + wj) * C;
              if (c.depthwise) s += x[at + o] * w[(di * c.k + dj) * C + o];
              else
                for (let ci = 0; ci < C; ci++) s += x[at + ci] * w[((di * c.k + dj) * C + ci) * c.cout + o];
            }
          y[((n * Ho + i) * Wo + j) * c.cout + o] = s;
        }
  return { y, shape: [N, Ho, Wo, c.cout] };
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`executor convolutions on ${backend}`, () => {
    it('should equal a direct convolution with PyTorch padding, equal or not on all sides, at strides 1 and 2', async () => {
      await useBackend(backend);
      const { json, weights } = buildGraph();
      const parsed = parseGraph(json, weights.length * 4);
      const model = new GraphModel(parsed, weights);
      const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const outs = new Map<string, { values: Float32Array; shape: number[] }>([
        ['x', { values: x.dataSync() as Float32Array, shape: x.shape }],
      ]);
      const logits = model.run(x, (node, y) => {
        outs.set(node.name, { values: y.dataSync() as Float32Array, shape: y.shape });
        return y;
      });
      for (const c of CONVS) {
        const n = parsed.doc.nodes.find((d) => d.name === c.name)!;
        if (n.op !== 'conv2d') throw new Error('not a conv');
        const input = outs.get(c.input)!;
        const want = directConv(
          input.values,
          input.shape,
          weightValues(weights, n.weight),
          weightValues(weights, n.bias),
          c,
        );
        const got = outs.get(c.name)!;
        expect(got.shape, c.name).toEqual(want.shape);
        expect(parsed.shapes.get(c.name), c.name).toEqual(want.shape.slice(1));
        const err = Math.max(...got.values.map((v, i) => Math.abs(v - want.y[i])));
        expect(err, c.name).toBeLessThan(1e-5);
      }
      tf.dispose([x, logits]);
      model.dispose();
    });
  });
}
