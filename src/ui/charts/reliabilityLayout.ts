// Where the reliability diagram's marks go, in pixels: pure, so it is tested without a browser.
// Confidence runs along a linear x axis over [0, 1] (bins are equal-width), so the diagonal of perfect
// calibration is the line from (0, 0) to (1, 1) and each bar covers exactly its bin.
import type { Bin } from '../../core/calib/bins';
import type { Frame } from './scale';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BinMarks {
  bin: Bin;
  /** The bin's whole column (the hover target). */
  column: Rect;
  /** Accuracy bar from 0; absent for an empty bin. */
  accuracy?: Rect;
  /** Gap between accuracy and mean confidence; absent for an empty bin. */
  gap?: Rect;
  /** The bin's share of the images, in the histogram strip. */
  share: Rect;
}

export interface Layout {
  plot: Frame;
  strip: Frame;
  x(v: number): number;
  y(v: number): number;
  stripY(v: number): number;
  marks: BinMarks[];
}

/** One pixel between neighbouring bars, so that adjacent bins stay apart. */
const BAR_GAP = 1;
/** The histogram strip's margins: its x axis and title below, a little air above. */
const STRIP_TOP = 4;
const STRIP_BOTTOM = 34;
/** Least height of the histogram's bars area: at 3/8 of a grid cell's plot it was 18 px, its three
 * percent ticks overlapped and a 20% bin was a 4 px bar. */
export const MIN_STRIP_BARS = 40;

export function reliabilityLayout(bins: Bin[], width: number, height: number): Layout {
  const plot: Frame = { width, height, left: 40, right: 12, top: 8, bottom: 20 };
  const stripHeight = Math.max(Math.round(height * 0.375), STRIP_TOP + STRIP_BOTTOM + MIN_STRIP_BARS);
  const strip: Frame = {
    width,
    height: stripHeight,
    left: 40,
    right: 12,
    top: STRIP_TOP,
    bottom: STRIP_BOTTOM,
  };
  const inner = width - plot.left - plot.right;
  const x = (v: number) => plot.left + v * inner;
  const y = (v: number) => plot.top + (1 - v) * (plot.height - plot.top - plot.bottom);
  const stripY = (v: number) => strip.top + (1 - v) * (strip.height - strip.top - strip.bottom);
  const n = bins.reduce((a, b) => a + b.count, 0);
  const span = (x0: number, x1: number, top: number, bottom: number): Rect => ({
    x: x0,
    y: top,
    width: Math.max(0, x1 - x0),
    height: Math.max(0, bottom - top),
  });
  const marks = bins.map((bin): BinMarks => {
    const x0 = x(bin.lo) + BAR_GAP / 2;
    const x1 = x(bin.hi) - BAR_GAP / 2;
    const column = span(x0, x1, y(1), y(0));
    const share = span(x0, x1, stripY(n ? bin.count / n : 0), stripY(0));
    if (!bin.count) return { bin, column, share };
    const lo = Math.min(bin.accuracy, bin.confidence);
    const hi = Math.max(bin.accuracy, bin.confidence);
    return {
      bin,
      column,
      share,
      accuracy: span(x0, x1, y(bin.accuracy), y(0)),
      gap: span(x0, x1, y(hi), y(lo)),
    };
  });
  return { plot, strip, x, y, stripY, marks };
}
