// The int8 emulation against PyTorch's int8 model on oneDNN and on QNNPACK (training/reference/golden_int8.py):
// same qparams, same test images. The agreement floors (INT8_FLOORS) are top-1 agreement of at least 99.5% at
// W8/A8 and W4/A8 and 98% at W4/A4; the emulation is meant to be exact, so the test also bounds how far
// its logits stray, in steps of the logits' grid.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { INT8_FLOORS, agreement } from '../../../scripts/agreement';
import { ROOT, loadModelParts, useBackend } from '../../../scripts/nodeTf';
import { goldenSample } from './goldenInputs.testing';
import { type Int8Engine, Int8Model, addTable } from './int8';
import type { Clamp } from './qparams';

const DIR = join(ROOT, 'golden/out/int8');
if (!existsSync(DIR))
  throw new Error('golden/out/int8 is missing: run /usr/bin/python3 training/reference/golden_int8.py');
const EXACT_PAIR_SUM = Math.round((2 * 255 * 127) / 512) * 512; // int8.pair_sum_probe's output step is 512; saturated: 32,768
interface Golden {
  model: string;
  wBits: number;
  aBits: number;
  clamp?: Clamp;
  split: string;
  engine: Int8Engine;
  pairSum: number;
  qparams: [number, number][];
  indices: number[];
  labels: number[];
  logits: number[];
}

for (const file of readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const g = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Golden;
  const clamped = g.clamp === 'dtype' ? ', clamped at 8-bit ends as convert_fx does' : '';
  // oneDNN on a CPU without VNNI sums pairs of u8 x s8 products in a saturating int16: with 8-bit weights
  // PyTorch's int8 model there is another model than the one the emulation reproduces, so it is no
  // reference for it. Weights of up to 7 bits (|w| <= 64) cannot reach the bound: 2 x 255 x 64 < 32,767.
  const saturates = g.pairSum !== EXACT_PAIR_SUM && 2 * 255 * 2 ** (g.wBits - 1) > 32767;
  const why = saturates
    ? ` (skipped: ${g.engine} on this CPU saturates int16 pair sums of 8-bit weights, which the emulation does not model)`
    : '';
  it.skipIf(saturates)(
    `${g.model} W${g.wBits}/A${g.aBits}${clamped}: the int8 emulation predicts what PyTorch's int8 model (${g.engine}) does${why}`,
    async () => {
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const { parsed, weights } = await loadModelParts(join(ROOT, g.model));
      const qparams = g.qparams.map(([scale, zeroPoint]) => ({ scale, zeroPoint }));
      const model = new Int8Model(parsed, weights, g.wBits, g.aBits, qparams, g.engine, g.clamp);
      const { input, labels } = await goldenSample(parsed.doc, g.split, g.indices);
      expect(labels).toEqual(g.labels);
      const n = g.indices.length; // random models' inputs are unlabelled
      const x = tf.tensor4d(input, [n, 32, 32, 3]);
      const y = model.run(x);
      const got = (await y.data()) as Float32Array;
      tf.dispose([x, y]);
      model.dispose();
      expect(tf.memory().numTensors, 'tensors leaked').toBe(before);

      const step = g.qparams[g.qparams.length - 1][0]; // the logits' observer comes last
      const { agree, identical: exact, maxSteps } = agreement(got, g.logits, parsed.doc.classes.length, step);
      console.log(
        `${g.model} W${g.wBits}A${g.aBits}${clamped} ${g.engine}: top-1 agreement ${agree}/${n}, identical logits on ${exact}, largest difference ${maxSteps} steps`,
      );
      expect(agree / n).toBeGreaterThanOrEqual(INT8_FLOORS[`W${g.wBits}/A${g.aBits}`]);
      if (model.floatLayers.size === 0) {
        // every layer integer: bit for bit
        expect(exact, 'images with identical logits').toBe(n);
      } else {
        // but for last-bit differences in the float convolutions torch leaves unquantized (ShuffleNetV2:
        // seen, at most one image in 200 off, by one step (oneDNN) or two (QNNPACK); the fake-quant reference: up to 101)
        expect(exact / n, 'share of images with identical logits').toBeGreaterThanOrEqual(0.99);
        expect(maxSteps).toBeLessThanOrEqual(2);
      }
    },
  );
}

it("oneDNN's and QNNPACK's pair-sum probe reads the exact sum or oneDNN's int16 saturation, nothing else", () => {
  const SATURATED = Math.round(32767 / 512) * 512;
  const seen = new Set<string>();
  for (const f of readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
    const { engine, pairSum } = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Golden;
    seen.add(`${engine} ${pairSum}`);
  }
  for (const s of seen)
    expect([`onednn ${EXACT_PAIR_SUM}`, `onednn ${SATURATED}`, `qnnpack ${EXACT_PAIR_SUM}`]).toContain(s);
});

const ADD_DIR = join(ROOT, 'golden/out/int8-add');
describe("the int8 add tables against torch's quantized add and add_relu on every pair of 8-bit inputs", () => {
  for (const engine of ['onednn', 'qnnpack'] as const) {
    it(`should equal ${engine}'s on all 65,536 pairs of each golden grid`, () => {
      interface Case {
        a: [number, number];
        b: [number, number];
        out: [number, number];
        relu: boolean;
        q: string;
      }
      const { cases } = JSON.parse(readFileSync(join(ADD_DIR, `${engine}.json`), 'utf8')) as {
        cases: Case[];
      };
      expect(cases.length).toBe(15);
      const grid = ([scale, zeroPoint]: [number, number]) => ({ scale, zeroPoint });
      for (const c of cases) {
        const torch = Buffer.from(c.q, 'base64');
        const table = addTable(engine, grid(c.a), grid(c.b), grid(c.out), c.relu, 0, 255);
        const differ = table.filter((r, i) => r + c.out[1] !== torch[i]).length;
        expect(differ, `${JSON.stringify({ ...c, q: undefined })}: pairs that differ`).toBe(0);
      }
    });
  }

  it('should clamp a 4-bit add at its range, and add_relu at the zero point', () => {
    const [a, b, out] = [
      { scale: 0.1, zeroPoint: 3 },
      { scale: 0.2, zeroPoint: 5 },
      { scale: 0.15, zeroPoint: 4 },
    ];
    for (const engine of ['onednn', 'qnnpack'] as const) {
      const plain = addTable(engine, a, b, out, false, 0, 15);
      expect(Math.min(...plain), engine).toBe(-4);
      expect(Math.max(...plain), engine).toBe(11);
      expect(Math.min(...addTable(engine, a, b, out, true, 0, 15)), engine).toBe(0);
    }
  });

  it('should refuse grids QNNPACK cannot add on', () => {
    const [a, out] = [
      { scale: 0.1, zeroPoint: 0 },
      { scale: 0.1, zeroPoint: 0 },
    ];
    expect(() => addTable('qnnpack', a, { scale: 30, zeroPoint: 0 }, out, false, 0, 255)).toThrow(
      /QNNPACK cannot add on these grids/,
    );
    expect(() => addTable('qnnpack', a, { scale: 1e-6, zeroPoint: 0 }, out, false, 0, 255)).toThrow(
      /at least 2\^-14/,
    );
    expect(addTable('onednn', a, { scale: 30, zeroPoint: 0 }, out, false, 0, 255)[256 + 1]).toBe(255);
  });
});

describe('Int8Model refuses what it cannot run', () => {
  it('should refuse qparams that do not fit the placement, bit widths outside 2..8 and unknown engines', async () => {
    await useBackend('cpu');
    const { parsed, weights } = await loadModelParts(join(ROOT, 'golden/out/random-models/mobileone_s0'));
    const one = { scale: 0.1, zeroPoint: 0 };
    expect(() => new Int8Model(parsed, weights, 8, 8, [one])).toThrow(
      /expected qparams for \d+ observers, got 1/,
    );
    const n = (parsed.doc.quant as { observers: number }).observers;
    expect(() => new Int8Model(parsed, weights, 8, 9, Array(n).fill(one))).toThrow(
      /bit width must be an integer from 2 to 8/,
    );
    expect(() => new Int8Model(parsed, weights, 8, 8, Array(n).fill(one), 'fbgemm' as Int8Engine)).toThrow(
      /unknown int8 engine fbgemm: expected one of onednn, qnnpack/,
    );
  });
});
