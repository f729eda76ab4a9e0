// Geometry of the ECE-vs-error scatter (the paper's Figure 1), kept apart from React so it can be
// tested: one point per run, marker size from the bits a precision carries, one pair of axes shared
// by the before and after panels (so the drop in ECE reads straight across), and the two legends
// (colour = architecture, size = precision) drawn inside the SVG so an exported figure carries them.
import type { SweepRecord } from '../../core/experiment/summary';
import { precisionTitle, type Precision } from '../../core/experiment/precision';
import { archTitle, orderArchs } from '../archs';
import { niceTicks } from './scale';

export interface ScatterPoint {
  arch: string;
  error: number;
  ece: number;
  r: number;
  label: string;
}
export interface ScatterAxes {
  errorTicks: number[];
  eceTicks: number[];
}
export interface LegendItem {
  x: number;
  y: number;
  label: string;
  r: number;
  arch?: string;
}

const bitsOf = (p: Precision) => (p.wBits ?? 32) + (p.aBits ?? 32);

const [R_MIN, R_MAX] = [3.5, 9];

/**
 * Marker radius by the rank of the bits a precision carries among the runs shown, evenly from
 * R_MIN to R_MAX: more bits, larger marker. By rank, not by bits, because W8/A8 (16 bits) and W4/A8
 * (12) would otherwise differ by half a pixel next to FP32's 64.
 */
export function markerRadius(results: SweepRecord[]): (p: Precision) => number {
  const bits = [...new Set(results.map((r) => bitsOf(r.spec.precision)))].sort((a, b) => a - b);
  const step = bits.length > 1 ? (R_MAX - R_MIN) / (bits.length - 1) : 0;
  return (p) => (bits.length > 1 ? R_MIN + bits.indexOf(bitsOf(p)) * step : (R_MIN + R_MAX) / 2);
}

export function scatterPoints(results: SweepRecord[], scaling: 'before' | 'after'): ScatterPoint[] {
  const radius = markerRadius(results);
  return results.map((r) => {
    const rep = scaling === 'before' ? r.before : r.after;
    const arch = r.spec.arch;
    return {
      arch,
      error: 100 * rep.error,
      ece: 100 * rep.ece,
      r: radius(r.spec.precision),
      label: `${archTitle(arch)} ${precisionTitle(r.spec.precision)} trial ${r.spec.trial + 1}`,
    };
  });
}

/** The architectures of the runs, in legend order (which also sets the user's architectures' colours). */
export const scatterArchs = (results: SweepRecord[]): string[] => orderArchs(results.map((r) => r.spec.arch));

/** Axes covering both panels' points: error is the same before and after scaling, ECE is not. */
export function sharedAxes(results: SweepRecord[]): ScatterAxes {
  const points = [...scatterPoints(results, 'before'), ...scatterPoints(results, 'after')];
  const errors = points.map((p) => p.error);
  return {
    errorTicks: niceTicks(Math.min(...errors), Math.max(...errors)),
    eceTicks: niceTicks(0, Math.max(...points.map((p) => p.ece))),
  };
}

const ROW = 20;
const CHAR = 6.2; // average glyph width at 11 px, for laying legend items out without measuring text

/**
 * Legend items laid out left to right from `left`, wrapping before `right`: first the architectures
 * present, then one grey marker per precision present, largest first. Returns the items and the
 * height they take, which becomes the plot's top margin.
 */
export function scatterLegend(
  results: SweepRecord[],
  left: number,
  right: number,
): { items: LegendItem[]; height: number } {
  const archs = scatterArchs(results);
  const radius = markerRadius(results);
  const precisions = new Map<string, Precision>();
  for (const r of results) precisions.set(precisionTitle(r.spec.precision), r.spec.precision);
  const entries = [
    ...archs.map((a) => ({ label: archTitle(a), r: 5, arch: a })),
    ...[...precisions.entries()]
      .sort(([, a], [, b]) => bitsOf(b) - bitsOf(a))
      .map(([label, p]) => ({ label, r: radius(p) })),
  ];
  const items: LegendItem[] = [];
  let x = left;
  let y = ROW / 2 + 2;
  let firstPrecision = true;
  for (const e of entries) {
    const width = 2 * e.r + 6 + e.label.length * CHAR + 14;
    const newRow = (!('arch' in e) && firstPrecision && items.length > 0) || (x > left && x + width > right);
    if (!('arch' in e)) firstPrecision = false;
    if (newRow) {
      x = left;
      y += ROW;
    }
    items.push({ ...e, x: x + e.r, y });
    x += width;
  }
  return { items, height: y + ROW / 2 + 6 };
}
