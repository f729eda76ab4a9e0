// What the ECE-vs-error scatter (the paper's Figure 1) draws, kept apart from React so it can be
// tested: one point per run, its marker's size and shape from the bits a precision carries, each
// architecture's path through its precisions from FP32 down, and one pair of axes shared by the before
// and after panels (so the drop in ECE reads straight across).
import type { SweepRecord } from '../../core/experiment/summary';
import { precisionTitle, type Precision } from '../../core/experiment/precision';
import { archTitle, orderArchs } from '../archs';
import { niceTicks } from './scale';

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle' | 'cross';
/** By rank of bits: FP32's circle first, then one shape per precision down to W4/A4's triangle. */
const SHAPES: MarkerShape[] = ['circle', 'square', 'diamond', 'triangle', 'cross'];

export interface ScatterPoint {
  arch: string;
  error: number;
  ece: number;
  r: number;
  shape: MarkerShape;
  label: string;
  /** The run's index among all the points: the keyboard's order, and the tooltip's. */
  k: number;
}

/** SVG path of a marker of "radius" r centred on (0, 0); shapes of one r cover about the same area. */
export function markerPath(shape: MarkerShape, r: number): string {
  const f = (v: number) => Number(v.toFixed(2));
  switch (shape) {
    case 'circle':
      return `M${f(-r)},0a${f(r)},${f(r)} 0 1,0 ${f(2 * r)},0a${f(r)},${f(r)} 0 1,0 ${f(-2 * r)},0Z`;
    case 'square': {
      const h = f(r * 0.886); // same area as the circle
      return `M${-h},${-h}H${h}V${h}H${-h}Z`;
    }
    case 'diamond': {
      const h = f(r * 1.25);
      return `M0,${-h}L${h},0L0,${h}L${-h},0Z`;
    }
    case 'triangle': {
      const h = f(r * 1.35);
      return `M0,${-h}L${f(h * 0.866)},${f(h / 2)}L${f(-h * 0.866)},${f(h / 2)}Z`;
    }
    case 'cross': {
      const [a, b] = [f(r), f(r / 3)];
      return `M${-b},${-a}H${b}V${-b}H${a}V${b}H${b}V${a}H${-b}V${b}H${-a}V${-b}H${-b}Z`;
    }
  }
}
export interface ScatterAxes {
  errorTicks: number[];
  eceTicks: number[];
}

const bitsOf = (p: Precision) => (p.wBits ?? 32) + (p.aBits ?? 32);

const [R_MIN, R_MAX] = [3.5, 9];

/**
 * Marker radius by the rank of the bits a precision carries among the runs shown, evenly from
 * R_MIN to R_MAX: more bits, larger marker. By rank, not by bits, because W8/A8 (16 bits) and W4/A8
 * (12) would otherwise differ by half a pixel next to FP32's 64.
 */
export function markerStyle(results: SweepRecord[]): (p: Precision) => { r: number; shape: MarkerShape } {
  const bits = [...new Set(results.map((r) => bitsOf(r.spec.precision)))].sort((a, b) => a - b);
  const step = bits.length > 1 ? (R_MAX - R_MIN) / (bits.length - 1) : 0;
  return (p) => {
    const rank = bits.indexOf(bitsOf(p));
    return {
      r: bits.length > 1 ? R_MIN + rank * step : (R_MIN + R_MAX) / 2,
      shape: SHAPES[Math.min(bits.length - 1 - rank, SHAPES.length - 1)],
    };
  };
}

export function scatterPoints(results: SweepRecord[], scaling: 'before' | 'after'): ScatterPoint[] {
  const style = markerStyle(results);
  return results.map((r, k) => {
    const rep = scaling === 'before' ? r.before : r.after;
    const arch = r.spec.arch;
    return {
      arch,
      error: 100 * rep.error,
      ece: 100 * rep.ece,
      ...style(r.spec.precision),
      label: `${archTitle(arch)} ${precisionTitle(r.spec.precision)} trial ${r.spec.trial + 1}`,
      k,
    };
  });
}

/**
 * Each architecture's path through its precisions, from the most bits (FP32) down: one vertex per
 * precision at the mean error and ECE of its trials.
 */
export function scatterPaths(
  results: SweepRecord[],
  scaling: 'before' | 'after',
): { arch: string; vertices: { error: number; ece: number; precision: string }[] }[] {
  return scatterArchs(results).map((arch) => {
    const groups = new Map<string, { p: Precision; runs: SweepRecord[] }>();
    for (const r of results.filter((x) => x.spec.arch === arch)) {
      const key = precisionTitle(r.spec.precision);
      const g = groups.get(key) ?? { p: r.spec.precision, runs: [] };
      g.runs.push(r);
      groups.set(key, g);
    }
    const mean = (rs: SweepRecord[], f: (r: SweepRecord) => number) =>
      (100 * rs.reduce((a, r) => a + f(r), 0)) / rs.length;
    const vertices = [...groups.entries()]
      .sort(([, a], [, b]) => bitsOf(b.p) - bitsOf(a.p))
      .map(([precision, { runs }]) => {
        const rep = (r: SweepRecord) => (scaling === 'before' ? r.before : r.after);
        return { precision, error: mean(runs, (r) => rep(r).error), ece: mean(runs, (r) => rep(r).ece) };
      });
    return { arch, vertices };
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

/** The precisions present, most bits first, each with its marker: the scatter's second legend row. */
export function precisionKeys(results: SweepRecord[]): { label: string; r: number; shape: MarkerShape }[] {
  const style = markerStyle(results);
  const precisions = new Map<string, Precision>();
  for (const r of results) precisions.set(precisionTitle(r.spec.precision), r.spec.precision);
  return [...precisions.entries()]
    .sort(([, a], [, b]) => bitsOf(b) - bitsOf(a))
    .map(([label, p]) => ({ label, ...style(p) }));
}
