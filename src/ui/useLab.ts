// Owns the worker client for the page's lifetime and runs the current settings whenever they change
// (one run in the single view, every cell in the grid view, both sides in the compare view); a newer run cancels the older one, so no
// late result overwrites a newer view. Results come from the IndexedDB cache, else the shipped results, when
// they can.
import { useEffect, useRef, useState } from 'react';
import { CALIBRATION_IMAGES, TRIALS } from '../core/experiment/calibration';
import { PAPER_PRECISIONS, parsePrecision, precisionLabel } from '../core/experiment/precision';
import { runArithmetic, runClamp } from '../core/experiment/arithmetic';
import type { RunSpec } from '../core/experiment/run';
import { cacheKey, type RunIdentity } from '../core/experiment/cacheKey';
import { LabClient } from '../worker/client';
import { cachedResult, storeResult } from './resultCache';
import type { AppStore, Obtained, ShownResult } from './store';
import { dataIdentity, shippedRuns } from './identity';
import type { Settings } from './url';
import { archChoices } from './archs';
import type { ModelEntry } from './useModelIndex';
import type { UserBundle, UserModel } from './userFiles';

/** The run of one trial (0-based) of the settings; by default their trial, or the first when they show all. */
export function specOf(s: Settings, trial = s.trial === 'all' ? 0 : s.trial - 1): RunSpec {
  const precision = parsePrecision(s.precision);
  const arithmetic = runArithmetic(s.arithmetic, precision);
  const clamp = runClamp(s.clamp, precision);
  return {
    dataset: s.dataset,
    arch: s.arch,
    precision,
    observer: s.observer,
    trial,
    numBins: s.bins,
    testSplit: s.testSplit,
    calibrationImages: CALIBRATION_IMAGES,
    ...(arithmetic ? { arithmetic } : {}),
    ...(clamp ? { clamp } : {}),
  };
}

/** The runs the settings show: their trial, or every trial (one run where no calibration draw is made). */
export function specsOf(s: Settings): RunSpec[] {
  if (s.trial !== 'all') return [specOf(s)];
  return parsePrecision(s.precision).aBits === null
    ? [specOf(s, 0)]
    : Array.from({ length: TRIALS }, (_, t) => specOf(s, t));
}

/**
 * A run of these settings: this browser's cache; else, unless `live` or the user has turned them off, the
 * results shipped with the lab (computed on another backend where this one has none); else a fresh run, then
 * cached. A result computed here comes with the shipped run of the same settings, to compare.
 */
export async function obtain(
  store: AppStore,
  client: LabClient,
  spec: RunSpec,
  model: ModelEntry,
  { live = false } = {},
): Promise<Obtained> {
  const id: RunIdentity = {
    weightsSha256: model.sha256,
    ...(await dataIdentity(store, spec.dataset)),
    backend: await client.backend(),
  };
  const shipped = (await shippedRuns()).find(id, spec);
  const hit = await cachedResult(cacheKey(id, spec));
  if (hit) return { result: hit, source: 'cached', shipped };
  if (shipped && !live && store.getState().settings.shipped) return { result: shipped, source: 'shipped' };
  const result = await client.run(spec);
  void storeResult(result.key, result);
  return { result, source: 'computed', shipped };
}

/** Hears which trial (0-based, of how many) starts next. */
type TrialStep = (i: number, of: number) => void;

/** Every trial the settings show, in order. */
export async function obtainTrials(
  store: AppStore,
  client: LabClient,
  s: Settings,
  model: ModelEntry,
  onTrial?: TrialStep,
  opts?: { live?: boolean },
): Promise<Obtained[]> {
  const out: Obtained[] = [];
  const specs = specsOf(s);
  for (const [i, spec] of specs.entries()) {
    onTrial?.(i, specs.length);
    out.push(await obtain(store, client, spec, model, opts));
  }
  return out;
}

export const isCancel = (e: unknown) => (e as { cancelled?: boolean }).cancelled === true;
/** A run's end that the views do not report: a cancel, or a run lost with a crashed worker (the views
 * run it again once the new worker is ready). */
const unreported = (e: unknown) => isCancel(e) || (e as { restarted?: boolean }).restarted === true;

export const findModel = (models: ModelEntry[], s: Pick<Settings, 'dataset' | 'arch'>) =>
  models.find((m) => m.dataset === s.dataset && m.arch === s.arch);

function missingModel(models: ModelEntry[], s: Settings): string {
  const have = models.filter((m) => m.dataset === s.dataset).map((m) => m.arch);
  return `No ${s.arch} model has been trained on ${s.dataset} yet${have.length ? `; available: ${have.join(', ')}` : ''}.`;
}

/**
 * Obtains the runs of several settings in order (grid cells, compare sides), handing each result to
 * onResult; settings without a shipped model are skipped. Returns the effect's cleanup, which stops
 * the run in progress.
 */
function runInOrder(
  store: AppStore,
  c: LabClient,
  models: ModelEntry[],
  cells: Settings[],
  onResult: (i: number, r: ShownResult[]) => void,
  onTrial: TrialStep,
): () => void {
  let live = true;
  void (async () => {
    for (const [i, cell] of cells.entries()) {
      const entry = findModel(models, cell);
      if (!entry) continue;
      try {
        const runs = await obtainTrials(store, c, cell, entry, onTrial);
        if (!live) return;
        onResult(
          i,
          runs.map((r) => r.result),
        );
      } catch (e) {
        if (live && !unreported(e))
          store.setState({ run: { status: 'error', message: (e as Error).message } });
        return;
      }
    }
    if (live) store.setState({ run: { status: 'idle' } });
  })();
  return () => {
    live = false;
    c.cancel(); // leaving the view (or changing its settings) stops the run in progress
    store.setState({ run: { status: 'idle' } });
  };
}

const datasetMessage = (b: UserBundle) => ({
  type: 'addDataset' as const,
  name: b.manifest.name,
  files: b.files,
});
const modelMessage = (m: UserModel) => ({
  type: 'addModel' as const,
  dataset: m.entry.dataset,
  arch: m.entry.arch,
  json: m.json,
  weights: m.weights,
});

/** Hands a new worker client the bundles and models the user has brought. */
export function handUserFiles(c: LabClient, store: AppStore): void {
  const { userBundles, userModels } = store.getState();
  for (const b of Object.values(userBundles)) c.addUserFiles(datasetMessage(b));
  for (const m of Object.values(userModels)) c.addUserFiles(modelMessage(m));
}

export interface Lab {
  cancel(): void;
  /** Runs the single view's settings in this browser, past the shipped results. */
  recompute(): void;
  /** Makes a checked bundle of the user's available to every view, and shows it. */
  addBundle(b: UserBundle): void;
  /** Makes a checked model of the user's available, in place of a shipped one of its dataset and architecture. */
  addModel(m: UserModel): void;
}

export function useLab(store: AppStore): Lab {
  const client = useRef<LabClient | null>(null);
  const quiet = useRef(false); // the gallery's background FP32 run must not replace the shown run's state
  const step = useRef<string | undefined>(undefined); // which trial of several is running, for the progress line
  const onTrial: TrialStep = (i, of) => (step.current = of > 1 ? `Trial ${i + 1} of ${of}` : undefined);
  const settings = store((s) => s.settings);
  const ready = store((s) => s.backend !== null && 'name' in s.backend);
  const models = store((s) => s.models);
  const backend = store((s) => s.settings.backend);
  const liveRequest = useRef<Settings | null>(null);
  const [recomputed, setRecomputed] = useState(0);
  useEffect(() => {
    const c = new LabClient(
      {
        onReady: (name, attempts) => store.setState({ backend: { name, attempts } }),
        onProgress: (m) =>
          !quiet.current &&
          store.setState((s) => ({
            run: {
              status: 'running',
              phase: m.phase,
              done: m.done,
              total: m.total,
              partial: m.partial,
              step: step.current,
              since:
                s.run.status === 'running' && s.run.phase === m.phase && s.run.since
                  ? s.run.since
                  : { t: performance.now(), done: m.done },
            },
          })),
        onCrash: (message) => {
          const text = `The lab worker stopped (${message}); it was restarted.`;
          // the run error goes with the next run; the notice stays until dismissed
          store.setState((s) => ({
            backend: null,
            run: { status: 'error', message: text },
            notices: [...s.notices, `${new Date().toLocaleTimeString()}: ${text}`],
          }));
        },
      },
      backend === 'auto' ? undefined : backend,
    );
    client.current = c;
    handUserFiles(c, store);
    store.setState({ backend: null });
    // handles for the e2e tests (crash recovery, leaks) and the browser benchmark
    Object.assign(window, {
      qcalInjectWorkerCrash: () => c.injectCrash(),
      qcalInjectGpuLoss: () => c.injectGpuLoss(),
      qcalWorkerMemory: () => c.memory(),
    });
    return () => c.dispose();
  }, [store, backend]);
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
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'grid') return;
    store.setState({ grid: {} });
    const cells = PAPER_PRECISIONS.flatMap((precision) =>
      archChoices(models, settings.dataset).map((arch) => ({ ...settings, arch, precision })),
    );
    return runInOrder(
      store,
      c,
      models,
      cells,
      (_, rs) => {
        const key = `${rs[0].spec.arch}|${precisionLabel(rs[0].spec.precision)}`;
        store.setState((s) => ({ grid: { ...s.grid, [key]: rs } }));
      },
      onTrial,
    );
  }, [store, settings, ready, models, recomputed]); // recomputed: "Run again" after a cancel
  useEffect(() => {
    const c = client.current;
    if (!ready || !c || !models || settings.view !== 'compare') return;
    store.setState({ compare: [] });
    const sides: Settings[] = [
      settings,
      { ...settings, arch: settings.arch2, precision: settings.precision2 },
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
  return {
    cancel: () => {
      client.current?.cancel();
      store.setState({ run: { status: 'cancelled' } });
    },
    recompute: () => {
      liveRequest.current = store.getState().settings;
      setRecomputed((n) => n + 1);
    },
    addBundle: (b) => {
      client.current?.addUserFiles(datasetMessage(b));
      store.setState((s) => ({ userBundles: { ...s.userBundles, [b.manifest.name]: b } }));
      store.getState().setSettings({ dataset: b.manifest.name, testSplit: b.manifest.testSplits[0] });
    },
    addModel: (m) => {
      const key = `${m.entry.dataset}/${m.entry.arch}`;
      client.current?.addUserFiles(modelMessage(m));
      store.setState((s) => ({
        userModels: { ...s.userModels, [key]: m },
        models: [
          m.entry,
          ...(s.models ?? []).filter(
            (e) => !(e.user && e.dataset === m.entry.dataset && e.arch === m.entry.arch),
          ),
        ],
      }));
    },
  };
}
