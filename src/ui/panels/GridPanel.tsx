// The paper's reliability grid (its Figures 2-5): rows = precisions, columns = architectures, one
// dataset, before or after temperature scaling, filled cell by cell as runs finish.
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import { type AppStore, shippedNote } from '../store';
import { archTitle, archsWithModels } from '../archs';
import { PRECISIONS } from '../labels';
import { diagramOf, reportStat } from '../trials';

export function GridPanel({ store }: { store: AppStore }) {
  const grid = store((s) => s.grid);
  const models = store((s) => s.models) ?? [];
  const { dataset, scaling } = store((s) => s.settings);
  const archs = archsWithModels(models, dataset);
  if (archs.length === 0) return <p role="alert">No model has been trained on {dataset} yet.</p>;
  const note = shippedNote(Object.values(grid).flat());
  return (
    <>
      {note && (
        <p className="muted" data-testid="grid-shipped">
          {note}
        </p>
      )}
      <table className="grid" aria-label={`Reliability grid, ${scaling} temperature scaling`}>
        <thead>
          <tr>
            <th scope="col">precision</th>
            {archs.map((a) => (
              <th key={a} scope="col">
                {archTitle(a)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PRECISIONS.map(([p, title]) => (
            <tr key={p}>
              <th scope="row">{title}</th>
              {archs.map((a) => {
                const rs = grid[`${a}|${p}`];
                const error = rs && reportStat(rs, scaling, (r) => r.error).mean;
                return (
                  <td key={a}>
                    {rs ? (
                      <ReliabilityDiagram
                        {...diagramOf(rs, scaling)}
                        height={150}
                        title={`${archTitle(a)}, ${title}: error ${(100 * error!).toFixed(1)}%`}
                      />
                    ) : (
                      <p className="muted">waiting...</p>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
