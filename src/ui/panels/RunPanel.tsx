// Controls for one run and its single view: reliability diagrams before and after temperature
// scaling side by side, the metrics table, and what the backend is.
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import type { AppStore } from '../store';
import { ARCHS, BACKEND_CHOICES, OBSERVERS, type Settings } from '../url';
import { FillPanel } from './FillPanel';
import { GridPanel } from './GridPanel';
import { ScatterPanel } from './ScatterPanel';
import { ComparePanel } from './ComparePanel';
import { Gallery } from './Gallery';
import { ResultButtons } from '../download';
import { ARCH_TITLES } from '../labels';
import { PrecisionControls } from './PrecisionControls';
import { MetricsTable } from './MetricsTable';

const PHASES = { calibrate: 'Calibrating', validation: 'Validation set', test: 'Test set' };

export function Select<K extends keyof Settings>({ store, name, label, options }: { store: AppStore; name: K; label: string; options: readonly (readonly [Settings[K], string])[] }) {
  const value = store((s) => s.settings[name]);
  return (
    <label>
      {label}{' '}
      <select value={String(value)} onChange={(e) => {
        const picked = options.find(([v]) => String(v) === e.target.value);
        if (picked) store.getState().setSettings({ [name]: picked[0] } as Partial<Settings>);
      }}>
        {options.map(([v, t]) => <option key={String(v)} value={String(v)}>{t}</option>)}
      </select>
    </label>
  );
}

export function RunPanel({ store, onCancel, fill }: { store: AppStore; onCancel(): void; fill: { start(): void; stop(): void } }) {
  const run = store((s) => s.run);
  const backend = store((s) => s.backend);
  const view = store((s) => s.settings.view);
  return (
    <section className="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">Quantize and measure</h2>
      <div className="controls">
        <Select store={store} name="view" label="View" options={[['single', 'single run'], ['grid', 'reliability grid'], ['scatter', 'ECE vs error'], ['compare', 'compare two runs']] as const} />
        {(view === 'single' || view === 'compare') && <Select store={store} name="arch" label={view === 'compare' ? 'A: architecture' : 'Architecture'} options={ARCHS.map((a) => [a, ARCH_TITLES[a]] as const)} />}
        {(view === 'single' || view === 'compare') && <PrecisionControls store={store} name="precision" label={view === 'compare' ? 'A: precision' : 'Precision'} />}
        {view === 'compare' && <Select store={store} name="arch2" label="B: architecture" options={ARCHS.map((a) => [a, ARCH_TITLES[a]] as const)} />}
        {view === 'compare' && <PrecisionControls store={store} name="precision2" label="B: precision" />}
        {view === 'grid' && <Select store={store} name="scaling" label="Diagrams" options={[['before', 'before temperature scaling'], ['after', 'after temperature scaling']] as const} />}
        <Select store={store} name="trial" label="Trial" options={[1, 2, 3].map((t) => [t, `${t} (seed ${999 + t})`] as const)} />
        <Select store={store} name="observer" label="Activation observer" options={OBSERVERS.map((o) => [o, o === 'histogram' ? 'histogram (PyTorch 1.13)' : o === 'histogram-bitmatched' ? 'histogram, bit-matched search' : 'min/max'] as const)} />
        <Select store={store} name="bins" label="ECE bins" options={[10, 15, 20].map((b) => [b, String(b)] as const)} />
        <Select store={store} name="backend" label="Backend" options={BACKEND_CHOICES.map((b) => [b, b === 'auto' ? 'auto (WebGPU first)' : b] as const)} />
      </div>
      <p className="muted" role="status" aria-label="backend">
        {backend === null ? 'Starting the lab worker...' : 'error' in backend ? backend.error
          : `Running on ${backend.name}. ${backend.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`).join('; ')}`}
      </p>
      {run.status === 'running' && (
        <p aria-live="polite" className="progress">
          {PHASES[run.phase]}: {run.done} / {run.total} <progress max={run.total} value={run.done} /> <button onClick={onCancel}>Cancel</button>
        </p>
      )}
      {run.status === 'error' && <p role="alert" className="error">{run.message}</p>}
      {(view === 'grid' || view === 'scatter') && <FillPanel store={store} fill={fill} />}
      {view === 'grid' && <GridPanel store={store} />}
      {view === 'scatter' && <ScatterPanel store={store} />}
      {view === 'compare' && <ComparePanel store={store} />}
      {view === 'single' && run.status === 'running' && run.partial && (
        <div className="diagrams"><ReliabilityDiagram bins={run.partial.bins} ece={run.partial.ece} title={`Before scaling (first ${run.partial.n} test images)`} /></div>
      )}
      {view === 'single' && run.status === 'done' && (
        <>
          <div className="diagrams">
            <ReliabilityDiagram bins={run.result.before.bins} ece={run.result.before.ece} title="Before temperature scaling" />
            <ReliabilityDiagram bins={run.result.after.bins} ece={run.result.after.ece} title={`After temperature scaling (T = ${run.result.temperature.temperature.toFixed(3)})`} />
          </div>
          <MetricsTable result={run.result} />
          <p className="muted">{run.cached ? 'From the cache (IndexedDB).' : `Computed in ${run.result.seconds.toFixed(1)} s on ${run.result.backend}.`} <ResultButtons results={[run.result]} name={run.result.key} /></p>
          <Gallery store={store} result={run.result} />
        </>
      )}
    </section>
  );
}
