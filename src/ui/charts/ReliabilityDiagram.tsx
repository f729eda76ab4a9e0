// The reliability diagram as Guo et al. (2017) draw it, on recharts: accuracy per confidence bin, the
// gap to perfect calibration hatched in one colour, the plain diagonal, ECE written in the plot; bins
// with few images faded. Beneath, the confidence histogram scaled to its data, with the mean confidence
// and the accuracy marked (Guo's figure 1). Hover, or the arrow keys once the figure has focus, show
// each bin's count, confidence and accuracy. Legends are drawn in the SVG, so exports keep them.
// The two charts are memoised and take turns to draw (drawQueue): hovering redraws neither.
import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, ReferenceLine, XAxis, YAxis, useYAxisScale } from 'recharts';
import type { Bin } from '../../core/calib/bins';
import { ExportButtons } from '../download';
import { useDrawTurn } from './drawQueue';
import { pct } from '../format';
import { reliabilityData, type BinRow, type ReliabilityData } from './reliabilityData';
import { ACCURACY, diagramKey, GAP, GapHatch, histogramKey, SHARE } from './reliabilityKey';
import { SvgLegend, type LegendItem } from './SvgLegend';
import { useKeyHover } from './useKeyHover';
import { useWidth } from './useWidth';
import { axisLabel, axisStyle } from './axes';

interface Props {
  bins: Bin[];
  title: string;
  /** What the figure shows (runSubject): above the title, and in an exported figure's caption and file name. */
  subject?: string;
  ece: number;
  /** Says what the ECE is where it is not that of the drawn bins (several trials: their mean). */
  eceNote?: string;
  /** Height of the reliability plot in px; the histogram gets 55% of it, and at least 140 px. */
  height?: number;
  /** Text size of ticks, labels and legends in px. */
  fontSize?: number;
  /** A cell of a grid: no legends (the grid draws one key) and no export buttons (the grid exports as one). */
  cell?: boolean;
  /** Bars move to new data over a short transition (presentation mode) rather than jump. */
  animate?: boolean;
}

const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const tick = (t: number) => t.toFixed(1);
const MARGIN = { top: 8, right: 14, bottom: 4, left: 8 };
const ANIMATION_MS = 300;

/** What one of the two charts draws; a new one (new bins, width or text) waits for the chart's turn. */
interface ChartSpec {
  data: ReliabilityData;
  width: number;
  height: number;
  fontSize: number;
  legend: LegendItem[] | null;
  hatch: string;
  animate: boolean;
}

type OnHover = (i: number | null) => void;

function chartProps(spec: ChartSpec, onHover: OnHover) {
  return {
    width: spec.width,
    height: spec.height,
    margin: MARGIN,
    barCategoryGap: 1,
    barGap: 0,
    accessibilityLayer: false,
    onMouseMove: (s: { activeTooltipIndex?: unknown }) => {
      const i = Number(s.activeTooltipIndex);
      onHover(s.activeTooltipIndex != null && Number.isInteger(i) ? i : null);
    },
    onMouseLeave: () => onHover(null),
    data: spec.data.rows,
    style: { overflow: 'visible' },
  } as const;
}

const axisWidth = (fontSize: number) => Math.round(fontSize * 4.4);
/** The x axis both charts draw confidence on, over [0, 1]; the bars sit on hidden category axes. */
function confidenceAxis(fontSize: number, label: boolean) {
  return (
    <XAxis
      xAxisId="confidence"
      dataKey="lo" // without a key, recharts gives an x axis the rows' indices as its domain
      type="number"
      domain={[0, 1]}
      allowDataOverflow
      ticks={TICKS}
      tickFormatter={tick}
      {...axisStyle(fontSize)}
      height={label ? 2 * fontSize + 12 : fontSize + 10}
      label={label ? axisLabel('confidence', fontSize) : undefined}
    />
  );
}

/** Waits, at the chart's size, for the chart's first turn; dims it while a newer spec waits for the next. */
function Turn({ spec, draw }: { spec: ChartSpec; draw: (s: ChartSpec) => React.ReactNode }) {
  const { drawn, pending } = useDrawTurn(spec);
  if (!drawn) return <div className="chart-pending" style={{ height: spec.height }} aria-busy="true" />;
  return (
    <div className={pending ? 'chart-stale' : undefined} aria-busy={pending}>
      {draw(drawn)}
    </div>
  );
}

interface BarShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: BinRow;
}

/** One bin's marks: the accuracy bar recharts placed, and the gap from its top to the bin's mean
 * confidence, both faded by the bin's count. One shape rather than a second series on an overlaid axis, and no
 * per-bar Cells: it halves what a chart costs to mount. */
function BinBars({ x = 0, y = 0, width = 0, height = 0, payload, hatch }: BarShapeProps & { hatch: string }) {
  const scale = useYAxisScale();
  if (payload?.confidence == null || !scale) return null;
  // from the bar's top, which a transition moves, to the mean confidence: the two stay joined meanwhile
  const at = scale(payload.confidence) ?? 0;
  const [top, bottom] = [Math.min(y, at), Math.max(y, at)];
  return (
    <g opacity={payload.strength}>
      <rect x={x} y={y} width={width} height={height} fill={ACCURACY} />
      <rect
        x={x}
        y={top}
        width={width}
        height={Math.max(0, bottom - top)}
        fill={`url(#${hatch})`}
        stroke={GAP}
      />
    </g>
  );
}

const AccuracyChart = memo(function AccuracyChart({ spec, onHover }: { spec: ChartSpec; onHover: OnHover }) {
  return (
    <Turn
      spec={spec}
      draw={(s) => (
        <ComposedChart {...chartProps(s, onHover)}>
          <GapHatch id={s.hatch} />
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.25} />
          <XAxis dataKey="i" type="category" hide height={0} />
          {confidenceAxis(s.fontSize, false)}
          <YAxis
            domain={[0, 1]}
            ticks={TICKS}
            tickFormatter={tick}
            {...axisStyle(s.fontSize)}
            width={axisWidth(s.fontSize)}
            label={axisLabel('accuracy', s.fontSize, -90)}
          />
          <Bar
            dataKey="accuracy"
            isAnimationActive={s.animate}
            animationDuration={ANIMATION_MS}
            shape={(props: BarShapeProps) => <BinBars {...props} hatch={s.hatch} />}
          />
          <ReferenceLine
            xAxisId="confidence"
            segment={[
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ]}
            stroke="currentColor"
            strokeWidth={1.5}
          />
          {s.legend && <SvgLegend items={s.legend} fontSize={s.fontSize} />}
        </ComposedChart>
      )}
    />
  );
});

const HistogramChart = memo(function HistogramChart({
  spec,
  onHover,
}: {
  spec: ChartSpec;
  onHover: OnHover;
}) {
  return (
    <Turn
      spec={spec}
      draw={(s) => (
        <ComposedChart
          {...chartProps(s, onHover)}
          margin={s.legend ? { ...MARGIN, top: s.fontSize + 12 } : MARGIN}
        >
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.25} />
          <XAxis dataKey="i" type="category" hide height={0} />
          {confidenceAxis(s.fontSize, true)}
          <YAxis
            domain={[0, s.data.shareTicks.at(-1)!]}
            ticks={s.data.shareTicks}
            tickFormatter={(t: number) => `${Math.round(100 * t)}%`}
            {...axisStyle(s.fontSize)}
            width={axisWidth(s.fontSize)}
            label={axisLabel('images', s.fontSize, -90)}
          />
          <Bar
            dataKey="share"
            fill={SHARE}
            fillOpacity={0.8}
            isAnimationActive={s.animate}
            animationDuration={ANIMATION_MS}
          />
          {s.data.total > 0 && (
            <ReferenceLine xAxisId="confidence" x={s.data.accuracy} stroke={ACCURACY} strokeWidth={2} />
          )}
          {s.data.total > 0 && (
            <ReferenceLine
              xAxisId="confidence"
              x={s.data.meanConfidence}
              stroke="currentColor"
              strokeWidth={2}
              strokeDasharray="5 3"
            />
          )}
          {s.legend && <SvgLegend items={s.legend} fontSize={s.fontSize} row />}
        </ComposedChart>
      )}
    />
  );
});

function BinTooltip({ row, left }: { row: BinRow; left: number }) {
  return (
    <div className="tooltip chart-tooltip" role="tooltip" style={{ left }}>
      <div>
        confidence ({row.lo.toFixed(3)}, {row.hi.toFixed(3)}]
      </div>
      <div>
        {row.count} images ({pct(row.share, 1)} of all)
      </div>
      {row.count > 0 && (
        <div>
          mean confidence {row.confidence!.toFixed(3)}, accuracy {row.accuracy!.toFixed(3)}
        </div>
      )}
    </div>
  );
}

/** True while the bars move to new data: the caption names the new run at once,
 * so the bars in between, old heights on the new axes, are shown faded and busy rather than as its numbers
 * (a margin of 150 ms for the chart's turn to draw). */
function useMoving(data: unknown, animate: boolean): boolean {
  const [moving, setMoving] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    if (first.current || !animate) {
      first.current = false;
      return;
    }
    setMoving(true);
    const t = setTimeout(() => setMoving(false), ANIMATION_MS + 150);
    return () => clearTimeout(t);
  }, [data, animate]);
  return moving;
}

export const ReliabilityDiagram = memo(function ReliabilityDiagram({
  bins,
  title,
  subject,
  ece,
  eceNote,
  height = 260,
  fontSize = 14,
  cell = false,
  animate = false,
}: Props) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, `reliability-${height}`, 360);
  const hatch = `hatch-${useId().replace(/:/g, '')}`;
  const data = useMemo(() => reliabilityData(bins), [bins]);
  const moving = useMoving(data, animate);
  const { hover, setHover, keyProps } = useKeyHover(data.rows.length);
  const eceText = `ECE ${pct(ece)}${eceNote ? ` (${eceNote})` : ''}`;
  const accuracySpec = useMemo(
    (): ChartSpec => ({
      data,
      width,
      height,
      fontSize,
      hatch,
      animate,
      legend: [{ label: eceText, bold: true }, ...(cell ? [] : diagramKey(`url(#${hatch})`))],
    }),
    [data, width, height, fontSize, hatch, eceText, cell, animate],
  );
  const histogramSpec = useMemo(
    (): ChartSpec => ({
      data,
      width,
      height: Math.max(140, Math.round(height * 0.55)),
      fontSize,
      hatch,
      animate,
      legend: cell ? null : histogramKey(data.accuracy, data.meanConfidence),
    }),
    [data, width, height, fontSize, hatch, cell, animate],
  );
  const summary =
    `${title}: ${eceText}. ` +
    data.rows
      .filter((r) => r.count)
      .map(
        (r) =>
          `bin ${r.hi.toFixed(2)}: ${r.count} images, accuracy ${r.accuracy!.toFixed(2)}, confidence ${r.confidence!.toFixed(2)}`,
      )
      .join('; ');
  const plotLeft = MARGIN.left + axisWidth(fontSize);
  const plotWidth = width - plotLeft - MARGIN.right;
  const hovered = hover !== null ? data.rows[hover] : undefined;
  return (
    <figure
      className={moving ? 'chart reliability chart-moving' : 'chart reliability'}
      aria-label={summary}
      aria-busy={moving || undefined}
      ref={ref}
      {...keyProps}
    >
      <figcaption>
        {subject && <span className="subject">{subject}: </span>}
        {title} <span className="ece">{eceText}</span>{' '}
        {!cell && <ExportButtons target={() => ref.current} name={subject ? `${subject} ${title}` : title} />}
      </figcaption>
      <div aria-hidden="true">
        <AccuracyChart spec={accuracySpec} onHover={setHover} />
        <HistogramChart spec={histogramSpec} onHover={setHover} />
      </div>
      {hovered && (
        <BinTooltip row={hovered} left={Math.min(plotLeft + plotWidth * hovered.lo, width - 260)} />
      )}
    </figure>
  );
});
