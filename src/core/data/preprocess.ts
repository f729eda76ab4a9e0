// Dataset images -> model input, exactly as training/data.py:to_input does it in float32:
// grey -> 3 equal channels, (x - mean) / std per channel, zero padding (centred) to the model size.
import { check } from '../errors';
import type { InputSpec } from '../graph/format';
import type { ImageShape } from './dataset';

/** Float32 NHWC (N, spec.height, spec.width, 3) for images[start .. start + count). */
export function toModelInput(
  images: Uint8Array,
  image: ImageShape,
  spec: InputSpec,
  start: number,
  count: number,
): Float32Array {
  const { height: H, width: W, channels: C } = image;
  check(
    H === spec.image.height && W === spec.image.width && C === spec.image.channels,
    `this model takes ${spec.image.height}x${spec.image.width}x${spec.image.channels} images, the dataset has ${H}x${W}x${C}`,
  );
  check(
    (start + count) * H * W * C <= images.length,
    `images ${start}..${start + count} are beyond the ${images.length / (H * W * C)} available`,
  );
  const top = Math.floor((spec.height - H) / 2);
  const left = Math.floor((spec.width - W) / 2);
  const mean = spec.mean.map(Math.fround);
  const std = spec.std.map(Math.fround);
  const out = new Float32Array(count * spec.height * spec.width * 3); // the zero border stays 0
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const src = (((start + i) * H + y) * W + x) * C;
        const dst = ((i * spec.height + y + top) * spec.width + x + left) * 3;
        for (let c = 0; c < 3; c++) {
          // float32 arithmetic, step by step, as torch does it
          out[dst + c] = Math.fround(Math.fround(images[src + (C === 3 ? c : 0)] - mean[c]) / std[c]);
        }
      }
    }
  }
  return out;
}
