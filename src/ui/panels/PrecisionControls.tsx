// Precision: the paper's four, or any weight and activation bit widths from 2 to 8 (32 = float).
import { parsePrecision } from '../../core/experiment/precision';
import { SETTINGS } from '../../core/experiment/settings';
import type { AppStore } from '../store';

const BITS = [2, 3, 4, 5, 6, 7, 8, 32];
const PAPER = SETTINGS.precision.choices!;
const isPaper = (p: string) => PAPER.some(([v]) => v === p);

export function PrecisionControls({
  store,
  name,
  label,
}: {
  store: AppStore;
  name: 'precision' | 'precision2';
  label: string;
}) {
  const value = store((s) => s.settings[name]);
  const set = (precision: string) => store.getState().setSettings({ [name]: precision });
  const { wBits, aBits } = parsePrecision(value);
  const bitsSelect = (what: 'W' | 'A', bits: number | null, other: number | null) => (
    <label>
      {label.replace(/precision$/i, '')}
      {what} bits{' '}
      <select
        value={bits ?? 32}
        onChange={(e) => {
          const b = Number(e.target.value);
          const [w, a] = what === 'W' ? [b, other ?? 32] : [other ?? 32, b];
          set(w === 32 && a === 32 ? 'fp32' : `w${w}a${a}`);
        }}
      >
        {BITS.map((b) => (
          <option key={b} value={b}>
            {b === 32 ? 'float' : b}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <label>
        {label}{' '}
        <select
          value={isPaper(value) ? value : 'custom'}
          onChange={(e) => set(e.target.value === 'custom' ? 'w6a6' : e.target.value)}
        >
          {PAPER.map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
          <option value="custom">custom bits</option>
        </select>
      </label>
      {!isPaper(value) && bitsSelect('W', wBits, aBits)}
      {!isPaper(value) && bitsSelect('A', aBits, wBits)}
    </>
  );
}
