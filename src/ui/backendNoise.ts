// How far a model's results move between backends, as `npm run noise` measured it (results/backend-noise/):
// the page says so beside a result whose backend differs from the one it is compared with.
import { summary } from '../../results/backend-noise/noise.json';
import { type BackendNoise, noiseSentence } from '../core/experiment/backendAgreement';
import { precisionLabel } from '../core/experiment/precision';
import type { RunSpec } from '../core/experiment/run';

const MEASURED = summary as BackendNoise[];

/** The settings `npm run noise` measures: the histogram observer, fake quant, b-bit clamps, one precision, the
 * default test split. */
const measurable = (s: RunSpec) =>
  s.observer === 'histogram' &&
  (s.arithmetic ?? 'fake-quant') === 'fake-quant' &&
  (s.clamp ?? 'bits') === 'bits' &&
  !s.mixed &&
  s.testSplit === 'test';

/** The measured difference between backends `a` and `b` for this run's model and settings, in words; null
 * where the two are the same backend or that pair was not measured (WebGL, FP32, other settings, other
 * weights). */
export function backendNoiseNote(
  { spec, weightsSha256 }: { spec: RunSpec; weightsSha256: string },
  a: string,
  b: string,
): string | null {
  if (a === b || !measurable(spec)) return null;
  const precision = precisionLabel(spec.precision);
  const n = MEASURED.find(
    (m) =>
      m.weightsSha256 === weightsSha256 &&
      m.precision === precision &&
      ((m.backend === a && m.reference === b) || (m.backend === b && m.reference === a)),
  );
  return n ? noiseSentence(n) : null;
}
