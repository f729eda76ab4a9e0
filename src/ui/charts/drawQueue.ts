// A recharts chart takes tens of milliseconds of main thread to mount or redraw (its store settles in
// synchronous updates), so a view that draws many at once (the grid's 24, the single view's 4) would
// block input for the sum. Charts take turns instead: one chart per task, with a painted frame between.
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/** A chart's turn: `live` turns false once newer data (or an unmount) makes it moot. */
interface Turn {
  live: boolean;
  draw(): void;
}
const queue: Turn[] = [];
let scheduled = false;

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      scheduled = false;
      // moot turns cost nothing: a dragged slider queues one per step, and only the last one draws
      while (queue.length && !queue[0].live) queue.shift();
      queue.shift()?.draw();
      if (queue.length) schedule();
    }, 0),
  );
}

/**
 * `value` once this chart's turn to draw it has come: undefined until the first turn, then the last
 * value drawn; `pending` while a newer value waits (the chart says so rather than pass an old one off as
 * current).
 */
export function useDrawTurn<T>(value: T): { drawn: T | undefined; pending: boolean } {
  const [drawn, setDrawn] = useState<{ v: T }>();
  useEffect(() => {
    const turn: Turn = {
      live: true,
      draw: () => flushSync(() => setDrawn({ v: value })), // rendered in this task, not a later one
    };
    queue.push(turn);
    schedule();
    return () => {
      turn.live = false;
    };
  }, [value]);
  return { drawn: drawn?.v, pending: drawn?.v !== value };
}
