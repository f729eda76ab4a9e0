// The order "auto" tries backends in: a GPU backend first only where a real GPU drives it. A software
// adapter or renderer (SwiftShader, llvmpipe: the CPU pretending to be a GPU) is far slower than wasm
// (docs/performance.md), so it comes after wasm, and cpu, tfjs's plain JavaScript, last of all.
import type { BackendName } from './protocol';

/** Names that a software WebGPU adapter or WebGL renderer reports. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** What a probe found out about a GPU backend: why it cannot run, or which software device drives it. */
export interface GpuProbe {
  unavailable?: string;
  software?: string;
}

/** The software device named in these strings (adapter info, renderer), if any: just its name
 * ("SwiftShader", not ANGLE's whole renderer string), so the page says it in a few words. */
export function softwareDevice(names: (string | undefined)[], fallback = false): string | undefined {
  for (const n of names) {
    const hit = n && SOFTWARE.exec(n);
    if (hit) return hit[0];
  }
  return fallback ? 'a fallback adapter' : undefined;
}

/** Auto's order, and why any GPU backend was moved behind wasm. */
export function autoOrder(probes: Record<'webgpu' | 'webgl', GpuProbe>): {
  order: BackendName[];
  demoted: Partial<Record<BackendName, string>>;
} {
  const gpus = (['webgpu', 'webgl'] as const).filter((b) => !probes[b].unavailable);
  const hardware = gpus.filter((b) => !probes[b].software);
  const software = gpus.filter((b) => probes[b].software);
  const demoted = Object.fromEntries(
    software.map((b) => [b, `software rendering (${probes[b].software}), slower than wasm`]),
  );
  return { order: [...hardware, 'wasm', ...software, 'cpu'], demoted };
}
