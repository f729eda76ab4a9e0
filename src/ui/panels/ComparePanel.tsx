// Any two runs side by side: reliability diagrams before and after scaling, and their metrics.
import { precisionTitle } from '../../core/experiment/precision';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import { archTitle } from '../archs';
import { type AppStore, shippedNote } from '../store';
import { DeltaTable, MetricsTable } from './MetricsTable';
import { diagramOf, runSubject, temperatureText } from '../trials';

export function ComparePanel({ store }: { store: AppStore }) {
  const runs = store((s) => s.compare);
  return (
    <>
      <div className="diagrams">
        {[0, 1].map((i) => {
          const rs = runs[i];
          if (!rs)
            return (
              <p key={i} className="muted">
                Run {i === 0 ? 'A' : 'B'}: waiting...
              </p>
            );
          const { spec } = rs[0];
          const mixed = spec.mixed ? `, mixed ${spec.mixed}` : '';
          const name = `${i === 0 ? 'A' : 'B'}: ${archTitle(spec.arch)} ${precisionTitle(spec.precision)}${mixed}${rs.length > 1 ? ` (${rs.length} trials)` : ''}`;
          return (
            <section key={i} aria-label={`Run ${name}`}>
              <h3>{name}</h3>
              {shippedNote(rs) && <p className="muted">{shippedNote(rs)}</p>}
              <ReliabilityDiagram
                {...diagramOf(rs, 'before')}
                height={180}
                subject={runSubject(rs)}
                title={`${name}, before scaling`}
              />
              <ReliabilityDiagram
                {...diagramOf(rs, 'after')}
                height={180}
                subject={runSubject(rs)}
                title={`${name}, after scaling (${temperatureText(rs, 3)})`}
              />
              <MetricsTable results={rs} />
            </section>
          );
        })}
      </div>
      {runs[0] && runs[1] && (
        <section aria-label="Difference B minus A">
          <DeltaTable a={runs[0]} b={runs[1]} />
        </section>
      )}
    </>
  );
}
