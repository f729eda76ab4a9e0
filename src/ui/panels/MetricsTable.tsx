import type { RunResult } from '../../core/experiment/run';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export function MetricsTable({ result }: { result: RunResult }) {
  const { before, after, temperature } = result;
  const rows: [string, (r: typeof before) => string][] = [
    ['top-1 error', (r) => pct(r.error)],
    ['ECE (95% bootstrap interval)', (r) => `${pct(r.ece)} (${pct(r.eceInterval.lo)} – ${pct(r.eceInterval.hi)})`],
    ['MCE', (r) => pct(r.mce)],
    ['adaptive ECE', (r) => pct(r.adaptiveEce)],
    ['classwise ECE', (r) => pct(r.classwiseEce)],
    ['NLL', (r) => r.nll.toFixed(4)],
    ['Brier', (r) => r.brier.toFixed(4)],
  ];
  return (
    <table className="data-table metrics">
      <caption>Test set ({before.n} images){result.calibration ? `, calibrated on ${result.calibration.images} images (seed ${result.calibration.seed})` : ''}; T = {temperature.temperature.toFixed(4)}{temperature.atBound ? ' (at its bound)' : ''}</caption>
      <thead><tr><th scope="col">metric</th><th scope="col">before scaling</th><th scope="col">after scaling</th></tr></thead>
      <tbody>
        {rows.map(([name, f]) => (
          <tr key={name}><th scope="row">{name}</th><td className="num" data-metric={name}>{f(before)}</td><td className="num">{f(after)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}
