// Scale and zero point from a range, as torch.ao.quantization's _calculate_qparams computes them
// (float32 tensors, eps = float32 machine epsilon), and the integer ranges of b-bit types.
import { check } from '../errors';
import { f, roundHalfEven } from './f32';

export interface Qparams {
  scale: number;
  zeroPoint: number;
}

export const F32_EPS = 2 ** -23;

/**
 * Where a b-bit tensor's integers are clamped: its own b-bit range ('bits': a true b-bit model, the
 * default), or only at the 8-bit types' ends ('dtype'), as PyTorch 1.13's convert_fx and
 * convert_to_reference_fx do: they quantize with the b-bit observers' scale and zero point but clamp
 * where quint8 and qint8 end, so their 4-bit models keep 8-bit integer ranges (training/reference/golden_fx.py).
 */
export type Clamp = 'bits' | 'dtype';
export const CLAMPS: readonly Clamp[] = ['bits', 'dtype'];

/** The integers a b-bit tensor may take under `clamp` (its observers' range is quantRange's either way). */
export function clampRange(
  bits: number,
  signed: boolean,
  clamp: Clamp = 'bits',
): { quantMin: number; quantMax: number } {
  check(CLAMPS.includes(clamp), `unknown clamp ${clamp}: expected one of ${CLAMPS.join(', ')}`);
  const own = quantRange(bits, signed);
  return clamp === 'bits' ? own : quantRange(8, signed);
}

/** Activations: unsigned [0, 2^b - 1]. Weights: signed symmetric [-2^(b-1), 2^(b-1) - 1]. */
export function quantRange(bits: number, signed: boolean): { quantMin: number; quantMax: number } {
  check(
    Number.isInteger(bits) && bits >= 2 && bits <= 8,
    `bit width must be an integer from 2 to 8, got ${bits}`,
  );
  return signed
    ? { quantMin: -(2 ** (bits - 1)), quantMax: 2 ** (bits - 1) - 1 }
    : { quantMin: 0, quantMax: 2 ** bits - 1 };
}

/** per_tensor_affine: the range widened to include 0, zero point rounded half to even and clamped. */
export function affineQparams(min: number, max: number, quantMin: number, quantMax: number): Qparams {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { scale: 1, zeroPoint: 0 }; // torch: "not observed"
  check(min <= max, `min ${min} > max ${max}`);
  const minNeg = Math.min(min, 0);
  const maxPos = Math.max(max, 0);
  const scale = Math.max(f(f(maxPos - minNeg) / (quantMax - quantMin)), F32_EPS);
  const zp = quantMin - roundHalfEven(f(minNeg / scale));
  return { scale, zeroPoint: Math.min(quantMax, Math.max(quantMin, zp)) };
}

/** per_channel_symmetric (qint8): scale = max|w| / ((qmax - qmin) / 2), zero point 0. */
export function symmetricScale(min: number, max: number, quantMin: number, quantMax: number): number {
  const absMax = Math.max(-Math.min(min, 0), Math.max(max, 0));
  return Math.max(f(absMax / ((quantMax - quantMin) / 2)), F32_EPS);
}
