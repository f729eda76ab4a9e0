// Several trials of one configuration shown as one (the trial setting "all"): the reliability bins
// pooled over the trials, each metric as its mean and spread over them, as the paper reports them.
import { type Bin, poolBins } from '../core/calib/bins';
import type { CalibrationReport } from '../core/calib/report';
import type { SweepRecord } from '../core/experiment/summary';
import { type Stat, stat } from '../core/experiment/summary';
import { precisionTitle } from '../core/experiment/precision';
import { archTitle } from './archs';
import { runNote } from '../core/experiment/settings';

export type Side = 'before' | 'after';

/** What the runs are, for captions and file names: dataset, architecture, precision, trial(s), backend. */
export function runSubject(runs: SweepRecord[]): string {
  const [r] = runs;
  const trials =
    r.calibration === null
      ? ''
      : `trial${runs.length > 1 ? 's' : ''} ${runs.map((x) => x.spec.trial + 1).join(', ')}`;
  const note = runNote(r.spec.arithmetic, r.spec.clamp, r.spec.mixed);
  return [r.spec.dataset, archTitle(r.spec.arch), precisionTitle(r.spec.precision), trials, r.backend, note]
    .filter(Boolean)
    .join(', ');
}

/** What a reliability diagram of the runs draws: pooled bins, the mean ECE, and a note saying so. */
export function diagramOf(runs: SweepRecord[], side: Side): { bins: Bin[]; ece: number; eceNote?: string } {
  if (runs.length === 1) return { bins: runs[0][side].bins, ece: runs[0][side].ece };
  return {
    bins: poolBins(runs.map((r) => r[side].bins)),
    ece: statOf(runs, (r) => r[side].ece).mean,
    eceNote: `mean of ${runs.length} trials; bins pooled`,
  };
}

export const statOf = (runs: SweepRecord[], f: (r: SweepRecord) => number): Stat => stat(runs.map(f));

export const reportStat = (runs: SweepRecord[], side: Side, f: (r: CalibrationReport) => number): Stat =>
  statOf(runs, (r) => f(r[side]));

/** "T = 0.9279" for one run, "T = 0.931 ± 0.004" (mean ± sd) for several. */
export function temperatureText(runs: SweepRecord[], digits = 4): string {
  const t = statOf(runs, (r) => r.temperature.temperature);
  return runs.length === 1
    ? `T = ${t.mean.toFixed(digits)}`
    : `T = ${t.mean.toFixed(digits)} ± ${t.sd.toFixed(digits)}`;
}
