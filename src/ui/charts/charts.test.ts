import { describe, expect, it } from 'vitest';
import { binStats } from '../../core/calib/bins';
import { parsePrecision } from '../../core/experiment/precision';
import type { RunResult } from '../../core/experiment/run';
import { MIN_STRIP_BARS, reliabilityLayout } from './reliabilityLayout';
import { linear, niceTicks } from './scale';
import { scatterLegend, scatterPoints, sharedAxes } from './scatterLayout';
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
  it('maps linearly, flipped ranges included', () => {
    const y = linear(0, 10, 100, 0);
    expect(y(0)).toBe(100);
    expect(y(2.5)).toBe(75);
  });
});

describe('reliabilityLayout', () => {
  const conf = [0.05, 0.35, 0.38, 0.92, 0.95, 0.97, 0.99, 1];
  const hit = [0, 1, 0, 1, 1, 1, 0, 1];
  const bins = binStats(conf, hit, 10);
  const L = reliabilityLayout(bins, 440, 240);
  const plotH = L.plot.height - L.plot.top - L.plot.bottom;

  it('draws each bar over exactly its bin, with accuracy and gap heights from the bin', () => {
    for (const m of L.marks) {
      expect(m.column.x).toBeCloseTo(L.x(m.bin.lo) + 0.5, 9);
      expect(m.column.x + m.column.width).toBeCloseTo(L.x(m.bin.hi) - 0.5, 9);
      if (!m.bin.count) {
        expect(m.accuracy).toBeUndefined();
        continue;
      }
      expect(m.accuracy!.height).toBeCloseTo(m.bin.accuracy * plotH, 9);
      expect(m.gap!.height).toBeCloseTo(Math.abs(m.bin.gap) * plotH, 9);
      expect(m.gap!.y).toBeCloseTo(L.y(Math.max(m.bin.accuracy, m.bin.confidence)), 9);
    }
  });
  it('puts the diagonal corners on the axes and histogram shares in proportion to counts', () => {
    expect([L.x(0), L.y(0)]).toEqual([L.plot.left, L.plot.height - L.plot.bottom]);
    expect([L.x(1), L.y(1)]).toEqual([440 - L.plot.right, L.plot.top]);
    const stripH = L.strip.height - L.strip.top - L.strip.bottom;
    const heights = L.marks.map((m) => m.share.height / stripH);
    expect(heights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(heights[9]).toBeCloseTo(5 / 8, 9); // 0.92 .. 1.0
  });
  it('keeps the histogram readable in a small diagram (a grid cell): bars area of at least 40 px', () => {
    for (const height of [120, 150, 180, 240]) {
      const { strip } = reliabilityLayout(bins, 300, height);
      expect(strip.height - strip.top - strip.bottom).toBeGreaterThanOrEqual(MIN_STRIP_BARS);
    }
  });
  it('draws nothing but empty columns when no image has been seen yet', () => {
    const empty = reliabilityLayout(binStats([], [], 15), 300, 150);
    expect(empty.marks.every((m) => !m.accuracy && m.share.height === 0)).toBe(true);
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
  it('keys colour by architecture on one row and size by precision on the next, wrapping when narrow', () => {
    const { items, height } = scatterLegend(runs, 48, 600);
    expect(items.map((i) => i.label)).toEqual([
      'ShuffleNetV2 1.0x',
      'MobileOne-S0 (reduced)',
      'FP32',
      'W8/A8',
      'W4/A8',
      'W4/A4',
    ]);
    expect(new Set(items.slice(0, 2).map((i) => i.y)).size).toBe(1);
    expect(new Set(items.slice(2).map((i) => i.y)).size).toBe(1);
    expect(items[2].y).toBeGreaterThan(items[0].y);
    expect(items.slice(2).map((i) => i.r)).toEqual(scatterPoints(runs, 'before').map((p) => p.r));
    const narrow = scatterLegend(runs, 48, 200);
    expect(narrow.height).toBeGreaterThan(height);
    expect(Math.max(...narrow.items.map((i) => i.x))).toBeLessThan(200);
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
