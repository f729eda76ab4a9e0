// Loads the manifest and the first shard of the chosen test split whenever the dataset changes;
// a stale load (the user switched again) never overwrites a newer one.
import { useEffect } from 'react';
import { readManifest, readSplit } from '../core/data/bundle';
import type { AppStore } from './store';
import { bundleFetcher } from './fetchBundle';

export function useDatasetPreview(store: AppStore): void {
  const dataset = store((s) => s.settings.dataset);
  const testSplit = store((s) => s.settings.testSplit);
  const userFiles = store((s) => s.userBundles[dataset]?.files);
  useEffect(() => {
    let live = true;
    const set: AppStore['setState'] = (patch) => live && store.setState(patch);
    const fetchFile = bundleFetcher(dataset, userFiles);
    set({ manifest: { status: 'loading', done: 0, total: 1 }, preview: { status: 'idle' } });
    (async () => {
      const manifest = await readManifest(fetchFile);
      set({ manifest: { status: 'ready', value: manifest } });
      const split = manifest.testSplits.includes(testSplit) ? testSplit : manifest.testSplits[0];
      if (split !== testSplit) store.getState().setSettings({ testSplit: split });
      set({ preview: { status: 'loading', done: 0, total: manifest.splits[split].count } });
      const value = await readSplit(fetchFile, manifest, split, { maxShards: 1 });
      set({ preview: { status: 'ready', value } });
    })().catch((e: unknown) =>
      set({ manifest: { status: 'error', message: e instanceof Error ? e.message : String(e) } }),
    );
    return () => {
      live = false;
    };
  }, [store, dataset, testSplit, userFiles]);
}
