// Tables of results: one CSV row per run, and per (dataset, architecture, precision) the mean and
// spread (sample standard deviation) over trials, as the paper's Figure 1 reports them.
import { precisionLabel, precisionTitle } from './precision';
import { int8Of } from './arithmetic';
import type { RunResult } from './run';
import { engineVersionOf } from './cacheKey';
import { SETTINGS, type SettingDef } from './settings';

/** A run as the sweep stores it: without the per-image predictions and qparams, which the tables do not need;
 * with the machine that computed it (recorded since 2026-12-02). */
export type SweepRecord = Omit<RunResult, 'qparams' | 'predictions'> & { machine?: string };

export interface Summary {
  dataset: string;
  arch: string;
  precision: string;
  trials: number;
  error: Stat;
  eceBefore: Stat;
  eceAfter: Stat;
  nllBefore: Stat;
  nllAfter: Stat;
  temperature: Stat;
}

export interface Stat {
  mean: number;
  sd: number;
}

/** Mean and sample standard deviation (0 for a single value). */
export function stat(xs: number[]): Stat {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

const arithmeticOf = SETTINGS.arithmetic.csv!.value;
const clampOf = SETTINGS.clamp.csv!.value;

export function summarize(results: SweepRecord[]): Summary[] {
  const groups = new Map<string, SweepRecord[]>();
  for (const r of results) {
    const k = `${r.spec.dataset}|${r.spec.arch}|${precisionLabel(r.spec.precision)}|${arithmeticOf(r)}|${clampOf(r)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => ({
    dataset: rs[0].spec.dataset,
    arch: rs[0].spec.arch,
    trials: rs.length,
    precision:
      precisionTitle(rs[0].spec.precision) +
      (int8Of(rs[0].spec.arithmetic) ? ` ${rs[0].spec.arithmetic}` : '') +
      (clampOf(rs[0]) === 'dtype' ? ' (8-bit clamps)' : ''),
    error: stat(rs.map((r) => r.before.error)),
    eceBefore: stat(rs.map((r) => r.before.ece)),
    eceAfter: stat(rs.map((r) => r.after.ece)),
    nllBefore: stat(rs.map((r) => r.before.nll)),
    nllAfter: stat(rs.map((r) => r.after.nll)),
    temperature: stat(rs.map((r) => r.temperature.temperature)),
  }));
}

const pct = (s: Stat) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sd).toFixed(2)}`;
const num = (s: Stat) => `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;

export function toMarkdown(rows: Summary[]): string {
  const head =
    '| dataset | model | precision | trials | top-1 error % | ECE % | ECE % after TS | NLL | NLL after TS | T |\n|---|---|---|---|---|---|---|---|---|---|\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.dataset} | ${r.arch} | ${r.precision} | ${r.trials} | ${pct(r.error)} | ${pct(r.eceBefore)} | ${pct(r.eceAfter)} | ${num(r.nllBefore)} | ${num(r.nllAfter)} | ${num(r.temperature)} |`,
      )
      .join('\n') +
    '\n'
  );
}

/** One row per run: each setting's column (settings.ts, in its order), then the calibration seed, the
 * metrics and the run's identity. */
/** The settings' CSV columns (settings.ts), each declared once, for every CSV the lab writes. */
export const settingColumns = () =>
  Object.values(SETTINGS).flatMap((d) => (d as SettingDef<unknown>).csv ?? []);

export function toCsv(results: SweepRecord[]): string {
  const settings = settingColumns();
  const cols = [
    ...settings.map((c) => c.column),
    'seed',
    'n',
    'error',
    'nll',
    'brier',
    'ece',
    'ece_lo',
    'ece_hi',
    'mce',
    'adaptive_ece',
    'classwise_ece',
    'temperature',
    'error_ts',
    'nll_ts',
    'brier_ts',
    'ece_ts',
    'mce_ts',
    'adaptive_ece_ts',
    'classwise_ece_ts',
    'tied_top',
    'engine_version',
    'weights_sha256',
    'data_sha256',
  ];
  const rows = results.map((r) =>
    [
      ...settings.map((c) => c.value(r)),
      r.calibration?.seed ?? '',
      r.before.n,
      r.before.error,
      r.before.nll,
      r.before.brier,
      r.before.ece,
      r.before.eceInterval.lo,
      r.before.eceInterval.hi,
      r.before.mce,
      r.before.adaptiveEce,
      r.before.classwiseEce,
      r.temperature.temperature,
      r.after.error,
      r.after.nll,
      r.after.brier,
      r.after.ece,
      r.after.mce,
      r.after.adaptiveEce,
      r.after.classwiseEce,
      r.before.tiedTop ?? '',
      engineVersionOf(r),
      r.weightsSha256,
      r.dataSha256 ?? '',
    ].join(','),
  );
  return [cols.join(','), ...rows].join('\n') + '\n';
}
