// "Compute every run": fills the result cache for one dataset in the background (every model x the
// paper's precisions x three trials) on a worker of its own, so the views stay usable meanwhile and
// the grid, scatter and single views then read from the cache.
import { useEffect, useRef } from 'react';
import { PAPER_PRECISIONS, parsePrecision, precisionTitle } from '../core/experiment/precision';
import { LabClient } from '../worker/client';
import type { AppStore, FillState } from './store';
import type { Settings } from '../core/experiment/settings';
import { findModel, handUserFiles, isCancel, obtain, specOf } from './runs';
import type { ModelEntry } from './useModelIndex';
import { archTitle, archsWithModels } from './archs';

/** Every run of the dataset's models: the FP32 runs first (fast, one per model), then trial by trial. */
export function fillPlan(models: ModelEntry[], s: Settings): Settings[] {
  const archs = archsWithModels(models, s.dataset);
  const quantized = PAPER_PRECISIONS.filter((p) => p !== 'fp32');
  return [
    ...archs.map((arch) => ({ ...s, arch, precision: 'fp32', trial: 1 })),
    ...[1, 2, 3].flatMap((trial) =>
      archs.flatMap((arch) => quantized.map((precision) => ({ ...s, arch, precision, trial }))),
    ),
  ];
}

export function useFill(store: AppStore): { start(): void; stop(): void } {
  const client = useRef<LabClient | null>(null);
  const stop = () => {
    client.current?.dispose();
    client.current = null;
    const f = store.getState().fill;
    if (f.status === 'running')
      store.setState({ fill: { status: 'stopped', done: f.done, total: f.total, computed: f.computed } });
  };
  useEffect(() => stop, []); // leaving the page stops it
  const start = () => {
    stop();
    const { models, settings } = store.getState();
    const plan = fillPlan(models ?? [], settings);
    if (plan.length === 0)
      return store.setState({
        fill: { status: 'error', message: `No model has been trained on ${settings.dataset} yet.` },
      });
    let failure: string | null = null;
    const c = new LabClient(
      { onReady: () => {}, onProgress: () => {}, onCrash: (m) => (failure = m) },
      settings.backend === 'auto' ? undefined : settings.backend,
    );
    handUserFiles(c, store);
    client.current = c;
    const set = (fill: FillState) => client.current === c && store.setState({ fill }); // a stopped fill reports nothing more
    void (async () => {
      let computed = 0;
      try {
        for (const [done, cell] of plan.entries()) {
          set({
            status: 'running',
            done,
            total: plan.length,
            computed,
            current: `${archTitle(cell.arch)} ${precisionTitle(parsePrecision(cell.precision))}, trial ${cell.trial}`,
          });
          // computed in this browser: the shipped results are there already, and the fill is for new ones
          const { source } = await obtain(
            store,
            c,
            specOf(cell),
            findModel(store.getState().models ?? [], cell)!,
            {
              live: true,
            },
          );
          if (source === 'computed') computed++;
        }
        set({ status: 'done', done: plan.length, total: plan.length, computed });
      } catch (e) {
        if (!isCancel(e))
          set({
            status: 'error',
            message: failure ? `The background worker stopped (${failure}).` : (e as Error).message,
          });
      } finally {
        c.dispose(); // also after a crash, which restarted it
        if (client.current === c) client.current = null;
      }
    })();
  };
  return { start, stop };
}
