// The run's controls: the few that matter first (view, architecture, precision, which diagrams) up
// front and large; the expert ones under "Advanced", which opens by itself while any of them is not at
// its default, so that no setting in use is ever hidden.
import { useMemo } from 'react';
import { CLAMPS } from '../../core/quant/qparams';
import { trialSeed } from '../../core/experiment/calibration';
import type { AppStore } from '../store';
import {
  ARITHMETIC_CHOICES,
  ARITHMETIC_LABELS,
  BACKEND_CHOICES,
  BIN_CHOICES,
  CLAMP_LABELS,
  DEFAULT_SETTINGS,
  OBSERVERS,
  type Settings,
} from '../url';
import { archChoices, archTitle } from '../archs';
import { PrecisionControls } from './PrecisionControls';

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

/** The settings under "Advanced", and how its summary names one that is not at its default. */
const ADVANCED: { name: keyof Settings; text: (v: unknown) => string }[] = [
  { name: 'trial', text: (v) => `trial ${String(v)}` },
  { name: 'observer', text: (v) => `observer ${String(v)}` },
  { name: 'arithmetic', text: (v) => String(v) },
  { name: 'clamp', text: (v) => `integer range ${String(v)}` },
  { name: 'bins', text: (v) => `${String(v)} bins` },
  { name: 'shipped', text: (v) => (v ? 'shipped results' : 'results computed here') },
  { name: 'backend', text: (v) => `backend ${String(v)}` },
];

/** onPresent: the single view's "Present" button, at the end of the main controls. */
export function Controls({ store, onPresent }: { store: AppStore; onPresent?: () => void }) {
  const view = store((s) => s.settings.view);
  const dataset = store((s) => s.settings.dataset);
  const models = store((s) => s.models);
  const changed = store((s) =>
    ADVANCED.filter(({ name }) => s.settings[name] !== DEFAULT_SETTINGS[name])
      .map(({ name, text }) => text(s.settings[name]))
      .join(', '),
  );
  const archs = useMemo(
    () => archChoices(models ?? [], dataset).map((a) => [a, archTitle(a)] as const),
    [models, dataset],
  );
  return (
    <>
      <div className="controls primary">
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
        {onPresent && (
          <button
            type="button"
            onClick={onPresent}
            title="One diagram full screen: the arrow keys step through the precisions, S switches scaling, Esc leaves"
          >
            Present
          </button>
        )}
      </div>
      {/* keyed by whether anything is changed: a URL with advanced settings opens it, and it stays as the
          user leaves it otherwise */}
      <details className="advanced" open={changed ? true : undefined} key={changed ? 'changed' : 'default'}>
        <summary>
          Advanced{changed ? ` (${changed})` : ': trial, observer, arithmetic, bins, backend'}
        </summary>
        <div className="controls">
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
            options={BIN_CHOICES.map((b) => [b, String(b)] as const)}
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
      </details>
    </>
  );
}
