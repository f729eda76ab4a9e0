// The shipped models (public/models/index.json, written by training/export_all.py).
import { useEffect } from 'react';
import type { AppStore } from './store';

export interface ModelEntry {
  dataset: string;
  arch: string;
  /** sha256 of weights.bin: part of every cache key. */
  sha256: string;
  /** Measured at export (shipped models only). */
  fp32?: { accuracy: number; ece: number; nll: number; images: number };
  stats?: { params: number; macs: number };
  /** Picked by the user from files; it takes the place of a shipped model of the same dataset and architecture. */
  user?: boolean;
}

export function useModelIndex(store: AppStore): void {
  useEffect(() => {
    fetch(`${import.meta.env.BASE_URL}models/index.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((j: { models: ModelEntry[] }) =>
        store.setState((s) => ({ models: [...(s.models ?? []).filter((m) => m.user), ...j.models] })),
      )
      .catch((e: Error) =>
        store.setState((s) => ({
          models: (s.models ?? []).filter((m) => m.user),
          run: { status: 'error', message: `Could not load the model list: ${e.message}` },
        })),
      );
  }, [store]);
}
