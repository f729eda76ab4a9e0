// Observers and fake quant against torch.ao.quantization 1.13 (training/reference/golden_quant.py).
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../scripts/nodeTf';
import { fakeQuantTensor, fakeQuantWeights } from './fakeQuant';
import { torchSum } from './f32';
import { HistogramObserver } from './histogram';
import { MinMaxObserver, perChannelScales } from './minmax';

const FILE = new URL('../../../golden/out/observers.json', import.meta.url);
if (!existsSync(FILE))
  throw new Error(
    'golden/out/observers.json is missing: run /usr/bin/python3 training/reference/golden_quant.py',
  );
const golden = JSON.parse(readFileSync(FILE, 'utf8'));

interface ActCase {
  name: string;
  kind: 'histogram' | 'minmax';
  bits: number;
  dstBins: number;
  batches: number[][];
  scale: number;
  zeroPoint: number;
  min: number;
  max: number;
}

describe('activation observers give torch 1.13 qparams', () => {
  const cases = golden.activations as ActCase[];
  it('should cover random, heavy-tailed, constant, all-negative, nested and widening batches at 8 and 4 bits', () => {
    const names = new Set(cases.map((c) => c.name));
    for (const n of [
      'normal',
      'heavy_tailed',
      'constant',
      'all_negative',
      'nested_ranges',
      'widening_ranges',
    ])
      expect(names).toContain(n);
  });
  for (const c of cases) {
    it(`${c.kind} ${c.bits}-bit${c.dstBins !== 256 ? ` (${c.dstBins} search bins)` : ''}: ${c.name}`, () => {
      const opts = { quantMin: 0, quantMax: 2 ** c.bits - 1, dstBins: c.dstBins };
      const obs = c.kind === 'histogram' ? new HistogramObserver(opts) : new MinMaxObserver(opts);
      for (const b of c.batches) obs.observe(Float32Array.from(b));
      expect(obs.minVal).toBe(c.min);
      expect(obs.maxVal).toBe(c.max);
      const q = obs.qparams();
      expect(Math.abs(q.scale - c.scale) / c.scale).toBeLessThanOrEqual(1e-6);
      expect(q.zeroPoint).toBe(c.zeroPoint);
    });
  }
});

describe('per-channel symmetric weight quantization equals torch', () => {
  for (const c of golden.weights as {
    name: string;
    bits: number;
    shape: number[];
    values: number[];
    scales: number[];
    fakeQuant: number[];
  }[]) {
    it(`${c.name} at ${c.bits} bits`, () => {
      // torch's layout is (out, ...); ours has output channels last, so transpose
      const C = c.shape[0];
      const per = c.values.length / C;
      const ours = new Float32Array(c.values.length);
      for (let o = 0; o < C; o++) for (let i = 0; i < per; i++) ours[i * C + o] = c.values[o * per + i];
      const qmin = -(2 ** (c.bits - 1)),
        qmax = 2 ** (c.bits - 1) - 1;
      const scales = perChannelScales(ours, C, qmin, qmax);
      expect([...scales]).toEqual(c.scales.map(Math.fround));
      const fq = fakeQuantWeights(ours, scales, qmin, qmax);
      for (let o = 0; o < C; o++)
        for (let i = 0; i < per; i++) expect(fq[i * C + o]).toBe(Math.fround(c.fakeQuant[o * per + i]));
    });
  }
});

describe('per-tensor fake quant equals torch.fake_quantize_per_tensor_affine', () => {
  for (const c of golden.fakeQuant as {
    scale: number;
    zeroPoint: number;
    qmin: number;
    qmax: number;
    values: number[];
    out: number[];
  }[]) {
    it.each(['cpu', 'wasm', 'webgpu'] as const)(
      `scale ${c.scale}, zero point ${c.zeroPoint}, range 0..${c.qmax}, on %s`,
      async (backend) => {
        await useBackend(backend);
        const y = fakeQuantTensor(
          tf.tensor1d(c.values),
          { scale: Math.fround(c.scale), zeroPoint: c.zeroPoint },
          c.qmin,
          c.qmax,
        );
        // + 0 maps -0 to 0: the core may give -0 where torch's int64 q gives 0 (see fakeQuant.ts)
        expect([...(await y.data())].map((v) => v + 0)).toEqual(c.out.map(Math.fround));
        y.dispose();
      },
    );
  }
});

describe('torchSum', () => {
  it('should differ from a sequential float32 sum (the order matters) and equal the cascade order', () => {
    const x = Float32Array.from(
      { length: 2048 },
      (_, i) => (i % 7 === 0 ? 1e7 : 0.1) * (i % 2 ? 1 : -1.0001),
    );
    let seq = 0;
    for (const v of x) seq = Math.fround(seq + v);
    expect(torchSum(x)).not.toBe(seq);
  });
});
