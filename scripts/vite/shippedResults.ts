// A Vite plugin: `import('virtual:shipped-results')` gives every run of results/**/sweep.json, packed
// (core/experiment/shipped.ts), so the page's figures open filled; results/ stays the one source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
// types only: Vite's config loader takes no extensionless imports of code
import type { CalibrationReport } from '../../src/core/calib/report';
import type { PackedReport, PackedRun } from '../../src/core/experiment/shipped';
import type { SweepRecord } from '../../src/core/experiment/summary';

const ID = 'virtual:shipped-results';

const packReport = (r: CalibrationReport): PackedReport => ({
  ...r,
  bins: r.bins.map((b) => [b.count, b.confidence, b.accuracy]),
});

/** A run as it ships (core/experiment/shipped.ts unpacks it). */
export const packRun = (r: SweepRecord): PackedRun => ({
  ...r,
  before: packReport(r.before),
  after: packReport(r.after),
});

/** Every sweep.json under dir. */
function sweepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sweepFiles(join(dir, e.name)) : e.name === 'sweep.json' ? [join(dir, e.name)] : [],
  );
}

export function shippedRuns(resultsDir: string) {
  return sweepFiles(resultsDir)
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')).results as SweepRecord[]).map(packRun));
}

export function shippedResults(resultsDir: string): Plugin {
  return {
    name: 'qcal-shipped-results',
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load(id) {
      if (id !== `\0${ID}`) return;
      for (const f of sweepFiles(resultsDir)) this.addWatchFile(f);
      // a JSON string parses faster than the same object as a JavaScript literal
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(shippedRuns(resultsDir)))});`;
    },
  };
}
