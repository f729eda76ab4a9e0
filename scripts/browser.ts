// Debian's chromium as every browser test and benchmark launches it (never a downloaded browser):
// headless, off the (absent) network, WebGPU allowed (SwiftShader where there is no GPU).
import { type ChildProcess, spawn } from 'node:child_process';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu',
];

/** Starts vite on 127.0.0.1:port ('preview' serves the production build, 'dev' the sources) and waits until it answers. */
export async function serveVite(cwd: string, mode: 'preview' | 'dev', port: number): Promise<ChildProcess> {
  const args = [
    ...(mode === 'preview' ? ['vite', 'preview'] : ['vite']),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--strictPort',
  ];
  const server = spawn('npx', args, { cwd, stdio: 'ignore', detached: true });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}`)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(-server.pid!);
  throw new Error(
    `vite ${mode} did not start on port ${port}${mode === 'preview' ? ' (run npm run build first)' : ''}`,
  );
}
