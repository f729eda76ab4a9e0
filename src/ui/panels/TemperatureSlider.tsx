// Drag the temperature: the run's test logits rescaled in the page (no model runs), with the reliability
// diagram, ECE and NLL following at once; the fitted T and T = 1 marked on the slider.
import { useId, useMemo, useState } from 'react';
import { reportAt } from '../../core/calib/report';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import type { ShownResult } from '../store';
import { pct } from '../format';

/** The slider runs in integer steps of log10 T / STEPS, so that T = 0.5 and T = 2 are as far from 1
 * and T = 1 is a step exactly; from T = 0.05 to 20. */
const STEPS = 500;
const [MIN, MAX] = [-650, 650];
const stepOf = (T: number) => Math.round(Math.log10(T) * STEPS);
const at = (T: number) => `${(100 * (stepOf(T) - MIN)) / (MAX - MIN)}%`;
const clampT = (T: number) => Math.min(10 ** (MAX / STEPS), Math.max(10 ** (MIN / STEPS), T));

type WithLogits = ShownResult & { test: NonNullable<ShownResult['test']> };

export function TemperatureSlider({ result, subject }: { result: WithLogits; subject: string }) {
  const fitted = result.temperature.temperature;
  const [T, setT] = useState(clampT(fitted));
  const { logits, labels } = result.test;
  const k = logits.length / labels.length;
  const report = useMemo(
    () => reportAt(logits, labels, k, T, result.spec.numBins),
    [logits, labels, k, T, result.spec.numBins],
  );
  const marks = useId();
  const text = (v: number) => v.toFixed(3);
  return (
    <section className="temperature" aria-label="Drag the temperature">
      <h3>Drag the temperature</h3>
      <p className="muted">
        Temperature scaling divides every logit by one T before the softmax: T above 1 softens the
        confidences, below 1 sharpens them, and no prediction changes. The lab fitted T = {text(fitted)} on
        the validation split by minimising NLL; drag to see what other values do to the test split.
      </p>
      <div className="slider">
        <input
          type="range"
          aria-label="Temperature T"
          aria-valuetext={`T = ${text(T)}`}
          min={MIN}
          max={MAX}
          step={1}
          value={stepOf(T)}
          list={marks}
          onChange={(e) => setT(10 ** (Number(e.target.value) / STEPS))}
        />
        <datalist id={marks}>
          <option value={stepOf(clampT(fitted))} />
          <option value={0} />
        </datalist>
        {/* fitted T above the track and the others below: the fitted T often lies next to 1 */}
        <div className="slider-marks" aria-hidden="true">
          <span className="above" style={{ left: at(clampT(fitted)) }}>
            fitted T = {text(fitted)}
          </span>
          <span className="start">T = 0.05</span>
          <span style={{ left: at(1) }}>T = 1</span>
          <span className="end">T = 20</span>
        </div>
      </div>
      <p aria-live="polite" data-testid="at-temperature">
        At T = {text(T)}: ECE {pct(report.ece)}, MCE {pct(report.mce)}, NLL {report.nll.toFixed(4)}; top-1
        error {pct(report.error)} at every T.{' '}
        <button type="button" onClick={() => setT(clampT(fitted))}>
          Fitted T
        </button>{' '}
        <button type="button" onClick={() => setT(1)}>
          T = 1
        </button>
      </p>
      <ReliabilityDiagram bins={report.bins} ece={report.ece} subject={subject} title={`At T = ${text(T)}`} />
    </section>
  );
}
