// Without WebGPU (chromium started without --enable-unsafe-webgpu) the worker falls back to wasm, past
// WebGL where only software renders it, says why each skipped one was not used, and computes the same run.
import { type Page, chromium, expect, test } from '@playwright/test';
import config from '../playwright.config';
import { expected, pct } from './expected';

const NO_WEBGPU = config.use!.launchOptions!.args!.filter((a) => a !== '--enable-unsafe-webgpu');

/** A page in a browser of its own, started with these flags (the suite's browser has WebGPU). */
async function withBrowser(args: string[], f: (page: Page) => Promise<void>) {
  const browser = await chromium.launch({ ...config.use!.launchOptions, args });
  try {
    await f(await browser.newPage({ baseURL: config.use!.baseURL }));
  } finally {
    await browser.close();
  }
}

test('without WebGPU and WebGL the worker falls back to wasm, says why, and an FP32 run equals the core', async () => {
  test.setTimeout(240_000);
  const want = await expected('fp32');
  await withBrowser([...NO_WEBGPU, '--disable-software-rasterizer'], async (page) => {
    // no GPU and no SwiftShader: no WebGL
    await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&shipped=off');
    const backend = page.getByRole('status', { name: 'backend' });
    await expect(backend).toContainText('Running on wasm', { timeout: 60_000 });
    await expect(backend).toContainText(/webgpu: (WebGPU gave no adapter|this browser has no WebGPU)/);
    await expect(backend).toContainText(/webgl: /);
    const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
    await expect(metrics).toContainText(pct(want.before.error), { timeout: 200_000 });
    await expect(metrics).toContainText(pct(want.before.ece));
  });
});

test("without WebGPU auto passes over software WebGL for wasm; forced WebGL runs FP32 to the core's numbers", async () => {
  test.setTimeout(240_000);
  const want = await expected('fp32');
  await withBrowser(NO_WEBGPU, async (page) => {
    await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&shipped=off');
    const backend = page.getByRole('status', { name: 'backend' });
    await expect(backend).toContainText('Running on wasm', { timeout: 60_000 });
    await expect(backend).toContainText(/webgpu: (WebGPU gave no adapter|this browser has no WebGPU)/);
    await expect(backend).toContainText(/webgl: software rendering \(.*SwiftShader.*\), slower than wasm/i);
    await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=webgl&shipped=off');
    await expect(backend).toContainText('Running on webgl', { timeout: 60_000 });
    const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
    await expect(metrics).toContainText(pct(want.before.error), { timeout: 200_000 });
    await expect(metrics).toContainText(pct(want.before.ece));
  });
});
