// What the reliability diagram and its confidence histogram draw, per bin: pure, so it is tested
// without a browser. The chart (ReliabilityDiagram) only maps these rows onto recharts marks.
import type { Bin } from '../../core/calib/bins';
import { niceTicks } from './scale';

export interface BinRow {
  /** The bin's index: the category the bars sit on, so each bar covers exactly its (equal-width) bin. */
  i: number;
  lo: number;
  hi: number;
  count: number;
  /** The bin's share of all images (the histogram). */
  share: number;
  /** Accuracy bar from 0, and the bin's mean confidence; null for an empty bin, which draws nothing. */
  accuracy: number | null;
  confidence: number | null;
  /** Opacity of the bin's bars: bins with few images are drawn fainter, as a bin of one image says little
   * about calibration. (Not named `opacity`: recharts hands a row's fields to its bar as SVG attributes.) */
  strength: number;
}

export interface ReliabilityData {
  rows: BinRow[];
  total: number;
  /** Mean confidence and accuracy over all images: the histogram's two lines, as in Guo et al.'s figure 1. */
  meanConfidence: number;
  accuracy: number;
  /** The histogram's y ticks, scaled to its tallest bar (the last tick is the axis' top). */
  shareTicks: number[];
}

/** A bin holding this many images or more is drawn at full strength. */
export const FULL_STRENGTH_COUNT = 30;
/** The faintest a non-empty bin is drawn. */
export const MIN_OPACITY = 0.25;

export const binOpacity = (count: number) =>
  count > 0 ? MIN_OPACITY + (1 - MIN_OPACITY) * Math.min(1, count / FULL_STRENGTH_COUNT) : 0;

export function reliabilityData(bins: Bin[]): ReliabilityData {
  const total = bins.reduce((a, b) => a + b.count, 0);
  let conf = 0;
  let hits = 0;
  const rows = bins.map((b, i): BinRow => {
    conf += b.count * b.confidence;
    hits += b.count * b.accuracy;
    const empty = b.count === 0;
    return {
      i,
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      share: total ? b.count / total : 0,
      accuracy: empty ? null : b.accuracy,
      confidence: empty ? null : b.confidence,
      strength: binOpacity(b.count),
    };
  });
  const top = Math.max(0, ...rows.map((r) => r.share));
  return {
    rows,
    total,
    meanConfidence: total ? conf / total : 0,
    accuracy: total ? hits / total : 0,
    shareTicks: niceTicks(0, top > 0 ? top : 1, 4),
  };
}
