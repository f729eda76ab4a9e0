import { describe, expect, it } from 'vitest';
import type { SweepRecord } from '../core/experiment/summary';
import { scalingNote } from './scalingNote';

const run = (T: number, atBound: boolean, eceBefore: number, eceAfter: number, tiedTop = 0) =>
  ({
    temperature: { temperature: T, atBound, nllBefore: 1, nllAfter: 1, iterations: 3 },
    before: { ece: eceBefore, n: 624, tiedTop },
    after: { ece: eceAfter, n: 624 },
  }) as unknown as SweepRecord;

describe('scalingNote', () => {
  it('says nothing where scaling worked', () => {
    expect(scalingNote(run(1.4, false, 0.08, 0.02))).toBeNull();
  });
  it('names the bound and the ties where T stopped at its bound', () => {
    const note = scalingNote(run(0.01, true, 0.1, 0.4, 292))!;
    expect(note).toContain('lower bound, T = 0.01');
    expect(note).toContain('292 of 624 test images have tied top logits');
    expect(scalingNote(run(100, true, 0.1, 0.1))).toContain('upper bound, T = 100');
    expect(scalingNote(run(100, true, 0.1, 0.1))).not.toContain('tied');
  });
  it('explains a rise in ECE after scaling', () => {
    expect(scalingNote(run(0.895, false, 0.0434, 0.051))).toContain('Scaling raised ECE (4.34% to 5.10%)');
  });
});
