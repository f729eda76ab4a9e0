// Compares the calibration core with the numpy reference (training/reference/golden_calibration.py, run by
// `npm test` before vitest). Tolerances: metrics 1e-9 (summation order differs), bins exact counts.
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationReport, reportAt } from './report';
import { fitTemperature } from './temperature';

const FILE = new URL('../../../golden/out/calibration.json', import.meta.url);

interface Metrics {
  error: number;
  nll: number;
  brier: number;
  ece: number;
  mce: number;
  adaptiveEce: number;
  classwiseEce: number;
  bins: { count: number; confidence: number; accuracy: number; gap: number }[];
  eceInterval: [number, number];
}
interface Case {
  name: string;
  k: number;
  bins: number;
  logits: number[];
  labels: number[];
  temperature: number;
  before: Metrics;
  after: Metrics;
}

if (!existsSync(FILE))
  throw new Error(
    'golden/out/calibration.json is missing: run /usr/bin/python3 training/reference/golden_calibration.py',
  );
const golden = JSON.parse(readFileSync(FILE, 'utf8')) as { resamples: number; seed: number; cases: Case[] };

function expectMetrics(got: ReturnType<typeof calibrationReport>, want: Metrics): void {
  for (const key of ['error', 'nll', 'brier', 'ece', 'mce', 'adaptiveEce', 'classwiseEce'] as const) {
    expect(got[key], key).toBeCloseTo(want[key], 9);
  }
  expect(got.bins.map((b) => b.count)).toEqual(want.bins.map((b) => b.count));
  got.bins.forEach((b, i) => {
    expect(b.confidence).toBeCloseTo(want.bins[i].confidence, 9);
    expect(b.accuracy).toBeCloseTo(want.bins[i].accuracy, 12);
  });
  expect(got.eceInterval.lo).toBeCloseTo(want.eceInterval[0], 9);
  expect(got.eceInterval.hi).toBeCloseTo(want.eceInterval[1], 9);
}

describe('calibration metrics equal the numpy reference', () => {
  it('covers ties, confidence 1.0, empty bins and a single class', () => {
    const names = golden.cases.map((c) => c.name).join();
    for (const s of ['ties', 'confidence_one', 'empty_bins', 'single_class']) expect(names).toContain(s);
  });
  for (const c of golden.cases) {
    const opts = { numBins: c.bins, bootstrap: { resamples: golden.resamples, seed: golden.seed } };
    it(`${c.name}: metrics at T = 1`, () => {
      expectMetrics(calibrationReport(Float32Array.from(c.logits), c.labels, c.k, opts), c.before);
    });
    it(`${c.name}: fitted temperature to 1e-6 and metrics after scaling`, () => {
      const fit = fitTemperature(Float32Array.from(c.logits), c.labels, c.k);
      expect(Math.abs(fit.temperature - c.temperature) / c.temperature).toBeLessThan(1e-6);
      expectMetrics(
        calibrationReport(Float32Array.from(c.logits), c.labels, c.k, {
          ...opts,
          temperature: c.temperature,
        }),
        c.after,
      );
    });
    it(`${c.name}: the temperature slider's quick report at the fitted T`, () => {
      const got = reportAt(Float32Array.from(c.logits), c.labels, c.k, c.temperature, c.bins);
      for (const key of ['error', 'nll', 'ece', 'mce'] as const)
        expect(got[key], key).toBeCloseTo(c.after[key], 9);
      expect(got.bins.map((b) => b.count)).toEqual(c.after.bins.map((b) => b.count));
    });
  }
});
