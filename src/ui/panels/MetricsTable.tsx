// The metrics of a run before and after temperature scaling; for several trials, each metric's mean
// and standard deviation over them. Also the difference of two runs' metrics, for the compare view.
import type { CalibrationReport } from '../../core/calib/report';
import type { SweepRecord } from '../../core/experiment/summary';
import type { Stat } from '../../core/experiment/summary';
import { reportStat, type Side, temperatureText } from '../trials';
import { pct } from '../format';

const fixed = (v: number) => v.toFixed(4);
const spread = (s: Stat, f: (v: number) => string) => `${f(s.mean)} ± ${f(s.sd)}`;

type Metric = [name: string, value: (r: CalibrationReport) => number, format: (v: number) => string];
type Row = [name: string, text: (side: Side) => string];

// The table reads as the paper does: error, then ECE (which has its interval), then the rest.
const ERROR: Metric = ['top-1 error', (r) => r.error, pct];
const OTHERS: Metric[] = [
  ['MCE', (r) => r.mce, pct],
  ['adaptive ECE', (r) => r.adaptiveEce, pct],
  ['classwise ECE', (r) => r.classwiseEce, pct],
  ['NLL', (r) => r.nll, fixed],
  ['Brier', (r) => r.brier, fixed],
];
// Shown only where some image ties: quantized logits too coarse to tell its top classes apart.
const TIED: Metric = ['tied top logits (images)', (r) => r.tiedTop ?? 0, (v) => v.toFixed(0)];

function caption(results: SweepRecord[]): string {
  const [first] = results;
  const test = `Test set (${first.before.n} images)`;
  const cal = first.calibration;
  const bound = results.some((r) => r.temperature.atBound) ? ' (at its bound)' : '';
  const drawn = cal?.pool ? ` drawn with replacement from a pool of ${cal.pool}` : '';
  if (results.length === 1)
    return `${test}${cal ? `, calibrated on ${cal.images} images${drawn} (seed ${cal.seed})` : ''}; ${temperatureText(results)}${bound}`;
  const seeds = results.map((r) => r.calibration?.seed).join(', ');
  return `${test}, mean ± standard deviation over ${results.length} trials, each calibrated on ${cal?.images} images${drawn} (seeds ${seeds}); ${temperatureText(results)}${bound}`;
}

const ECE: Metric = ['ECE', (r) => r.ece, pct];

/** B minus A for each metric, before and after scaling (means over the trials shown); percentages in points. */
export function metricDeltas(
  a: SweepRecord[],
  b: SweepRecord[],
): { name: string; before: string; after: string }[] {
  // a signed difference at the table's precision; one that rounds to zero is shown as 0
  const signed = (v: number, digits: number, unit: string) => {
    const t = Math.abs(v).toFixed(digits);
    return Number(t) === 0 ? `0${unit}` : `${v < 0 ? '\u2212' : '+'}${t}${unit}`;
  };
  return [ERROR, ECE, ...OTHERS].map(([name, f, format]) => {
    const delta = (side: Side) => reportStat(b, side, f).mean - reportStat(a, side, f).mean;
    const text = (side: Side) =>
      format === pct ? signed(100 * delta(side), 2, ' pp') : signed(delta(side), 4, '');
    return { name, before: text('before'), after: text('after') };
  });
}

const MetricsHead = () => (
  <thead>
    <tr>
      <th scope="col">metric</th>
      <th scope="col">before scaling</th>
      <th scope="col">after scaling</th>
    </tr>
  </thead>
);

export function DeltaTable({ a, b }: { a: SweepRecord[]; b: SweepRecord[] }) {
  return (
    <table className="data-table metrics">
      <caption>B minus A (percentage points for the percentages; means over the trials shown)</caption>
      <MetricsHead />
      <tbody>
        {metricDeltas(a, b).map(({ name, before, after }) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="num">{before}</td>
            <td className="num">{after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MetricsTable({ results }: { results: SweepRecord[] }) {
  const one = results.length === 1;
  const row = ([name, f, format]: Metric): Row => [
    name,
    (side) => (one ? format(f(results[0][side])) : spread(reportStat(results, side, f), format)),
  ];
  const ece = (side: Side) => {
    if (!one)
      return spread(
        reportStat(results, side, (r) => r.ece),
        pct,
      );
    const r = results[0][side];
    return `${pct(r.ece)} (${pct(r.eceInterval.lo)} – ${pct(r.eceInterval.hi)})`;
  };
  const ties = results.some((r) => (r.before.tiedTop ?? 0) > 0);
  const rows: Row[] = [
    row(ERROR),
    [one ? 'ECE (95% bootstrap interval)' : 'ECE', ece],
    ...OTHERS.map(row),
    ...(ties ? [row(TIED)] : []),
  ];
  return (
    <table className="data-table metrics">
      <caption>{caption(results)}</caption>
      <MetricsHead />
      <tbody>
        {rows.map(([name, f]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="num" data-metric={name}>
              {f('before')}
            </td>
            <td className="num">{f('after')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
