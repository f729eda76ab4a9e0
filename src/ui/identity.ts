// Where the page's results come from: the identity of a run (core/experiment/cacheKey.ts) as the page knows it
// before running (the model index's weights hash, the bundle's manifest hash, the worker's backend), and the
// shipped results (results/**/sweep.json, built into the lab), loaded once, after the first paint.
import { readManifestHashed } from '../core/data/bundle';
import type { RunIdentity } from '../core/experiment/cacheKey';
import { ShippedRuns } from '../core/experiment/shipped';
import { bundleFetcher } from './fetchBundle';
import type { AppStore } from './store';

export type DataIdentity = Pick<RunIdentity, 'dataSha256' | 'poolCount'>;

const builtin = new Map<string, Promise<DataIdentity>>();

/** The identity of a dataset's data: the user's bundle of that name, else the built-in one. */
export function dataIdentity(store: AppStore, dataset: string): Promise<DataIdentity> {
  const b = store.getState().userBundles[dataset];
  if (b)
    return Promise.resolve({
      dataSha256: b.sha256,
      poolCount: b.manifest.splits[b.manifest.poolSplit].count,
    });
  if (!builtin.has(dataset)) {
    const p = readManifestHashed(bundleFetcher(dataset)).then(({ manifest, sha256 }) => ({
      dataSha256: sha256,
      poolCount: manifest.splits[manifest.poolSplit].count,
    }));
    p.catch(() => builtin.delete(dataset)); // retried next time
    builtin.set(dataset, p);
  }
  return builtin.get(dataset)!;
}

let shipped: Promise<ShippedRuns> | undefined;
/** The shipped results, for this engine version. */
export const shippedRuns = (): Promise<ShippedRuns> =>
  (shipped ??= import('virtual:shipped-results').then((m) => new ShippedRuns(m.default)));
