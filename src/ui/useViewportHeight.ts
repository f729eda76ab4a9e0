// The window's inner height, kept current on resize: charts that should fill (presentation mode) or fit
// (the single view at 1366x768) the screen size themselves from it.
import { useEffect, useState } from 'react';

export function useViewportHeight(): number {
  const [height, setHeight] = useState(() => window.innerHeight);
  useEffect(() => {
    const resize = () => setHeight(window.innerHeight);
    window.addEventListener('resize', resize);
    return () => window.removeEventListener('resize', resize);
  }, []);
  return height;
}
