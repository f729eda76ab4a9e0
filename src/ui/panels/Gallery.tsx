// The test images the model gets wrong with the highest confidence, with predicted and true class,
// and what the FP32 model said about the same image (before quantization).
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { readManifest, readSplit } from '../../core/data/bundle';
import type { Split } from '../../core/data/dataset';

import { ImageGrid } from '../charts/ImageGrid';
import { bundleFetcher } from '../fetchBundle';
import type { RunResult } from '../../core/experiment/run';
import type { AppStore, ShownResult } from '../store';

const COUNT = 12;

/** `ofTrials`: how many trials are shown above; the gallery shows the first one's predictions. */
export function Gallery({
  store,
  result,
  ofTrials = 1,
}: {
  store: AppStore;
  /** A result computed in this browser: shipped ones carry no per-image predictions. */
  result: ShownResult & Pick<RunResult, 'predictions'>;
  ofTrials?: number;
}) {
  const fp32 = useDeferredValue(store((s) => s.fp32)); // arrives later than the run: redraw in the background
  const [split, setSplit] = useState<
    | { split: Split; classes: string[]; image: { height: number; width: number; channels: 1 | 3 } }
    | string
    | null
  >(null);
  const { dataset, testSplit } = result.spec;
  const userFiles = store((s) => s.userBundles[dataset]?.files);
  useEffect(() => {
    let live = true;
    const f = bundleFetcher(dataset, userFiles);
    readManifest(f)
      .then(async (m) => {
        const s = await readSplit(f, m, testSplit);
        if (live) setSplit({ split: s, classes: m.classes, image: m.image });
      })
      .catch(
        (e: unknown) =>
          live && setSplit(`Could not load the test images: ${e instanceof Error ? e.message : String(e)}`),
      );
    return () => {
      live = false;
    };
  }, [dataset, testSplit, userFiles]);
  // the images, made once per result: a new FP32 run then relabels them without redrawing their canvases
  const mistakes = useMemo(() => {
    if (!split || typeof split === 'string') return [];
    const { pred, conf } = result.predictions;
    const per = split.image.height * split.image.width * split.image.channels;
    return pred
      .map((_, i) => i)
      .filter((i) => pred[i] !== split.split.labels[i])
      .sort((a, b) => conf[b] - conf[a])
      .slice(0, COUNT)
      .map((i) => ({
        i,
        img: {
          images: split.split.images.subarray(i * per, (i + 1) * per),
          labels: split.split.labels.subarray(i, i + 1),
          count: 1,
        } as Split,
      }));
  }, [split, result]);
  if (!split) return <p className="muted">Loading test images for the gallery...</p>;
  if (typeof split === 'string') return <p role="alert">{split}</p>;
  const { pred, conf } = result.predictions;
  const name = (c: number) => split.classes[c];
  return (
    <section aria-labelledby="gallery-heading">
      <h3 id="gallery-heading">
        Most confident mistakes{ofTrials > 1 ? ` (trial ${result.spec.trial + 1} of ${ofTrials})` : ''}
      </h3>
      <ul className="gallery">
        {mistakes.map(({ i, img }) => {
          const before =
            fp32?.predictions && fp32.predictions.pred.length === pred.length
              ? `FP32: ${name(fp32.predictions.pred[i])} (${(100 * fp32.predictions.conf[i]).toFixed(0)}%)`
              : '';
          return (
            <li key={i}>
              <ImageGrid
                split={img}
                image={split.image}
                classes={split.classes}
                count={1}
                columns={1}
                scale={3}
              />
              <div>
                <b>{name(pred[i])}</b> {(100 * conf[i]).toFixed(0)}%
              </div>
              <div className="muted">true: {name(split.split.labels[i])}</div>
              {before && <div className="muted">{before}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
