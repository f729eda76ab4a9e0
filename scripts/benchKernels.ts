// Where a batch's time goes on each tfjs backend in Debian's chromium: per backend, the median time of an
// FP32 forward, a calibration batch and a fake-quant forward of one shipped model, the same forward with
// the four-op fake quant in place of the fused kernel (and the ratio), its slowest kernels, and how far its
// FP32 logits are from the first backend's (a kernel that is fast but wrong shows here).
//   npm run bench:kernels [-- --backends wasm,webgl,webgpu --dataset retinamnist --arch mobileone_s0
//                            --precision w8a8 --batch 32 --reps 3 --tfjs-flags '{"WEBGPU_MATMUL_PROGRAM_TYPE":2}']
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, serveVite } from './browser';
import type { KernelProfile, KernelProfileSpec } from './kernels/page';
import { ROOT } from './nodeTf';

const PORT = 4176;
const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] : NaN);
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function main() {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'wasm,webgl,webgpu' },
      dataset: { type: 'string', default: 'retinamnist' },
      arch: { type: 'string', default: 'mobileone_s0' },
      precision: { type: 'string', default: 'w8a8' },
      batch: { type: 'string', default: '32' },
      reps: { type: 'string', default: '3' },
      'tfjs-flags': { type: 'string', default: '{}' },
    },
  });
  const base = {
    dataset: values.dataset!,
    arch: values.arch!,
    precision: values.precision!,
    batch: Number(values.batch),
    reps: Number(values.reps),
    tfjsFlags: JSON.parse(values['tfjs-flags']!) as KernelProfileSpec['tfjsFlags'],
  };
  const server = await serveVite(ROOT, 'dev', PORT);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  try {
    console.log(
      `chromium ${browser.version()} headless; ${base.dataset} ${base.arch}, ${base.batch} images a batch, ${base.precision}, median of ${base.reps} after a warm-up` +
        (Object.keys(base.tfjsFlags).length ? `; tfjs flags ${values['tfjs-flags']}` : ''),
    );
    const results: KernelProfile[] = [];
    for (const backend of values.backends!.split(',')) {
      const page = await browser.newPage(); // a fresh page each: tfjs's backend is per page
      await page.goto(`http://127.0.0.1:${PORT}/scripts/kernels/index.html`);
      await page.waitForFunction(() => 'profileKernels' in window);
      results.push(
        await page.evaluate(
          (spec) =>
            (
              window as unknown as { profileKernels(s: KernelProfileSpec): Promise<KernelProfile> }
            ).profileKernels(spec),
          { ...base, backend } as KernelProfileSpec,
        ),
      );
      await page.close();
    }
    console.log(
      `| backend | FP32 forward ms | calibration batch ms | fake-quant forward ms | the same, four-op fake quant | four ops / fused | max abs FP32 logit difference from ${results[0].backend} | slowest kernels in the fake-quant forward (count, ms) |`,
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      const total = r.kernels.reduce((a, k) => a + k.ms, 0);
      const top = r.kernels
        .slice(0, 5)
        .map((k) => `${k.name} x${k.count} ${k.ms.toFixed(0)} (${((100 * k.ms) / total).toFixed(0)}%)`)
        .join(', ');
      console.log(
        `| ${r.backend}${r.adapter ? ` (${r.adapter})` : ''} | ${median(r.forward).toFixed(1)} | ${median(r.calibration).toFixed(1)} | ${median(r.quantized).toFixed(1)} | ` +
          `${median(r.unfused).toFixed(1)} | ${(median(r.unfused) / median(r.quantized)).toFixed(2)}x | ` +
          `${maxDiff(r.logits, results[0].logits).toExponential(1)} | ${top} |`,
      );
    }
  } finally {
    await browser.close();
    process.kill(-server.pid!);
  }
}

await main();
