import type { BundleManifest } from '../../core/data/bundle';
import type { Split } from '../../core/data/dataset';
import { ImageGrid } from '../charts/ImageGrid';
import type { Load } from '../store';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

function splitBytes(m: BundleManifest, name: string): number {
  const s = m.splits[name];
  return s.labels.bytes + s.shards.reduce((n, sh) => n + sh.bytes, 0);
}

const PREVIEW = 64;

/** Says so when the preview shows one class only: a bundle stored class by class (CIFAR-10's is) would otherwise look like a one-class dataset. */
function OneClassNote({ split, classes, count }: { split: Split; classes: string[]; count: number }) {
  const shown = new Set(split.labels.subarray(0, count));
  if (shown.size !== 1 || classes.length < 2) return null;
  return (
    <p className="muted">
      All {Math.min(count, split.count)} are of class {classes[[...shown][0]]}: this bundle stores its images
      class by class. Runs read the whole split, and stream the test set in a shuffled order.
    </p>
  );
}

function role(m: BundleManifest, name: string): string {
  if (name === m.poolSplit) return 'calibration pool';
  if (name === m.valSplit) return 'validation (temperature fitting)';
  const t = m.testSplits.indexOf(name);
  if (t === 0) return 'test (default)';
  if (t > 0) return 'test (alternative)';
  return 'training';
}

export function DatasetPanel({ manifest, preview }: { manifest: BundleManifest; preview: Load<Split> }) {
  return (
    <section className="panel" aria-labelledby="dataset-heading">
      <h2 id="dataset-heading">{manifest.title}</h2>
      <p className="muted">
        {manifest.classes.length} classes, {manifest.image.height}x{manifest.image.width}
        {manifest.image.channels === 1 ? ' grey' : ' RGB'}. {manifest.source}. {manifest.license}.
      </p>
      <table className="data-table">
        <caption>Splits</caption>
        <thead>
          <tr>
            <th scope="col">split</th>
            <th scope="col">role</th>
            <th scope="col">images</th>
            <th scope="col">download</th>
            <th scope="col">class balance</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(manifest.splits).map(([name, s]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{role(manifest, name)}</td>
              <td className="num">{s.count.toLocaleString('en')}</td>
              <td className="num">{mb(splitBytes(manifest, name))}</td>
              <td>
                <div
                  className="balance"
                  aria-label={manifest.classes.map((c, i) => `${c}: ${s.classCounts[i]}`).join(', ')}
                >
                  {s.classCounts.map((c, i) => (
                    <span key={i} style={{ flexGrow: c }} title={`${manifest.classes[i]}: ${c}`} />
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>First test images</h3>
      {preview.status === 'ready' ? (
        <>
          <OneClassNote split={preview.value} classes={manifest.classes} count={PREVIEW} />
          <ImageGrid
            split={preview.value}
            image={manifest.image}
            classes={manifest.classes}
            count={PREVIEW}
            columns={16}
          />
        </>
      ) : preview.status === 'error' ? (
        <p role="alert">{preview.message}</p>
      ) : (
        <p aria-live="polite">Loading images...</p>
      )}
    </section>
  );
}
