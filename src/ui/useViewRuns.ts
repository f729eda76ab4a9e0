// The views' runs, one hook per view: each runs the current settings while its view is shown (one run in
// the single view, every cell in the grid, both sides in compare); a newer run cancels the older one, so no
// late result overwrites a newer view, and leaving a view stops its run.
import { useEffect } from 'react';
import { precisionLabel } from '../core/experiment/precision';
import type { Sensitivity } from '../core/experiment/sensitivity';
import type { Settings } from '../core/experiment/settings';
import { gridCells, gridId } from './gridCells';
import { findModel, missingModel, obtain, obtainTrials, runInOrder, specOf, unreported } from './runs';
import type { AppStore } from './store';
import type { Worker } from './useWorker';

/** What asks a view to run again: "Recompute in this browser" (the settings it was asked for, past the
 * shipped results) and "Run again" after a cancel (a count that changes). */
export interface Reruns {
  liveRequest: { current: Settings | null };
  recomputed: number;
}

/** What every view's run depends on: the settings, a worker ready on its backend, the models known. */
function useViewInputs(store: AppStore) {
  const settings = store((s) => s.settings);
  const ready = store((s) => s.backend !== null && 'name' in s.backend);
  const models = store((s) => s.models);
  return { settings, ready, models };
}

/** The single view: the run (or trials) of the settings, then its FP32 run for the gallery, quietly. */
export function useSingleRun(
  store: AppStore,
  { client, quiet, onTrial }: Worker,
  { liveRequest, recomputed }: Reruns,
): void {
  const { settings, ready, models } = useViewInputs(store);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'single') return;
    const entry = findModel(models, settings);
    if (!entry) {
      c.cancel();
      store.setState({ run: { status: 'error', message: missingModel(models, settings) } });
      return;
    }
    let live = true;
    const recompute = liveRequest.current === settings; // "Recompute in this browser": past the shipped results
    store.setState({ run: { status: 'running', phase: 'calibrate', done: 0, total: 0 }, fp32: null }); // total 0: no progress from the worker yet
    void (async () => {
      try {
        const obtained = await obtainTrials(store, c, settings, entry, onTrial, { live: recompute });
        if (!live) return;
        const results = obtained.map((o) => o.result);
        store.setState({ run: { status: 'done', results, obtained } });
        quiet.current = true;
        const fp32 =
          settings.precision === 'fp32'
            ? results[0]
            : (
                await obtain(store, c, specOf({ ...settings, precision: 'fp32' }), entry).finally(
                  () => (quiet.current = false),
                )
              ).result;
        if (live) store.setState({ fp32 });
      } catch (e) {
        if (live && !unreported(e))
          store.setState({ run: { status: 'error', message: (e as Error).message } });
      }
    })();
    return () => {
      live = false;
      // leaving the single view stops its run, so no other view shows its progress
      if (store.getState().settings.view !== 'single') {
        c.cancel();
        store.setState({ run: { status: 'idle' } });
      }
    };
  }, [store, settings, ready, models, recomputed]);
}

/** The reliability grid: every cell's runs, row by row. */
export function useGridRuns(store: AppStore, { client, onTrial }: Worker, { recomputed }: Reruns): void {
  const { settings, ready, models } = useViewInputs(store);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'grid') return;
    store.setState({ grid: {} });
    const cells = gridCells(models, settings.dataset, settings.mixed).map(({ arch, precision, mixed }) => ({
      ...settings,
      arch,
      precision,
      mixed,
    }));
    return runInOrder(
      store,
      c,
      models,
      cells,
      (_, rs) => {
        const key = gridId(rs[0].spec.arch, precisionLabel(rs[0].spec.precision), rs[0].spec.mixed);
        store.setState((s) => ({ grid: { ...s.grid, [key]: rs } }));
      },
      onTrial,
    );
  }, [store, settings, ready, models, recomputed]); // recomputed: "Run again" after a cancel
}

/** Sensitivities computed in this page, by settings and weights: coming back to a model shows it at once. */
const sensitivities = new Map<string, Sensitivity>();

/** The layer-by-layer view: the settings' model, precision and trial (the first where all are shown), streamed. */
export function useLayersRun(store: AppStore, { client }: Worker, { recomputed }: Reruns): void {
  const { settings, ready, models } = useViewInputs(store);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'layers') return;
    const entry = findModel(models, settings);
    if (!entry) {
      c.cancel();
      store.setState({ layers: { status: 'error', message: missingModel(models, settings) } });
      return;
    }
    const spec = specOf(settings);
    const backend = store.getState().backend;
    const key = `${entry.sha256}|${backend && 'name' in backend ? backend.name : ''}|${JSON.stringify(spec)}`;
    const known = sensitivities.get(key);
    if (known) {
      store.setState({ layers: { status: 'done', value: known } });
      return;
    }
    let live = true;
    const since = performance.now();
    store.setState({ layers: { status: 'running', done: 0, total: 0, since } });
    c.sensitivity(spec, (value, done, total) => {
      if (live) store.setState({ layers: { status: 'running', value, done, total, since } });
    }).then(
      (value) => {
        sensitivities.set(key, value);
        if (live) store.setState({ layers: { status: 'done', value } });
      },
      (e: Error) => {
        if (live && !unreported(e)) store.setState({ layers: { status: 'error', message: e.message } });
      },
    );
    return () => {
      live = false;
      if (store.getState().settings.view !== 'layers') c.cancel();
    };
  }, [store, settings, ready, models, recomputed]);
}

/** The compare view: both sides, A then B. */
export function useCompareRuns(store: AppStore, { client, onTrial }: Worker, { recomputed }: Reruns): void {
  const { settings, ready, models } = useViewInputs(store);
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'compare') return;
    store.setState({ compare: [] });
    const sides: Settings[] = [
      settings,
      { ...settings, arch: settings.arch2, precision: settings.precision2, mixed: settings.mixed2 },
    ];
    const missing = sides.find((side) => !findModel(models, side));
    if (missing) {
      c.cancel();
      store.setState({ run: { status: 'error', message: missingModel(models, missing) } });
      return;
    }
    return runInOrder(
      store,
      c,
      models,
      sides,
      (i, rs) => store.setState((s) => ({ compare: Object.assign([...s.compare], { [i]: rs }) })),
      onTrial,
    );
  }, [store, settings, ready, models, recomputed]);
}
