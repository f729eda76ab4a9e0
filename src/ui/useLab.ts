// The lab's hook for the page: the worker client (useWorker.ts), the views' runs (useViewRuns.ts), and what
// the page asks of them (cancel, recompute, the user's files).
import { useRef, useState } from 'react';
import type { Settings } from '../core/experiment/settings';
import { datasetMessage, modelMessage } from './runs';
import type { AppStore } from './store';
import type { UserBundle, UserModel } from './userFiles';
import { useCompareRuns, useGridRuns, useLayersRun, useSingleRun } from './useViewRuns';
import { useWorker } from './useWorker';

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
  const worker = useWorker(store);
  const { client } = worker;
  const liveRequest = useRef<Settings | null>(null);
  const [recomputed, setRecomputed] = useState(0);
  useSingleRun(store, worker, { liveRequest, recomputed });
  useGridRuns(store, worker, { liveRequest, recomputed });
  useCompareRuns(store, worker, { liveRequest, recomputed });
  useLayersRun(store, worker, { liveRequest, recomputed });
  return {
    cancel: () => {
      client.current?.cancel();
      if (store.getState().settings.view === 'layers')
        store.setState(({ layers: l }) => ({
          layers: { status: 'cancelled', value: 'value' in l ? l.value : undefined },
        }));
      else store.setState({ run: { status: 'cancelled' } });
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
