// Calibration draws: per trial, CALIBRATION_IMAGES images drawn at random (seeded) from the
// dataset's pool and fed in batches of CALIBRATION_BATCH, as the paper does (3 trials of 1,024).
import { check } from '../errors';
import { createRng, permutation } from '../util/random';

export const CALIBRATION_IMAGES = 1024;
export const CALIBRATION_BATCH = 32;
export const TRIALS = 3;

/** The seed of trial t (0-based), recorded with every result. */
export const trialSeed = (trial: number): number => 1000 + trial;

/** The first `count` entries of a seeded permutation of the pool: distinct images, in batch order. */
export function calibrationIndices(poolCount: number, seed: number, count = CALIBRATION_IMAGES): Uint32Array {
  check(poolCount > 0, 'the calibration pool is empty: nothing to calibrate on');
  check(Number.isInteger(count) && count > 0, `calibration image count must be a positive integer, got ${count}`);
  return permutation(poolCount, createRng(seed)).subarray(0, Math.min(count, poolCount));
}
