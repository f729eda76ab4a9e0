// The width a chart has to draw in, following resizes.
import { useLayoutEffect, useState } from 'react';

/** The element's width in px; the first render uses `guess` and is corrected before the browser paints. */
export function useWidth(ref: React.RefObject<HTMLElement | null>, guess: number): number {
  const [width, setWidth] = useState(guess);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => el.clientWidth > 0 && setWidth(Math.round(el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}
