// The one store: settings (mirrored in the URL) and what has been loaded for them.
import { create } from 'zustand';
import type { BundleManifest } from '../core/data/bundle';
import type { Phase, RunResult } from '../core/experiment/run';
import type { BackendAttempt, BackendName, PartialReports } from '../worker/protocol';
import type { ModelEntry } from './useModelIndex';
import type { Split } from '../core/data/dataset';
import type { UserBundle, UserModel } from './userFiles';
import { type Settings, DEFAULT_SETTINGS } from './url';

export type Load<T> =
  | { status: 'idle' }
  | { status: 'loading'; done: number; total: number }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string };

export type RunState =
  | { status: 'idle' }
  /** total 0: started, no progress from the worker yet */
  | { status: 'running'; phase: Phase; done: number; total: number; partial?: PartialReports; step?: string }
  /** One result per trial shown (three when the trial setting is "all"). */
  | { status: 'done'; results: RunResult[]; cached: boolean }
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
  /** Grid view results by `${arch}|${precision}`, one per trial shown. */
  grid: Record<string, RunResult[]>;
  /** Compare view: the two sides' results (one per trial shown), as they finish. */
  compare: (RunResult[] | undefined)[];
  /** The FP32 run of the single view's model, for the gallery's before-quantization column. */
  fp32: RunResult | null;
  notices: string[];
  fill: FillState;
  manifest: Load<BundleManifest>;
  preview: Load<Split>;
  setSettings(patch: Partial<Settings>): void;
  dismissNotice(i: number): void;
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
    fill: { status: 'idle' },
    manifest: { status: 'idle' },
    preview: { status: 'idle' },
    setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
    dismissNotice: (i) => set((s) => ({ notices: s.notices.filter((_, j) => j !== i) })),
  }));

export type AppStore = ReturnType<typeof createAppStore>;
