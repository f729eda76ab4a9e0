// The paper's reliability grid (its Figures 2-5): rows = precisions, columns = architectures, one
// dataset, before or after temperature scaling, filled cell by cell as runs finish. One key for all
// cells; the whole grid exports as one figure.
import { useRef } from 'react';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import { ReliabilityKey } from '../charts/reliabilityKey';
import { ExportButtons, gridToSvg } from '../download';
import { type AppStore, shippedNote } from '../store';
import { archTitle, archsWithModels } from '../archs';
import { gridCells, gridRows } from '../gridCells';
import { choiceLabel } from '../../core/experiment/settings';
import { diagramOf, reportStat } from '../trials';

export function GridPanel({ store }: { store: AppStore }) {
  const grid = store((s) => s.grid);
  const running = store((s) => s.run.status === 'running');
  const models = store((s) => s.models) ?? [];
  const { dataset, scaling, mixed } = store((s) => s.settings);
  const rowsShown = gridRows(mixed);
  const view = useRef<HTMLDivElement>(null);
  const archs = archsWithModels(models, dataset);
  const cells = gridCells(models, dataset, mixed); // in the order the lab computes them
  if (archs.length === 0) return <p role="alert">No model has been trained on {dataset} yet.</p>;
  const note = shippedNote(Object.values(grid).flat());
  const next = cells.findIndex((c) => !grid[c.id]);
  const title = `${dataset} reliability grid, ${choiceLabel('scaling', scaling)}`;
  const exportGrid = (el: HTMLElement) => {
    const rows = [...(el.querySelector('table')?.tBodies[0]?.rows ?? [])];
    return gridToSvg(
      title,
      el.querySelector<SVGSVGElement>('svg.key'),
      rows.map((tr, i) => ({
        label: rowsShown[i].title,
        figures: [...tr.cells].slice(1).map((td) => td.querySelector('figure')),
      })),
    );
  };
  return (
    <div ref={view}>
      {note && (
        <p className="muted" data-testid="grid-shipped">
          {note}
        </p>
      )}
      {running && next >= 0 && (
        <p aria-live="polite" className="progress">
          Computing cell {next + 1} of {cells.length}: {cells[next].label}
        </p>
      )}
      <div className="grid-head">
        <ReliabilityKey />
        <span>
          Whole grid: <ExportButtons target={() => view.current} toSvg={exportGrid} name={title} />
        </span>
      </div>
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
          {rowsShown.map(({ precision: p, mixed: m, title: pTitle }, row) => (
            <tr key={`${p}|${m}`}>
              <th scope="row">{pTitle}</th>
              {archs.map((a, col) => {
                const i = row * archs.length + col;
                const rs = grid[cells[i].id];
                const error = rs && reportStat(rs, scaling, (r) => r.error).mean;
                return (
                  <td key={a}>
                    {rs ? (
                      <ReliabilityDiagram
                        {...diagramOf(rs, scaling)}
                        height={170}
                        fontSize={12}
                        cell
                        title={`${archTitle(a)}, ${pTitle}: error ${(100 * error!).toFixed(1)}%`}
                      />
                    ) : (
                      <p className="muted cell-placeholder">
                        {running && i === next ? 'computing...' : 'waiting...'}
                      </p>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
