// The paper's Figure 1: ECE against top-1 error for every computed run; colour = architecture,
// marker size = precision (larger = more bits), one point per trial. Plain SVG, like the
// reliability diagram: recharts needed 150-200 ms of main thread to mount one of these here.
import { memo, useRef } from 'react';
import type { SweepRecord } from '../../core/experiment/summary';
import { ExportButtons } from '../download';
import { archColor } from '../archs';
import { XAxis, YAxis } from './axes';
import { type Frame, linear } from './scale';
import {
  type ScatterAxes,
  type ScatterPoint,
  scatterArchs,
  scatterLegend,
  scatterPoints,
} from './scatterLayout';
import { useKeyHover } from './useKeyHover';
import { useWidth } from './useWidth';

const HEIGHT = 320;

export const EceScatter = memo(function EceScatter({
  results,
  scaling,
  axes,
}: {
  results: SweepRecord[];
  scaling: 'before' | 'after';
  axes: ScatterAxes;
}) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, 'scatter', 420);
  const title = scaling === 'before' ? 'Before temperature scaling' : 'After temperature scaling';
  const points = scatterPoints(results, scaling);
  const { hover: hovered, setHover, keyProps } = useKeyHover(points.length); // the arrows step through the runs in cache order
  const hover: ScatterPoint | null = hovered === null ? null : (points[hovered] ?? null);
  const archs = scatterArchs(results);
  const byArch = [...points].sort((a, b) => archs.indexOf(a.arch) - archs.indexOf(b.arch));
  const summary =
    `${title}: ` +
    byArch.map((p) => `${p.label}: error ${p.error.toFixed(1)}%, ECE ${p.ece.toFixed(1)}%`).join('; ');
  const legend = scatterLegend(results, 48, width - 16);
  const frame: Frame = { width, height: HEIGHT, left: 48, right: 16, top: legend.height + 8, bottom: 40 };
  const { errorTicks: xTicks, eceTicks: yTicks } = axes;
  const x = linear(xTicks[0], xTicks.at(-1)!, frame.left, width - frame.right);
  const y = linear(yTicks[0], yTicks.at(-1)!, HEIGHT - frame.bottom, frame.top);
  return (
    <figure className="chart" aria-label={summary} ref={ref} {...keyProps}>
      <figcaption>
        {title} <ExportButtons figure={() => ref.current} name={`ece-vs-error ${title}`} />
      </figcaption>
      <svg className="plot" width={width} height={HEIGHT} role="img" aria-hidden="true">
        <XAxis f={frame} scale={x} ticks={xTicks} format={String} label="top-1 error (%)" grid />
        <YAxis f={frame} scale={y} ticks={yTicks} format={String} label="ECE (%)" />
        {/* the legends are drawn in the SVG, so an exported figure carries them */}
        <g fontSize={11} fill="currentColor">
          {legend.items.map((item) => (
            <g key={item.label} transform={`translate(${item.x}, ${item.y})`}>
              <circle r={item.r} fill={item.arch ? archColor(item.arch, archs) : '#888'} fillOpacity={0.75} />
              <text x={item.r + 6} y={4}>
                {item.label}
              </text>
            </g>
          ))}
        </g>
        {points.map((p, i) => (
          <circle
            key={i}
            cx={x(p.error)}
            cy={y(p.ece)}
            r={p.r}
            fill={archColor(p.arch, archs)}
            fillOpacity={0.75}
            stroke={i === hovered ? 'currentColor' : '#fff'}
            strokeWidth={i === hovered ? 2 : 0.5}
            onMouseEnter={() => setHover(i)}
            onMouseLeave={() => setHover(null)}
          />
        ))}
      </svg>
      {hover && (
        <div
          className="tooltip chart-tooltip"
          role="tooltip"
          style={{ left: Math.min(x(hover.error), width - 220) }}
        >
          <div>{hover.label}</div>
          <div>
            top-1 error {hover.error.toFixed(2)}%, ECE {hover.ece.toFixed(2)}%
          </div>
        </div>
      )}
    </figure>
  );
});
