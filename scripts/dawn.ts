// WebGPU in Node through Dawn (the `webgpu` npm package), for tfjs-backend-webgpu in tests, sweeps and
// benchmarks. Dawn's default backends (Vulkan first) find a real GPU where there is one; where they
// find none (Debian with an old Mesa: no Vulkan driver), Mesa's OpenGL ES through a surfaceless EGL
// display gives llvmpipe, a software rasteriser, in WebGPU's compatibility mode.
import * as tf from '@tensorflow/tfjs-core';

export interface DawnAdapter {
  /** Which Dawn backend gave the adapter: 'default' or 'opengles'. */
  via: 'default' | 'opengles';
  /** The adapter's vendor, architecture and description, as it reports them (Mesa's OpenGL ES adapter
   * reports only its version, not llvmpipe). */
  description: string;
}

let started: Promise<DawnAdapter> | undefined;

/** Installs Dawn's navigator.gpu and registers tfjs's WebGPU backend on it; once per process. */
export function startDawn(): Promise<DawnAdapter> {
  started ??= (async () => {
    process.env.EGL_PLATFORM ??= 'surfaceless'; // no display server: EGL without a window system
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUShaderStage, ... that tfjs reads
    const tries = [
      { via: 'default' as const, gpu: create([]), options: {} },
      {
        via: 'opengles' as const,
        gpu: create(['backend=opengles']),
        options: { featureLevel: 'compatibility' },
      },
    ];
    for (const { via, gpu, options } of tries) {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) continue;
      const { vendor, architecture, description } = adapter.info;
      const text = [vendor, architecture, description].filter(Boolean).join(' ');
      // tfjs asks navigator.gpu for its own adapter: answer with the options that found this one
      const request = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (o?: GPURequestAdapterOptions) => request({ ...o, ...options });
      const nav = ((globalThis as { navigator?: object }).navigator ??= {});
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
      await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' only where navigator.gpu exists
      return { via, description: text };
    }
    throw new Error(
      "Dawn found no WebGPU adapter: neither a Vulkan driver nor Mesa's EGL/OpenGL ES (Debian: libegl-mesa0, libgles2, libgl1-mesa-dri)",
    );
  })();
  return started;
}

/** Selects tfjs's WebGPU backend on Dawn's adapter. */
export async function useDawnWebgpu(): Promise<DawnAdapter> {
  const adapter = await startDawn();
  if (!(await tf.setBackend('webgpu')))
    throw new Error(`tfjs's WebGPU backend failed to start on ${adapter.description}`);
  await tf.ready();
  return adapter;
}
