// Controls for one run and its single view: reliability diagrams before and after temperature
// scaling side by side, the metrics table, and what the backend is.
import { useDeferredValue, useMemo } from 'react';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import type { AppStore, Obtained, ShownResult } from '../store';
import { provenance, shippedDifference } from './Provenance';
import type { BackendAttempt } from '../../worker/protocol';
import { etaText, secondsLeft } from '../eta';
import { CLAMPS } from '../../core/quant/qparams';
import {
  ARITHMETIC_CHOICES,
  ARITHMETIC_LABELS,
  BACKEND_CHOICES,
  CLAMP_LABELS,
  OBSERVERS,
  type Settings,
} from '../url';
import { FillPanel } from './FillPanel';
import { GridPanel } from './GridPanel';
import { ScatterPanel } from './ScatterPanel';
import { ComparePanel } from './ComparePanel';
import { Gallery } from './Gallery';
import { ResultButtons } from '../download';
import { archChoices, archTitle } from '../archs';
import { PrecisionControls } from './PrecisionControls';
import { MetricsTable } from './MetricsTable';

import { replacementNote, trialSeed } from '../../core/experiment/calibration';
import { diagramOf, runSubject, temperatureText } from '../trials';

/** ", 2 threads" where the worker said how many threads its backend runs. */
const threads = (attempts: BackendAttempt[]) =>
  /, (\d+ threads?)$/.exec(attempts.find((a) => a.ok)?.reason ?? '')?.[0] ?? '';

/** Why the backends not in use were passed over. */
const passedOver = (attempts: BackendAttempt[]) => {
  const others = attempts.filter((a) => !a.ok);
  return others.length ? ` Passed over: ${others.map((a) => `${a.backend}: ${a.reason}`).join('; ')}.` : '';
};

const PHASES = { calibrate: 'Calibrating', validation: 'Validation set', test: 'Test set' };

export function Select<K extends keyof Settings>({
  store,
  name,
  label,
  options,
}: {
  store: AppStore;
  name: K;
  label: string;
  options: readonly (readonly [Settings[K], string])[];
}) {
  const value = store((s) => s.settings[name]);
  return (
    <label>
      {label}{' '}
      <select
        value={String(value)}
        onChange={(e) => {
          const picked = options.find(([v]) => String(v) === e.target.value);
          if (picked) store.getState().setSettings({ [name]: picked[0] } as Partial<Settings>);
        }}
      >
        {options.map(([v, t]) => (
          <option key={String(v)} value={String(v)}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The single view's finished run (or trials): diagrams before and after scaling, metrics, where they came
 * from, exports, gallery. */
function SingleRun({
  store,
  results,
  obtained,
  onRecompute,
}: {
  store: AppStore;
  results: ShownResult[];
  obtained: Obtained[];
  onRecompute(): void;
}) {
  const [first] = results;
  const backend = store((s) => (s.backend && 'name' in s.backend ? s.backend.name : undefined));
  const pooled = results.length > 1 ? ` (${results.length} trials)` : '';
  const shipped = obtained.some((o) => o.source === 'shipped');
  const difference = shippedDifference(obtained);
  const subject = runSubject(results);
  return (
    <>
      <div className="diagrams">
        <ReliabilityDiagram
          {...diagramOf(results, 'before')}
          subject={subject}
          title={`Before temperature scaling${pooled}`}
        />
        <ReliabilityDiagram
          {...diagramOf(results, 'after')}
          subject={subject}
          title={`After temperature scaling${pooled} (${temperatureText(results, 3)})`}
        />
      </div>
      <MetricsTable results={results} />
      {first.calibration?.pool && (
        <p role="note" data-testid="calibration-note">
          Note: {replacementNote(first.calibration.images, first.calibration.pool)}.
        </p>
      )}
      <p className="muted" data-testid="provenance">
        {provenance(obtained, backend)}{' '}
        {shipped && (
          <button type="button" onClick={onRecompute}>
            Recompute in this browser
          </button>
        )}{' '}
        <ResultButtons results={results} name={subject} />
      </p>
      {difference && (
        <p className="muted" data-testid="shipped-difference">
          {difference}
        </p>
      )}
      {first.predictions ? (
        <Gallery
          store={store}
          result={{ ...first, predictions: first.predictions }}
          ofTrials={results.length}
        />
      ) : (
        <p className="muted">
          Shipped results carry no per-image predictions: recompute this run in this browser to see its most
          confident mistakes.
        </p>
      )}
    </>
  );
}

export function RunPanel({
  store,
  onCancel,
  onRecompute,
  fill,
}: {
  store: AppStore;
  onCancel(): void;
  onRecompute(): void;
  fill: { start(): void; stop(): void };
}) {
  // deferred: a settings change first redraws the controls, then (time-sliced, in later tasks) tears
  // down the old run's charts, so neither blocks the main thread for long
  const run = useDeferredValue(store((s) => s.run));
  const backend = store((s) => s.backend);
  const view = store((s) => s.settings.view);
  const forced = store((s) => s.settings.backend !== 'auto');
  const manifest = store((s) => s.manifest);
  const testSplit = store((s) => s.settings.testSplit);
  const splits =
    manifest.status === 'ready'
      ? {
          validation: manifest.value.splits[manifest.value.valSplit]?.count ?? 0,
          test: manifest.value.splits[testSplit]?.count ?? 0,
        }
      : undefined;
  const dataset = store((s) => s.settings.dataset);
  const models = store((s) => s.models);
  const archs = useMemo(
    () => archChoices(models ?? [], dataset).map((a) => [a, archTitle(a)] as const),
    [models, dataset],
  );
  return (
    <section className="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">Quantize and measure</h2>
      <div className="controls">
        <Select
          store={store}
          name="view"
          label="View"
          options={
            [
              ['single', 'single run'],
              ['grid', 'reliability grid'],
              ['scatter', 'ECE vs error'],
              ['compare', 'compare two runs'],
            ] as const
          }
        />
        {(view === 'single' || view === 'compare') && (
          <Select
            store={store}
            name="arch"
            label={view === 'compare' ? 'A: architecture' : 'Architecture'}
            options={archs}
          />
        )}
        {(view === 'single' || view === 'compare') && (
          <PrecisionControls
            store={store}
            name="precision"
            label={view === 'compare' ? 'A: precision' : 'Precision'}
          />
        )}
        {view === 'compare' && <Select store={store} name="arch2" label="B: architecture" options={archs} />}
        {view === 'compare' && <PrecisionControls store={store} name="precision2" label="B: precision" />}
        {view === 'grid' && (
          <Select
            store={store}
            name="scaling"
            label="Diagrams"
            options={
              [
                ['before', 'before temperature scaling'],
                ['after', 'after temperature scaling'],
              ] as const
            }
          />
        )}
        <Select
          store={store}
          name="trial"
          label="Trial"
          options={[
            ...[1, 2, 3].map((t) => [t, `${t} (seed ${trialSeed(t - 1)})`] as const),
            ['all', 'all three'] as const,
          ]}
        />
        <Select
          store={store}
          name="observer"
          label="Activation observer"
          options={OBSERVERS.map(
            (o) =>
              [
                o,
                o === 'histogram'
                  ? 'histogram (PyTorch 1.13)'
                  : o === 'histogram-bitmatched'
                    ? 'histogram, bit-matched search'
                    : 'min/max',
              ] as const,
          )}
        />
        <Select
          store={store}
          name="arithmetic"
          label="Arithmetic"
          options={ARITHMETIC_CHOICES.map((a) => [a, ARITHMETIC_LABELS[a]] as const)}
        />
        <Select
          store={store}
          name="clamp"
          label="Integer range below 8 bits"
          options={CLAMPS.map((c) => [c, CLAMP_LABELS[c]] as const)}
        />
        <Select
          store={store}
          name="bins"
          label="ECE bins"
          options={[10, 15, 20].map((b) => [b, String(b)] as const)}
        />
        <Select
          store={store}
          name="shipped"
          label="Results"
          options={
            [
              [true, 'shipped with the lab, where they exist'],
              [false, 'computed in this browser'],
            ] as const
          }
        />
        <Select
          store={store}
          name="backend"
          label="Backend"
          options={BACKEND_CHOICES.map(
            (b) => [b, b === 'auto' ? 'auto (a real GPU, else wasm)' : b] as const,
          )}
        />
      </div>
      <p className="muted" role="status" aria-label="backend">
        {backend === null
          ? 'Starting the lab worker...'
          : 'error' in backend
            ? backend.error
            : `Running on ${backend.name}${threads(backend.attempts)}${forced ? ' (chosen in Backend)' : ''}.${passedOver(backend.attempts)}`}
      </p>
      {run.status === 'running' && (
        <p aria-live="polite" className="progress">
          {run.step && `${run.step} · `}
          {run.total === 0 ? (
            <>
              Starting... <progress aria-label="starting" />
            </>
          ) : (
            <>
              {PHASES[run.phase]}: {run.done} / {run.total} <progress max={run.total} value={run.done} />{' '}
              {run.since && etaText(secondsLeft({ ...run, since: run.since, splits }, performance.now()))}
            </>
          )}{' '}
          <button onClick={onCancel}>Cancel</button>
        </p>
      )}
      {run.status === 'error' && (
        <p role="alert" className="error">
          {run.message}
        </p>
      )}
      {(view === 'grid' || view === 'scatter') && <FillPanel store={store} fill={fill} />}
      {view === 'grid' && <GridPanel store={store} />}
      {view === 'scatter' && <ScatterPanel store={store} />}
      {view === 'compare' && <ComparePanel store={store} />}
      {view === 'single' && run.status === 'running' && run.partial && (
        <div className="diagrams">
          <ReliabilityDiagram
            bins={run.partial.before.bins}
            ece={run.partial.before.ece}
            title={`Before scaling (${run.partial.before.n} test images so far, in a fixed shuffled order)`}
          />
          <ReliabilityDiagram
            bins={run.partial.after.bins}
            ece={run.partial.after.ece}
            title={`After scaling (T = ${run.partial.temperature.toFixed(4)}, fitted on validation), so far`}
          />
        </div>
      )}
      {view === 'single' && run.status === 'done' && (
        <SingleRun store={store} results={run.results} obtained={run.obtained} onRecompute={onRecompute} />
      )}
    </section>
  );
}
