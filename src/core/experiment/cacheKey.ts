// A result's identity: the model's weights, the data, the backend that computed it and every setting that
// changes a number. One key, computed here for Node (the sweep), the worker (each result's `key`) and the page
// (its IndexedDB cache and the shipped results) alike.
import { int8Of, runClamp } from './arithmetic';
import { withReplacement } from './calibration';
import type { RunSpec } from './run';
import { precisionLabel } from './precision';

/** Bump when the engine's numbers change for the same inputs, so stale cache entries are ignored. */
export const ENGINE_VERSION = 3; // 2: results carry per-image predictions; 3: oneDNN's arithmetic is 'int8-onednn'

/** What a run's numbers depend on besides its settings. */
export interface RunIdentity {
  weightsSha256: string;
  /** sha256 of the data bundle's manifest.json, which holds every file's hash. */
  dataSha256: string;
  /** The calibration pool's size: a pool smaller than the draw is sampled with replacement. */
  poolCount: number;
  /** The tfjs backend: float32 summation order differs between backends, and rounding to the grid
   * amplifies it (docs/decisions.md). */
  backend: string;
}

export function cacheKey(id: RunIdentity, s: RunSpec): string {
  const quantized = s.precision.wBits !== null || s.precision.aBits !== null;
  return [
    `v${ENGINE_VERSION}`,
    id.weightsSha256.slice(0, 16),
    `${s.dataset}@${id.dataSha256.slice(0, 16)}`,
    s.testSplit,
    precisionLabel(s.precision),
    // float runs do not depend on the observer or the calibration draw
    quantized ? s.observer : '-',
    quantized ? `t${s.trial}` : '-',
    quantized ? `n${s.calibrationImages}` : '-',
    `b${s.numBins}`,
    id.backend,
    // the defaults (fake quant, b-bit clamps) add nothing: most keys stay short
    ...(int8Of(s.arithmetic) ? [s.arithmetic] : []),
    ...(runClamp(s.clamp, s.precision) ? ['clamp-dtype'] : []),
    ...(s.precision.aBits !== null && withReplacement(id.poolCount, s.calibrationImages)
      ? ['replacement']
      : []),
  ].join('|');
}

/** A result's engine version: recorded since keys held the backend; before that, the key's `v` prefix. */
export const engineVersionOf = (r: { engineVersion?: number; key: string }): number =>
  r.engineVersion ?? Number(/^v(\d+)\|/.exec(r.key)?.[1] ?? 0);
