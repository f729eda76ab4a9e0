// Owns the worker client for the page's lifetime and runs the current settings whenever they change;
// a newer run cancels the older one, so no late result overwrites a newer view.
import { useEffect, useRef } from 'react';
import { parsePrecision } from '../core/experiment/precision';
import type { RunSpec } from '../core/experiment/run';
import { cacheKey } from '../core/experiment/cacheKey';
import { LabClient } from '../worker/client';
import { cachedResult, storeResult } from './resultCache';
import type { AppStore } from './store';
import type { Settings } from './url';

export function specOf(s: Settings): RunSpec {
  return {
    dataset: s.dataset, arch: s.arch, precision: parsePrecision(s.precision), observer: s.observer, trial: s.trial - 1,
    numBins: s.bins, testSplit: s.testSplit, calibrationImages: 1024,
  };
}

export function useLab(store: AppStore): { cancel(): void } {
  const client = useRef<LabClient | null>(null);
  const settings = store((s) => s.settings);
  const ready = store((s) => s.backend !== null && 'name' in s.backend);
  const models = store((s) => s.models);
  const backend = store((s) => s.settings.backend);
  useEffect(() => {
    const c = new LabClient({
      onReady: (name, attempts) => store.setState({ backend: { name, attempts } }),
      onProgress: (m) => store.setState({ run: { status: 'running', phase: m.phase, done: m.done, total: m.total, partial: m.partial } }),
      onCrash: (message) => store.setState({ backend: null, run: { status: 'error', message: `The lab worker stopped (${message}); it was restarted.` } }),
    }, backend === 'auto' ? undefined : backend);
    client.current = c;
    store.setState({ backend: null });
    return () => c.dispose();
  }, [store, backend]);
  useEffect(() => {
    if (!ready || !client.current || !models) return;
    const entry = models.find((m) => m.dataset === settings.dataset && m.arch === settings.arch);
    if (!entry) {
      client.current.cancel();
      const have = models.filter((m) => m.dataset === settings.dataset).map((m) => m.arch);
      store.setState({ run: { status: 'error', message: `No ${settings.arch} model has been trained on ${settings.dataset} yet${have.length ? `; available: ${have.join(', ')}` : ''}.` } });
      return;
    }
    const spec = specOf(settings);
    const key = cacheKey(entry.sha256, spec);
    let live = true;
    store.setState({ run: { status: 'running', phase: 'calibrate', done: 0, total: 1 } });
    void (async () => {
      const hit = await cachedResult(key);
      if (!live) return;
      if (hit) {
        client.current?.cancel();
        store.setState({ run: { status: 'done', result: hit, cached: true } });
        return;
      }
      try {
        const result = await client.current!.run(spec);
        void storeResult(result);
        if (live) store.setState({ run: { status: 'done', result, cached: false } });
      } catch (e) {
        const err = e as Error & { cancelled?: boolean };
        if (live && !err.cancelled) store.setState({ run: { status: 'error', message: err.message } });
      }
    })();
    return () => {
      live = false;
    };
  }, [store, settings, ready, models]);
  return {
    cancel: () => {
      client.current?.cancel();
      store.setState({ run: { status: 'idle' } });
    },
  };
}
