// What the layer-by-layer view plots: one bar per quantized tensor in network order, for one measure, and the
// tensors that measure ranks worst. Pure, for the chart, its table and tests.
import type { Scores, Sensitivity, SensitivityTensor, TensorRuns } from '../../core/experiment/sensitivity';
import type { LayerKind } from '../../core/quant/sqnr';

export const KIND_COLORS: Record<LayerKind, string> = {
  'depthwise conv': '#ff7f0e',
  'pointwise conv': '#1f77b4',
  'full conv': '#2ca02c',
  dense: '#9467bd',
  other: '#7f7f7f',
};

interface Measure {
  label: string;
  axis: string;
  /** The bar's value; null where it is not known yet (or SQNR is exact). */
  value(t: SensitivityTensor, r: TensorRuns | undefined, s: Sensitivity): number | null;
  /** Worst first: low SQNR, or a large rise in error or ECE. */
  worse: 'low' | 'high';
}

const change =
  (pick: (r: TensorRuns) => Scores, base: (s: Sensitivity) => Scores | undefined, key: keyof Scores) =>
  (_: SensitivityTensor, r: TensorRuns | undefined, s: Sensitivity) => {
    const b = base(s);
    return r && b ? 100 * (pick(r)[key] - b[key]) : null;
  };
const only = (r: TensorRuns) => r.only;
const allBut = (r: TensorRuns) => r.allBut;
const fp32 = (s: Sensitivity) => s.fp32;
const quantized = (s: Sensitivity) => s.quantized;

export const MEASURES = {
  sqnr: {
    label: 'SQNR (dB): that tensor alone quantized',
    axis: 'SQNR (dB)',
    value: (t) => (Number.isFinite(t.sqnr) ? t.sqnr : null),
    worse: 'low',
  },
  cumulative: {
    label: 'cumulative SQNR (dB): everything up to it quantized',
    axis: 'SQNR (dB)',
    value: (t) => (t.cumulative !== undefined && Number.isFinite(t.cumulative) ? t.cumulative : null),
    worse: 'low',
  },
  onlyError: {
    label: 'top-1 error, only it quantized, minus FP32',
    axis: 'error change (points)',
    value: change(only, fp32, 'error'),
    worse: 'high',
  },
  onlyEce: {
    label: 'ECE, only it quantized, minus FP32',
    axis: 'ECE change (points)',
    value: change(only, fp32, 'ece'),
    worse: 'high',
  },
  onlyEceScaled: {
    label: 'ECE after scaling, only it quantized, minus FP32',
    axis: 'ECE change (points)',
    value: change(only, fp32, 'eceScaled'),
    worse: 'high',
  },
  allButError: {
    label: 'top-1 error, all but it quantized, minus all quantized',
    axis: 'error change (points)',
    value: change(allBut, quantized, 'error'),
    worse: 'low',
  },
  allButEce: {
    label: 'ECE, all but it quantized, minus all quantized',
    axis: 'ECE change (points)',
    value: change(allBut, quantized, 'ece'),
    worse: 'low',
  },
} satisfies Record<string, Measure>;
export type MeasureName = keyof typeof MEASURES;

/** A tensor's name as the view writes it: a layer's weights, or the activation after a node. */
export const tensorName = (t: SensitivityTensor) => (t.type === 'weights' ? `${t.node} (weights)` : t.node);

export interface Bar {
  i: number;
  /** The tensor's node: a weights' layer, or the node whose output it is. */
  node: string;
  name: string;
  kind: LayerKind;
  shape: string;
  value: number | null;
  /** The tensor's SQNR, for the tooltip (Infinity: exact). */
  sqnr: number;
}

export function bars(s: Sensitivity, measure: MeasureName): Bar[] {
  const m: Measure = MEASURES[measure];
  return s.tensors.map((t, i) => ({
    i,
    node: t.node,
    name: tensorName(t),
    kind: t.kind,
    shape: t.shape.join('x'),
    value: m.value(t, s.runs[i], s),
    sqnr: t.sqnr,
  }));
}

/** The n tensors the measure ranks worst (known values only), worst first. For "all but" measures, worst is
 * where keeping the tensor float helps most: the largest fall. */
export function worst(b: Bar[], measure: MeasureName, n: number): Bar[] {
  const sign = MEASURES[measure].worse === 'low' ? 1 : -1;
  return b
    .filter((x) => x.value !== null)
    .sort((x, y) => sign * (x.value! - y.value!) || x.i - y.i)
    .slice(0, n);
}

/** Per kind of layer: how many tensors, and the median of the measure over those known. */
export function byKind(b: Bar[]): { kind: LayerKind; count: number; median: number | null }[] {
  const kinds = [...new Set(b.map((x) => x.kind))];
  return kinds.map((kind) => {
    const v = b.filter((x) => x.kind === kind && x.value !== null).map((x) => x.value!);
    v.sort((p, q) => p - q);
    return {
      kind,
      count: b.filter((x) => x.kind === kind).length,
      median: v.length ? v[v.length >> 1] : null,
    };
  });
}

/** The layer a bar's tensor can be given bits of (a conv or dense layer: its weights or output), or null. */
export const layerOf = (b: Pick<Bar, 'kind'> & { node: string }) => (b.kind === 'other' ? null : b.node);

/** The k layers whose tensors the measure ranks worst (a layer counts once, at its worst tensor). */
export function mostSensitiveLayers(b: Bar[], measure: MeasureName, k: number): string[] {
  const layers: string[] = [];
  for (const x of worst(b, measure, b.length)) {
    const layer = layerOf(x);
    if (layer && !layers.includes(layer)) layers.push(layer);
    if (layers.length === k) break;
  }
  return layers;
}
