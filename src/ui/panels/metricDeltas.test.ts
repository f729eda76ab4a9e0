import { describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../core/calib/report';
import type { RunResult } from '../../core/experiment/run';
import { metricDeltas } from './MetricsTable';

const report = (error: number, ece: number, nll: number): CalibrationReport =>
  ({ error, ece, nll, mce: 0.3, adaptiveEce: ece, classwiseEce: 0.05, brier: 0.5 }) as CalibrationReport;
const run = (before: CalibrationReport, after: CalibrationReport) => ({ before, after }) as RunResult;

describe('metricDeltas (compare view: B minus A)', () => {
  const a = [run(report(0.4725, 0.0549, 1.1991), report(0.4725, 0.0577, 1.2005))];
  const b = [run(report(0.5625, 0.1286, 1.4959), report(0.5625, 0.1354, 1.4691))];
  const rows = Object.fromEntries(metricDeltas(a, b).map((r) => [r.name, r]));

  it('signs the difference, in percentage points for percentages', () => {
    expect(rows['top-1 error'].before).toBe('+9.00 pp');
    expect(rows.ECE.before).toBe('+7.37 pp');
    expect(rows.ECE.after).toBe('+7.77 pp');
    expect(rows.NLL.after).toBe('+0.2686');
    expect(metricDeltas(b, a).find((r) => r.name === 'ECE')!.before).toBe('\u22127.37 pp');
  });
  it('shows an unchanged metric as 0, and averages trials before subtracting', () => {
    expect(rows.MCE.before).toBe('0 pp');
    expect(rows.Brier.after).toBe('0');
    const twoTrials = [
      run(report(0.5, 0.1, 1), report(0.5, 0.1, 1)),
      run(report(0.6, 0.2, 1), report(0.6, 0.2, 1)),
    ];
    expect(metricDeltas(a, twoTrials).find((r) => r.name === 'top-1 error')!.before).toBe('+7.75 pp'); // 55% - 47.25%
  });
});
