// Equal-width bins over [0, 1] as in Guo et al. 2017: bin b holds confidences in (b/B, (b+1)/B],
// except that bin 0 also takes 0 and the last bin ends at exactly 1.0 (so 1.0 lands in it).
// Edges are b * (1/B) in float64, as numpy.linspace computes them, so membership matches the
// numpy reference bit for bit.

export function binEdges(numBins: number): Float64Array {
  const e = new Float64Array(numBins + 1);
  const step = 1 / numBins;
  for (let b = 0; b <= numBins; b++) e[b] = b * step;
  e[numBins] = 1;
  return e;
}

/** The bin of x: the number of interior edges strictly below x. */
export function binOf(x: number, edges: Float64Array): number {
  const B = edges.length - 1;
  let b = Math.min(B - 1, Math.max(0, Math.ceil(x * B) - 1));
  while (b > 0 && x <= edges[b]) b--;
  while (b < B - 1 && x > edges[b + 1]) b++;
  return b;
}

export interface Bin {
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence of the bin's samples (0 when empty). */
  confidence: number;
  /** Fraction of the bin's samples that are correct (0 when empty). */
  accuracy: number;
  /** confidence - accuracy: positive where the model is over-confident. */
  gap: number;
}

/** Per-bin statistics of (score, hit) pairs: hit is 1 if correct (or the class is present). */
export function binStats(scores: ArrayLike<number>, hits: ArrayLike<number>, numBins: number): Bin[] {
  const edges = binEdges(numBins);
  const count = new Float64Array(numBins);
  const sumConf = new Float64Array(numBins);
  const sumHit = new Float64Array(numBins);
  for (let i = 0; i < scores.length; i++) {
    const b = binOf(scores[i], edges);
    count[b]++;
    sumConf[b] += scores[i];
    sumHit[b] += hits[i];
  }
  return Array.from({ length: numBins }, (_, b) => {
    const c = count[b];
    const confidence = c ? sumConf[b] / c : 0;
    const accuracy = c ? sumHit[b] / c : 0;
    return { lo: edges[b], hi: edges[b + 1], count: c, confidence, accuracy, gap: confidence - accuracy };
  });
}

/** sum_b n_b/N |gap_b| and max_b |gap_b| over non-empty bins. */
export function expectedAndMaxGap(bins: Bin[], total: number): { expected: number; max: number } {
  let expected = 0;
  let max = 0;
  for (const b of bins) {
    if (!b.count) continue;
    expected += (b.count / total) * Math.abs(b.gap);
    max = Math.max(max, Math.abs(b.gap));
  }
  return { expected, max };
}

/**
 * Bins of several runs over the same edges as one set (the trials of a configuration): counts add,
 * mean confidence and accuracy are count-weighted, as if all the runs' samples had been binned together.
 */
export function poolBins(sets: Bin[][]): Bin[] {
  if (sets.length === 0) throw new Error('poolBins: no bins to pool');
  const numBins = sets[0].length;
  if (sets.some((s) => s.length !== numBins))
    throw new Error(`poolBins: bin counts differ (${sets.map((s) => s.length).join(', ')})`);
  return sets[0].map((first, b) => {
    let count = 0,
      conf = 0,
      acc = 0;
    for (const s of sets) {
      count += s[b].count;
      conf += s[b].count * s[b].confidence;
      acc += s[b].count * s[b].accuracy;
    }
    const confidence = count ? conf / count : 0;
    const accuracy = count ? acc / count : 0;
    return { lo: first.lo, hi: first.hi, count, confidence, accuracy, gap: confidence - accuracy };
  });
}
