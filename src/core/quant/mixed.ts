// Mixed precision: bits per kind of layer, for the first and last layers, and per layer, over a run's own
// precision. A layer's bits are its weights' and its output's fake quants', as a per-module qconfig gives them
// in torch's FX PTQ. Spelled as the URL, the sweep and the CSV write it: `key:wXaY` entries separated by `;`
// (`,` is read too; `;` keeps a CSV cell whole), the key a kind (depthwise, pointwise, full, dense), `ends` (the
// first and last conv or dense layers) or a node's name; a node's entry wins over `ends`, `ends` over its kind.
// For example `depthwise:w8a8;ends:w8a8`.
import { check } from '../errors';
import type { GraphNode, ParsedGraph } from '../graph/format';
import { type LayerKind, layerKind } from './sqnr';

const KINDS = {
  depthwise: 'depthwise conv',
  pointwise: 'pointwise conv',
  full: 'full conv',
  dense: 'dense',
} as const;
type KindKey = keyof typeof KINDS;

export interface LayerBits {
  wBits: number;
  aBits: number;
}

/** A parsed mixed-precision setting: overrides by kind, for the ends, and by node name. */
export interface MixedBits {
  kinds: Partial<Record<LayerKind, LayerBits>>;
  ends?: LayerBits;
  layers: Record<string, LayerBits>;
}

const ENTRY = /^([A-Za-z_][A-Za-z0-9_.]*):w([2-8])a([2-8])$/;

/** Parses a mixed-precision label (syntax only: node names are checked against a graph by resolveBits). */
export function parseMixed(label: string): MixedBits {
  const out: MixedBits = { kinds: {}, layers: {} };
  const seen = new Set<string>();
  for (const entry of label.split(/[;,]/)) {
    const m = ENTRY.exec(entry.trim());
    check(
      m,
      `mixed precision entry ${JSON.stringify(entry)} is not valid: use key:wXaY with X and Y from 2 to 8, the key ` +
        `a kind (${Object.keys(KINDS).join(', ')}), "ends" or a layer's node name; e.g. depthwise:w8a8;ends:w8a8`,
    );
    const [, key, w, a] = m;
    check(!seen.has(key), `mixed precision names ${key} twice`);
    seen.add(key);
    const bits = { wBits: Number(w), aBits: Number(a) };
    if (key in KINDS) out.kinds[KINDS[key as KindKey]] = bits;
    else if (key === 'ends') out.ends = bits;
    else out.layers[key] = bits;
  }
  return out;
}

/** The canonical label: kinds in a fixed order, then ends, then layers by name (one key per result). */
export function mixedLabel(m: MixedBits): string {
  const bits = (b: LayerBits) => `w${b.wBits}a${b.aBits}`;
  return [
    ...(Object.keys(KINDS) as KindKey[]).flatMap((k) =>
      m.kinds[KINDS[k]] ? [`${k}:${bits(m.kinds[KINDS[k]]!)}`] : [],
    ),
    ...(m.ends ? [`ends:${bits(m.ends)}`] : []),
    ...Object.keys(m.layers)
      .sort()
      .map((n) => `${n}:${bits(m.layers[n])}`),
  ].join(';');
}

/** The label in canonical form, or a clear error. */
export const canonicalMixed = (label: string) => mixedLabel(parseMixed(label));

type Weighted = Extract<GraphNode, { op: 'conv2d' | 'dense' }>;
const isWeighted = (n: GraphNode): n is Weighted => n.op === 'conv2d' || n.op === 'dense';

/** Each conv and dense layer's bits, and each activation observer's: a layer's override, else the run's
 * precision. An observer shared by several nodes' outputs (a concat and its inputs) takes the most bits among
 * them, so no tensor it quantizes gets fewer than asked. */
export function resolveBits(
  parsed: ParsedGraph,
  base: LayerBits,
  mixed: MixedBits,
  events: readonly { node: string; observer: number }[],
  observers: number,
): { weights: Map<string, number>; observers: number[] } {
  const nodes = parsed.doc.nodes;
  const weighted = nodes.filter(isWeighted);
  for (const name of Object.keys(mixed.layers))
    check(
      weighted.some((n) => n.name === name),
      `mixed precision names ${name}, which is not a conv or dense layer of ${parsed.doc.name}`,
    );
  const ends = new Set([weighted[0]?.name, weighted.at(-1)?.name]);
  const layer = new Map<string, LayerBits>();
  for (const n of weighted)
    layer.set(
      n.name,
      mixed.layers[n.name] ??
        (ends.has(n.name) ? mixed.ends : undefined) ??
        mixed.kinds[layerKind(n)] ??
        base,
    );
  const obs = new Array<number>(observers).fill(0);
  for (const e of events) obs[e.observer] = Math.max(obs[e.observer], layer.get(e.node)?.aBits ?? base.aBits);
  return {
    weights: new Map([...layer].map(([n, b]) => [n, b.wBits])),
    observers: obs.map((b) => b || base.aBits),
  };
}

/** A label with these layers set to `bits` (kept from `label` otherwise), in canonical form. */
export function withLayers(label: string, layers: Iterable<string>, bits: LayerBits): string {
  const m = label ? parseMixed(label) : { kinds: {}, layers: {} };
  for (const n of layers) m.layers[n] = bits;
  return mixedLabel(m);
}
