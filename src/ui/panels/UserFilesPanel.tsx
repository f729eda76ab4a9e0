// Bring your own: a bundle from the importer and models from training/export.py, picked as files and
// checked in the page before the lab takes them; a bad file is reported and changes nothing.
import { useState } from 'react';
import type { Lab } from '../useLab';
import { readUserBundle, readUserModel } from '../userFiles';

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok' | 'error'; text: string };

function Picker({
  id,
  label,
  hint,
  onFiles,
}: {
  id: string;
  label: string;
  hint: string;
  onFiles(files: File[]): Promise<string>;
}) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>{' '}
      <input
        id={id}
        type="file"
        multiple
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const input = e.currentTarget;
          const files = [...(input.files ?? [])];
          if (files.length === 0) return;
          setStatus({ kind: 'busy' });
          onFiles(files)
            .then(
              (text) => setStatus({ kind: 'ok', text }),
              (err: unknown) =>
                setStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err) }),
            )
            .finally(() => (input.value = '')); // picking the same files again reads them again
        }}
      />
      <p id={`${id}-hint`} className="muted">
        {hint}
      </p>
      {status.kind === 'busy' && <p aria-live="polite">Checking the files...</p>}
      {status.kind === 'ok' && (
        <p role="status" data-testid={`${id}-status`}>
          {status.text}
        </p>
      )}
      {status.kind === 'error' && (
        <p role="alert" className="error" data-testid={`${id}-status`}>
          Not loaded: {status.text}
        </p>
      )}
    </div>
  );
}

export function UserFilesPanel({ lab }: { lab: Lab }) {
  return (
    <section className="panel" aria-labelledby="user-files-heading">
      <h2 id="user-files-heading">Your own data and models</h2>
      <Picker
        id="user-bundle"
        label="Bundle files"
        hint="manifest.json and every file next to it, as `npm run import` writes them (CIFAR-100, PathMNIST, any MedMNIST)."
        onFiles={async (files) => {
          const b = await readUserBundle(files);
          lab.addBundle(b);
          const n = Object.values(b.manifest.splits).reduce((k, s) => k + s.count, 0);
          return `Loaded ${b.manifest.title} (${b.manifest.name}): ${n.toLocaleString('en')} images in ${Object.keys(b.manifest.splits).length} splits, ${b.manifest.classes.length} classes.`;
        }}
      />
      <Picker
        id="user-model"
        label="Model files"
        hint="model.json and weights.bin, as training/export.py writes them; it replaces a shipped model of the same dataset and architecture, or joins the architectures under its own name."
        onFiles={async (files) => {
          const m = await readUserModel(files);
          lab.addModel(m);
          return `Loaded a ${m.entry.arch} model for ${m.entry.dataset} (weights ${m.entry.sha256.slice(0, 12)}...).`;
        }}
      />
    </section>
  );
}
