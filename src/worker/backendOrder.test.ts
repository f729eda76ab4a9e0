// Auto's backend order: a real GPU first, software GPUs (SwiftShader, llvmpipe) behind wasm, cpu last.
import { describe, expect, it } from 'vitest';
import { autoOrder, softwareDevice } from './backendOrder';

describe('auto backend order', () => {
  it('should put a real GPU first', () => {
    expect(autoOrder({ webgpu: {}, webgl: {} }).order).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });
  it('should keep a software WebGPU adapter and a software WebGL renderer behind wasm, saying why', () => {
    const r = autoOrder({
      webgpu: { software: 'swiftshader' },
      webgl: { software: 'ANGLE (SwiftShader Device)' },
    });
    expect(r.order).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(r.demoted.webgpu).toMatch(/software rendering \(swiftshader\), slower than wasm/);
    const mixed = autoOrder({ webgpu: { unavailable: 'no adapter' }, webgl: {} });
    expect(mixed.order).toEqual(['webgl', 'wasm', 'cpu']);
    expect(mixed.demoted).toEqual({});
  });
  it('should recognise software devices by name or as a fallback adapter', () => {
    expect(softwareDevice(['Google', 'swiftshader', ''])).toBe('swiftshader');
    expect(softwareDevice(['llvmpipe (LLVM 15.0.6, 256 bits)'])).toBe('llvmpipe');
    expect(
      softwareDevice(['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)']),
    ).toBe('SwiftShader');
    expect(softwareDevice(['nvidia', 'hopper'])).toBeUndefined();
    expect(softwareDevice(['nvidia'], true)).toBe('a fallback adapter');
  });
});
