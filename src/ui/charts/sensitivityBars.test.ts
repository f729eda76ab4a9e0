// The layer-by-layer view's numbers from a sensitivity: bars per measure (changes in points against the right
// baseline, absent until computed), the worst tensors in the right direction, medians by kind, and the CSV.
import { describe, expect, it } from 'vitest';
import { parsePrecision } from '../../core/experiment/precision';
import { paperSpec } from '../../core/experiment/run';
import { type Sensitivity, sensitivityCsv } from '../../core/experiment/sensitivity';
import { bars, byKind, mostSensitiveLayers, worst } from './sensitivityBars';

const score = (error: number, ece = 0.1) => ({ error, ece, eceScaled: ece / 2, temperature: 1.2 });
const sensitivity = (): Sensitivity => ({
  key: 'v3|abc|sensitivity',
  spec: paperSpec('retinamnist', 'mobileone_s0', parsePrecision('w4a8'), 0),
  weightsSha256: 'w'.repeat(8),
  dataSha256: 'd'.repeat(8),
  backend: 'wasm',
  engineVersion: 3,
  calibration: { seed: 1000, images: 1024 },
  tensors: [
    {
      type: 'activation',
      index: 0,
      node: 'x',
      kind: 'other',
      shape: [32, 32, 3],
      observer: 0,
      sqnr: Infinity,
      cumulative: Infinity,
    },
    { type: 'weights', index: 0, node: 'relu', kind: 'full conv', shape: [3, 3, 3, 48], sqnr: 17.8 },
    {
      type: 'activation',
      index: 1,
      node: 'relu',
      kind: 'full conv',
      shape: [16, 16, 48],
      observer: 1,
      sqnr: 40,
      cumulative: 17,
    },
    { type: 'weights', index: 1, node: 'relu_1', kind: 'depthwise conv', shape: [3, 3, 48, 1], sqnr: 20 },
  ],
  fp32: score(0.4),
  quantized: score(0.5, 0.2),
  runs: [
    { only: score(0.4), allBut: score(0.49, 0.2) },
    { only: score(0.48), allBut: score(0.45, 0.15) },
  ],
  complete: false,
  seconds: 3,
});

describe('the layer-by-layer bars', () => {
  it('should give SQNR for every tensor (none where exact) and run changes in points where computed', () => {
    const s = sensitivity();
    expect(bars(s, 'sqnr').map((b) => b.value)).toEqual([null, 17.8, 40, 20]);
    const only = bars(s, 'onlyError').map((b) => b.value);
    expect(only.slice(2)).toEqual([null, null]); // not computed yet
    expect(only[0]).toBeCloseTo(0, 12);
    expect(only[1]).toBeCloseTo(8, 12); // against FP32
    const allBut = bars(s, 'allButError').map((b) => b.value);
    expect(allBut[1]).toBeCloseTo(-5, 12); // against all quantized
    expect(bars(s, 'sqnr')[1]).toMatchObject({
      name: 'relu (weights)',
      kind: 'full conv',
      shape: '3x3x3x48',
    });
  });

  it('should rank the worst: lowest SQNR, largest rise alone, largest fall when kept float', () => {
    const s = sensitivity();
    expect(worst(bars(s, 'sqnr'), 'sqnr', 2).map((b) => b.i)).toEqual([1, 3]);
    expect(worst(bars(s, 'onlyError'), 'onlyError', 5).map((b) => b.i)).toEqual([1, 0]);
    expect(worst(bars(s, 'allButError'), 'allButError', 1).map((b) => b.i)).toEqual([1]);
    expect(byKind(bars(s, 'sqnr'))).toEqual([
      { kind: 'other', count: 1, median: null },
      { kind: 'full conv', count: 2, median: 40 },
      { kind: 'depthwise conv', count: 1, median: 20 },
    ]);
  });

  it("should pick the k layers the measure ranks worst, each once, never a tensor that is not a layer's", () => {
    const s = sensitivity();
    expect(mostSensitiveLayers(bars(s, 'sqnr'), 'sqnr', 1)).toEqual(['relu']); // 17.8 dB, its weights
    expect(mostSensitiveLayers(bars(s, 'sqnr'), 'sqnr', 5)).toEqual(['relu', 'relu_1']); // relu's output: once
    expect(mostSensitiveLayers(bars(s, 'onlyError'), 'onlyError', 5)).toEqual(['relu']); // x: the input
  });

  it('should write one CSV row per tensor with the settings, identity and empty cells for runs not done', () => {
    const lines = sensitivityCsv(sensitivity()).trim().split('\n');
    expect(lines).toHaveLength(5);
    const cols = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    expect(rows[0]).toMatchObject({ dataset: 'retinamnist', precision: 'w4a8', backend: 'wasm', trial: '1' });
    expect([rows[0].sqnr_db, rows[0].cumulative_db, rows[1].cumulative_db]).toEqual(['inf', 'inf', '']);
    expect([rows[1].only_error, rows[1].all_but_error, rows[2].only_error]).toEqual(['0.48', '0.45', '']);
    expect([rows[3].fp32_error, rows[3].quantized_ece, rows[3].weights_sha256]).toEqual([
      '0.4',
      '0.2',
      'wwwwwwww',
    ]);
  });
});
