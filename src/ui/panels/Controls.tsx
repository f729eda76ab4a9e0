// The run's controls: the few that matter first (view, architecture, precision, which diagrams) up
// front and large; the expert ones under "Advanced", which opens by itself while any of them is not at
// its default, so that no setting in use is ever hidden.
import { useMemo, useState } from 'react';
import { canonicalMixed } from '../../core/quant/mixed';
import {
  DEFAULT_SETTINGS,
  SETTINGS,
  type SettingDef,
  type SettingName,
  type Settings,
} from '../../core/experiment/settings';
import type { AppStore } from '../store';
import { archChoices, archTitle } from '../archs';
import { PrecisionControls } from './PrecisionControls';

/** A setting's dropdown: its label and choices from the settings table, unless given (architectures,
 * which include the user's, and compare's labels). */
export function Select<K extends SettingName>({
  store,
  name,
  label = SETTINGS[name].label,
  options = (SETTINGS[name] as SettingDef<Settings[K]>).choices ?? [],
}: {
  store: AppStore;
  name: K;
  label?: string;
  options?: readonly (readonly [Settings[K], string])[];
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

/** The mixed-precision setting as text: applied on Enter or leaving the field; a bad label is named and
 * changes nothing. */
function MixedInput({ store, name = 'mixed' }: { store: AppStore; name?: 'mixed' | 'mixed2' }) {
  const value = store((s) => s.settings[name]);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState('');
  const apply = () => {
    if (draft === null) return;
    try {
      store.getState().setSettings({ [name]: draft.trim() ? canonicalMixed(draft) : '' });
      setDraft(null);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const field = (
    <label title="Bits per kind of layer or per layer over the precision, for runs with W and A bits: e.g. depthwise:w8a8;ends:w8a8">
      {SETTINGS[name].label}{' '}
      <input
        type="text"
        size={28}
        placeholder="e.g. depthwise:w8a8;ends:w8a8"
        value={draft ?? value}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
    </label>
  );
  // the error beside the field, not in its label: the field keeps its name
  return (
    <span>
      {field}
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}

/** The settings under "Advanced", in table order. */
const ADVANCED = (Object.keys(SETTINGS) as SettingName[]).filter(
  (k) => (SETTINGS[k] as SettingDef<unknown>).advanced,
);
const advancedText = (k: SettingName, v: unknown) => (SETTINGS[k] as SettingDef<unknown>).advanced!(v);

/** onPresent: the single view's "Present" button, at the end of the main controls. */
export function Controls({ store, onPresent }: { store: AppStore; onPresent?: () => void }) {
  const view = store((s) => s.settings.view);
  const dataset = store((s) => s.settings.dataset);
  const models = store((s) => s.models);
  const changed = store((s) =>
    ADVANCED.filter((k) => s.settings[k] !== DEFAULT_SETTINGS[k])
      .map((k) => advancedText(k, s.settings[k]))
      .join(', '),
  );
  const archs = useMemo(
    () => archChoices(models ?? [], dataset).map((a) => [a, archTitle(a)] as const),
    [models, dataset],
  );
  return (
    <>
      <div className="controls primary">
        <Select store={store} name="view" />
        {(view === 'single' || view === 'compare' || view === 'layers') && (
          <Select
            store={store}
            name="arch"
            label={view === 'compare' ? 'A: architecture' : undefined}
            options={archs}
          />
        )}
        {(view === 'single' || view === 'compare' || view === 'layers') && (
          <PrecisionControls
            store={store}
            name="precision"
            label={view === 'compare' ? 'A: precision' : SETTINGS.precision.label}
          />
        )}
        {view === 'compare' && <Select store={store} name="arch2" options={archs} />}
        {view === 'compare' && (
          <PrecisionControls store={store} name="precision2" label={SETTINGS.precision2.label} />
        )}
        {view === 'compare' && <MixedInput store={store} name="mixed2" />}
        {view === 'grid' && <Select store={store} name="scaling" />}
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
          Advanced{changed ? ` (${changed})` : ': observer, trial, bins, backend, arithmetic'}
        </summary>
        <div className="controls">
          {ADVANCED.map((k) =>
            k === 'mixed' ? <MixedInput key={k} store={store} /> : <Select key={k} store={store} name={k} />,
          )}
        </div>
      </details>
    </>
  );
}
