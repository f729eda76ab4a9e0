import { describe, expect, it } from 'vitest';
import { parsePrecision } from '../core/experiment/precision';
import { DEFAULT_SETTINGS } from './url';
import { runArithmetic } from '../core/experiment/arithmetic';
import { specOf } from './useLab';

describe('the arithmetic setting', () => {
  it('asks for int8 only where both sides are quantized: FP32 and float sides compute the same either way', () => {
    const int8 = { ...DEFAULT_SETTINGS, arithmetic: 'int8' as const };
    expect(specOf({ ...int8, precision: 'w4a8' }).arithmetic).toBe('int8');
    expect(specOf({ ...int8, precision: 'fp32' }).arithmetic).toBeUndefined();
    expect(specOf({ ...int8, precision: 'w4a32' }).arithmetic).toBeUndefined();
    expect(specOf({ ...DEFAULT_SETTINGS, precision: 'w4a8' }).arithmetic).toBeUndefined(); // fake quant: keys as before int8 existed
    expect(runArithmetic('int8', parsePrecision('w8a8'))).toBe('int8'); // the scatter's filter
    expect(runArithmetic('fake-quant', parsePrecision('w8a8'))).toBeUndefined();
    expect(specOf({ ...int8, arithmetic: 'int8-qnnpack', precision: 'w4a4' }).arithmetic).toBe('int8-qnnpack');
    expect(specOf({ ...int8, arithmetic: 'int8-qnnpack', precision: 'fp32' }).arithmetic).toBeUndefined();
  });
});
