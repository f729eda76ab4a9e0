// Every run computed so far for this dataset (from the cache) as ECE against error, before and
// after temperature scaling side by side, updated as the background fill adds runs.
import { useEffect, useMemo, useState } from 'react';
import { int8Of, runArithmetic, runClamp } from '../../core/experiment/arithmetic';
import type { RunResult } from '../../core/experiment/run';
import { EceScatter } from '../charts/EceScatter';
import { sharedAxes } from '../charts/scatterLayout';
import { ResultButtons } from '../download';
import { allResults } from '../resultCache';
import type { AppStore } from '../store';
import { runNote } from '../url';

export function ScatterPanel({ store }: { store: AppStore }) {
  const dataset = store((s) => s.settings.dataset);
  const bins = store((s) => s.settings.bins);
  const arithmetic = store((s) => s.settings.arithmetic);
  const clamp = store((s) => s.settings.clamp);
  const grid = store((s) => s.grid);
  const run = store((s) => s.run);
  const filled = store((s) => ('done' in s.fill ? s.fill.done : 0)); // the background fill adds runs
  const [results, setResults] = useState<RunResult[]>([]);
  useEffect(() => {
    let live = true;
    void allResults().then(
      (rs) =>
        live &&
        setResults(
          rs.filter(
            (r) =>
              r.spec.dataset === dataset &&
              r.spec.numBins === bins &&
              r.spec.testSplit === 'test' &&
              int8Of(r.spec.arithmetic) === runArithmetic(arithmetic, r.spec.precision) &&
              runClamp(r.spec.clamp, r.spec.precision) === runClamp(clamp, r.spec.precision),
          ),
        ),
    );
    return () => {
      live = false;
    };
  }, [dataset, bins, arithmetic, clamp, grid, run, filled]);
  const axes = useMemo(() => (results.length ? sharedAxes(results) : null), [results]);
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
        {results.length} runs from the cache
        {runNote(arithmetic, clamp) ? `, quantized ones with ${runNote(arithmetic, clamp)}` : ''}. Colour =
        architecture, marker size = precision (more bits, larger); both panels share their axes.{' '}
        <ResultButtons results={results} name={`${dataset}-runs`} />
      </p>
      <div className="diagrams">
        <EceScatter results={results} scaling="before" axes={axes} />
        <EceScatter results={results} scaling="after" axes={axes} />
      </div>
    </>
  );
}
