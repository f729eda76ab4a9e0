// The layer-by-layer view: where quantization puts its noise in one model and what each tensor costs. SQNR per
// tensor arrives first (seconds); then each tensor's one-at-a-time runs stream in (only it quantized, all but it),
// cancellable, the chart and tables filling as they come.
import { useState } from 'react';
import { precisionTitle } from '../../core/experiment/precision';
import { choiceLabel } from '../../core/experiment/settings';
import { type Sensitivity, sensitivityCsv } from '../../core/experiment/sensitivity';
import { archTitle } from '../archs';
import { SensitivityBars } from '../charts/SensitivityBars';
import { bars, byKind, MEASURES, type MeasureName, worst } from '../charts/sensitivityBars';
import { download, slug } from '../download';
import { etaText } from '../eta';
import { pct } from '../format';
import type { AppStore } from '../store';

const WORST = 8;

const scoresText = (s: Sensitivity['fp32']) =>
  s ? `error ${pct(s.error, 1)}, ECE ${pct(s.ece)} (${pct(s.eceScaled)} after scaling)` : '...';

function subjectOf(s: Sensitivity): string {
  const { spec } = s;
  return `${choiceLabel('dataset', spec.dataset)} ${archTitle(spec.arch)} ${precisionTitle(spec.precision)}, trial ${spec.trial + 1}, on ${s.backend}`;
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
        <p role="status" data-testid="cancelled">
          Cancelled{value ? ` with the one-at-a-time runs of ${runs} tensors done` : ''}.{' '}
          <button type="button" onClick={onRecompute}>
            Run again
          </button>
        </p>
      )}
      {layers.status === 'error' && (
        <p role="alert" className="error">
          {layers.message}
        </p>
      )}
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
