// The architectures the views list, name and colour: the paper's three, in its order, then any the
// user brought (a model's `arch` is its own name: the core runs any exported graph).
import { ARCHS, type ArchName, choiceLabel } from '../core/experiment/settings';
import type { ModelEntry } from './useModelIndex';

const COLORS: Record<ArchName, string> = {
  shufflenetv2: '#1f77b4',
  ghostnet_vgg: '#2ca02c',
  mobileone_s0: '#d62728',
};
/** The rest of d3's category10, for the user's architectures. */
const MORE_COLORS = ['#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

export const isBuiltInArch = (a: string): a is ArchName => (ARCHS as readonly string[]).includes(a);

export const archTitle = (a: string): string => choiceLabel('arch', a);

/** The built-in architectures first, in the paper's order, then the others by name; each once. */
export function orderArchs(archs: Iterable<string>): string[] {
  const have = new Set(archs);
  return [...ARCHS.filter((a) => have.has(a)), ...[...have].filter((a) => !isBuiltInArch(a)).sort()];
}

/** The architectures with a model (shipped or the user's) on the dataset, in view order. */
export const archsWithModels = (models: readonly ModelEntry[], dataset: string): string[] =>
  orderArchs(models.filter((m) => m.dataset === dataset).map((m) => m.arch));

/** The architectures a dataset's dropdowns offer: the paper's three always, then the user's with a model there. */
export const archChoices = (models: readonly ModelEntry[], dataset: string): string[] =>
  orderArchs([...ARCHS, ...archsWithModels(models, dataset)]);

/** An architecture's colour: fixed for the paper's three; the others' from their place in `shown` (one
 * chart's architectures, orderArchs order), so both panels of a figure agree. */
export function archColor(a: string, shown: readonly string[]): string {
  if (isBuiltInArch(a)) return COLORS[a];
  const others = shown.filter((x) => !isBuiltInArch(x));
  return MORE_COLORS[Math.max(0, others.indexOf(a)) % MORE_COLORS.length];
}
