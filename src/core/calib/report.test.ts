import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { binEdges, binOf, binStats, poolBins } from './bins';
import { calibrationReport, reportsWithTemperature } from './report';
import { fitTemperature, scaleLogits, T_MIN } from './temperature';

describe('bad input is refused with a clear error', () => {
  it('should refuse NaN and infinite logits, naming the image', () => {
    expect(() => calibrationReport([0, NaN, 1, 2], [0, 1], 2)).toThrow(/logit 1 of image 0 is NaN/);
    expect(() => fitTemperature([0, 1, Infinity, 2], [0, 1], 2)).toThrow(InputError);
  });
  it('should refuse mismatched lengths and empty input', () => {
    expect(() => calibrationReport([0, 1, 2], [0, 1], 2)).toThrow(/expected 2 labels x 2 classes/);
    expect(() => calibrationReport([], [], 3)).toThrow(/empty/);
    expect(() => calibrationReport([0, 1], [2], 2)).toThrow(/label 2 of image 0 is outside 0..1/);
  });
  it('should refuse a bad number of bins or temperature', () => {
    expect(() => calibrationReport([0, 1], [1], 2, { numBins: 0 })).toThrow(/bins/);
    expect(() => scaleLogits([1, 2], -1)).toThrow(/temperature/);
  });
});

describe('bins are (lo, hi]', () => {
  const e = binEdges(15);
  it('should put an edge value in the bin below it and 1.0 in the last bin', () => {
    expect(binOf(1, e)).toBe(14);
    expect(binOf(e[3], e)).toBe(2);
    expect(binOf(e[3] + 1e-12, e)).toBe(3);
    expect(binOf(0, e)).toBe(0);
  });
});

describe('pooling the bins of several trials', () => {
  it('should equal binning all their samples together', () => {
    const a = { conf: [0.1, 0.55, 0.6, 0.93, 1], hit: [0, 1, 0, 1, 1] };
    const b = { conf: [0.52, 0.97, 0.99], hit: [1, 0, 1] };
    const pooled = poolBins([binStats(a.conf, a.hit, 10), binStats(b.conf, b.hit, 10)]);
    const together = binStats([...a.conf, ...b.conf], [...a.hit, ...b.hit], 10);
    pooled.forEach((bin, i) => {
      expect(bin.count).toBe(together[i].count);
      expect(bin.confidence).toBeCloseTo(together[i].confidence, 12);
      expect(bin.accuracy).toBeCloseTo(together[i].accuracy, 12);
      expect(bin.gap).toBeCloseTo(together[i].gap, 12);
    });
  });
  it('should refuse nothing to pool and sets binned differently', () => {
    expect(() => poolBins([])).toThrow(/no bins/);
    expect(() => poolBins([binStats([0.5], [1], 10), binStats([0.5], [1], 15)])).toThrow(
      /bin counts differ \(10, 15\)/,
    );
  });
});

describe('temperature scaling', () => {
  it('should recover the temperature that generated over-confident logits', () => {
    // logits z*3 of a model calibrated at z: the fitted T on many samples is close to 3
    let s = 1;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const n = 4000,
      k = 4,
      z: number[] = [],
      y: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: k }, () => 2 * (rnd() - 0.5) * 3);
      const p = row.map(Math.exp),
        sum = p.reduce((a, b) => a + b);
      let u = rnd() * sum,
        c = 0;
      while (u > p[c] && c < k - 1) u -= p[c++];
      y.push(c);
      z.push(...row.map((v) => v * 3));
    }
    const fit = fitTemperature(z, y, k);
    expect(fit.temperature).toBeGreaterThan(2.7);
    expect(fit.temperature).toBeLessThan(3.3);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
  });
  it('should sit on the lower bound for a perfectly separable set', () => {
    const fit = fitTemperature([5, 0, 0, 5], [0, 1], 2);
    expect(fit.temperature).toBeCloseTo(T_MIN, 12);
    expect(fit.atBound).toBe(true);
  });
  it('should report before and after on the test set with the validation T', () => {
    const r = reportsWithTemperature(
      { logits: [4, 0, 0, 4, 4, 0], labels: [0, 1, 1] },
      { logits: [2, 0, 0, 2], labels: [0, 0] },
      2,
    );
    expect(r.before.error).toBe(0.5);
    expect(r.after.error).toBe(0.5);
    expect(r.fit.temperature).toBeGreaterThan(1);
  });
});

describe('tied top logits', () => {
  it('should count images whose largest logit another class shares, the same before and after scaling', () => {
    const logits = [
      2, 2, 0, /* tie */ 1, 3, 3, /* tie */ 5, 1, 5, /* tie, first and last */ 0, 1, 2, /* none */ 1, 1,
      2 /* tie below the top only */,
    ];
    const labels = [1, 1, 0, 2, 0];
    const r = reportsWithTemperature({ logits: [3, 0, 0, 0, 1, 0], labels: [0, 2] }, { logits, labels }, 3);
    expect(r.before.tiedTop).toBe(3);
    expect(r.after.tiedTop).toBe(3);
    expect(calibrationReport([4, 1, 0, 2], [0, 1], 2).tiedTop).toBe(0);
  });
});
