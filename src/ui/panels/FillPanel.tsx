// The button that computes every run of the dataset in the background, with its progress.
import type { AppStore } from '../store';
import { fillWorkerCount } from '../useFill';

export function FillPanel({ store, fill }: { store: AppStore; fill: { start(): void; stop(): void } }) {
  const state = store((s) => s.fill);
  const dataset = store((s) => s.settings.dataset);
  const workers = fillWorkerCount(navigator.hardwareConcurrency);
  return (
    <div className="fill" role="group" aria-label="Compute every run">
      {state.status === 'running' ? (
        <p aria-live="polite" className="progress">
          Computing every run of {dataset} in the background: {state.done} / {state.total} ({state.current}){' '}
          <progress max={state.total} value={state.done} aria-label="runs done" />{' '}
          <button onClick={fill.stop}>Stop</button>
        </p>
      ) : (
        <p>
          <button onClick={fill.start}>Compute every run of {dataset}</button>{' '}
          <span className="muted">
            every model at FP32 and at W8/A8, W4/A8, W4/A4 in three trials, on{' '}
            {workers === 1 ? 'a second worker' : `${workers} workers of its own, one run each at a time`};
            results go to the cache.
          </span>
        </p>
      )}
      {(state.status === 'done' || state.status === 'stopped') && (
        <p role="status">
          {state.status === 'done' ? 'Done' : 'Stopped'}: {state.done} of {state.total} runs ready,{' '}
          {state.computed} computed now, {state.done - state.computed} from the cache.
        </p>
      )}
      {state.status === 'error' && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
    </div>
  );
}
