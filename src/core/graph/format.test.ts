// A malformed model is refused, with a message saying what is wrong, before any tensor exists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/nodeTf';
import { type GraphDoc, parseGraph, parseWeights } from './format';

const dir = join(ROOT, 'golden/out/random-models/mobileone_s0');
const json = readFileSync(join(dir, 'model.json'), 'utf8');
const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
const doc = () => JSON.parse(json) as GraphDoc & { nodes: Record<string, unknown>[] };
const parse = (d: object, bytes = weights.length) => parseGraph(JSON.stringify(d), bytes);

describe('parseGraph', () => {
  it('should accept the exported model and infer every node shape', () => {
    const { shapes, doc: d } = parseGraph(json, weights.length);
    expect(shapes.get(d.output)).toEqual([7]);
    expect(shapes.get(d.nodes[1].name)).toEqual([32, 32, 48]);
  });
  it('should refuse an unknown op, listing the valid ones', () => {
    const d = doc();
    (d.nodes[3] as { op: string }).op = 'softplus';
    expect(() => parse(d)).toThrow(/unknown op "softplus"; valid ops: input, conv2d/);
  });
  it('should refuse a weight of the wrong shape', () => {
    const d = doc();
    (d.nodes[1].weight as { shape: number[] }).shape = [3, 3, 3, 40];
    expect(() => parse(d)).toThrow(/bias: weight shape \[48\] does not fit; expected \[40\]/);
  });
  it('should refuse a weights file of the wrong size', () => {
    expect(() => parseGraph(json, weights.length - 4)).toThrow(/truncated or wrong file/);
  });
  it('should refuse an input used before it is defined', () => {
    const d = doc();
    d.nodes[2].inputs = ['nowhere'];
    expect(() => parse(d)).toThrow(/input nowhere is not defined before it/);
  });
  it('should refuse an output that is not one logit per class', () => {
    const d = doc();
    d.classes = ['a', 'b'];
    expect(() => parse(d)).toThrow(/one logit per class \(2\)/);
  });
  it('should refuse weights past the end of the file, and bad JSON or format', () => {
    const d = doc();
    (d.nodes[1].weight as { offset: number }).offset = weights.length;
    expect(() => parse(d)).toThrow(/past the end/);
    expect(() => parseGraph('{"nodes": [', 10)).toThrow(/not valid JSON/);
    expect(() => parse({ ...doc(), format: 'onnx' })).toThrow(/not a qcal-graph model/);
  });
  it('should refuse weights whose hash does not match', async () => {
    const { doc: d } = parseGraph(json, weights.length);
    const bad = weights.slice();
    bad[100] ^= 0xff;
    await expect(parseWeights(d, bad)).rejects.toThrow(/sha256 .* does not match/);
    await expect(parseWeights(d, weights)).resolves.toHaveLength(weights.length / 4);
  });
});
