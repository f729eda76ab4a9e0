// Why temperature scaling failed or backfired on a run, in one sentence: shown under the metrics, where a
// user would otherwise read "T = 0.01" or a larger ECE after scaling without a reason.
import { T_MAX, T_MIN } from '../core/calib/temperature';
import type { SweepRecord } from '../core/experiment/summary';
import { pct } from './format';

export function scalingNote(r: SweepRecord): string | null {
  const { temperature: T, atBound } = r.temperature;
  const ties = r.before.tiedTop ?? 0;
  if (atBound) {
    const bound = T <= T_MIN * (1 + 1e-9) ? `its lower bound, T = ${T_MIN}` : `its upper bound, T = ${T_MAX}`;
    return ties > 0
      ? `Temperature scaling stopped at ${bound}: ${ties} of ${r.before.n} test images have tied top logits, which no temperature can split, and the validation NLL still fell there, so T is not a meaningful fit.`
      : `Temperature scaling stopped at ${bound}: the validation NLL still fell there (the quantized logits leave too few distinct levels, or the validation set is separated perfectly), so T is not a meaningful fit.`;
  }
  if (r.after.ece > r.before.ece)
    return `Scaling raised ECE (${pct(r.before.ece)} to ${pct(r.after.ece)}): T minimises the NLL on the validation split, not the ECE on the test split, and the two part ways when the validation set is small or a model's errors are not spread evenly across confidence.`;
  return null;
}
