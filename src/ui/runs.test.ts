import { describe, expect, it } from 'vitest';
import { parsePrecision } from '../core/experiment/precision';
import { DEFAULT_SETTINGS } from '../core/experiment/settings';
import { runArithmetic, runClamp } from '../core/experiment/arithmetic';
import { specOf } from './runs';

describe('the arithmetic setting', () => {
  it('asks for int8 only where both sides are quantized: FP32 and float sides compute the same either way', () => {
    const int8 = { ...DEFAULT_SETTINGS, arithmetic: 'int8-onednn' as const };
    expect(specOf({ ...int8, precision: 'w4a8' }).arithmetic).toBe('int8-onednn');
    expect(specOf({ ...int8, precision: 'fp32' }).arithmetic).toBeUndefined();
    expect(specOf({ ...int8, precision: 'w4a32' }).arithmetic).toBeUndefined();
    expect(specOf({ ...DEFAULT_SETTINGS, precision: 'w4a8' }).arithmetic).toBeUndefined(); // fake quant: the default, named by no key
    expect(runArithmetic('int8-onednn', parsePrecision('w8a8'))).toBe('int8-onednn'); // the scatter's filter
    expect(runArithmetic('fake-quant', parsePrecision('w8a8'))).toBeUndefined();
    expect(specOf({ ...int8, arithmetic: 'int8-qnnpack', precision: 'w4a4' }).arithmetic).toBe(
      'int8-qnnpack',
    );
    expect(specOf({ ...int8, arithmetic: 'int8-qnnpack', precision: 'fp32' }).arithmetic).toBeUndefined();
  });
});

describe('the clamp setting', () => {
  it('asks for 8-bit clamps only where a quantized side has fewer than 8 bits: elsewhere both clamps are the same', () => {
    const dtype = { ...DEFAULT_SETTINGS, clamp: 'dtype' as const };
    expect(specOf({ ...dtype, precision: 'w4a8' }).clamp).toBe('dtype');
    expect(specOf({ ...dtype, precision: 'w8a4' }).clamp).toBe('dtype');
    expect(specOf({ ...dtype, precision: 'w4a32' }).clamp).toBe('dtype');
    expect(specOf({ ...dtype, precision: 'w8a8' }).clamp).toBeUndefined();
    expect(specOf({ ...dtype, precision: 'w8a32' }).clamp).toBeUndefined();
    expect(specOf({ ...dtype, precision: 'fp32' }).clamp).toBeUndefined();
    expect(specOf({ ...DEFAULT_SETTINGS, precision: 'w4a4' }).clamp).toBeUndefined(); // the default: keys as before
    expect(runClamp(undefined, parsePrecision('w2a2'))).toBeUndefined();
    expect(specOf({ ...dtype, arithmetic: 'int8-onednn', precision: 'w4a4' })).toMatchObject({
      arithmetic: 'int8-onednn',
      clamp: 'dtype',
    });
  });
});
