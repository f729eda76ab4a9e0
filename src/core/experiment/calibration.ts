// Calibration draws: per trial, CALIBRATION_IMAGES images drawn at random (seeded) from the
// dataset's pool and fed in batches of CALIBRATION_BATCH, as the paper does (3 trials of 1,024).
// A pool smaller than the request (a small set the user imported) is drawn with replacement, so that
// each trial still calibrates on a draw of its own rather than on the same whole pool.
import { check } from '../errors';
import { createRng, permutation } from '../util/random';

export const CALIBRATION_IMAGES = 1024;
export const CALIBRATION_BATCH = 32;
export const TRIALS = 3;

/** The seed of trial t (0-based), recorded with every result. */
export const trialSeed = (trial: number): number => 1000 + trial;

/** Whether a pool of poolCount images is drawn with replacement for a request of count. */
export const withReplacement = (poolCount: number, count: number): boolean => poolCount < count;

/**
 * `count` pool indices in batch order: the first `count` entries of a seeded permutation of the pool
 * (distinct images), or, from a pool smaller than `count`, `count` seeded draws with replacement.
 */
export function calibrationIndices(poolCount: number, seed: number, count = CALIBRATION_IMAGES): Uint32Array {
  check(poolCount > 0, 'the calibration pool is empty: nothing to calibrate on');
  check(
    Number.isInteger(count) && count > 0,
    `calibration image count must be a positive integer, got ${count}`,
  );
  const rng = createRng(seed);
  if (!withReplacement(poolCount, count)) return permutation(poolCount, rng).subarray(0, count);
  return Uint32Array.from({ length: count }, () => Math.floor(rng() * poolCount));
}

/** What a result says of a draw with replacement, for the CLI and the page. */
export const replacementNote = (images: number, pool: number): string =>
  `the calibration pool holds ${pool.toLocaleString('en')} images, fewer than the ${images.toLocaleString('en')} a trial ` +
  `calibrates on, so each trial draws its ${images.toLocaleString('en')} with replacement (images repeat; trials differ)`;
