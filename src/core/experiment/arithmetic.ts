// How a quantized run computes: fake quant (PyTorch's reference model) or the int8 model one of torch's
// engines deploys (emulated: quant/int8.ts), and where its integers clamp below 8 bits. Kept apart from
// run.ts so the cache key can use it.
import type { Int8Engine } from '../quant/int8';
import type { Clamp } from '../quant/qparams';
import type { Precision } from './precision';

export type Arithmetic = 'fake-quant' | Int8Arithmetic;
export type Int8Arithmetic = 'int8-onednn' | 'int8-qnnpack';
/** The int8 engine each int8 arithmetic emulates. */
export const INT8_ENGINE: Record<Int8Arithmetic, Int8Engine> = {
  'int8-onednn': 'onednn',
  'int8-qnnpack': 'qnnpack',
};

/** The int8 arithmetic a spec's `arithmetic` names, or undefined for fake quant (named or left out). */
export const int8Of = (arithmetic?: Arithmetic): Int8Arithmetic | undefined =>
  arithmetic === 'fake-quant' ? undefined : arithmetic;

/** What a run asked for with `arithmetic` carries: int8 needs both sides quantized; FP32 (and a float
 * side) computes the same either way, so such runs carry none and share fake quant's result. */
export function runArithmetic(arithmetic: Arithmetic, precision: Precision): Int8Arithmetic | undefined {
  return precision.wBits !== null && precision.aBits !== null ? int8Of(arithmetic) : undefined;
}

/** What a run asked for with `clamp` carries: 'dtype' only where a quantized side has under 8 bits (at 8
 * bits both clamps are the same), so other runs share the default's results and cache keys. */
export function runClamp(clamp: Clamp | undefined, precision: Precision): 'dtype' | undefined {
  const below8 = [precision.wBits, precision.aBits].some((b) => b !== null && b < 8);
  return clamp === 'dtype' && below8 ? 'dtype' : undefined;
}

/** The mixed precision a run of this precision takes: the label where weights and activations are both
 * quantized (it sets both per layer), else none. */
export function runMixed(mixed: string | undefined, precision: Precision): string | undefined {
  return mixed && precision.wBits !== null && precision.aBits !== null ? mixed : undefined;
}
