// A legend drawn in a recharts plot as SVG, a column at the plot's top left or a row just above it:
// recharts' own Legend is HTML beside the surface, so an exported figure (download.tsx takes the SVG
// surfaces) would lose it.
import { usePlotArea } from 'recharts';

export interface LegendItem {
  label: string;
  bold?: boolean;
  mark?:
    | { kind: 'rect'; fill: string; stroke?: string; opacity?: number }
    | { kind: 'line'; stroke: string; dash?: string }
    | { kind: 'symbol'; d: string; fill: string };
}

/** Width of a legend entry's label, roughly: the row layout needs it before the text is measured. */
const textWidth = (s: string, fontSize: number) => s.length * fontSize * 0.56;

/** The width of a row of entries, with the space that follows each. */
export const legendWidth = (items: LegendItem[], fontSize: number) =>
  items.reduce(
    (x, it) => x + (it.mark ? Math.round(fontSize * 0.85) + 6 : 0) + textWidth(it.label, fontSize) + 16,
    0,
  );

interface Props {
  items: LegendItem[];
  fontSize: number;
  /** One row above the plot (in the chart's top margin, which must hold it) rather than a column inside it. */
  row?: boolean;
}

/** The legend's rows of marks and labels, from (x, y): in a chart (SvgLegend) or in an SVG of its own. */
export function LegendMarks({
  items,
  fontSize,
  row = false,
  x: x0,
  y: y0,
}: Props & { x: number; y: number }) {
  const line = fontSize + 5;
  const box = Math.round(fontSize * 0.85);
  const xs = items.map((_, k) => legendWidth(items.slice(0, k), fontSize));
  return (
    <g transform={`translate(${x0},${y0})`} fontSize={fontSize} fill="currentColor">
      {items.map((it, k) => {
        const [x, y] = row ? [xs[k], 0] : [0, k * line];
        const textX = it.mark ? box + 6 : 0;
        const m = it.mark;
        return (
          <g key={k} transform={`translate(${x},${y})`}>
            {m?.kind === 'rect' && (
              <rect width={box} height={box} y={1} fill={m.fill} stroke={m.stroke} opacity={m.opacity} />
            )}
            {m?.kind === 'line' && (
              <line
                x1={0}
                x2={box}
                y1={box / 2 + 1}
                y2={box / 2 + 1}
                stroke={m.stroke}
                strokeWidth={2}
                strokeDasharray={m.dash}
              />
            )}
            {m?.kind === 'symbol' && (
              <path d={m.d} transform={`translate(${box / 2},${box / 2 + 1})`} fill={m.fill} />
            )}
            <text x={textX} y={box} fontWeight={it.bold ? 700 : undefined}>
              {it.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** The legend at the plot's top left, or in a row just above the plot. */
export function SvgLegend(props: Props) {
  const plot = usePlotArea();
  if (!plot) return null;
  const [x, y] = props.row ? [plot.x, plot.y - props.fontSize - 7] : [plot.x + 8, plot.y + 6];
  return <LegendMarks {...props} x={x} y={y} />;
}
