// Mixed-precision labels and which bits each layer and observer takes (the numbers are checked against
// PyTorch in ptq.test.ts, on golden_ptq.py's mixed runs).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, loadModelParts } from '../../../scripts/nodeTf';
import { SETTINGS } from '../experiment/settings';
import { canonicalMixed, parseMixed, resolveBits, withLayers } from './mixed';
import { readPlacement } from './ptq';

describe('mixed precision', () => {
  it('should write one canonical label for the same configuration, and refuse a bad one clearly', () => {
    expect(canonicalMixed('relu_9:w8a8, ends:w8a8,depthwise:w6a4')).toBe(
      'depthwise:w6a4;ends:w8a8;relu_9:w8a8',
    );
    expect(parseMixed('pointwise:w8a4').kinds).toEqual({ 'pointwise conv': { wBits: 8, aBits: 4 } });
    expect(() => parseMixed('depthwise:w9a8')).toThrow(/key:wXaY with X and Y from 2 to 8/);
    expect(() => parseMixed('depthwise:fp32')).toThrow(/is not valid/);
    expect(() => parseMixed('ends:w8a8,ends:w4a4')).toThrow(/names ends twice/);
    // the URL takes a valid label in canonical form and drops a bad one
    expect(SETTINGS.mixed.url.parse('ends:w8a8,depthwise:w8a8')).toBe('depthwise:w8a8;ends:w8a8');
    expect(SETTINGS.mixed.url.parse('depthwise:w1a8')).toBeUndefined();
    // layers picked in the page join what is set, replacing their own entries
    const eight = { wBits: 8, aBits: 8 };
    expect(withLayers('depthwise:w8a8;relu_2:w6a6', ['relu_2', 'fc'], eight)).toBe(
      'depthwise:w8a8;fc:w8a8;relu_2:w8a8',
    );
    expect(withLayers('', ['relu'], eight)).toBe('relu:w8a8');
  });

  it("should give each layer its node's, the ends' or its kind's bits, and a shared observer the most", async () => {
    const { parsed } = await loadModelParts(join(ROOT, 'public/models/retinamnist/shufflenetv2'));
    const placement = readPlacement(parsed);
    const events = placement.events.map(([node, observer]) => ({ node, observer }));
    const mixed = parseMixed('depthwise:w8a8,ends:w6a6,stages_0_branch2_0_2:w5a5');
    const got = resolveBits(parsed, { wBits: 4, aBits: 4 }, mixed, events, placement.observers);
    const weighted = parsed.doc.nodes.filter((n) => n.op === 'conv2d' || n.op === 'dense');
    expect(got.weights.get(weighted[0].name)).toBe(6); // the stem
    expect(got.weights.get(weighted.at(-1)!.name)).toBe(6); // the head
    expect(got.weights.get('stages_0_branch2_0_2')).toBe(5);
    for (const n of weighted.slice(1, -1)) {
      if (n.name === 'stages_0_branch2_0_2') continue;
      expect(got.weights.get(n.name), n.name).toBe(n.op === 'conv2d' && n.groups > 1 ? 8 : 4);
    }
    // every observer has the most bits among the nodes it quantizes (unweighted nodes: the run's 4)
    const bitsOf = (node: string) => (got.weights.has(node) ? got.weights.get(node)! : 4); // w = a here
    for (let o = 0; o < placement.observers; o++) {
      const at = events.filter((e) => e.observer === o).map((e) => bitsOf(e.node));
      expect(got.observers[o], `observer ${o}`).toBe(Math.max(...at));
    }
    expect(got.observers[0]).toBe(4); // the input
    expect(() => resolveBits(parsed, { wBits: 4, aBits: 4 }, parseMixed('nope:w8a8'), events, 1)).toThrow(
      /names nope, which is not a conv or dense layer/,
    );
  });
});
