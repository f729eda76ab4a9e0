import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { shippedResults } from './scripts/vite/shippedResults.ts';

// Cross-origin isolation: SharedArrayBuffer, and with it tfjs's threaded wasm build, exists only in an
// isolated page and its workers. Everything the lab loads is same-origin, so require-corp blocks nothing.
// public/sw.js sets the same two headers on every response it answers with.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// tfjs-backend-wasm hands its threaded module to the pthread workers as source text (the factory's
// toString()). That factory reads `_scriptDir`, a variable of the closure around it, behind a typeof
// guard; the minifier renames the variable and drops the guard (it sees it declared), so in a pthread
// worker the text throws a ReferenceError, no worker reports 'loaded' and tf.setBackend('wasm') waits for
// ever. The guarded line only matters to a classic <script> page (in a worker, scriptDirectory comes from
// self.location and the wasm paths from setWasmPaths), so it goes.
const SCRIPT_DIR_GUARD = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
const tfjsWasmThreads = (): Plugin => ({
  name: 'qcal:tfjs-wasm-threads',
  apply: 'build',
  transform(code, id) {
    if (!/tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/.test(id)) return null;
    if (!code.includes(SCRIPT_DIR_GUARD))
      this.error(
        'the _scriptDir guard is not in tfjs-backend-wasm-threaded-simd.js any more: check the threaded wasm build by hand',
      );
    return { code: code.replace(SCRIPT_DIR_GUARD, ''), map: null };
  },
});

export default defineConfig({
  plugins: [react(), shippedResults('results'), tfjsWasmThreads()],
  // tfjs ships CommonJS-flavoured ESM that Vite must pre-bundle once, not per request.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: ISOLATION },
  preview: { port: 4173, strictPort: true, headers: ISOLATION },
});
