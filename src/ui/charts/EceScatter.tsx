// The paper's Figure 1: ECE against top-1 error for every computed run; colour = architecture,
// marker size = precision (larger = more bits), one point per trial.
import { useRef, memo } from 'react';
import { ExportButtons } from '../download';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { RunResult } from '../../core/experiment/run';
import { precisionTitle } from '../../core/experiment/precision';
import { ARCH_TITLES } from '../labels';
import { ARCHS } from '../url';

export const ARCH_COLORS: Record<(typeof ARCHS)[number], string> = { shufflenetv2: '#1f77b4', ghostnet_vgg: '#2ca02c', mobileone_s0: '#d62728' };

/** Marker area grows with the bits carried: FP32 largest, W4/A4 smallest. */
const size = (r: RunResult) => (r.spec.precision.wBits ?? 32) + (r.spec.precision.aBits ?? 32);

interface Point { error: number; ece: number; size: number; label: string }

// memo: progress messages re-render the panels several times a second; a chart redraws only when its data changes
export const EceScatter = memo(function EceScatter({ results, scaling }: { results: RunResult[]; scaling: 'before' | 'after' }) {
  const title = scaling === 'before' ? 'Before temperature scaling' : 'After temperature scaling';
  const series = ARCHS.map((a) => ({
    arch: a,
    points: results.filter((r) => r.spec.arch === a).map((r): Point => {
      const rep = scaling === 'before' ? r.before : r.after;
      return { error: 100 * rep.error, ece: 100 * rep.ece, size: size(r), label: `${ARCH_TITLES[a]} ${precisionTitle(r.spec.precision)} trial ${r.spec.trial + 1}` };
    }),
  })).filter((s) => s.points.length > 0);
  const summary = `${title}: ` + series.flatMap((s) => s.points.map((p) => `${p.label}: error ${p.error.toFixed(1)}%, ECE ${p.ece.toFixed(1)}%`)).join('; ');
  const ref = useRef<HTMLElement>(null);
  return (
    <figure className="chart" aria-label={summary} ref={ref}>
      <figcaption>{title} <ExportButtons figure={() => ref.current} name={`ece-vs-error ${title}`} /></figcaption>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis type="number" dataKey="error" name="top-1 error" unit="%" label={{ value: 'top-1 error (%)', position: 'insideBottom', offset: -12 }} domain={['auto', 'auto']} />
          <YAxis type="number" dataKey="ece" name="ECE" unit="%" label={{ value: 'ECE (%)', angle: -90, position: 'insideLeft' }} domain={[0, 'auto']} />
          <ZAxis type="number" dataKey="size" range={[30, 260]} domain={[6, 64]} />
          <Tooltip formatter={(v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v))} labelFormatter={() => ''} />
          <Legend verticalAlign="top" />
          {series.map((s) => (
            <Scatter key={s.arch} name={ARCH_TITLES[s.arch]} data={s.points} fill={ARCH_COLORS[s.arch]} fillOpacity={0.75} isAnimationActive={false} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
});
