// The reliability grid's cells in the order the lab computes them, row by row: the paper's precisions
// down, the dataset's architectures with a model across. The grid view and the hook that fills it share it.
import { SETTINGS } from '../core/experiment/settings';
import { archTitle, archsWithModels } from './archs';
import type { ModelEntry } from './useModelIndex';

export interface GridCell {
  /** `arch|precision`, as the store's grid holds the cell's runs. */
  id: string;
  arch: string;
  precision: string;
  /** "GhostNet-VGG W4/A8" */
  label: string;
}

export const gridPrecisions = SETTINGS.precision.choices!;

export const gridCells = (models: readonly ModelEntry[], dataset: string): GridCell[] =>
  gridPrecisions.flatMap(([precision, title]) =>
    archsWithModels(models, dataset).map((arch) => ({
      id: `${arch}|${precision}`,
      arch,
      precision,
      label: `${archTitle(arch)} ${title}`,
    })),
  );
