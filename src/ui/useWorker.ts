// The page's worker client: made when the page opens and again when the Backend setting changes, handed
// the user's files, its progress shown in the store's run state (unless a background run asks for quiet)
// and a crash reported as a notice.
import { useEffect, useRef } from 'react';
import { LabClient } from '../worker/client';
import { handUserFiles, type TrialStep } from './runs';
import type { AppStore } from './store';

export interface Worker {
  client: { current: LabClient | null };
  /** While true, progress is not shown: the single view's background FP32 run must not replace the shown run's state. */
  quiet: { current: boolean };
  /** Hears which trial of several is running, for the progress line. */
  onTrial: TrialStep;
}

export function useWorker(store: AppStore): Worker {
  const client = useRef<LabClient | null>(null);
  const quiet = useRef(false);
  const step = useRef<string | undefined>(undefined);
  const onTrial: TrialStep = (i, of) => (step.current = of > 1 ? `Trial ${i + 1} of ${of}` : undefined);
  const backend = store((s) => s.settings.backend);
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
  return { client, quiet, onTrial };
}
