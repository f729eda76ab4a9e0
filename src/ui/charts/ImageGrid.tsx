// A grid of dataset images drawn on one canvas (grey images shown as grey).
import { useEffect, useRef, memo } from 'react';
import type { ImageShape, Split } from '../../core/data/dataset';

interface Props {
  split: Split;
  image: ImageShape;
  classes: string[];
  count: number;
  columns: number;
  scale?: number;
}

// memo: see charts/axes.tsx
export const ImageGrid = memo(function ImageGrid({
  split,
  image,
  classes,
  count,
  columns,
  scale = 2,
}: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const n = Math.min(count, split.count);
  const rows = Math.ceil(n / columns);
  const { height: H, width: W, channels: C } = image;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(columns * W, rows * H);
    for (let i = 0; i < n; i++) {
      const ox = (i % columns) * W;
      const oy = Math.floor(i / columns) * H;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const src = ((i * H + y) * W + x) * C;
          const dst = ((oy + y) * columns * W + ox + x) * 4;
          for (let c = 0; c < 3; c++) img.data[dst + c] = split.images[src + (C === 3 ? c : 0)];
          img.data[dst + 3] = 255;
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [split, n, columns, rows, H, W, C]);
  const labels = Array.from(split.labels.subarray(0, n), (l) => classes[l]);
  return (
    <canvas
      ref={ref}
      width={columns * W}
      height={rows * H}
      style={{ width: columns * W * scale, height: rows * H * scale, imageRendering: 'pixelated' }}
      role="img"
      aria-label={`${n} test images: ${labels.join(', ')}`}
    />
  );
});
