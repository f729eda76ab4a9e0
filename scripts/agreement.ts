// How far the lab's logits stray from PyTorch's, image by image (int8.test.ts, int8Check.ts).

/** The agreement floors: share of test images on whose top-1 the lab and torch's int8 model agree. */
export const INT8_FLOORS: Record<string, number> = { 'W8/A8': 0.995, 'W4/A8': 0.995, 'W4/A4': 0.98 };

export interface Agreement {
  images: number;
  /** Images whose top-1 (first maximum) is the same. */
  agree: number;
  /** Images all of whose logits are within half a step of the reference. */
  identical: number;
  /** The largest difference of any logit, in steps. */
  maxSteps: number;
}

/** `got` against `want`, both (images, k) row-major, logits on a grid of `step`. */
export function agreement(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  k: number,
  step: number,
): Agreement {
  const images = got.length / k;
  let agree = 0,
    identical = 0,
    maxSteps = 0;
  for (let n = 0; n < images; n++) {
    let ag = 0,
      ar = 0,
      same = true;
    for (let j = 0; j < k; j++) {
      const a = got[n * k + j],
        b = want[n * k + j];
      maxSteps = Math.max(maxSteps, Math.round(Math.abs(a - b) / step));
      same &&= Math.abs(a - b) < step / 2;
      if (a > got[n * k + ag]) ag = j;
      if (b > want[n * k + ar]) ar = j;
    }
    if (ag === ar) agree++;
    if (same) identical++;
  }
  return { images, agree, identical, maxSteps };
}
