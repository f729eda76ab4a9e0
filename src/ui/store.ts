// The one store: settings (mirrored in the URL) and what has been loaded for them.
import { create } from 'zustand';
import type { BundleManifest } from '../core/data/bundle';
import type { Phase, RunResult } from '../core/experiment/run';
import type { Sensitivity } from '../core/experiment/sensitivity';
import type { SweepRecord } from '../core/experiment/summary';
import type { BackendAttempt, BackendName, PartialReports } from '../worker/protocol';
import type { ModelEntry } from './useModelIndex';
import type { PhaseStart } from './eta';
import type { Split } from '../core/data/dataset';
import type { UserBundle, UserModel } from './userFiles';
import { type Settings, DEFAULT_SETTINGS } from '../core/experiment/settings';

export type Load<T> =
  | { status: 'idle' }
  | { status: 'loading'; done: number; total: number }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string };

/** A result a view shows: computed in this browser (with per-image predictions), or shipped (without). */
export type ShownResult = SweepRecord & Partial<Pick<RunResult, 'predictions' | 'qparams' | 'test'>>;

/** A result shipped with the lab: it alone comes without per-image predictions. */
export const isShipped = (r: ShownResult) => r.predictions === undefined;

/** "3 of 12 runs shipped with the lab (computed on wasm)..." for the runs a view shows, or '' where none is. */
export function shippedNote(runs: ShownResult[]): string {
  const shipped = runs.filter(isShipped);
  if (shipped.length === 0) return '';
  const backends = [...new Set(shipped.map((r) => r.backend))].join(', ');
  const which =
    runs.length === 1
      ? 'Shipped'
      : shipped.length === runs.length
        ? `All ${runs.length} runs shipped`
        : `${shipped.length} of ${runs.length} runs shipped`;
  return `${which} with the lab (computed on ${backends}); the single view recomputes any of them in this browser.`;
}

/** Where a shown result came from: computed now, this browser's cache, or the results shipped with the lab. */
export type Source = 'computed' | 'cached' | 'shipped';

/** A result, where it came from and, for one computed in this browser, the shipped run of the same settings. */
export interface Obtained {
  result: ShownResult;
  source: Source;
  shipped?: SweepRecord;
}

export type RunState =
  | { status: 'idle' }
  /** Stopped by the user's Cancel: the view says so and offers to run again. */
  | { status: 'cancelled' }
  /** total 0: started, no progress from the worker yet */
  | {
      status: 'running';
      phase: Phase;
      done: number;
      total: number;
      partial?: PartialReports;
      step?: string;
      /** When the phase first reported, for the time left (eta.ts). */
      since?: PhaseStart;
    }
  /** One result per trial shown (three when the trial setting is "all"). */
  | { status: 'done'; results: ShownResult[]; obtained: Obtained[] }
  | { status: 'error'; message: string };

/** The layer-by-layer view's sensitivity: what is known so far while it runs, and after a cancel. */
export type LayersState =
  | { status: 'idle' }
  | { status: 'running'; value?: Sensitivity; done: number; total: number; since: number }
  | { status: 'done'; value: Sensitivity }
  | { status: 'cancelled'; value?: Sensitivity }
  | { status: 'error'; message: string };

/** The background run of every configuration of a dataset (useFill). */
export type FillState =
  | { status: 'idle' }
  | { status: 'running'; done: number; total: number; computed: number; current: string }
  | { status: 'done' | 'stopped'; done: number; total: number; computed: number }
  | { status: 'error'; message: string };

export interface AppState {
  settings: Settings;
  backend: { name: BackendName; attempts: BackendAttempt[] } | { error: string } | null;
  run: RunState;
  /** The user's models first, then the shipped ones; null until the index has loaded. */
  models: ModelEntry[] | null;
  /** Bundles the user picked from files, by dataset name. */
  userBundles: Record<string, UserBundle>;
  /** Models the user picked from files, by `${dataset}/${arch}`. */
  userModels: Record<string, UserModel>;
  /** Grid view results by gridId (architecture, precision, mixed label), one per trial shown. */
  grid: Record<string, ShownResult[]>;
  /** Compare view: the two sides' results (one per trial shown), as they finish. */
  compare: (ShownResult[] | undefined)[];
  /** The FP32 run of the single view's model, for the gallery's before-quantization column. */
  fp32: ShownResult | null;
  layers: LayersState;
  notices: string[];
  fill: FillState;
  manifest: Load<BundleManifest>;
  preview: Load<Split>;
  setSettings(patch: Partial<Settings>): void;
  dismissNotice(i: number): void;
  dismissNotices(): void;
}

export const createAppStore = (initial: Settings = DEFAULT_SETTINGS, notices: string[] = []) =>
  create<AppState>()((set) => ({
    settings: initial,
    notices,
    backend: null,
    run: { status: 'idle' },
    models: null,
    userBundles: {},
    userModels: {},
    grid: {},
    compare: [],
    fp32: null,
    layers: { status: 'idle' },
    fill: { status: 'idle' },
    manifest: { status: 'idle' },
    preview: { status: 'idle' },
    setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
    dismissNotice: (i) => set((s) => ({ notices: s.notices.filter((_, j) => j !== i) })),
    dismissNotices: () => set({ notices: [] }),
  }));

export type AppStore = ReturnType<typeof createAppStore>;
