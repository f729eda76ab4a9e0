import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { shippedResults } from './scripts/vite/shippedResults.ts';

export default defineConfig({
  plugins: [react(), shippedResults('results')],
  // tfjs ships CommonJS-flavoured ESM that Vite must pre-bundle once, not per request.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { port: 4173, strictPort: true },
});
