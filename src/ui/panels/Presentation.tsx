// Presentation mode, for a projector: one reliability diagram fills the screen with large text; the arrow
// keys (or the precision slider) step through FP32, W8/A8, W4/A8 and W4/A4, S switches between before and
// after temperature scaling, Escape leaves. The bars move between precisions over a short transition.
import { useEffect, useRef, useState } from 'react';
import { PAPER_PRECISIONS, parsePrecision, precisionTitle } from '../../core/experiment/precision';
import { ReliabilityDiagram } from '../charts/ReliabilityDiagram';
import type { AppStore } from '../store';
import { diagramOf, runSubject, temperatureText } from '../trials';
import { useViewportHeight } from '../useViewportHeight';
import { PrecisionSlider } from './PrecisionSlider';

const FONT = 18;
/** The header (title, slider, buttons) and the diagram's caption and histogram axis, in px. */
const CHROME = 150;

export function Presentation({ store, onClose }: { store: AppStore; onClose(): void }) {
  const run = store((s) => s.run);
  const precision = store((s) => s.settings.precision);
  const [side, setSide] = useState<'before' | 'after'>('before');
  const flip = () => setSide((v) => (v === 'before' ? 'after' : 'before'));
  const viewport = useViewportHeight();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // as a modal dialog does: focus moves in, and back to what opened it (the Present button) on leaving
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    return () => opener?.focus();
  }, []);
  const index = (PAPER_PRECISIONS as readonly string[]).indexOf(precision);
  const go = (i: number) =>
    store.getState().setSettings({
      precision: PAPER_PRECISIONS[Math.max(0, Math.min(PAPER_PRECISIONS.length - 1, i))],
    });
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return; // the slider steps itself
    const keys: Record<string, () => void> = {
      ArrowRight: () => go(index + 1),
      ArrowDown: () => go(index + 1),
      ArrowLeft: () => go(index - 1),
      ArrowUp: () => go(index - 1),
      s: flip,
      S: flip,
      Escape: onClose,
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };
  // the diagram and its histogram (55% of it) share the screen below the header
  const height = Math.max(200, Math.round((viewport - CHROME) / 1.55));
  const results = run.status === 'done' ? run.results : null;
  return (
    <div
      className="presentation"
      role="dialog"
      aria-modal="true"
      aria-label="Presentation"
      tabIndex={-1}
      ref={ref}
      onKeyDown={onKeyDown}
    >
      <div className="presentation-head">
        <PrecisionSlider
          stops={PAPER_PRECISIONS}
          value={PAPER_PRECISIONS[Math.max(0, index)]}
          label="Precision"
          onChange={(p) => go((PAPER_PRECISIONS as readonly string[]).indexOf(p))}
        />
        <button type="button" onClick={flip}>
          {side === 'before' ? 'After scaling (S)' : 'Before scaling (S)'}
        </button>
        <button type="button" onClick={onClose}>
          Exit (Esc)
        </button>
      </div>
      {results ? (
        <ReliabilityDiagram
          {...diagramOf(results, side)}
          subject={runSubject(results)}
          title={
            side === 'before'
              ? 'Before temperature scaling'
              : `After temperature scaling (${temperatureText(results, 3)})`
          }
          height={height}
          fontSize={FONT}
          animate
        />
      ) : (
        <p className="muted" aria-live="polite">
          {run.status === 'running'
            ? `Computing ${precisionTitle(parsePrecision(precision))}...`
            : run.status === 'error'
              ? run.message
              : 'No result for these settings.'}
        </p>
      )}
    </div>
  );
}
