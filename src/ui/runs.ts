// Getting runs for the views: the run specs the settings ask for, each result from this browser's cache,
// else the shipped results, else the worker (then cached), and several in order for the grid and compare
// views. Used by the hooks that run the views (useViewRuns.ts) and fill the cache (useFill.ts).
import { CALIBRATION_IMAGES, TRIALS } from '../core/experiment/calibration';
import { parsePrecision } from '../core/experiment/precision';
import { runArithmetic, runClamp, runMixed } from '../core/experiment/arithmetic';
import type { RunSpec } from '../core/experiment/run';
import { cacheKey, type RunIdentity } from '../core/experiment/cacheKey';
import type { Settings } from '../core/experiment/settings';
import type { LabClient } from '../worker/client';
import { cachedResult, storeResult } from './resultCache';
import type { AppStore, Obtained, ShownResult } from './store';
import { dataIdentity, shippedRuns } from './identity';
import type { ModelEntry } from './useModelIndex';
import type { UserBundle, UserModel } from './userFiles';

/** The run of one trial (0-based) of the settings; by default their trial, or the first when they show all. */
export function specOf(s: Settings, trial = s.trial === 'all' ? 0 : s.trial - 1): RunSpec {
  const precision = parsePrecision(s.precision);
  const arithmetic = runArithmetic(s.arithmetic, precision);
  const clamp = runClamp(s.clamp, precision);
  const mixed = runMixed(s.mixed, precision);
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
    ...(mixed ? { mixed } : {}),
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
export type TrialStep = (i: number, of: number) => void;

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
export const unreported = (e: unknown) => isCancel(e) || (e as { restarted?: boolean }).restarted === true;

export const findModel = (models: ModelEntry[], s: Pick<Settings, 'dataset' | 'arch'>) =>
  models.find((m) => m.dataset === s.dataset && m.arch === s.arch);

export function missingModel(models: ModelEntry[], s: Settings): string {
  const have = models.filter((m) => m.dataset === s.dataset).map((m) => m.arch);
  return `No ${s.arch} model has been trained on ${s.dataset} yet${have.length ? `; available: ${have.join(', ')}` : ''}.`;
}

/**
 * Obtains the runs of several settings in order (grid cells, compare sides), handing each result to
 * onResult; settings without a shipped model are skipped. Returns the effect's cleanup, which stops
 * the run in progress.
 */
export function runInOrder(
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

export const datasetMessage = (b: UserBundle) => ({
  type: 'addDataset' as const,
  name: b.manifest.name,
  files: b.files,
});
export const modelMessage = (m: UserModel) => ({
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
