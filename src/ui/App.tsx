import { useEffect, useState } from 'react';
import { createAppStore } from './store';
import { DATASETS, choiceLabel } from '../core/experiment/settings';
import { formatSettings, parseSettings } from './url';
import { useDatasetPreview } from './useDatasetPreview';
import { DatasetPanel } from './panels/DatasetPanel';
import { RunPanel } from './panels/RunPanel';
import { Explanations, Presets, Study } from './panels/Classroom';
import { CopyLink } from './panels/CopyLink';
import { useLab } from './useLab';
import { useFill } from './useFill';
import { useModelIndex } from './useModelIndex';
import { UserFilesPanel } from './panels/UserFilesPanel';

export function App() {
  const [store] = useState(() => {
    const { settings, notices } = parseSettings(window.location.search);
    return createAppStore(settings, notices);
  });
  const settings = store((s) => s.settings);
  const notices = store((s) => s.notices);
  const manifest = store((s) => s.manifest);
  const preview = store((s) => s.preview);
  const userBundles = store((s) => s.userBundles);
  const title = (d: string) => userBundles[d]?.manifest.title ?? choiceLabel('dataset', d);
  useDatasetPreview(store);
  useModelIndex(store);
  const lab = useLab(store);
  const fill = useFill(store);
  useEffect(() => {
    // its own task: replaceState took 20-35 ms here, on top of the re-render a settings change causes
    const t = setTimeout(() => window.history.replaceState(null, '', formatSettings(settings)));
    return () => clearTimeout(t);
  }, [settings]);

  return (
    <main>
      <header className="top">
        <h1>qcal-lab</h1>
        <Study />
        <label>
          Dataset{' '}
          <select
            value={settings.dataset}
            onChange={(e) => store.getState().setSettings({ dataset: e.target.value })}
          >
            {[...DATASETS, ...Object.keys(userBundles)].map((d) => (
              <option key={d} value={d}>
                {title(d)}
              </option>
            ))}
          </select>
        </label>
        {manifest.status === 'ready' && manifest.value.testSplits.length > 1 && (
          <label>
            Test set{' '}
            <select
              value={settings.testSplit}
              onChange={(e) => store.getState().setSettings({ testSplit: e.target.value })}
            >
              {manifest.value.testSplits.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        )}
        <CopyLink />
      </header>
      {notices.map((n, i) => (
        <p key={i} className="notice" role="status">
          {n}{' '}
          <button onClick={() => store.getState().dismissNotice(i)} aria-label="Dismiss notice">
            x
          </button>
        </p>
      ))}
      {notices.length > 1 && (
        <button type="button" onClick={() => store.getState().dismissNotices()}>
          Dismiss all {notices.length} notices
        </button>
      )}
      <Presets store={store} />
      <Explanations />
      <RunPanel store={store} onCancel={lab.cancel} onRecompute={lab.recompute} fill={fill} />
      <UserFilesPanel lab={lab} />
      {manifest.status === 'ready' && <DatasetPanel manifest={manifest.value} preview={preview} />}
      {manifest.status === 'loading' && <p aria-live="polite">Loading {title(settings.dataset)}...</p>}
      {manifest.status === 'error' && (
        <p role="alert" className="error">
          Could not load the dataset: {manifest.message}
        </p>
      )}
    </main>
  );
}
