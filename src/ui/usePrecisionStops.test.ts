import { describe, expect, it } from 'vitest';
import { orderPrecisions } from './usePrecisionStops';

describe("the quantization slider's stops", () => {
  it('go from FP32 down by weight bits, then activation bits, each once', () => {
    expect(orderPrecisions(['w4a4', 'w6a3', 'fp32', 'w8a8', 'w4a8', 'w6a6', 'w32a4', 'w4a8'])).toEqual([
      'fp32',
      'w32a4',
      'w8a8',
      'w6a6',
      'w6a3',
      'w4a8',
      'w4a4',
    ]);
  });
});
