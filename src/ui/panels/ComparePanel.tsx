// Any two runs side by side: reliability diagrams before and after scaling, and their metrics.
import { precisionTitle } from '../../core/experiment/precision';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import { ARCH_TITLES } from '../labels';
import type { AppStore } from '../store';
import type { ArchName } from '../url';
import { MetricsTable } from './MetricsTable';

export function ComparePanel({ store }: { store: AppStore }) {
  const runs = store((s) => s.compare);
  return (
    <div className="diagrams">
      {[0, 1].map((i) => {
        const r = runs[i];
        if (!r) return <p key={i} className="muted">Run {i === 0 ? 'A' : 'B'}: waiting...</p>;
        const name = `${i === 0 ? 'A' : 'B'}: ${ARCH_TITLES[r.spec.arch as ArchName]} ${precisionTitle(r.spec.precision)}`;
        return (
          <section key={i} aria-label={`Run ${name}`}>
            <h3>{name}</h3>
            <ReliabilityDiagram bins={r.before.bins} ece={r.before.ece} height={180} title={`${name}, before scaling`} />
            <ReliabilityDiagram bins={r.after.bins} ece={r.after.ece} height={180} title={`${name}, after scaling (T = ${r.temperature.temperature.toFixed(3)})`} />
            <MetricsTable result={r} />
          </section>
        );
      })}
    </div>
  );
}
