// Once loaded, the lab works offline: the service worker (public/sw.js) answers from what it kept.
import { expect, test } from '@playwright/test';

test('once loaded, the lab opens and runs offline', async ({ page, context }) => {
  test.setTimeout(240_000);
  const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload(); // now under the service worker: everything this run loads is kept
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(metrics).toBeVisible({ timeout: 120_000 });

  await context.setOffline(true);
  // the network is really gone for the service worker too: what was never loaded is refused
  expect(await page.evaluate(async () => (await fetch('/models/cifar10/never-loaded.json')).status)).toBe(
    503,
  );
  // another URL of the lab, and a run that needs the model, the data and the wasm backend again
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&backend=wasm&shipped=off');
  await expect(page.getByRole('heading', { name: 'RetinaMNIST' })).toBeVisible();
  await expect(metrics).toContainText('calibrated on 1024 images', { timeout: 120_000 });
  await expect(page.getByText(/Computed on wasm in [\d.]+ s/)).toBeVisible();
});
