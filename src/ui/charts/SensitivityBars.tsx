// The layer-by-layer figure on recharts: one bar per quantized tensor along the network, coloured by the kind of
// its layer (the legend is drawn in the SVG, so an exported figure keeps it). Hovering a bar's column, or the
// arrow keys once the figure has focus, name the tensor, its kind, shape and SQNR; a click (or Enter) picks the
// bar's layer for mixed precision, and picked layers' bars are outlined. Bars not computed yet are absent, so
// the one-at-a-time runs fill the chart in as they stream.
import { memo, useMemo, useRef } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { LayerKind } from '../../core/quant/sqnr';
import { ExportButtons } from '../download';
import { axisLabel, axisStyle } from './axes';
import { type Bar as BarRow, KIND_COLORS, layerOf, MEASURES, type MeasureName } from './sensitivityBars';
import { SvgLegend } from './SvgLegend';
import { niceTicks } from './scale';
import { useKeyHover } from './useKeyHover';
import { useWidth } from './useWidth';

const HEIGHT = 340;
const FONT = 14;
const MARGIN = { top: FONT + 16, right: 16, bottom: 4, left: 8 };
const Y_AXIS = 64;

const dB = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} dB` : 'exact');

function BarTip({ b, left, picked }: { b: BarRow; left: number; picked?: boolean }) {
  return (
    <div className="tooltip chart-tooltip" role="tooltip" style={{ left }}>
      <div>
        <b>
          #{b.i} {b.name}
        </b>
      </div>
      <div>
        {b.kind}, shape {b.shape}
      </div>
      <div>SQNR {dB(b.sqnr)}</div>
      <div>{b.value === null ? 'not computed yet' : `value ${b.value.toFixed(2)}`}</div>
      {picked !== undefined && (
        <div className="muted">
          {layerOf(b) === null
            ? 'not a layer: it follows the precision'
            : picked
              ? `layer ${b.node} picked: click to drop it`
              : `click to pick layer ${b.node}`}
        </div>
      )}
    </div>
  );
}

export const SensitivityBars = memo(function SensitivityBars({
  rows,
  measure,
  title,
  name,
  picked,
  onPick,
}: {
  rows: BarRow[];
  measure: MeasureName;
  title: string;
  /** The export's file name. */
  name: string;
  /** Layers picked for mixed precision (outlined), and what a click on a bar does. */
  picked?: ReadonlySet<string>;
  onPick?: (b: BarRow) => void;
}) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, 'sensitivity', 900);
  const kinds = useMemo(() => [...new Set(rows.map((r) => r.kind))] as LayerKind[], [rows]);
  const style = axisStyle(FONT);
  const known = rows.filter((r) => r.value !== null).length;
  // ticks every tenth tensor or so: names are in the tooltip, and 130 labels would not fit
  const step = Math.max(1, Math.ceil(rows.length / 12));
  const ticks = rows.filter((r) => r.i % step === 0).map((r) => r.i);
  const m = MEASURES[measure];
  const values = rows.flatMap((r) => (r.value === null ? [] : [r.value]));
  const yTicks = niceTicks(Math.min(0, ...values), Math.max(0, ...values, 1e-9));
  const { hover, setHover, keyProps } = useKeyHover(rows.length);
  const plotLeft = MARGIN.left + Y_AXIS;
  const plotWidth = width - plotLeft - MARGIN.right;
  /** The tensor whose column the pointer is over. */
  const column = (e: React.MouseEvent) => {
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left - plotLeft;
    setHover(x < 0 || x >= plotWidth ? null : Math.floor((x / plotWidth) * rows.length));
  };
  const hovered = hover === null ? undefined : rows[hover];
  const pick = () => hovered && onPick?.(hovered);
  return (
    <figure
      className="chart"
      ref={ref}
      {...keyProps}
      onKeyDown={(e) => (e.key === 'Enter' ? pick() : keyProps.onKeyDown(e))}
      aria-label={`${title}: ${known} of ${rows.length} tensors, ${m.label}`}
      data-testid="sensitivity-bars"
    >
      <figcaption>
        {title} <ExportButtons target={() => ref.current} name={name} />
      </figcaption>
      <div
        aria-hidden="true"
        onMouseMove={column}
        onMouseLeave={() => setHover(null)}
        onClick={pick}
        style={onPick && { cursor: 'pointer' }}
      >
        <BarChart
          width={width}
          height={HEIGHT}
          data={rows}
          margin={MARGIN}
          barCategoryGap={1}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke="currentColor" strokeOpacity={0.2} strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="i"
            type="category"
            ticks={ticks}
            {...style}
            height={2 * FONT + 14}
            label={axisLabel('tensor, in network order', FONT)}
          />
          {/* bars grow from 0, whatever the sign of the values */}
          <YAxis
            {...style}
            width={Y_AXIS}
            domain={[yTicks[0], yTicks.at(-1)!]}
            ticks={yTicks}
            label={axisLabel(m.axis, FONT, -90)}
          />
          <ReferenceLine y={0} stroke="currentColor" strokeOpacity={0.6} />
          <Bar dataKey="value" isAnimationActive={false}>
            {rows.map((r) => (
              <Cell
                key={r.i}
                fill={KIND_COLORS[r.kind]}
                stroke={r.i === hover || picked?.has(r.node) ? 'currentColor' : undefined}
                strokeWidth={picked?.has(r.node) ? 2 : 1}
              />
            ))}
          </Bar>
          <SvgLegend
            row
            fontSize={FONT}
            items={kinds.map((k) => ({ label: k, mark: { kind: 'rect', fill: KIND_COLORS[k] } }))}
          />
        </BarChart>
      </div>
      {hovered && (
        <BarTip
          b={hovered}
          picked={onPick ? (picked?.has(hovered.node) ?? false) : undefined}
          left={Math.min(plotLeft + ((hovered.i + 0.5) / rows.length) * plotWidth, width - 240)}
        />
      )}
    </figure>
  );
});
