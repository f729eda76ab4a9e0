// Picks the worker's tfjs backend in the order WebGPU, WebGL, wasm, cpu (or only the forced one),
// probing WebGPU's adapter before asking tfjs for it, and says why each one that failed did.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type BackendAttempt, type BackendName, BACKENDS } from './protocol';

// The threaded wasm build hangs after a production build without cross-origin isolation.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

async function probe(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
    if (!(await gpu.requestAdapter())) return 'WebGPU gave no adapter (no usable GPU)';
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas in this worker';
  return null;
}

export async function pickBackend(
  force?: BackendName,
): Promise<{ backend: BackendName; attempts: BackendAttempt[] }> {
  const attempts: BackendAttempt[] = [];
  for (const name of force ? [force] : BACKENDS) {
    let reason = await probe(name).catch((e: unknown) => `probe failed: ${String(e)}`);
    if (!reason) {
      try {
        if (await tf.setBackend(name)) {
          await tf.ready();
          tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1))); // a backend that cannot run a kernel is no backend
          attempts.push({ backend: name, ok: true, reason: 'in use' });
          return { backend: name, attempts };
        }
        reason = 'tfjs could not initialise it';
      } catch (e) {
        reason = `failed to start: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    attempts.push({ backend: name, ok: false, reason });
  }
  throw new Error(
    `no tfjs backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`,
  );
}
