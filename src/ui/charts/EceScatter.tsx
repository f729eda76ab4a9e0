// The paper's Figure 1 on recharts: ECE against top-1 error for every computed run; colour =
// architecture, marker size and shape = precision (larger = more bits), one point per trial, and each
// architecture's precisions joined from FP32 down through their trials' means. The legends are drawn in
// the SVG, so an exported figure carries them; hover, or the arrow keys once the figure has focus, name
// each run, and a click (or Enter) opens it in the single view. The chart is memoised and takes its turn to draw (drawQueue): hovering redraws it not.
import { memo, useMemo, useRef } from 'react';
import { CartesianGrid, Scatter, ScatterChart, usePlotArea, XAxis, YAxis } from 'recharts';
import type { SweepRecord } from '../../core/experiment/summary';
import { ExportButtons } from '../download';
import { archColor, archTitle } from '../archs';
import { useDrawTurn } from './drawQueue';
import {
  markerPath,
  precisionKeys,
  type ScatterAxes,
  type ScatterPoint,
  scatterArchs,
  scatterPaths,
  scatterPoints,
} from './scatterLayout';
import { LegendMarks, type LegendItem } from './SvgLegend';
import { useKeyHover } from './useKeyHover';
import { useWidth } from './useWidth';
import { axisLabel, axisStyle } from './axes';

const HEIGHT = 360;
const FONT = 14;
const LINE = FONT + 8;
const MARGIN = { top: 2 * LINE + 10, right: 16, bottom: 4, left: 8 };
const Y_AXIS = 56;

interface Spec {
  points: ScatterPoint[];
  paths: ReturnType<typeof scatterPaths>;
  archs: string[];
  legend: [LegendItem[], LegendItem[]];
  axes: ScatterAxes;
  width: number;
}

/** The two legend rows, in the chart's top margin: the architectures' colours, the precisions' markers. */
function Legend({ rows }: { rows: [LegendItem[], LegendItem[]] }) {
  const plot = usePlotArea();
  if (!plot) return null;
  return (
    <>
      <LegendMarks items={rows[0]} fontSize={FONT} row x={plot.x} y={plot.y - 2 * LINE - 6} />
      <LegendMarks items={rows[1]} fontSize={FONT} row x={plot.x} y={plot.y - LINE - 6} />
    </>
  );
}

type OnHover = (k: number | null) => void;

const Chart = memo(function Chart({
  spec,
  onHover,
  onOpen,
}: {
  spec: Spec;
  onHover: OnHover;
  onOpen?: (k: number) => void;
}) {
  const { drawn: s, pending } = useDrawTurn(spec);
  if (!s) return <div className="chart-pending" style={{ height: HEIGHT }} aria-busy="true" />;
  const { errorTicks: xt, eceTicks: yt } = s.axes;
  const style = axisStyle(FONT);
  return (
    <div className={pending ? 'chart-stale' : undefined} aria-busy={pending}>
      <ScatterChart
        width={s.width}
        height={HEIGHT}
        margin={MARGIN}
        accessibilityLayer={false}
        style={{ overflow: 'visible' }}
      >
        <CartesianGrid stroke="currentColor" strokeOpacity={0.2} strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="error"
          domain={[xt[0], xt.at(-1)!]}
          ticks={xt}
          allowDataOverflow
          {...style}
          height={2 * FONT + 14}
          label={axisLabel('top-1 error (%)', FONT)}
        />
        <YAxis
          type="number"
          dataKey="ece"
          domain={[yt[0], yt.at(-1)!]}
          ticks={yt}
          allowDataOverflow
          {...style}
          width={Y_AXIS}
          label={axisLabel('ECE (%)', FONT, -90)}
        />
        {s.paths.map(({ arch, vertices }) => (
          <Scatter
            key={`path-${arch}`}
            data={vertices}
            line={{ stroke: archColor(arch, s.archs), strokeWidth: 1.5, strokeOpacity: 0.7 }}
            shape={() => <g />}
            isAnimationActive={false}
          />
        ))}
        {s.archs.map((arch) => (
          <Scatter
            key={arch}
            data={s.points.filter((p) => p.arch === arch)}
            isAnimationActive={false}
            shape={(props: { cx?: number; cy?: number; payload?: ScatterPoint }) => {
              const p = props.payload!;
              return (
                <path
                  d={markerPath(p.shape, p.r)}
                  transform={`translate(${props.cx},${props.cy})`}
                  fill={archColor(arch, s.archs)}
                  fillOpacity={0.8}
                  stroke="#fff"
                  strokeWidth={0.75}
                  onMouseEnter={() => onHover(p.k)}
                  onMouseLeave={() => onHover(null)}
                  onClick={onOpen && (() => onOpen(p.k))}
                  style={onOpen && { cursor: 'pointer' }}
                />
              );
            }}
          />
        ))}
        <Legend rows={s.legend} />
      </ScatterChart>
    </div>
  );
});

export const EceScatter = memo(function EceScatter({
  results,
  scaling,
  axes,
  onOpen,
}: {
  results: SweepRecord[];
  scaling: 'before' | 'after';
  axes: ScatterAxes;
  /** Opens a run (a click on its point, or Enter on the one the arrows reached). */
  onOpen?: (r: SweepRecord) => void;
}) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, 'scatter', 420);
  const title = scaling === 'before' ? 'Before temperature scaling' : 'After temperature scaling';
  const spec = useMemo((): Spec => {
    const archs = scatterArchs(results);
    return {
      points: scatterPoints(results, scaling),
      paths: scatterPaths(results, scaling),
      archs,
      axes,
      width,
      legend: [
        archs.map((a) => ({
          label: archTitle(a),
          mark: { kind: 'symbol', d: markerPath('circle', 5), fill: archColor(a, archs) },
        })),
        precisionKeys(results).map((k) => ({
          label: k.label,
          mark: { kind: 'symbol', d: markerPath(k.shape, k.r), fill: '#888' },
        })),
      ],
    };
  }, [results, scaling, axes, width]);
  const { points } = spec;
  const { hover: hovered, setHover, keyProps } = useKeyHover(points.length); // the arrows step through the runs in cache order
  const open = useMemo(() => onOpen && ((k: number) => onOpen(results[k])), [onOpen, results]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && hovered !== null && open) return open(hovered);
    keyProps.onKeyDown(e);
  };
  const hover = hovered === null ? null : (points[hovered] ?? null);
  const byArch = [...points].sort((a, b) => spec.archs.indexOf(a.arch) - spec.archs.indexOf(b.arch));
  const summary =
    `${title}: ` +
    byArch.map((p) => `${p.label}: error ${p.error.toFixed(1)}%, ECE ${p.ece.toFixed(1)}%`).join('; ');
  const { errorTicks: xt } = axes;
  const plotLeft = MARGIN.left + Y_AXIS;
  const plotWidth = width - plotLeft - MARGIN.right;
  const left = hover ? plotLeft + ((hover.error - xt[0]) / (xt.at(-1)! - xt[0])) * plotWidth : 0;
  return (
    <figure className="chart" aria-label={summary} ref={ref} {...keyProps} onKeyDown={onKeyDown}>
      <figcaption>
        {title} <ExportButtons target={() => ref.current} name={`ece-vs-error ${title}`} />
      </figcaption>
      <div aria-hidden="true">
        <Chart spec={spec} onHover={setHover} onOpen={open} />
      </div>
      {hover && (
        <div className="tooltip chart-tooltip" role="tooltip" style={{ left: Math.min(left, width - 220) }}>
          <div>{hover.label}</div>
          <div>
            top-1 error {hover.error.toFixed(2)}%, ECE {hover.ece.toFixed(2)}%
          </div>
          {open && <div className="muted">click, or Enter, to open this run</div>}
        </div>
      )}
    </figure>
  );
});
