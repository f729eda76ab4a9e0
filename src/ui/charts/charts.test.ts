import { describe, expect, it } from 'vitest';
import { binStats } from '../../core/calib/bins';
import { parsePrecision } from '../../core/experiment/precision';
import type { RunResult } from '../../core/experiment/run';
import { binOpacity, FULL_STRENGTH_COUNT, MIN_OPACITY, reliabilityData } from './reliabilityData';
import { niceTicks } from './scale';
import { markerPath, precisionKeys, scatterPaths, scatterPoints, sharedAxes } from './scatterLayout';
import { stepMark } from './useKeyHover';

describe('niceTicks', () => {
  it('covers the domain with round steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(12.3, 47.9)).toEqual([10, 20, 30, 40, 50]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(41.2, 43.9)).toEqual([41, 42, 43, 44]);
    expect(niceTicks(41.2, 43.9, 10)).toEqual([41, 41.5, 42, 42.5, 43, 43.5, 44]);
  });
  it('gives an interval for a single value, and refuses a non-finite domain', () => {
    const t = niceTicks(5, 5);
    expect(t[0]).toBeLessThanOrEqual(5);
    expect(t.at(-1)).toBeGreaterThan(5);
    expect(() => niceTicks(0, Infinity)).toThrow(/bad domain/);
    expect(() => niceTicks(NaN, 1)).toThrow(/bad domain/);
  });
});

describe('reliabilityData', () => {
  const conf = [0.05, 0.35, 0.38, 0.92, 0.95, 0.97, 0.99, 1];
  const hit = [0, 1, 0, 1, 1, 1, 0, 1];
  const bins = binStats(conf, hit, 10);
  const D = reliabilityData(bins);

  it('gives each non-empty bin its accuracy and mean confidence (the gap runs between them), none to an empty one', () => {
    expect(D.rows.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const top = D.rows[9]; // 0.92 .. 1.0: 5 images, 4 right
    expect(top.accuracy).toBeCloseTo(0.8, 12);
    expect(top.confidence).toBeCloseTo((0.92 + 0.95 + 0.97 + 0.99 + 1) / 5, 12);
    const under = D.rows[3]; // 0.35, 0.38: accuracy 0.5 above confidence 0.365
    expect(under.accuracy).toBeCloseTo(0.5, 12);
    expect(under.confidence).toBeCloseTo(0.365, 12);
    expect(D.rows[5]).toMatchObject({ count: 0, accuracy: null, confidence: null, strength: 0 });
  });
  it('marks overall mean confidence and accuracy, and shares that sum to one', () => {
    expect(D.total).toBe(8);
    expect(D.meanConfidence).toBeCloseTo(conf.reduce((a, b) => a + b) / 8, 12);
    expect(D.accuracy).toBeCloseTo(5 / 8, 12);
    expect(D.rows.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
    expect(D.rows[9].share).toBeCloseTo(5 / 8, 12);
  });
  it('scales the histogram to its tallest bar, not to 100%', () => {
    expect(D.shareTicks.at(-1)).toBeGreaterThanOrEqual(5 / 8);
    expect(D.shareTicks.at(-1)).toBeLessThan(1);
    const spread = reliabilityData(binStats([0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85], hit, 10));
    expect(spread.shareTicks.at(-1)).toBeCloseTo(0.15, 12); // tallest 1/8 = 12.5%
  });
  it('fades bins by how few images they hold, one image faintest', () => {
    expect(binOpacity(1)).toBeCloseTo(MIN_OPACITY + (1 - MIN_OPACITY) / FULL_STRENGTH_COUNT, 12);
    expect(binOpacity(FULL_STRENGTH_COUNT)).toBe(1);
    expect(binOpacity(500)).toBe(1);
    expect(binOpacity(5)).toBeLessThan(binOpacity(10));
    expect(D.rows[0].strength).toBe(binOpacity(1));
  });
  it('draws nothing when no image has been seen yet', () => {
    const empty = reliabilityData(binStats([], [], 15));
    expect(empty.rows.every((r) => r.accuracy === null && r.share === 0)).toBe(true);
    expect([empty.total, empty.meanConfidence, empty.accuracy]).toEqual([0, 0, 0]);
    expect(empty.shareTicks.at(-1)).toBe(1);
  });
});

describe('scatterLayout', () => {
  const run = (
    arch: string,
    precision: string,
    trial: number,
    error: number,
    eceBefore: number,
    eceAfter: number,
  ) =>
    ({
      spec: { arch, precision: parsePrecision(precision), trial },
      before: { error, ece: eceBefore },
      after: { error, ece: eceAfter },
    }) as unknown as RunResult;
  const runs = [
    run('shufflenetv2', 'fp32', 0, 0.13, 0.031, 0.012),
    run('shufflenetv2', 'w8a8', 0, 0.14, 0.035, 0.013),
    run('mobileone_s0', 'w4a8', 1, 0.2, 0.05, 0.02),
    run('mobileone_s0', 'w4a4', 2, 0.47, 0.21, 0.04),
  ];

  it('gives each precision present its own marker size, more bits larger', () => {
    const r = scatterPoints(runs, 'before').map((p) => p.r);
    expect(r[0]).toBeGreaterThan(r[1]);
    expect(r[1]).toBeGreaterThan(r[2]);
    expect(r[2]).toBeGreaterThan(r[3]);
    expect(r[0] / r[3]).toBeGreaterThan(2);
    expect(scatterPoints(runs, 'after').map((p) => p.r)).toEqual(r);
  });
  it('shares one pair of axes between the panels, covering both', () => {
    const { errorTicks, eceTicks } = sharedAxes(runs);
    expect(errorTicks[0]).toBeLessThanOrEqual(13);
    expect(errorTicks.at(-1)).toBeGreaterThanOrEqual(47);
    expect(eceTicks[0]).toBe(0);
    expect(eceTicks.at(-1)).toBeGreaterThanOrEqual(21); // the largest ECE, before scaling
    expect(scatterPoints(runs, 'after').map((p) => p.label)).toContain(
      'MobileOne-S0 (reduced) W4/A4 trial 3',
    );
  });
  it('keys precision by size and shape, most bits first, one shape each', () => {
    const keys = precisionKeys(runs);
    expect(keys.map((k) => k.label)).toEqual(['FP32', 'W8/A8', 'W4/A8', 'W4/A4']);
    expect(keys.map((k) => k.shape)).toEqual(['circle', 'square', 'diamond', 'triangle']);
    expect(keys.map((k) => k.r)).toEqual(scatterPoints(runs, 'before').map((p) => p.r));
    expect(scatterPoints(runs, 'before').map((p) => p.k)).toEqual([0, 1, 2, 3]);
    for (const k of keys) expect(markerPath(k.shape, k.r)).toMatch(/^M[-\d.,]+.*Z$/);
  });
  it("joins each architecture's precisions from FP32 down through their trials' means", () => {
    const more = [...runs, run('shufflenetv2', 'w8a8', 1, 0.16, 0.045, 0.015)];
    const paths = scatterPaths(more, 'before');
    expect(paths.map((p) => p.arch)).toEqual(['shufflenetv2', 'mobileone_s0']);
    const shuffle = paths[0].vertices;
    expect(shuffle.map((v) => v.precision)).toEqual(['FP32', 'W8/A8']);
    expect(shuffle[1].error).toBeCloseTo(15, 9); // (14 + 16) / 2
    expect(shuffle[1].ece).toBeCloseTo(4, 9);
    expect(paths[1].vertices.map((v) => v.precision)).toEqual(['W4/A8', 'W4/A4']);
    expect(scatterPaths(more, 'after')[0].vertices[1].ece).toBeCloseTo(1.4, 9);
  });
});

describe('stepMark (keyboard access to chart tooltips)', () => {
  it('steps through the marks with the arrows, stopping at the ends', () => {
    expect(stepMark(null, 15, 'ArrowRight')).toBe(0);
    expect(stepMark(null, 15, 'ArrowLeft')).toBe(14);
    expect(stepMark(3, 15, 'ArrowRight')).toBe(4);
    expect(stepMark(14, 15, 'ArrowRight')).toBe(14);
    expect(stepMark(0, 15, 'ArrowUp')).toBe(0);
    expect([stepMark(7, 15, 'Home'), stepMark(7, 15, 'End')]).toEqual([0, 14]);
  });
  it('ignores other keys and charts without marks', () => {
    expect(stepMark(3, 15, 'a')).toBeNull();
    expect(stepMark(null, 0, 'ArrowRight')).toBeNull();
  });
});
