// Keyboard access to what a chart shows on hover: the figure takes focus, the arrow keys step through
// its marks (bins, points) and show each one's tooltip, Escape or leaving the figure hides it.
import { useState } from 'react';

/** Next mark for an arrow key, from the current one (none yet: the first or the last); null for other keys. */
export function stepMark(current: number | null, count: number, key: string): number | null {
  if (count === 0) return null;
  if (key === 'ArrowRight' || key === 'ArrowDown')
    return current === null ? 0 : Math.min(current + 1, count - 1);
  if (key === 'ArrowLeft' || key === 'ArrowUp')
    return current === null ? count - 1 : Math.max(current - 1, 0);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** The hovered mark, and the props that let the keyboard move it through `count` marks. */
export function useKeyHover(count: number) {
  const [hover, setHover] = useState<number | null>(null);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') return setHover(null);
    const next = stepMark(hover, count, e.key);
    if (next === null) return;
    e.preventDefault(); // the arrows would scroll the page
    setHover(next);
  };
  return { hover, setHover, keyProps: { tabIndex: 0, onKeyDown, onBlur: () => setHover(null) } };
}
