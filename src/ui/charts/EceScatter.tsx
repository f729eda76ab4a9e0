// The paper's Figure 1: ECE against top-1 error for every computed run; colour = architecture,
// marker size = precision (larger = more bits), one point per trial. Plain SVG, like the
// reliability diagram: recharts needed 150-200 ms of main thread to mount one of these here.
import { memo, useRef, useState } from 'react';
import type { RunResult } from '../../core/experiment/run';
import { precisionTitle } from '../../core/experiment/precision';
import { ExportButtons } from '../download';
import { ARCH_TITLES } from '../labels';
import { ARCHS, type ArchName } from '../url';
import { XAxis, YAxis } from './axes';
import { type Frame, linear, niceTicks } from './scale';
import { useWidth } from './useWidth';

export const ARCH_COLORS: Record<ArchName, string> = { shufflenetv2: '#1f77b4', ghostnet_vgg: '#2ca02c', mobileone_s0: '#d62728' };

/** Marker area grows with the bits carried: FP32 (64) largest, W4/A4 (8) smallest; 30 to 260 px^2, as the paper's sizes. */
const radius = (r: RunResult) => {
  const bits = (r.spec.precision.wBits ?? 32) + (r.spec.precision.aBits ?? 32);
  return Math.sqrt((30 + ((bits - 6) / (64 - 6)) * 230) / Math.PI);
};

interface Point { arch: ArchName; error: number; ece: number; r: number; label: string }

const HEIGHT = 300;

export const EceScatter = memo(function EceScatter({ results, scaling }: { results: RunResult[]; scaling: 'before' | 'after' }) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref, 'scatter', 420);
  const [hover, setHover] = useState<Point | null>(null);
  const title = scaling === 'before' ? 'Before temperature scaling' : 'After temperature scaling';
  const points = results.map((r): Point => {
    const rep = scaling === 'before' ? r.before : r.after;
    const arch = r.spec.arch as ArchName;
    return { arch, error: 100 * rep.error, ece: 100 * rep.ece, r: radius(r), label: `${ARCH_TITLES[arch] ?? arch} ${precisionTitle(r.spec.precision)} trial ${r.spec.trial + 1}` };
  });
  const archs = ARCHS.filter((a) => points.some((p) => p.arch === a));
  const summary = `${title}: ` + archs.flatMap((a) => points.filter((p) => p.arch === a).map((p) => `${p.label}: error ${p.error.toFixed(1)}%, ECE ${p.ece.toFixed(1)}%`)).join('; ');
  const errors = points.map((p) => p.error);
  const xTicks = niceTicks(Math.min(...errors), Math.max(...errors));
  const yTicks = niceTicks(0, Math.max(...points.map((p) => p.ece)));
  const frame: Frame = { width, height: HEIGHT, left: 48, right: 16, top: 28, bottom: 40 };
  const x = linear(xTicks[0], xTicks.at(-1)!, frame.left, width - frame.right);
  const y = linear(yTicks[0], yTicks.at(-1)!, HEIGHT - frame.bottom, frame.top);
  return (
    <figure className="chart" aria-label={summary} ref={ref}>
      <figcaption>{title} <ExportButtons figure={() => ref.current} name={`ece-vs-error ${title}`} /></figcaption>
      <svg className="plot" width={width} height={HEIGHT} role="img" aria-hidden="true">
        <XAxis f={frame} scale={x} ticks={xTicks} format={String} label="top-1 error (%)" grid />
        <YAxis f={frame} scale={y} ticks={yTicks} format={String} label="ECE (%)" />
        {/* the legend is drawn in the SVG, so an exported figure carries it */}
        <g fontSize={11} fill="currentColor">
          {archs.map((a, i) => (
            <g key={a} transform={`translate(${frame.left + i * 150}, 12)`}>
              <circle cx={5} cy={-4} r={5} fill={ARCH_COLORS[a]} fillOpacity={0.75} />
              <text x={14} y={0}>{ARCH_TITLES[a]}</text>
            </g>
          ))}
        </g>
        {points.map((p, i) => (
          <circle key={i} cx={x(p.error)} cy={y(p.ece)} r={p.r} fill={ARCH_COLORS[p.arch] ?? '#888'} fillOpacity={0.75} stroke="#fff" strokeWidth={0.5}
            onMouseEnter={() => setHover(p)} onMouseLeave={() => setHover(null)} />
        ))}
      </svg>
      {hover && (
        <div className="tooltip chart-tooltip" role="tooltip" style={{ left: Math.min(x(hover.error), width - 220) }}>
          <div>{hover.label}</div>
          <div>top-1 error {hover.error.toFixed(2)}%, ECE {hover.ece.toFixed(2)}%</div>
        </div>
      )}
    </figure>
  );
});
