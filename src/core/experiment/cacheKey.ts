// Results are cached by the model's weights hash plus every setting that changes a number.
import { int8Of, runClamp } from './arithmetic';
import { withReplacement } from './calibration';
import type { RunSpec } from './run';
import { precisionLabel } from './precision';

/** Bump when the engine's numbers change for the same inputs, so stale cache entries are ignored. */
export const ENGINE_VERSION = 3; // 2: results carry per-image predictions; 3: oneDNN's arithmetic is 'int8-onednn'

/** `dataSha256`: for a bundle the user brought, the hash of its manifest (built-in data never changes under a name).
 * `poolCount`: the calibration pool's size where it may be smaller than the request (every shipped pool is not),
 * so that draws with replacement have keys of their own. */
export function cacheKey(weightsSha256: string, s: RunSpec, dataSha256?: string, poolCount?: number): string {
  const quantized = s.precision.wBits !== null || s.precision.aBits !== null;
  return [
    `v${ENGINE_VERSION}`,
    weightsSha256.slice(0, 16),
    dataSha256 ? `${s.dataset}@${dataSha256.slice(0, 16)}` : s.dataset,
    s.testSplit,
    precisionLabel(s.precision),
    // float runs do not depend on the observer or the calibration draw
    quantized ? s.observer : '-',
    quantized ? `t${s.trial}` : '-',
    quantized ? `n${s.calibrationImages}` : '-',
    `b${s.numBins}`,
    // the defaults (fake quant, b-bit clamps) add nothing: most keys stay short
    ...(int8Of(s.arithmetic) ? [s.arithmetic] : []),
    ...(runClamp(s.clamp, s.precision) ? ['clamp-dtype'] : []),
    ...(s.precision.aBits !== null &&
    poolCount !== undefined &&
    withReplacement(poolCount, s.calibrationImages)
      ? ['replacement']
      : []),
  ].join('|');
}
