// Everything the lab plots for one set of logits, and the before/after temperature-scaling pair.
import type { Bin } from './bins';
import { type Interval, bootstrapEce } from './bootstrap';
import { DEFAULT_BINS, adaptiveEce, classwiseEce, ece, reliabilityBins } from './ece';
import { type Logits, toPredictions } from './probs';
import { brier, nll, topOneError } from './scores';
import { type TemperatureFit, fitTemperature } from './temperature';

export interface CalibrationReport {
  n: number;
  error: number;
  nll: number;
  brier: number;
  ece: number;
  eceInterval: Interval;
  mce: number;
  adaptiveEce: number;
  classwiseEce: number;
  /** Reliability diagram bins; bins[b].count / n is the confidence histogram. */
  bins: Bin[];
  /** Images whose top logit another class shares (argmax takes the first; scaling cannot split them).
   * Absent from results cached before it was counted. */
  tiedTop?: number;
}

export interface ReportOptions {
  numBins?: number;
  temperature?: number;
  bootstrap?: { resamples?: number; level?: number; seed?: number };
}

export function calibrationReport(
  logits: Logits,
  labels: ArrayLike<number>,
  k: number,
  opts: ReportOptions = {},
): CalibrationReport {
  const numBins = opts.numBins ?? DEFAULT_BINS;
  const p = toPredictions(logits, labels, k, opts.temperature ?? 1);
  const { ece: e, mce } = ece(p, numBins);
  return {
    n: p.n,
    error: topOneError(p),
    nll: nll(p),
    brier: brier(p),
    ece: e,
    mce,
    eceInterval: bootstrapEce(p, numBins, opts.bootstrap),
    adaptiveEce: adaptiveEce(p, numBins),
    classwiseEce: classwiseEce(p, numBins),
    bins: reliabilityBins(p, numBins),
    tiedTop: p.tiedTop,
  };
}

/** What a temperature slider shows at T, cheap enough for every step of a drag (no bootstrap). */
export type QuickReport = Pick<CalibrationReport, 'n' | 'error' | 'nll' | 'ece' | 'mce' | 'bins'>;

export function reportAt(
  logits: Logits,
  labels: ArrayLike<number>,
  k: number,
  temperature: number,
  numBins = DEFAULT_BINS,
): QuickReport {
  const p = toPredictions(logits, labels, k, temperature);
  const { ece: e, mce } = ece(p, numBins);
  return { n: p.n, error: topOneError(p), nll: nll(p), ece: e, mce, bins: reliabilityBins(p, numBins) };
}

export interface ScaledReports {
  before: CalibrationReport;
  after: CalibrationReport;
  fit: TemperatureFit;
}

/** Fits T on validation logits, then reports the test logits at T = 1 and at the fitted T. */
export function reportsWithTemperature(
  val: { logits: Logits; labels: ArrayLike<number> },
  test: { logits: Logits; labels: ArrayLike<number> },
  k: number,
  opts: Omit<ReportOptions, 'temperature'> = {},
): ScaledReports {
  return scaledReports(test, k, fitTemperature(val.logits, val.labels, k), opts);
}

/** The test reports before and after scaling with a temperature already fitted. */
export function scaledReports(
  test: { logits: Logits; labels: ArrayLike<number> },
  k: number,
  fit: TemperatureFit,
  opts: Omit<ReportOptions, 'temperature'> = {},
): ScaledReports {
  return {
    before: calibrationReport(test.logits, test.labels, k, opts),
    after: calibrationReport(test.logits, test.labels, k, { ...opts, temperature: fit.temperature }),
    fit,
  };
}
