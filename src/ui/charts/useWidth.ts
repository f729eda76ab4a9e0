// The width a chart has to draw in, following resizes.
import { useEffect, useState } from 'react';

/** The last width measured per kind of chart: charts of a kind that mount later (grid cells) start right. */
const lastWidths = new Map<string, number>();

/**
 * The element's width in px, from a ResizeObserver (reading clientWidth would force a synchronous layout
 * inside the render task). Until the first observation it is the last width seen for this kind, or `guess`.
 */
export function useWidth(ref: React.RefObject<HTMLElement | null>, kind: string, guess: number): number {
  const [width, setWidth] = useState(() => lastWidths.get(kind) ?? guess);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      const w = Math.round(entry.contentRect.width);
      if (w <= 0) return;
      lastWidths.set(kind, w);
      setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, kind]);
  return width;
}
