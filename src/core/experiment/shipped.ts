// The sweep's results as the lab ships them (results/**/sweep.json, every run with its provenance), packed for
// the download by scripts/vite/shippedResults.ts: each bin as [count, confidence, accuracy], its edges and gap
// following from those exactly.
import { binEdges } from '../calib/bins';
import type { CalibrationReport } from '../calib/report';
import { cacheKey, ENGINE_VERSION, engineVersionOf, type RunIdentity } from './cacheKey';
import type { RunSpec } from './run';
import type { SweepRecord } from './summary';

export type PackedReport = Omit<CalibrationReport, 'bins'> & { bins: [number, number, number][] };
export type PackedRun = Omit<SweepRecord, 'before' | 'after'> & { before: PackedReport; after: PackedReport };

function unpackReport(r: PackedReport): CalibrationReport {
  const edges = binEdges(r.bins.length);
  return {
    ...r,
    bins: r.bins.map(([count, confidence, accuracy], b) => ({
      lo: edges[b],
      hi: edges[b + 1],
      count,
      confidence,
      accuracy,
      gap: confidence - accuracy,
    })),
  };
}

export const unpackRun = (r: PackedRun): SweepRecord => ({
  ...r,
  before: unpackReport(r.before),
  after: unpackReport(r.after),
});

/** The shipped runs of this engine version by key, and a lookup of a run on any backend they were computed on. */
export class ShippedRuns {
  private readonly byKey = new Map<string, SweepRecord>();
  private readonly backends = new Set<string>();
  /** Runs of another engine version: never shown as current. */
  readonly stale: number;

  constructor(packed: PackedRun[]) {
    let stale = 0;
    for (const p of packed) {
      if (engineVersionOf(p) !== ENGINE_VERSION || !p.dataSha256) {
        stale++;
        continue;
      }
      this.byKey.set(p.key, unpackRun(p));
      this.backends.add(p.backend);
    }
    this.stale = stale;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The shipped run of these settings on this model and data, computed on `id.backend` if it was, else on
   * another backend (the result says which). */
  find(id: RunIdentity, spec: RunSpec): SweepRecord | undefined {
    const own = this.byKey.get(cacheKey(id, spec));
    if (own) return own;
    for (const backend of this.backends) {
      const r = this.byKey.get(cacheKey({ ...id, backend }, spec));
      if (r) return r;
    }
    return undefined;
  }

  /** Every shipped run of a dataset's data (for the scatter). */
  ofData(dataset: string, dataSha256: string): SweepRecord[] {
    return [...this.byKey.values()].filter((r) => r.spec.dataset === dataset && r.dataSha256 === dataSha256);
  }
}
