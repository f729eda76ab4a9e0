// The float64 reference executor against the tfjs one: the same graph, the same values up to float32
// summation order, for every op of the format (random models of the three architectures, and a hand-made
// graph with the ops they lack: add, permute, a standalone ReLU, a depthwise multiplier of 2, uneven
// padding at stride 2).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ROOT, loadModelParts, useBackend } from '../../../scripts/nodeTf';
import { createRng } from '../util/random';
import { ExactGraph } from './exact';
import { GraphModel } from './execute';
import { type ParsedGraph, parseGraph } from './format';

/** A small graph of every op the shipped models lack, with seeded weights. */
function handGraph(): { parsed: ParsedGraph; weights: Float32Array } {
  const values: number[] = [];
  const rng = createRng(11);
  const take = (...shape: number[]) => {
    const offset = values.length * 4;
    for (let i = 0; i < shape.reduce((a, b) => a * b, 1); i++) values.push(rng() - 0.5);
    return { offset, shape };
  };
  const conv = (
    name: string,
    input: string,
    k: number,
    cin: number,
    cout: number,
    stride: number,
    padding: number[],
    groups = 1,
  ) => ({
    name,
    op: 'conv2d',
    inputs: [input],
    weight: take(k, k, cin, groups > 1 ? cout / cin : cout),
    bias: take(cout),
    stride: [stride, stride],
    padding,
    groups,
    relu: groups === 1,
  });
  const nodes = [
    { name: 'x', op: 'input', inputs: [] },
    conv('a', 'x', 3, 3, 4, 2, [0, 1, 1, 0]),
    { name: 'p', op: 'permute', inputs: ['a'], perm: [3, 1, 0, 2] },
    conv('b', 'a', 1, 4, 4, 1, [0, 0, 0, 0]),
    { name: 'sum', op: 'add', inputs: ['p', 'b'] },
    conv('dw', 'sum', 3, 4, 8, 1, [1, 1, 1, 1], 4),
    { name: 'r', op: 'relu', inputs: ['dw'] },
    { name: 'pool', op: 'gap', inputs: ['r'] },
    { name: 'logits', op: 'dense', inputs: ['pool'], weight: take(8, 3), bias: take(3) },
  ];
  const doc = {
    format: 'qcal-graph',
    version: 1,
    name: 'hand',
    arch: 'test',
    dataset: 'none',
    classes: ['a', 'b', 'c'],
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
  return { parsed: parseGraph(JSON.stringify(doc), values.length * 4), weights: Float32Array.from(values) };
}

async function compare({ parsed, weights }: { parsed: ParsedGraph; weights: Float32Array }): Promise<number> {
  await useBackend('cpu');
  const n = 3;
  const rng = createRng(5);
  const x = Float32Array.from({ length: n * 32 * 32 * 3 }, () => 2 * rng() - 1);
  const model = new GraphModel(parsed, weights);
  const t = tf.tensor4d(x, [n, 32, 32, 3]);
  const y = model.run(t);
  const want = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  model.dispose();
  const got = new ExactGraph(parsed, weights).run(x, n);
  expect(got.length).toBe(want.length);
  const scale = Math.max(...want.map(Math.abs));
  return Math.max(...got.map((v, i) => Math.abs(v - want[i]))) / scale;
}

for (const arch of ['shufflenetv2', 'ghostnet_vgg', 'mobileone_s0', 'residual']) {
  it(`should compute a random ${arch} as the tfjs executor does, up to float32 rounding`, async () => {
    expect(
      await compare(await loadModelParts(join(ROOT, 'golden/out/random-models', arch))),
    ).toBeLessThanOrEqual(1e-4);
  }, 120_000);
}

it('should compute add, permute, ReLU, a depthwise multiplier and uneven padding as the tfjs executor does', async () => {
  expect(await compare(handGraph())).toBeLessThanOrEqual(1e-5);
});
