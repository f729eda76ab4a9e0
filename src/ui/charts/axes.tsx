// Axes shared by the SVG charts. Each chart is wrapped in React.memo because progress messages
// re-render the panels several times a second; a chart redraws only when its data changes.
import type { Frame } from './scale';

interface AxisProps {
  f: Frame;
  scale: (v: number) => number;
  ticks: number[];
  format: (v: number) => string;
  label?: string;
  /** Dashed lines across the plot at the ticks (not at one lying on the other axis). */
  grid?: boolean;
}

const faint = { stroke: 'currentColor', strokeOpacity: 0.15, strokeDasharray: '3 3' };
const solid = { stroke: 'currentColor', strokeOpacity: 0.6 };

/** Axis line, ticks and their labels along the bottom of a frame; the title beneath. */
export function XAxis({ f, scale: x, ticks, format, label, grid = false }: AxisProps) {
  const y0 = f.height - f.bottom;
  return (
    <g className="axis" fontSize={11} fill="currentColor">
      <line x1={f.left} x2={f.width - f.right} y1={y0} y2={y0} {...solid} />
      {ticks.map((t) => (
        <g key={t}>
          {grid && x(t) > f.left && <line x1={x(t)} x2={x(t)} y1={f.top} y2={y0} {...faint} />}
          <line x1={x(t)} x2={x(t)} y1={y0} y2={y0 + 4} {...solid} />
          <text x={x(t)} y={y0 + 15} textAnchor="middle">
            {format(t)}
          </text>
        </g>
      ))}
      {label && (
        <text x={(f.left + f.width - f.right) / 2} y={f.height - 3} textAnchor="middle">
          {label}
        </text>
      )}
    </g>
  );
}

/** Axis line, ticks, labels and (by default) dashed grid lines up the left of a frame; the title turned along it. */
export function YAxis({ f, scale: y, ticks, format, label, grid = true }: AxisProps) {
  const y0 = f.height - f.bottom;
  const middle = (f.top + y0) / 2;
  return (
    <g className="axis" fontSize={11} fill="currentColor">
      <line x1={f.left} x2={f.left} y1={f.top} y2={y0} {...solid} />
      {ticks.map((t) => (
        <g key={t}>
          {grid && y(t) < y0 && <line x1={f.left} x2={f.width - f.right} y1={y(t)} y2={y(t)} {...faint} />}
          <line x1={f.left - 4} x2={f.left} y1={y(t)} y2={y(t)} {...solid} />
          <text x={f.left - 6} y={y(t) + 4} textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
      {label && (
        <text x={12} y={middle} textAnchor="middle" transform={`rotate(-90 12 ${middle})`}>
          {label}
        </text>
      )}
    </g>
  );
}
