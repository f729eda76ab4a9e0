// The comparison of one run on two backends, and its summary against the trial spread.
import { describe, expect, it } from 'vitest';
import { agreementOf, comparePair, noiseSentence, qparamsMaxRel, summarizeNoise } from './backendAgreement';
import type { RunResult } from './run';

const report = (error: number, ece: number) => ({ error, ece }) as RunResult['before'];
const run = (backend: string, pred: number[], scale: number, error: number, ece: number, trial = 0) => ({
  spec: {
    dataset: 'd',
    arch: 'a',
    precision: { wBits: 8, aBits: 8 },
    observer: 'histogram' as const,
    trial,
    numBins: 15,
    testSplit: 'test',
    calibrationImages: 1024,
  },
  weightsSha256: 'w',
  backend,
  qparams: [
    { scale: 0.5, zeroPoint: 0 },
    { scale, zeroPoint: 3 },
  ],
  predictions: { pred, conf: pred.map(() => 0.5) },
  before: report(error, ece),
  after: report(error, ece / 2),
  temperature: { temperature: 1 } as RunResult['temperature'],
});

describe('backend agreement', () => {
  it('should count equal top-1 classes, and refuse lists of other lengths', () => {
    expect(agreementOf([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.75);
    expect(() => agreementOf([1], [1, 2])).toThrow(/cannot compare 1 predictions with 2/);
    expect(() => agreementOf([], [])).toThrow(/cannot compare 0/);
  });
  it('should give the largest relative difference of the scales', () => {
    const a = run('wasm', [0], 0.2, 0, 0).qparams;
    expect(qparamsMaxRel(a, run('webgpu', [0], 0.22, 0, 0).qparams)).toBeCloseTo(0.1, 12);
    expect(() => qparamsMaxRel(a, a.slice(1))).toThrow(/2 qparams with 1/);
  });
  it('should take differences as other minus reference, and refuse runs of different settings', () => {
    const ref = run('wasm', [0, 1, 2, 0], 0.2, 0.4, 0.1);
    const p = comparePair(ref, run('webgpu', [0, 1, 1, 0], 0.25, 0.45, 0.07), [0, 1, 2, 2]);
    expect(p).toMatchObject({ backend: 'webgpu', reference: 'wasm', precision: 'w8a8', top1Agreement: 0.75 });
    expect(p.top1AgreementSameQparams).toBe(0.75);
    expect(p.qparamsMaxRel).toBeCloseTo(0.25, 12);
    expect(p.dError).toBeCloseTo(0.05, 12);
    expect(p.dEceBefore).toBeCloseTo(-0.03, 12);
    expect(p.dEceAfter).toBeCloseTo(-0.015, 12);
    expect(() => comparePair(ref, run('webgpu', [0, 1, 2, 0], 0.2, 0.4, 0.1, 1), [0, 1, 2, 0])).toThrow(
      /different settings/,
    );
  });
  it('should average absolute differences over trials and set them beside the reference spread', () => {
    const pairs = [0, 1].map((t) =>
      comparePair(
        run('wasm', [0, 1], 0.2, 0.4, 0.1, t),
        run('webgpu', [0, t], 0.2 * (1 + 0.1 * t), 0.4, t ? 0.09 : 0.13, t),
        [0, 1],
      ),
    );
    const spread = {
      error: { mean: 0.4, sd: 0.01 },
      eceBefore: { mean: 0.1, sd: 0.02 },
      eceAfter: { mean: 0.05, sd: 0.01 },
    };
    const [n] = summarizeNoise(pairs, () => spread);
    expect(n.trials).toBe(2);
    expect(n.top1Agreement).toBe(0.75);
    expect(n.absEceBefore).toBeCloseTo(0.02, 12); // |+0.03| and |-0.01|
    expect(n.qparamsMaxRel).toBeCloseTo(0.1, 12);
    expect(noiseSentence(n)).toBe(
      'Measured for this model and precision over 2 trials: webgpu and wasm agreed on the top-1 class of 75.00% ' +
        "of test images; error moved by 0.00 points and ECE by 2.00 points (its spread over wasm's trials: 2.00).",
    );
  });
});
