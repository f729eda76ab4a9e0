// Controls for one run and its single view: reliability diagrams before and after temperature
// scaling side by side, the metrics table, and what the backend is.
import { useDeferredValue, useEffect, useState } from 'react';
import { Presentation } from './Presentation';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import { useViewportHeight } from '../useViewportHeight';
import { usePrecisionStops } from '../usePrecisionStops';
import { PrecisionSlider } from './PrecisionSlider';
import type { AppStore, Obtained, ShownResult } from '../store';
import { provenance, shippedDifference } from './Provenance';
import type { BackendAttempt } from '../../worker/protocol';
import { etaText, secondsLeft } from '../eta';
import { FillPanel } from './FillPanel';
import { GridPanel } from './GridPanel';
import { ScatterPanel } from './ScatterPanel';
import { ComparePanel } from './ComparePanel';
import { LayersPanel } from './LayersPanel';
import { CancelledNote, ErrorNote } from './RunNotes';
import { Gallery } from './Gallery';
import { ResultButtons } from '../download';
import { Controls } from './Controls';
import { MetricsTable } from './MetricsTable';
import { TemperatureSlider } from './TemperatureSlider';
import { scalingNote } from '../scalingNote';

import { replacementNote } from '../../core/experiment/calibration';
import { diagramOf, runSubject, temperatureText } from '../trials';

/** ", 2 threads" where the worker said how many threads its backend runs. */
const threads = (attempts: BackendAttempt[]) =>
  /, (\d+ threads?)$/.exec(attempts.find((a) => a.ok)?.reason ?? '')?.[0] ?? '';

/** Why the backends not in use were passed over. */
const passedOver = (attempts: BackendAttempt[]) => {
  const others = attempts.filter((a) => !a.ok);
  return others.length ? ` Passed over: ${others.map((a) => `${a.backend}: ${a.reason}`).join('; ')}.` : '';
};

/** The single view's diagram height: its diagrams and histograms fit above the fold at 1366x768 and grow
 * on a taller screen (a projector at 1920x1080). */
const diagramHeight = (viewport: number) => Math.max(220, Math.min(340, Math.round(viewport * 0.31)));

const PHASES = { calibrate: 'Calibrating', validation: 'Validation set', test: 'Test set' };

/** The single view's diagrams before and after scaling. One instance stays while the next precision's run
 * is obtained (shown faded, each figure naming its own run), so the bars move to the new result. */
function SingleDiagrams({ results, stale }: { results: ShownResult[]; stale: boolean }) {
  const pooled = results.length > 1 ? ` (${results.length} trials)` : '';
  const subject = runSubject(results);
  const height = diagramHeight(useViewportHeight());
  return (
    <div className={stale ? 'diagrams stale' : 'diagrams'} aria-busy={stale} data-testid="single-diagrams">
      <ReliabilityDiagram
        {...diagramOf(results, 'before')}
        subject={subject}
        title={`Before temperature scaling${pooled}`}
        height={height}
        animate
      />
      <ReliabilityDiagram
        {...diagramOf(results, 'after')}
        subject={subject}
        title={`After temperature scaling${pooled} (${temperatureText(results, 3)})`}
        height={height}
        animate
      />
    </div>
  );
}

/** The single view's finished run (or trials) below its diagrams: metrics, where they came from, exports,
 * the temperature slider, the gallery. */
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
  const shipped = obtained.some((o) => o.source === 'shipped');
  const difference = shippedDifference(obtained);
  const subject = runSubject(results);
  const note = results.map(scalingNote).find(Boolean);
  return (
    <>
      <MetricsTable results={results} />
      {note && (
        <p role="note" data-testid="scaling-note">
          {note}
        </p>
      )}
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
      {results.length === 1 &&
        (first.test ? (
          <TemperatureSlider key={first.key} result={{ ...first, test: first.test }} subject={subject} />
        ) : (
          <p className="muted" data-testid="no-slider">
            Drag the temperature: the slider rescales a run's test logits, which shipped results and results
            cached by an earlier version of the lab do not carry; recompute this run in this browser.
          </p>
        ))}
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
  const [presenting, setPresenting] = useState(false);
  const dataset = store((s) => s.settings.dataset);
  const precision = store((s) => s.settings.precision);
  const stops = usePrecisionStops(store);
  // the single view's last finished results: shown faded while the next run is obtained
  const [last, setLast] = useState<ShownResult[] | null>(null);
  useEffect(() => {
    if (run.status === 'done') setLast(run.results);
    else if (run.status !== 'running') setLast(null);
  }, [run]);
  const diagrams =
    run.status === 'done'
      ? run.results
      : run.status === 'running' && !run.partial && last?.[0].spec.dataset === dataset
        ? last
        : null;
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
  return (
    <section className="panel" aria-labelledby="run-heading">
      {/* named for screen readers; on screen the controls say what the panel is, and the charts stay high */}
      <h2 id="run-heading" className="sr-only">
        Quantize and measure
      </h2>
      <Controls store={store} onPresent={view === 'single' ? () => setPresenting(true) : undefined} />
      {presenting && view === 'single' && <Presentation store={store} onClose={() => setPresenting(false)} />}
      {view === 'single' && (
        <PrecisionSlider
          stops={stops}
          value={precision}
          label="Quantization"
          onChange={(p) => store.getState().setSettings({ precision: p })}
        />
      )}
      <p className="muted backend-line" role="status" aria-label="backend">
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
      {run.status === 'cancelled' && <CancelledNote onRecompute={onRecompute} />}
      {run.status === 'error' && <ErrorNote message={run.message} />}
      {(view === 'grid' || view === 'scatter') && <FillPanel store={store} fill={fill} />}
      {view === 'grid' && <GridPanel store={store} />}
      {view === 'scatter' && <ScatterPanel store={store} />}
      {view === 'compare' && <ComparePanel store={store} />}
      {view === 'layers' && <LayersPanel store={store} onCancel={onCancel} onRecompute={onRecompute} />}
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
      {view === 'single' && diagrams && <SingleDiagrams results={diagrams} stale={run.status !== 'done'} />}
      {view === 'single' && run.status === 'done' && (
        <SingleRun store={store} results={run.results} obtained={run.obtained} onRecompute={onRecompute} />
      )}
    </section>
  );
}
