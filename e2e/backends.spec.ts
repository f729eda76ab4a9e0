// tfjs's GPU backends in Debian's chromium against wasm, on Vite's dev server (a page of the core alone,
// e2e/pages/backends.ts): the fused fake-quant kernel bit for bit, and a shipped model quantized on WebGL.
// WebGPU's whole-model runs are checked in Node through Dawn (ptq.test.ts), where llvmpipe is ten times
// faster than chromium's SwiftShader; WebGL has no Node backend, so its runs are checked here.
import { type Browser, chromium, expect, test } from '@playwright/test';
import config from '../playwright.config';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, serveVite } from '../scripts/browser';
import { ROOT } from '../scripts/nodeTf';
import { logitAgreement, scaleSpread } from '../src/core/quant/agreement.testing';
import { fusedFaults } from '../src/core/quant/fakeQuantCases.testing';
import type { BackendName } from '../src/worker/protocol';
import type { QcalChecks } from './pages/backends';

const PORT = Number(config.use!.baseURL!.split(':').pop()) + 3; // beside the suite's preview server
let server: Awaited<ReturnType<typeof serveVite>>;
let browser: Browser;

test.beforeAll(async () => {
  test.setTimeout(120_000); // the dev server optimizes tfjs's packages on its first start
  server = await serveVite(ROOT, 'dev', PORT);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
});

test.afterAll(async () => {
  await browser?.close();
  if (server) process.kill(-server.pid!);
});

/** Runs one check on a fresh page (tfjs's backend is per page). */
async function check<K extends keyof QcalChecks>(
  name: K,
  ...args: Parameters<QcalChecks[K]>
): Promise<Awaited<ReturnType<QcalChecks[K]>>> {
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${PORT}/e2e/pages/backends.html`);
    await page.waitForFunction(() => 'qcalChecks' in window, undefined, { timeout: 60_000 });
    return (await page.evaluate(
      ([n, a]) => {
        const checks = (window as unknown as { qcalChecks: Record<string, (...x: unknown[]) => unknown> })
          .qcalChecks;
        return checks[n](...a);
      },
      [name, args] as const,
    )) as Awaited<ReturnType<QcalChecks[K]>>;
  } finally {
    await page.close();
  }
}

for (const backend of ['webgl', 'webgpu'] as const satisfies BackendName[]) {
  test(`the fused fake-quant kernel equals the four tfjs ops bit for bit on ${backend}`, async () => {
    const { backend: got, cases } = await check('fusedKernel', backend);
    expect(got).toBe(backend);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.flatMap((c) => fusedFaults(c, backend))).toEqual([]);
  });
}

// The bounds are ptq.test.ts's against PyTorch, for the same reason: float32 summation orders differ, and
// the histogram observer amplifies last bits into other ranges, so qparams are bounded in spread and logits
// compared under one backend's qparams. A defect (an op, a read-back, the observers' input) moves far more.
for (const arch of ['mobileone_s0', 'shufflenetv2']) {
  test(`RetinaMNIST ${arch} at W8/A8 on WebGL: qparams and logits as on wasm`, async () => {
    test.setTimeout(300_000);
    const spec = { dataset: 'retinamnist', arch, precision: 'w8a8', calibration: 256, test: 128 };
    const wasm = await check('quantizedRun', { ...spec, backend: 'wasm' });
    const webgl = await check('quantizedRun', { ...spec, backend: 'webgl', qparams: wasm.qparams });
    expect([wasm.backend, webgl.backend]).toEqual(['wasm', 'webgl']);
    const ranges = scaleSpread(
      webgl.qparams.map((q) => q.scale),
      wasm.qparams.map((q) => q.scale),
    );
    const same = logitAgreement(webgl.logitsWith!, wasm.logits, wasm.classes);
    const own = logitAgreement(webgl.logits, wasm.logits, wasm.classes);
    console.log(
      `${arch} W8/A8, WebGL against wasm: wasm's qparams: top-1 ${same.agree}, median diff ${same.median.toExponential(1)}; ` +
        `own calibration: top-1 ${own.agree}, scales median |log ratio| ${ranges.median.toFixed(3)}, within 10% ${ranges.within10.toFixed(2)}, max ${ranges.max.toFixed(3)}`,
    );
    expect(same.n).toBe(spec.test);
    expect(same.agree).toBeGreaterThanOrEqual(0.95);
    expect(same.median).toBeLessThanOrEqual(1e-3);
    expect(ranges.median, 'median |log(scale / wasm scale)|').toBeLessThanOrEqual(0.1);
    expect(ranges.within10, 'share of scales within 10% of wasm').toBeGreaterThanOrEqual(0.6);
    expect(ranges.max, 'largest |log(scale / wasm scale)|').toBeLessThan(Math.log(2));
  });
}
