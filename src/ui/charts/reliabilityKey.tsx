// The reliability diagram's colours and legend entries, shared by each diagram and by the one key a
// grid of diagrams draws for all its cells.
import { pct } from '../format';
import { LegendMarks, legendWidth, type LegendItem } from './SvgLegend';

export const ACCURACY = '#1f5fbf';
export const GAP = '#c0392b';
export const SHARE = '#2a9d8f';

/** Red stripes without a fill: over an accuracy bar they stay red on blue, never a blend no legend names. */
export function GapHatch({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={id} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
        <line x1="0" y1="0" x2="0" y2="6" stroke={GAP} strokeWidth="2.5" />
      </pattern>
    </defs>
  );
}

/** The diagram's entries; `hatch` is the fill of the gap pattern (url(#id)). */
export const diagramKey = (hatch: string): LegendItem[] => [
  { label: 'accuracy', mark: { kind: 'rect', fill: ACCURACY } },
  { label: 'gap to perfect calibration', mark: { kind: 'rect', fill: hatch, stroke: GAP } },
];

/** The histogram's two lines; with values, each says its own. */
export const histogramKey = (accuracy?: number, meanConfidence?: number): LegendItem[] => [
  {
    label: accuracy === undefined ? 'accuracy' : `accuracy ${pct(accuracy, 1)}`,
    mark: { kind: 'line', stroke: ACCURACY },
  },
  {
    label: meanConfidence === undefined ? 'avg. confidence' : `avg. confidence ${pct(meanConfidence, 1)}`,
    mark: { kind: 'line', stroke: 'currentColor', dash: '5 3' },
  },
];

/** One key for a grid of diagrams, as an SVG surface of its own (exports take it with the grid). */
export function ReliabilityKey({ fontSize = 14 }: { fontSize?: number }) {
  const diagram: LegendItem[] = [
    ...diagramKey('url(#grid-key-hatch)'),
    { label: 'perfect calibration', mark: { kind: 'line', stroke: 'currentColor' } },
    { label: 'faded: a bin of few images', mark: { kind: 'rect', fill: ACCURACY, opacity: 0.35 } },
  ];
  const histogram: LegendItem[] = [
    { label: 'histogram: share of images', mark: { kind: 'rect', fill: SHARE } },
    ...histogramKey(),
  ];
  const line = fontSize + 8;
  return (
    <svg
      className="plot key"
      width={legendWidth(diagram, fontSize) + 8}
      height={2 * line + 4}
      role="img"
      aria-label="Key"
    >
      <GapHatch id="grid-key-hatch" />
      <LegendMarks items={diagram} fontSize={fontSize} row x={4} y={4} />
      <LegendMarks items={histogram} fontSize={fontSize} row x={4} y={4 + line} />
    </svg>
  );
}
