// The precisions the single view's slider steps through: the paper's four, then any other bit widths of
// this model computed so far in this browser (its cache), from the most bits to the fewest.
import { useEffect, useState } from 'react';
import { ENGINE_VERSION, keyHead } from '../core/experiment/cacheKey';
import { PAPER_PRECISIONS, parsePrecision } from '../core/experiment/precision';
import { cachedKeys } from './resultCache';
import { findModel } from './runs';
import type { AppStore } from './store';

const bits = (p: string) => {
  const { wBits, aBits } = parsePrecision(p);
  return [wBits ?? 32, aBits ?? 32];
};
/** FP32 first, then by weight bits and activation bits, most first. */
export function orderPrecisions(ps: Iterable<string>): string[] {
  return [...new Set(ps)].sort((p, q) => {
    const [[pw, pa], [qw, qa]] = [bits(p), bits(q)];
    return p === 'fp32' ? -1 : q === 'fp32' ? 1 : qw - pw || qa - pa;
  });
}

export function usePrecisionStops(store: AppStore): string[] {
  const { dataset, arch, testSplit, precision } = store((s) => s.settings);
  const done = store((s) => s.run.status === 'done');
  const model = store((s) => (s.models ? findModel(s.models, { dataset, arch }) : undefined));
  const [custom, setCustom] = useState<string[]>([]);
  useEffect(() => {
    if (!model) return;
    let live = true;
    void cachedKeys().then((keys) => {
      if (!live) return;
      const weights = model.sha256.slice(0, 16);
      const mine = keys
        .map(keyHead)
        .filter(
          (h) =>
            h &&
            h.engineVersion === ENGINE_VERSION &&
            h.weights === weights &&
            h.dataset === dataset &&
            h.testSplit === testSplit,
        )
        .map((h) => h!.precision);
      setCustom(mine.filter((p) => !(PAPER_PRECISIONS as readonly string[]).includes(p)));
    });
    return () => {
      live = false;
    };
  }, [model, dataset, testSplit, precision, done]);
  // the one in use is a stop even before its run is cached
  return orderPrecisions([...PAPER_PRECISIONS, ...custom, precision]);
}
