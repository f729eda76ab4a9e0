// The paper's reliability diagram: accuracy per confidence bin (blue), the gap to the bin's mean
// confidence (red), the diagonal of perfect calibration; the confidence histogram beneath (teal,
// striped). Hover shows each bin's count, confidence and accuracy.
import { useRef, memo } from 'react';
import { ExportButtons } from '../download';
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bin } from '../../core/calib/bins';

interface Props {
  bins: Bin[];
  title: string;
  ece: number;
  /** Height of the reliability plot in px; the histogram gets 3/8 of it. */
  height?: number;
}

interface Row {
  x: string;
  accuracy: number;
  gap: [number, number];
  diagonal: number;
  share: number;
  bin: Bin;
}

function BinTooltip({ active, payload }: { active?: boolean; payload?: { payload: Row }[] }) {
  if (!active || !payload?.length) return null;
  const b = payload[0].payload.bin;
  return (
    <div className="tooltip">
      <div>confidence ({b.lo.toFixed(3)}, {b.hi.toFixed(3)}]</div>
      <div>{b.count} images</div>
      {b.count > 0 && <div>mean confidence {b.confidence.toFixed(3)}, accuracy {b.accuracy.toFixed(3)}</div>}
    </div>
  );
}

// memo: progress messages re-render the panels several times a second; a chart redraws only when its data changes
export const ReliabilityDiagram = memo(function ReliabilityDiagram({ bins, title, ece, height = 240 }: Props) {
  const n = bins.reduce((a, b) => a + b.count, 0);
  const rows: Row[] = bins.map((b) => ({
    x: ((b.lo + b.hi) / 2).toFixed(2), accuracy: b.count ? b.accuracy : 0,
    gap: b.count ? [Math.min(b.accuracy, b.confidence), Math.max(b.accuracy, b.confidence)] : [0, 0],
    diagonal: (b.lo + b.hi) / 2, share: n ? b.count / n : 0, bin: b,
  }));
  // category axis, one slot per bin: the diagonal through the bin centres is the identity line
  const tickEvery = Math.max(0, Math.round(bins.length / 5) - 1);
  const summary = `${title}: ECE ${(100 * ece).toFixed(2)}%. ` + bins.filter((b) => b.count).map((b) => `bin ${b.hi.toFixed(2)}: ${b.count} images, accuracy ${b.accuracy.toFixed(2)}, confidence ${b.confidence.toFixed(2)}`).join('; ');
  const ref = useRef<HTMLElement>(null);
  return (
    <figure className="chart" aria-label={summary} ref={ref}>
      <figcaption>{title} <span className="muted">ECE {(100 * ece).toFixed(2)}%</span> <ExportButtons figure={() => ref.current} name={title} /></figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }} barGap="-100%" barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="x" interval={tickEvery} />
          <YAxis domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} label={{ value: 'accuracy', angle: -90, position: 'insideLeft' }} />
          <Tooltip content={<BinTooltip />} />
          <Bar dataKey="accuracy" fill="#1f5fbf" isAnimationActive={false} name="accuracy" />
          <Bar dataKey="gap" fill="#d62728" fillOpacity={0.45} stroke="#d62728" isAnimationActive={false} name="gap" />
          <Line dataKey="diagonal" stroke="#888" strokeDasharray="4 4" dot={false} isAnimationActive={false} legendType="none" />
        </ComposedChart>
      </ResponsiveContainer>
      <ResponsiveContainer width="100%" height={Math.round(height * 0.375)}>
        <ComposedChart data={rows} margin={{ top: 0, right: 12, bottom: 4, left: 0 }} barCategoryGap={1}>
          <defs>
            <pattern id="stripes" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#2a9d8f" fillOpacity={0.35} />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#2a9d8f" strokeWidth="3" />
            </pattern>
          </defs>
          <XAxis dataKey="x" interval={tickEvery} label={{ value: 'confidence', position: 'insideBottom', offset: -2 }} height={36} />
          {/* the strip is too short for a rotated title: percent ticks say it is a share of the images */}
          <YAxis domain={[0, 1]} ticks={[0, 0.5, 1]} tickFormatter={(v: number) => `${100 * v}%`} />
          <Tooltip content={<BinTooltip />} />
          <Bar dataKey="share" fill="url(#stripes)" stroke="#2a9d8f" isAnimationActive={false} name="share of images" />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
});
