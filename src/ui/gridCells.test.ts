// The grid's rows: the paper's four precisions, then each precision a mixed label applies to again under it.
import { describe, expect, it } from 'vitest';
import { gridCells, gridRows } from './gridCells';
import type { ModelEntry } from './useModelIndex';

describe('the reliability grid rows', () => {
  it("should add a mixed label's rows after the paper's, for the precisions with W and A bits only", () => {
    expect(gridRows('').map((r) => r.precision)).toEqual(['fp32', 'w8a8', 'w4a8', 'w4a4']);
    const rows = gridRows('depthwise:w8a8');
    expect(rows.map((r) => [r.precision, r.mixed])).toEqual([
      ['fp32', ''],
      ['w8a8', ''],
      ['w4a8', ''],
      ['w4a4', ''],
      ['w8a8', 'depthwise:w8a8'],
      ['w4a8', 'depthwise:w8a8'],
      ['w4a4', 'depthwise:w8a8'],
    ]);
    expect(rows[6].title).toBe('W4/A4, mixed depthwise:w8a8');
    const models = [{ dataset: 'retinamnist', arch: 'mobileone_s0' }] as ModelEntry[];
    const ids = gridCells(models, 'retinamnist', 'depthwise:w8a8').map((c) => c.id);
    expect(new Set(ids).size).toBe(7);
    expect(ids[6]).toBe('mobileone_s0|w4a4|depthwise:w8a8');
  });
});
