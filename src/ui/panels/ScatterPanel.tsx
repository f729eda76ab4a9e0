// Every run of this dataset's data as ECE against error, before and after temperature scaling side by side:
// those computed in this browser (its cache) and, unless turned off, those shipped with the lab, one point
// per run (a run computed here in place of its shipped twin); updated as the background fill adds runs.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { int8Of, runArithmetic, runClamp, runMixed } from '../../core/experiment/arithmetic';
import type { SweepRecord } from '../../core/experiment/summary';
import { EceScatter } from '../charts/EceScatter';
import { sharedAxes } from '../charts/scatterLayout';
import { ResultButtons } from '../download';
import { allResults } from '../resultCache';
import { cacheKey, ENGINE_VERSION, engineVersionOf } from '../../core/experiment/cacheKey';
import { dataIdentity, shippedRuns } from '../identity';
import type { AppStore } from '../store';
import { runNote } from '../../core/experiment/settings';
import { PAPER_PRECISIONS, precisionLabel } from '../../core/experiment/precision';

/** A run that drew calibration images: only its trial and observer tell it apart (FP32 has neither). */
const drawn = (r: SweepRecord) => r.calibration !== null;

export function ScatterPanel({ store }: { store: AppStore }) {
  const dataset = store((s) => s.settings.dataset);
  const bins = store((s) => s.settings.bins);
  const arithmetic = store((s) => s.settings.arithmetic);
  const clamp = store((s) => s.settings.clamp);
  const mixed = store((s) => s.settings.mixed);
  const trial = store((s) => s.settings.trial);
  const observer = store((s) => s.settings.observer);
  const grid = store((s) => s.grid);
  const run = store((s) => s.run);
  const filled = store((s) => ('done' in s.fill ? s.fill.done : 0)); // the background fill adds runs
  const withShipped = store((s) => s.settings.shipped);
  const models = store((s) => s.models); // shipped runs are shown for the models the page has: wait for them
  const [results, setResults] = useState<SweepRecord[]>([]);
  const [shippedCount, setShippedCount] = useState(0);
  useEffect(() => {
    if (!models) return;
    let live = true;
    void Promise.all([allResults(), dataIdentity(store, dataset), withShipped ? shippedRuns() : null]).then(
      ([cached, id, shipped]) => {
        if (!live) return;
        // one point per run, whichever backend computed it
        const runOf = (r: SweepRecord) =>
          cacheKey(
            {
              weightsSha256: r.weightsSha256,
              dataSha256: id.dataSha256,
              poolCount: r.calibration?.pool ?? id.poolCount,
              backend: '*',
            },
            r.spec,
          );
        const here = cached.filter(
          (r) => engineVersionOf(r) === ENGINE_VERSION && r.dataSha256 === id.dataSha256,
        );
        const seen = new Set(here.map(runOf));
        // shipped runs of the models the page has now (a model of the user's replaces a shipped one)
        const have = new Set(models.map((m) => m.sha256));
        const fromShip = (shipped?.ofData(dataset, id.dataSha256) ?? []).filter(
          (r) => have.has(r.weightsSha256) && !seen.has(runOf(r)),
        );
        // every filter shown beside the scatter; FP32 has no calibration draw and no observer
        const shown = (r: SweepRecord) =>
          (PAPER_PRECISIONS as readonly string[]).includes(precisionLabel(r.spec.precision)) &&
          (!drawn(r) || trial === 'all' || r.spec.trial === trial - 1) &&
          (!drawn(r) || r.spec.observer === observer) &&
          r.spec.numBins === bins &&
          r.spec.testSplit === 'test' &&
          int8Of(r.spec.arithmetic) === runArithmetic(arithmetic, r.spec.precision) &&
          runClamp(r.spec.clamp, r.spec.precision) === runClamp(clamp, r.spec.precision) &&
          runMixed(r.spec.mixed, r.spec.precision) === runMixed(mixed, r.spec.precision);
        setResults([...here, ...fromShip].filter(shown));
        setShippedCount(fromShip.filter(shown).length);
      },
    );
    return () => {
      live = false;
    };
  }, [
    store,
    dataset,
    bins,
    arithmetic,
    clamp,
    mixed,
    trial,
    observer,
    grid,
    run,
    filled,
    withShipped,
    models,
  ]);
  const axes = useMemo(() => (results.length ? sharedAxes(results) : null), [results]);
  const openRun = useCallback(
    (r: SweepRecord) =>
      store.getState().setSettings({
        view: 'single',
        arch: r.spec.arch,
        precision: precisionLabel(r.spec.precision),
        ...(drawn(r) ? { trial: r.spec.trial + 1 } : {}),
      }),
    [store],
  );
  if (!axes)
    return (
      <p>
        No runs computed for {dataset} yet: compute every run above, fill the reliability grid, or run single
        configurations.
      </p>
    );
  return (
    <>
      <p className="muted">
        {results.length} runs: {results.length - shippedCount} computed in this browser, {shippedCount}{' '}
        shipped with the lab
        {runNote(arithmetic, clamp, mixed)
          ? `, quantized ones with ${runNote(arithmetic, clamp, mixed)}`
          : ''}
        {trial === 'all' ? ', all three trials' : `, quantized ones of trial ${trial}`}, the paper's four
        precisions. Colour = architecture, marker size and shape = precision (more bits, larger); lines join
        each architecture's precisions from FP32 down (means over the trials shown); both panels share their
        axes. <ResultButtons results={results} name={`${dataset}-runs`} />
      </p>
      <div className="diagrams">
        <EceScatter results={results} scaling="before" axes={axes} onOpen={openRun} />
        <EceScatter results={results} scaling="after" axes={axes} onOpen={openRun} />
      </div>
    </>
  );
}
