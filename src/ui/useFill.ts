// "Compute every run": fills the result cache for one dataset in the background (every model x the
// paper's precisions x three trials) on workers of its own, one per core, each taking the next
// run of the plan, so the views stay usable meanwhile and the grid, scatter and single views then read from
// the cache.
import { useEffect, useRef } from 'react';
import { PAPER_PRECISIONS, parsePrecision, precisionTitle } from '../core/experiment/precision';
import { LabClient } from '../worker/client';
import type { AppStore } from './store';
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

/** Most workers a fill starts: each holds a model and the dataset's splits, and a GPU backend shares one device. */
export const MAX_FILL_WORKERS = 4;

/** Workers for a fill on a machine with this many logical cores: one per core, as the page and its own
 * worker wait meanwhile (on 2 cores, two workers filled RetinaMNIST 1.93x as fast as one: performance.md). */
export const fillWorkerCount = (cores: number | undefined) =>
  Math.max(1, Math.min(MAX_FILL_WORKERS, cores || 1));

/** wasm threads per fill worker: the cores shared out, as tfjs would give each of them every core and the
 * workers would then crowd each other out. */
export const fillThreadCount = (cores: number | undefined, workers: number) =>
  Math.max(1, Math.floor((cores || 1) / workers));

const cellTitle = (cell: Settings) =>
  `${archTitle(cell.arch)} ${precisionTitle(parsePrecision(cell.precision))}, trial ${cell.trial}`;

export function useFill(store: AppStore): { start(): void; stop(): void } {
  const clients = useRef<LabClient[]>([]);
  const stop = () => {
    for (const c of clients.current) c.dispose();
    clients.current = [];
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
    const cores = navigator.hardwareConcurrency;
    const workers = Math.min(plan.length, fillWorkerCount(cores));
    const pool = Array.from({ length: workers }, () => {
      const c = new LabClient(
        { onReady: () => {}, onProgress: () => {}, onCrash: (m) => (failure = m) },
        settings.backend === 'auto' ? undefined : settings.backend,
        fillThreadCount(cores, workers),
      );
      handUserFiles(c, store);
      return c;
    });
    clients.current = pool;
    const mine = () => clients.current === pool; // a stopped fill reports nothing more
    let [next, done, computed] = [0, 0, 0];
    const running = new Map<LabClient, Settings>();
    const report = () =>
      mine() &&
      store.setState({
        fill: {
          status: 'running',
          done,
          total: plan.length,
          computed,
          current: plan
            .filter((cell) => [...running.values()].includes(cell))
            .map(cellTitle)
            .join('; '),
        },
      });
    // each worker takes the next run of the plan until none is left: every run is computed once
    const work = async (c: LabClient) => {
      while (next < plan.length && mine()) {
        const cell = plan[next++];
        running.set(c, cell);
        report();
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
        running.delete(c);
        done++;
        if (source === 'computed') computed++;
        report();
      }
    };
    void (async () => {
      try {
        await Promise.all(pool.map(work));
        if (mine()) store.setState({ fill: { status: 'done', done, total: plan.length, computed } });
      } catch (e) {
        if (!isCancel(e) && mine()) {
          store.setState({
            fill: {
              status: 'error',
              message: failure ? `The background worker stopped (${failure}).` : (e as Error).message,
            },
          });
        }
      } finally {
        for (const c of pool) c.dispose(); // also after a crash, which restarted it, and the others after one failed
        if (mine()) clients.current = [];
      }
    })();
  };
  return { start, stop };
}
