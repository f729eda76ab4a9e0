// The layer-by-layer view: where quantization puts its noise in one model and what each tensor costs. SQNR per
// tensor arrives first (seconds); then each tensor's one-at-a-time runs stream in (only it quantized, all but it),
// cancellable, the chart and tables filling as they come.
import { useState } from 'react';
import { precisionTitle } from '../../core/experiment/precision';
import { choiceLabel, runNote } from '../../core/experiment/settings';
import { type Sensitivity, sensitivityCsv } from '../../core/experiment/sensitivity';
import { archTitle } from '../archs';
import { SensitivityBars } from '../charts/SensitivityBars';
import { withLayers } from '../../core/quant/mixed';
import {
  bars,
  byKind,
  layerOf,
  MEASURES,
  type MeasureName,
  mostSensitiveLayers,
  worst,
} from '../charts/sensitivityBars';
import { download, slug } from '../download';
import { etaText } from '../eta';
import { pct } from '../format';
import type { AppStore } from '../store';
import { CancelledNote, ErrorNote } from './RunNotes';

const WORST = 8;

const scoresText = (s: Sensitivity['fp32']) =>
  s ? `error ${pct(s.error, 1)}, ECE ${pct(s.ece)} (${pct(s.eceScaled)} after scaling)` : '...';

function subjectOf(s: Sensitivity): string {
  const { spec } = s;
  const note = runNote(spec.arithmetic, spec.clamp, spec.mixed);
  return `${choiceLabel('dataset', spec.dataset)} ${archTitle(spec.arch)} ${precisionTitle(spec.precision)}, trial ${spec.trial + 1}, on ${s.backend}${note ? `, ${note}` : ''}`;
}

function Findings({ value, measure }: { value: Sensitivity; measure: MeasureName }) {
  const rows = bars(value, measure);
  const top = worst(rows, measure, WORST);
  const kinds = byKind(rows);
  const m = MEASURES[measure];
  return (
    <div className="layers-tables">
      <table className="data-table" data-testid="layers-worst">
        <caption>
          {m.worse === 'low' ? 'Lowest' : 'Highest'}: {m.label}
        </caption>
        <thead>
          <tr>
            <th>#</th>
            <th>tensor</th>
            <th>kind</th>
            <th>shape</th>
            <th>{m.axis}</th>
          </tr>
        </thead>
        <tbody>
          {top.map((b) => (
            <tr key={b.i}>
              <td className="num">{b.i}</td>
              <td>{b.name}</td>
              <td>{b.kind}</td>
              <td>{b.shape}</td>
              <td className="num">{b.value!.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="data-table" data-testid="layers-kinds">
        <caption>By kind of layer: median</caption>
        <thead>
          <tr>
            <th>kind</th>
            <th>tensors</th>
            <th>{m.axis}</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k.kind}>
              <td>{k.kind}</td>
              <td className="num">{k.count}</td>
              <td className="num">{k.median === null ? '-' : k.median.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Layers picked from the chart (clicks, or the k most sensitive by the measure shown), then run at W8/A8 over
 * the precision: the single view opens on the mixed run. */
function MixedFromLayers({
  store,
  value,
  measure,
  picked,
  setPicked,
}: {
  store: AppStore;
  value: Sensitivity;
  measure: MeasureName;
  picked: ReadonlySet<string>;
  setPicked(p: Set<string>): void;
}) {
  const [k, setK] = useState(3);
  const mixed = store((s) => s.settings.mixed);
  const quantizesBoth = value.spec.precision.wBits !== null && value.spec.precision.aBits !== null;
  if (!quantizesBoth)
    return (
      <p className="muted">
        Mixed precision sets weights and activations per layer: pick a precision with both.
      </p>
    );
  const run = () =>
    store
      .getState()
      .setSettings({ mixed: withLayers(mixed, picked, { wBits: 8, aBits: 8 }), view: 'single' });
  return (
    <div className="controls" data-testid="layers-mixed">
      <label>
        Keep the{' '}
        <input
          type="number"
          min={1}
          max={value.tensors.length}
          value={k}
          onChange={(e) => setK(Math.max(1, Number(e.target.value) || 1))}
          style={{ width: '4em' }}
        />{' '}
        most sensitive layers
      </label>
      <button
        type="button"
        onClick={() => setPicked(new Set(mostSensitiveLayers(bars(value, measure), measure, k)))}
      >
        Pick them (by the bars shown)
      </button>
      <span data-testid="layers-picked">
        {picked.size ? `Picked: ${[...picked].join(', ')}` : 'Or click bars to pick layers.'}
      </span>
      {picked.size > 0 && (
        <>
          <button type="button" onClick={() => setPicked(new Set())}>
            Clear
          </button>
          <button type="button" onClick={run}>
            Run with these {picked.size} at W8/A8
          </button>
        </>
      )}
    </div>
  );
}

export function LayersPanel({
  store,
  onCancel,
  onRecompute,
}: {
  store: AppStore;
  onCancel(): void;
  onRecompute(): void;
}) {
  const layers = store((s) => s.layers);
  const trialAll = store((s) => s.settings.trial === 'all');
  const [measure, setMeasure] = useState<MeasureName>('sqnr');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const toggle = (b: { node: string; kind: Sensitivity['tensors'][number]['kind'] }) => {
    const layer = layerOf(b);
    if (!layer) return;
    const next = new Set(picked);
    if (!next.delete(layer)) next.add(layer);
    setPicked(next);
  };
  const value = 'value' in layers ? layers.value : undefined;
  const runs = value ? `${value.runs.length} of ${value.tensors.length}` : '';
  const left =
    layers.status === 'running' && layers.done > 1
      ? etaText((((performance.now() - layers.since) / layers.done) * (layers.total - layers.done)) / 1000)
      : '';
  const name = value ? `layers ${subjectOf(value)} ${measure}` : '';
  return (
    <section aria-label="Layer by layer">
      <p className="muted">
        Each quantized tensor in network order: each layer's weights, then the fake quants of its output. SQNR
        (torch's numeric suite) says how much noise a tensor's quantization adds; the one-at-a-time runs say
        what it costs: the model with only that tensor quantized, against FP32, and with all but it, against
        the whole quantized model. {trialAll && 'With all trials chosen, this view takes trial 1.'}
      </p>
      <label>
        Bars{' '}
        <select value={measure} onChange={(e) => setMeasure(e.target.value as MeasureName)}>
          {(Object.keys(MEASURES) as MeasureName[]).map((k) => (
            <option key={k} value={k}>
              {MEASURES[k].label}
            </option>
          ))}
        </select>
      </label>
      {layers.status === 'running' && (
        <p aria-live="polite" className="progress" data-testid="layers-progress">
          {value ? `SQNR done; one-at-a-time runs: ${runs} tensors` : 'Calibrating and measuring SQNR...'}{' '}
          <progress max={layers.total || undefined} value={layers.total ? layers.done : undefined} /> {left}{' '}
          <button onClick={onCancel}>Cancel</button>
        </p>
      )}
      {layers.status === 'cancelled' && (
        <CancelledNote
          detail={value ? ` with the one-at-a-time runs of ${runs} tensors done` : ''}
          onRecompute={onRecompute}
        />
      )}
      {layers.status === 'error' && <ErrorNote message={layers.message} />}
      {value && (
        <>
          <p data-testid="layers-baselines">
            {subjectOf(value)}. FP32: {scoresText(value.fp32)}; all quantized: {scoresText(value.quantized)}.
          </p>
          <SensitivityBars
            rows={bars(value, measure)}
            measure={measure}
            title={`${subjectOf(value)}: ${MEASURES[measure].label}`}
            name={name}
            picked={picked}
            onPick={toggle}
          />
          <MixedFromLayers
            store={store}
            value={value}
            measure={measure}
            picked={picked}
            setPicked={setPicked}
          />
          <p className="export">
            <button
              type="button"
              onClick={() => download(`${slug(name)}.csv`, 'text/csv', sensitivityCsv(value))}
            >
              Sensitivity CSV
            </button>
            <button
              type="button"
              onClick={() =>
                download(`${slug(name)}.json`, 'application/json', JSON.stringify(value, null, 1))
              }
            >
              Sensitivity JSON
            </button>
          </p>
          <Findings value={value} measure={measure} />
        </>
      )}
    </section>
  );
}
