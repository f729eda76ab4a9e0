// float32 arithmetic as torch's CPU kernels do it. Each JS double op on float32 operands, rounded
// once with Math.fround, equals the IEEE float32 op (double has more than 2 x 24 + 2 bits).
export const f = Math.fround;

/** torch's floor division for floats (c10::div_floor_floating), in float32. */
export function divFloor(a: number, b: number): number {
  if (b === 0) return f(a / b);
  const mod = a % b; // fmod is exact, so the double result is the float32 result
  let div = f(f(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = f(div - 1);
  if (div === 0) return 0; // torch returns a signed zero; the sign never matters here
  let floordiv = Math.floor(div);
  if (f(div - floordiv) > 0.5) floordiv = f(floordiv + 1);
  return floordiv;
}

/** torch.round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torch.sum of a contiguous float32 vector on the AVX2 CPU path (ATen's cascade_sum): 8-lane vectors,
 * 4 interleaved rows, 4 accumulation levels of 16 steps, then lanes added in order. Verified bit for
 * bit against torch 1.13 (golden/out/observers.json); the HistogramObserver's search depends on it.
 */
export function torchSum(x: Float32Array): number {
  const L = 8;
  const nvec = Math.floor(x.length / L);
  const rows = 4;
  const size = Math.floor(nvec / rows);
  const levels = 4;
  const power = Math.max(4, Math.floor(ceilLog2(size) / levels));
  const step = 1 << power;
  const mask = step - 1;
  const acc = Array.from({ length: levels }, () => new Float32Array(rows * L));
  const add = (dst: Float32Array, k: number, v: number) => {
    for (let l = 0; l < L; l++) dst[k * L + l] = f(dst[k * L + l] + x[v * L + l]);
  };
  let i = 0;
  const fold = (j: number) => {
    for (let t = 0; t < rows * L; t++) {
      acc[j][t] = f(acc[j][t] + acc[j - 1][t]);
      acc[j - 1][t] = 0;
    }
  };
  while (i + step <= size) {
    for (let j = 0; j < step; j++, i++) for (let k = 0; k < rows; k++) add(acc[0], k, i * rows + k);
    for (let j = 1; j < levels; j++) {
      fold(j);
      if ((i & (mask << (j * power))) !== 0) break;
    }
  }
  for (; i < size; i++) for (let k = 0; k < rows; k++) add(acc[0], k, i * rows + k);
  for (let j = 1; j < levels; j++) for (let t = 0; t < rows * L; t++) acc[0][t] = f(acc[0][t] + acc[j][t]);
  const lanes = new Float32Array(L);
  for (let l = 0; l < L; l++) lanes[l] = acc[0][l];
  for (let v = size * rows; v < nvec; v++) for (let l = 0; l < L; l++) lanes[l] = f(lanes[l] + x[v * L + l]); // row_sum's tail
  for (let k = 1; k < rows; k++) for (let l = 0; l < L; l++) lanes[l] = f(lanes[l] + acc[0][k * L + l]);
  let total = 0;
  for (let t = nvec * L; t < x.length; t++) total = f(total + x[t]); // scalar tail
  for (let l = 0; l < L; l++) total = f(total + lanes[l]);
  return total;
}

function ceilLog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}
