// A second executor of the same graphs, in plain TypeScript: every node computed in float64 and its
// output rounded once to float32 (stored in a Float32Array), so each output is its exact value correctly
// rounded whatever order the sums run in. tfjs and torch sum convolutions in different float32 orders,
// and quantization turns those last bits into whole steps; this executor takes the order out, so the
// quantization on top of it can be checked against torch's bit for bit (training/reference/golden_exact.py runs
// torch the same way). Products of two float32 values are exact in float64 and the sums here have at
// most a few thousand terms, so float64 rounding moves a result only when it lies within ~1e-13 of a
// float32 rounding boundary. About 1 GFLOP/s: a checking tool, not the lab's engine.
import type { GraphNode, ParsedGraph, Shape } from './format';
import { weightValues } from './format';

/** Sees each node's output (N x shape, NHWC, float32) and may replace it with one of the same size. */
export type ExactTap = (node: GraphNode, y: Float32Array) => Float32Array;

type ConvNode = Extract<GraphNode, { op: 'conv2d' }>;

export class ExactGraph {
  private readonly params = new Map<string, { w: Float64Array; b: Float64Array }>();

  constructor(
    private readonly parsed: ParsedGraph,
    weights: Float32Array,
  ) {
    for (const n of parsed.doc.nodes) {
      if (n.op === 'conv2d' || n.op === 'dense') {
        this.params.set(n.name, {
          w: Float64Array.from(weightValues(weights, n.weight)),
          b: Float64Array.from(weightValues(weights, n.bias)),
        });
      }
    }
  }

  /** The output node's values for a batch of n inputs x (NHWC). */
  run(x: Float32Array, n: number, tap?: ExactTap): Float32Array {
    const { doc, shapes } = this.parsed;
    const env = new Map<string, Float32Array>();
    for (const node of doc.nodes) {
      const ins = node.inputs.map((i) => env.get(i)!);
      const inShapes = node.inputs.map((i) => shapes.get(i)!);
      const shape = shapes.get(node.name)!;
      let y = this.apply(node, ins, inShapes, shape, node.op === 'input' ? x : undefined, n);
      if (tap) y = tap(node, y);
      env.set(node.name, y);
    }
    return env.get(doc.output)!;
  }

  private apply(
    node: GraphNode,
    ins: Float32Array[],
    inShapes: Shape[],
    shape: Shape,
    x: Float32Array | undefined,
    n: number,
  ): Float32Array {
    switch (node.op) {
      case 'input':
        return Float32Array.from(x!);
      case 'conv2d':
        return conv(node, ins[0], n, inShapes[0], shape, this.params.get(node.name)!);
      case 'dense': {
        const { w, b } = this.params.get(node.name)!;
        const [I, O] = [inShapes[0][0], shape[0]];
        return perRow(n, O, (r, acc) => {
          acc.set(b);
          for (let i = 0; i < I; i++) {
            const v = ins[0][r * I + i];
            for (let o = 0; o < O; o++) acc[o] += v * w[i * O + o];
          }
        });
      }
      case 'relu':
        return ins[0].map((v) => (v > 0 ? v : 0));
      case 'add':
        return ins[0].map((v, i) => v + ins[1][i]);
      case 'gap': {
        const [H, W, C] = inShapes[0];
        return perRow(n, C, (r, acc) => {
          for (let p = 0; p < H * W; p++)
            for (let c = 0; c < C; c++) acc[c] += ins[0][(r * H * W + p) * C + c];
          for (let c = 0; c < C; c++) acc[c] /= H * W;
        });
      }
      case 'maxpool': {
        const [H, W, C] = inShapes[0];
        const [Ho, Wo] = shape;
        const out = new Float32Array(n * Ho * Wo * C).fill(-Infinity);
        for (let r = 0; r < n; r++) {
          for (let oy = 0; oy < Ho; oy++) {
            for (let ox = 0; ox < Wo; ox++) {
              const o = ((r * Ho + oy) * Wo + ox) * C;
              for (let ky = 0; ky < node.size[0]; ky++) {
                for (let kx = 0; kx < node.size[1]; kx++) {
                  const i = ((r * H + oy * node.stride[0] + ky) * W + ox * node.stride[1] + kx) * C;
                  for (let c = 0; c < C; c++) out[o + c] = Math.max(out[o + c], ins[0][i + c]);
                }
              }
            }
          }
        }
        return out;
      }
      case 'concat': {
        const C = shape[2];
        const pixels = n * shape[0] * shape[1];
        const out = new Float32Array(pixels * C);
        let at = 0;
        ins.forEach((t, k) => {
          const Ck = inShapes[k][2];
          for (let p = 0; p < pixels; p++) out.set(t.subarray(p * Ck, (p + 1) * Ck), p * C + at);
          at += Ck;
        });
        return out;
      }
      case 'slice':
        return gather(
          ins[0],
          inShapes[0][2],
          Array.from({ length: node.size }, (_, c) => node.begin + c),
        );
      case 'shuffle': {
        // torch: reshape (groups, C / groups), transpose: output channel j * groups + g is input g * (C / groups) + j
        const C = shape[2];
        const per = C / node.groups;
        return gather(
          ins[0],
          C,
          Array.from({ length: C }, (_, c) => (c % node.groups) * per + Math.floor(c / node.groups)),
        );
      }
      case 'permute':
        return gather(ins[0], shape[2], node.perm);
    }
  }
}

/** n rows of `width` values, each computed in a float64 accumulator and rounded to float32. */
function perRow(n: number, width: number, fill: (row: number, acc: Float64Array) => void): Float32Array {
  const out = new Float32Array(n * width);
  const acc = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    fill(r, acc);
    out.set(acc, r * width);
  }
  return out;
}

/** Output channel c of every pixel is input channel from[c]. */
function gather(x: Float32Array, C: number, from: number[]): Float32Array {
  const Co = from.length;
  const pixels = x.length / C;
  const out = new Float32Array(pixels * Co);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < Co; c++) out[p * Co + c] = x[p * C + from[c]];
  return out;
}

/** conv2d with torch's explicit padding, groups 1 (weights [kh, kw, C, Co]) or depthwise ([kh, kw, C, m],
 * output channel c * m + j), fused ReLU. */
function conv(
  node: ConvNode,
  x: Float32Array,
  n: number,
  [H, W, C]: Shape,
  [Ho, Wo, Co]: Shape,
  { w, b }: { w: Float64Array; b: Float64Array },
): Float32Array {
  const [kh, kw] = node.weight.shape;
  const [sh, sw] = node.stride;
  const [pt, , pl] = node.padding;
  const m = node.groups > 1 ? Co / C : 0;
  return perRow(n * Ho * Wo, Co, (row, acc) => {
    const r = Math.floor(row / (Ho * Wo));
    const oy = Math.floor(row / Wo) % Ho;
    const ox = row % Wo;
    acc.set(b);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky;
      if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - pl + kx;
        if (ix < 0 || ix >= W) continue;
        const xi = ((r * H + iy) * W + ix) * C;
        const wi = (ky * kw + kx) * C * (m || Co);
        if (m) {
          for (let c = 0; c < C; c++) {
            const v = x[xi + c];
            for (let j = 0; j < m; j++) acc[c * m + j] += v * w[wi + c * m + j];
          }
        } else {
          for (let c = 0; c < C; c++) {
            const v = x[xi + c];
            if (v === 0) continue; // after a ReLU most inputs are 0
            const wc = wi + c * Co;
            for (let o = 0; o < Co; o++) acc[o] += v * w[wc + o];
          }
        }
      }
    }
    if (node.relu) for (let o = 0; o < Co; o++) acc[o] = Math.max(acc[o], 0);
  });
}
