// How close two quantized runs of one model are, as the PTQ tests bound it (ptq.test.ts against PyTorch,
// e2e/backends.spec.ts between tfjs backends): top-1 agreement and logit distance per image, and the spread
// of the activation scales' ratios.

/** Per image: same top-1 class, and the largest logit difference relative to the reference's largest |logit|. */
export function logitAgreement(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  classes: number,
): { n: number; agree: number; median: number } {
  if (got.length !== want.length) throw new Error(`cannot compare ${got.length} logits with ${want.length}`);
  // W4/A4 can quantize all logits to one value (GhostNet-VGG on RetinaMNIST): then compare absolutely
  let maxLogit = 0;
  for (let i = 0; i < want.length; i++) maxLogit = Math.max(maxLogit, Math.abs(want[i]));
  maxLogit ||= 1;
  const diffs: number[] = [];
  let agree = 0;
  for (let n = 0; n < got.length / classes; n++) {
    let d = 0,
      ag = 0,
      ar = 0;
    for (let j = 0; j < classes; j++) {
      const [g, w] = [got[n * classes + j], want[n * classes + j]];
      d = Math.max(d, Math.abs(g - w));
      if (g > got[n * classes + ag]) ag = j;
      if (w > want[n * classes + ar]) ar = j;
    }
    diffs.push(d / maxLogit);
    if (ag === ar) agree++;
  }
  diffs.sort((a, b) => a - b);
  return { n: diffs.length, agree: agree / diffs.length, median: diffs[Math.floor(diffs.length / 2)] };
}

/** |log(scale / reference scale)| over the activation observers: median, share within 10%, largest. */
export function scaleSpread(
  scales: number[],
  reference: number[],
): { median: number; within10: number; max: number } {
  if (scales.length !== reference.length)
    throw new Error(`cannot compare ${scales.length} scales with ${reference.length}`);
  const r = scales.map((s, i) => Math.abs(Math.log(s / reference[i]))).sort((a, b) => a - b);
  return {
    median: r[Math.floor(r.length / 2)],
    within10: r.filter((v) => v <= Math.log(1.1)).length / r.length,
    max: r[r.length - 1],
  };
}
