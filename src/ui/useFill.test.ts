import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../core/experiment/settings';
import { MAX_FILL_WORKERS, fillPlan, fillThreadCount, fillWorkerCount } from './useFill';

describe('"Compute every run"', () => {
  it('should plan the FP32 runs first, then trial by trial, each run once', () => {
    const models = ['shufflenetv2', 'mobileone_s0'].map((arch) => ({
      dataset: 'retinamnist',
      arch,
      sha256: 'x',
    }));
    const plan = fillPlan(models, { ...DEFAULT_SETTINGS, dataset: 'retinamnist' });
    const keys = plan.map((s) => `${s.arch} ${s.precision} ${s.trial}`);
    expect(keys.slice(0, 3)).toEqual(['shufflenetv2 fp32 1', 'mobileone_s0 fp32 1', 'shufflenetv2 w8a8 1']);
    expect(keys).toHaveLength(2 + 2 * 3 * 3);
    expect(new Set(keys).size).toBe(keys.length);
    expect(plan.every((s) => s.dataset === 'retinamnist')).toBe(true);
  });

  it('should take one worker per core, at least one and at most MAX_FILL_WORKERS', () => {
    expect([undefined, 0, 1, 2, 3, 64].map(fillWorkerCount)).toEqual([1, 1, 1, 2, 3, MAX_FILL_WORKERS]);
  });

  it("should share the cores out among the workers' wasm threads, at least one each", () => {
    expect([undefined, 2, 3, 8, 64].map((c) => fillThreadCount(c, fillWorkerCount(c)))).toEqual([
      1, 1, 1, 2, 16,
    ]);
  });
});
