// Owns the worker client for the page's lifetime and runs the current settings whenever they change
// (one run in the single view, every cell in the grid view); a newer run cancels the older one, so no
// late result overwrites a newer view. Results come from the IndexedDB cache when they can.
import { useEffect, useRef } from 'react';
import { CALIBRATION_IMAGES } from '../core/experiment/calibration';
import { PAPER_PRECISIONS, parsePrecision } from '../core/experiment/precision';
import type { RunResult, RunSpec } from '../core/experiment/run';
import { cacheKey } from '../core/experiment/cacheKey';
import { LabClient } from '../worker/client';
import { cachedResult, storeResult } from './resultCache';
import type { AppStore } from './store';
import { ARCHS, type Settings } from './url';
import type { ModelEntry } from './useModelIndex';

export function specOf(s: Settings): RunSpec {
  return {
    dataset: s.dataset, arch: s.arch, precision: parsePrecision(s.precision), observer: s.observer, trial: s.trial - 1,
    numBins: s.bins, testSplit: s.testSplit, calibrationImages: CALIBRATION_IMAGES,
  };
}

/** The cached result, or a fresh run (then cached). */
async function obtain(client: LabClient, spec: RunSpec, model: ModelEntry): Promise<{ result: RunResult; cached: boolean }> {
  const hit = await cachedResult(cacheKey(model.sha256, spec));
  if (hit) return { result: hit, cached: true };
  const result = await client.run(spec);
  void storeResult(result);
  return { result, cached: false };
}

const isCancel = (e: unknown) => (e as { cancelled?: boolean }).cancelled === true;

export function useLab(store: AppStore): { cancel(): void } {
  const client = useRef<LabClient | null>(null);
  const quiet = useRef(false); // the gallery's background FP32 run must not replace the shown run's state
  const settings = store((s) => s.settings);
  const ready = store((s) => s.backend !== null && 'name' in s.backend);
  const models = store((s) => s.models);
  const backend = store((s) => s.settings.backend);
  useEffect(() => {
    const c = new LabClient({
      onReady: (name, attempts) => store.setState({ backend: { name, attempts } }),
      onProgress: (m) => !quiet.current && store.setState({ run: { status: 'running', phase: m.phase, done: m.done, total: m.total, partial: m.partial } }),
      onCrash: (message) => store.setState({ backend: null, run: { status: 'error', message: `The lab worker stopped (${message}); it was restarted.` } }),
    }, backend === 'auto' ? undefined : backend);
    client.current = c;
    store.setState({ backend: null });
    // a handle for the e2e test of crash recovery
    (window as Window & { qcalInjectWorkerCrash?: () => void }).qcalInjectWorkerCrash = () => c.injectCrash();
    return () => c.dispose();
  }, [store, backend]);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'single') return;
    const entry = models.find((m) => m.dataset === settings.dataset && m.arch === settings.arch);
    if (!entry) {
      c.cancel();
      const have = models.filter((m) => m.dataset === settings.dataset).map((m) => m.arch);
      store.setState({ run: { status: 'error', message: `No ${settings.arch} model has been trained on ${settings.dataset} yet${have.length ? `; available: ${have.join(', ')}` : ''}.` } });
      return;
    }
    let live = true;
    store.setState({ run: { status: 'running', phase: 'calibrate', done: 0, total: 1 } });
    store.setState({ fp32: null });
    void (async () => {
      try {
        const { result, cached } = await obtain(c, specOf(settings), entry);
        if (!live) return;
        store.setState({ run: { status: 'done', result, cached } });
        quiet.current = true;
        const fp32 = settings.precision === 'fp32' ? result : (await obtain(c, specOf({ ...settings, precision: 'fp32' }), entry).finally(() => (quiet.current = false))).result;
        if (live) store.setState({ fp32 });
      } catch (e) {
        if (live && !isCancel(e)) store.setState({ run: { status: 'error', message: (e as Error).message } });
      }
    })();
    return () => {
      live = false;
    };
  }, [store, settings, ready, models]);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'grid') return;
    let live = true;
    store.setState({ grid: {} });
    void (async () => {
      for (const precision of PAPER_PRECISIONS) {
        for (const arch of ARCHS) {
          const entry = models.find((m) => m.dataset === settings.dataset && m.arch === arch);
          if (!entry || !live) continue;
          try {
            const { result } = await obtain(c, specOf({ ...settings, arch, precision }), entry);
            if (live) store.setState((s) => ({ grid: { ...s.grid, [`${arch}|${precision}`]: result } }));
          } catch (e) {
            if (!live || isCancel(e)) return;
            store.setState({ run: { status: 'error', message: (e as Error).message } });
            return;
          }
        }
      }
      if (live) store.setState({ run: { status: 'idle' } });
    })();
    return () => {
      live = false;
      c.cancel(); // leaving the grid (or changing it) stops the cell in progress
      store.setState({ run: { status: 'idle' } });
    };
  }, [store, settings, ready, models]);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'compare') return;
    let live = true;
    store.setState({ compare: [] });
    const sides: Settings[] = [settings, { ...settings, arch: settings.arch2, precision: settings.precision2 }];
    void (async () => {
      for (const [i, side] of sides.entries()) {
        const entry = models.find((m) => m.dataset === side.dataset && m.arch === side.arch);
        if (!entry) {
          store.setState({ run: { status: 'error', message: `No ${side.arch} model has been trained on ${side.dataset} yet.` } });
          return;
        }
        try {
          const { result } = await obtain(c, specOf(side), entry);
          if (!live) return;
          store.setState((s) => ({ compare: Object.assign([...s.compare], { [i]: result }) }));
        } catch (e) {
          if (live && !isCancel(e)) store.setState({ run: { status: 'error', message: (e as Error).message } });
          return;
        }
      }
      if (live) store.setState({ run: { status: 'idle' } });
    })();
    return () => {
      live = false;
      c.cancel();
      store.setState({ run: { status: 'idle' } });
    };
  }, [store, settings, ready, models]);
  return {
    cancel: () => {
      client.current?.cancel();
      store.setState({ run: { status: 'idle' } });
    },
  };
}
