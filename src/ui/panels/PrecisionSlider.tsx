// A slider over precisions (presentation mode: the paper's four; the single view: those and the bit
// widths computed so far), its stops named beside it, the one in use in bold.
import { parsePrecision, precisionTitle } from '../../core/experiment/precision';

const title = (p: string) => precisionTitle(parsePrecision(p));

export function PrecisionSlider({
  stops,
  value,
  label,
  onChange,
}: {
  stops: readonly string[];
  value: string;
  /** The slider's visible and accessible name. */
  label: string;
  onChange(precision: string): void;
}) {
  const index = Math.max(0, stops.indexOf(value));
  return (
    <span className="precision-slider">
      <label>
        {label}{' '}
        <input
          type="range"
          aria-valuetext={title(stops[index])}
          min={0}
          max={stops.length - 1}
          step={1}
          value={index}
          onChange={(e) => onChange(stops[Number(e.target.value)])}
        />
      </label>
      <span className="ticks" aria-hidden="true">
        {stops.map((p) => (
          <b key={p} className={p === value ? 'on' : undefined}>
            {title(p)}
          </b>
        ))}
      </span>
    </span>
  );
}
