// Calibration draws: distinct images from a pool at least as large as the request (every shipped one),
// draws with replacement from a smaller pool, each trial its own; and their cache keys.
import { describe, expect, it } from 'vitest';
import { calibrationIndices, trialSeed, withReplacement } from './calibration';
import { cacheKey } from './cacheKey';
import { parsePrecision } from './precision';
import { type RunSpec, paperSpec } from './run';
import { createRng, permutation } from '../util/random';

const spec = (precision = 'w8a8'): RunSpec => paperSpec('mine', 'mobileone_s0', parsePrecision(precision), 0);

describe('calibrationIndices', () => {
  it('should take distinct images, the first of a seeded permutation, from a pool at least as large as the request', () => {
    for (const pool of [1024, 1080, 4708, 5000]) {
      // equal to the request, and the shipped pools
      const idx = calibrationIndices(pool, trialSeed(0), 1024);
      expect(idx).toEqual(permutation(pool, createRng(trialSeed(0))).subarray(0, 1024));
      expect(new Set(idx).size).toBe(1024);
      expect(withReplacement(pool, 1024)).toBe(false);
    }
  });
  it('should draw with replacement from a smaller pool, the same for a seed and different for each trial', () => {
    const [a, b] = [0, 1].map((t) => calibrationIndices(546, trialSeed(t), 1024));
    expect(a).toHaveLength(1024);
    expect(Math.max(...a)).toBeLessThan(546);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(new Set(a).size).toBeLessThan(546); // images repeat, some are left out
    expect(new Set(a).size).toBeGreaterThan(400); // about 1 - e^(-1024/546) = 85% of the pool
    expect(calibrationIndices(546, trialSeed(0), 1024)).toEqual(a);
    expect(b).not.toEqual(a);
    expect(withReplacement(546, 1024)).toBe(true);
  });
  it('should refuse an empty pool and a bad count', () => {
    expect(() => calibrationIndices(0, 1)).toThrow(/calibration pool is empty/);
    expect(() => calibrationIndices(10, 1, 0)).toThrow(/positive integer, got 0/);
  });
});

describe('cache keys of draws with replacement', () => {
  it('should key a draw with replacement apart, and leave every other key as it was', () => {
    const id = {
      weightsSha256: 'ab'.repeat(32),
      dataSha256: 'cd'.repeat(32),
      poolCount: 1080,
      backend: 'wasm',
    };
    const small = { ...id, poolCount: 546 };
    const plain = cacheKey(id, spec());
    expect(cacheKey(small, spec())).toBe(`${plain}|replacement`);
    expect(cacheKey(small, spec('fp32'))).toBe(cacheKey(id, spec('fp32'))); // no calibration, no draw
    expect(cacheKey(small, spec('w4a32'))).toBe(cacheKey(id, spec('w4a32'))); // weights only: no draw either
  });
});
