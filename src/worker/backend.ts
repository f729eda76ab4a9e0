// Picks the worker's tfjs backend (or starts the forced one): a GPU backend only where a real GPU drives it,
// else wasm (backendOrder.ts); probes WebGPU's adapter and WebGL's renderer before asking tfjs for them, and
// says why each backend it did not use was passed over.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type BackendAttempt, type BackendName, BACKENDS } from './protocol';
import { autoOrder, type GpuProbe, softwareDevice } from './backendOrder';

// tfjs takes the threaded SIMD build where the page is cross-origin isolated (vite.config.ts, public/sw.js
// set the headers; the build mends the threaded module, see tfjsWasmThreads there), else the plain SIMD one.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

type Adapter = {
  isFallbackAdapter?: boolean;
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
};

async function probeWebgpu(): Promise<GpuProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { unavailable: 'WebGPU gave no adapter (no usable GPU)' };
  const i = adapter.info;
  const fallback = adapter.isFallbackAdapter ?? i?.isFallbackAdapter ?? false;
  return { software: softwareDevice([i?.vendor, i?.architecture, i?.device, i?.description], fallback) };
}

function probeWebgl(): GpuProbe {
  if (typeof OffscreenCanvas === 'undefined') return { unavailable: 'no OffscreenCanvas in this worker' };
  const canvas = new OffscreenCanvas(1, 1);
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return { unavailable: 'this browser gave no WebGL context' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { software: softwareDevice([renderer]) };
}

const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));
const probe = (name: 'webgpu' | 'webgl'): Promise<GpuProbe> =>
  (async () => (name === 'webgpu' ? probeWebgpu() : probeWebgl()))().catch((e: unknown) => ({
    unavailable: `probe failed: ${failure(e)}`,
  }));

/** Starts one backend: null, or why it would not. */
async function start(name: BackendName): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return 'tfjs could not initialise it';
    await tf.ready();
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1))); // a backend that cannot run a kernel is no backend
    return null;
  } catch (e) {
    return `failed to start: ${failure(e)}`;
  }
}

/**
 * The forced backend, or auto's: the first of autoOrder's that starts. `attempts` says, for every backend,
 * why it was not used (it failed, it is unavailable, or it is software rendering kept behind wasm).
 */
export async function pickBackend(
  force?: BackendName,
): Promise<{ backend: BackendName; attempts: BackendAttempt[] }> {
  const attempts: BackendAttempt[] = [];
  const probes = { webgpu: await probe('webgpu'), webgl: await probe('webgl') };
  const { order, demoted } = force ? { order: [force], demoted: {} } : autoOrder(probes);
  for (const b of BACKENDS) {
    const why = b === 'webgpu' || b === 'webgl' ? probes[b].unavailable : undefined;
    if (why && !order.includes(b)) attempts.push({ backend: b, ok: false, reason: why });
  }
  for (const name of order) {
    const unavailable = name === 'webgpu' || name === 'webgl' ? probes[name].unavailable : undefined;
    const reason = unavailable ?? (await start(name));
    if (reason === null) {
      const passed = order.slice(order.indexOf(name) + 1).filter((b) => demoted[b]);
      attempts.push(
        { backend: name, ok: true, reason: 'in use' },
        ...passed.map((b) => ({ backend: b, ok: false, reason: demoted[b]! })),
      );
      return { backend: name, attempts };
    }
    attempts.push({ backend: name, ok: false, reason });
  }
  throw new Error(
    `no tfjs backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`,
  );
}
