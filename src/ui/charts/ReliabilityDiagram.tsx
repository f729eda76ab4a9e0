// The paper's reliability diagram: accuracy per confidence bin (blue), the gap to the bin's mean
// confidence (red), the diagonal of perfect calibration; the confidence histogram beneath (teal,
// striped). Hover, or the arrow keys once the figure has focus, show each bin's count, confidence and accuracy.
// Drawn as plain SVG, not with recharts: a recharts chart took 50-60 ms of main thread to mount on
// this machine, and the grid mounts 24 of them; this one takes a few milliseconds.
import { memo, useId, useRef } from 'react';
import type { Bin } from '../../core/calib/bins';
import { ExportButtons } from '../download';
import { reliabilityLayout } from './reliabilityLayout';
import { XAxis, YAxis } from './axes';
import { useKeyHover } from './useKeyHover';
import { useWidth } from './useWidth';

interface Props {
  bins: Bin[];
  title: string;
  /** What the figure shows (runSubject): above the title, and in an exported figure's caption and file name. */
  subject?: string;
  ece: number;
  /** Says what the ECE is where it is not that of the drawn bins (several trials: their mean). */
  eceNote?: string;
  /** Height of the reliability plot in px; the histogram gets 3/8 of it, and bars at least 40 px high. */
  height?: number;
}

const ACCURACY = '#1f5fbf';
const GAP = '#d62728';
const SHARE = '#2a9d8f';
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const tick = (t: number) => t.toFixed(1);

function BinTooltip({ bin, left }: { bin: Bin; left: number }) {
  return (
    <div className="tooltip chart-tooltip" role="tooltip" style={{ left }}>
      <div>
        confidence ({bin.lo.toFixed(3)}, {bin.hi.toFixed(3)}]
      </div>
      <div>{bin.count} images</div>
      {bin.count > 0 && (
        <div>
          mean confidence {bin.confidence.toFixed(3)}, accuracy {bin.accuracy.toFixed(3)}
        </div>
      )}
    </div>
  );
}

export const ReliabilityDiagram = memo(function ReliabilityDiagram({
  bins,
  title,
  subject,
  ece,
  eceNote,
  height = 240,
}: Props) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, `reliability-${height}`, 360);
  const stripes = `stripes-${useId().replace(/:/g, '')}`;
  const { plot, strip, x, y, stripY, marks } = reliabilityLayout(bins, width, height);
  const { hover, setHover, keyProps } = useKeyHover(marks.length);
  const eceText = `ECE ${(100 * ece).toFixed(2)}%${eceNote ? ` (${eceNote})` : ''}`;
  const summary =
    `${title}: ${eceText}. ` +
    bins
      .filter((b) => b.count)
      .map(
        (b) =>
          `bin ${b.hi.toFixed(2)}: ${b.count} images, accuracy ${b.accuracy.toFixed(2)}, confidence ${b.confidence.toFixed(2)}`,
      )
      .join('; ');
  const legendY = plot.top + 10;
  return (
    <figure
      className="chart reliability"
      aria-label={summary}
      ref={ref}
      onMouseLeave={() => setHover(null)}
      {...keyProps}
    >
      <figcaption>
        {subject && <span className="subject">{subject}: </span>}
        {title} <span className="muted">{eceText}</span>{' '}
        <ExportButtons figure={() => ref.current} name={subject ? `${subject} ${title}` : title} />
      </figcaption>
      <svg className="plot" width={width} height={plot.height} role="img" aria-hidden="true">
        <YAxis f={plot} scale={y} ticks={TICKS} format={tick} label="accuracy" />
        {marks.map((m, i) => (
          <g key={i}>
            {m.accuracy && <rect {...m.accuracy} fill={ACCURACY} />}
            {m.gap && <rect {...m.gap} fill={GAP} fillOpacity={0.45} stroke={GAP} />}
          </g>
        ))}
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#888" strokeDasharray="4 4" />
        <XAxis f={plot} scale={x} ticks={TICKS} format={tick} />
        <g fontSize={10} fill="currentColor">
          <rect x={plot.left + 8} y={legendY - 8} width={10} height={10} fill={ACCURACY} />
          <text x={plot.left + 22} y={legendY + 1}>
            accuracy
          </text>
          <rect
            x={plot.left + 8}
            y={legendY + 6}
            width={10}
            height={10}
            fill={GAP}
            fillOpacity={0.45}
            stroke={GAP}
          />
          <text x={plot.left + 22} y={legendY + 15}>
            gap
          </text>
        </g>
        {marks.map((m, i) => (
          <rect key={i} {...m.column} fill="transparent" onMouseEnter={() => setHover(i)} />
        ))}
      </svg>
      <svg className="plot" width={width} height={strip.height} role="img" aria-hidden="true">
        <defs>
          <pattern
            id={stripes}
            patternUnits="userSpaceOnUse"
            width="6"
            height="6"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill={SHARE} fillOpacity={0.35} />
            <line x1="0" y1="0" x2="0" y2="6" stroke={SHARE} strokeWidth="3" />
          </pattern>
        </defs>
        {/* the strip is too short for a rotated title: percent ticks say it is a share of the images */}
        <YAxis f={strip} scale={stripY} ticks={[0, 0.5, 1]} format={(t) => `${100 * t}%`} />
        {marks.map(
          (m, i) => m.bin.count > 0 && <rect key={i} {...m.share} fill={`url(#${stripes})`} stroke={SHARE} />,
        )}
        <XAxis f={strip} scale={x} ticks={TICKS} format={tick} label="confidence" />
        {marks.map((m, i) => (
          <rect
            key={i}
            x={m.share.x}
            y={strip.top}
            width={m.share.width}
            height={stripY(0) - strip.top}
            fill="transparent"
            onMouseEnter={() => setHover(i)}
          />
        ))}
      </svg>
      {hover !== null && marks[hover] && (
        <BinTooltip bin={marks[hover].bin} left={Math.min(marks[hover].column.x, width - 240)} />
      )}
    </figure>
  );
});
