// A result's identity: the model's weights, the data, the backend that computed it and every setting that
// changes a number. One key, computed here for Node (the sweep), the worker (each result's `key`) and the page
// (its IndexedDB cache and the shipped results) alike.
import { withReplacement } from './calibration';
import type { RunSpec } from './run';
import { SETTINGS, type SettingDef } from './settings';

/** Bump when the engine's numbers change for the same inputs, so stale cache entries are ignored. */
export const ENGINE_VERSION = 3; // 2: results carry per-image predictions; 3: oneDNN's arithmetic is 'int8-onednn'

/** What a run's numbers depend on besides its settings. */
export interface RunIdentity {
  weightsSha256: string;
  /** sha256 of the data bundle's manifest.json, which holds every file's hash. */
  dataSha256: string;
  /** The calibration pool's size: a pool smaller than the draw is sampled with replacement. */
  poolCount: number;
  /** The tfjs backend that computed the run (settings.ts: backend). */
  backend: string;
}

/** `v<engine>|` then each setting's part (settings.ts, in its order) and, for a quantized run on a pool smaller
 * than its draw, `|replacement`. */
export function cacheKey(id: RunIdentity, s: RunSpec): string {
  const parts = Object.values(SETTINGS).map((d) => (d as SettingDef<unknown>).key?.(s, id));
  return [
    `v${ENGINE_VERSION}`,
    ...parts.filter((p) => p !== undefined),
    ...(s.precision.aBits !== null && withReplacement(id.poolCount, s.calibrationImages)
      ? ['replacement']
      : []),
  ].join('|');
}

/** What a key's first parts say (settings.ts puts architecture, dataset, test split and precision first,
 * none holding a `|`): enough to list what is cached of one model without reading the results. */
export function keyHead(
  key: string,
):
  | { engineVersion: number; weights: string; dataset: string; testSplit: string; precision: string }
  | undefined {
  const m = /^v(\d+)\|([0-9a-f]+)\|([^|@]+)@[0-9a-f]+\|([^|]+)\|([^|]+)(\||$)/.exec(key);
  return m
    ? { engineVersion: Number(m[1]), weights: m[2], dataset: m[3], testSplit: m[4], precision: m[5] }
    : undefined;
}

/** A result's engine version: recorded since keys held the backend; before that, the key's `v` prefix. */
export const engineVersionOf = (r: { engineVersion?: number; key: string }): number =>
  r.engineVersion ?? Number(/^v(\d+)\|/.exec(r.key)?.[1] ?? 0);
