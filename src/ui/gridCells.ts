// The reliability grid's cells in the order the lab computes them, row by row: the paper's precisions
// down, then, where a mixed precision is set, each precision it applies to again under it (extra rows); the
// dataset's architectures with a model across. The grid view and the hook that fills it share it.
import { runMixed } from '../core/experiment/arithmetic';
import { parsePrecision } from '../core/experiment/precision';
import { SETTINGS } from '../core/experiment/settings';
import { archTitle, archsWithModels } from './archs';
import type { ModelEntry } from './useModelIndex';

export interface GridRow {
  precision: string;
  /** The mixed-precision label of the row ('' for one precision). */
  mixed: string;
  /** "W4/A8", "W4/A8, mixed depthwise:w8a8" */
  title: string;
}

export interface GridCell extends GridRow {
  /** `arch|precision|mixed`, as the store's grid holds the cell's runs (gridId). */
  id: string;
  arch: string;
  /** "GhostNet-VGG W4/A8" */
  label: string;
}

export const gridId = (arch: string, precision: string, mixed = '') => `${arch}|${precision}|${mixed}`;

export function gridRows(mixed: string): GridRow[] {
  const paper = SETTINGS.precision.choices!.map(([precision, title]) => ({ precision, mixed: '', title }));
  const extra = mixed
    ? paper
        .filter((r) => runMixed(mixed, parsePrecision(r.precision)))
        .map((r) => ({ ...r, mixed, title: `${r.title}, mixed ${mixed}` }))
    : [];
  return [...paper, ...extra];
}

export const gridCells = (models: readonly ModelEntry[], dataset: string, mixed = ''): GridCell[] =>
  gridRows(mixed).flatMap((row) =>
    archsWithModels(models, dataset).map((arch) => ({
      ...row,
      id: gridId(arch, row.precision, row.mixed),
      arch,
      label: `${archTitle(arch)} ${row.title}`,
    })),
  );
