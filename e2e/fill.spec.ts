// "Compute every run": workers of its own (one per core) fill the result cache for the dataset with a
// progress bar, the scatter grows as runs land, it can be stopped, and what it computed is then served from
// the cache. Each test tells the page how many cores it has, so the worker count is the same on any machine.
import { type Page, expect, test } from '@playwright/test';

const withCores = (page: Page, cores: number) =>
  page.addInitScript(
    (n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }),
    cores,
  );

test('computing every run fills the cache in the background, with progress, and can be stopped', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await withCores(page, 1);
  await page.goto('/?dataset=retinamnist&view=scatter&backend=wasm&shipped=off&trial=all'); // the scatter shows every trial filled
  await expect(page.getByText('No runs computed for retinamnist yet')).toBeVisible();
  const group = page.getByRole('group', { name: 'Compute every run' });
  await group.getByRole('button', { name: 'Compute every run of retinamnist' }).click();
  await expect(group).toContainText('0 / 30 (ShuffleNetV2 1.0x FP32, trial 1)');
  await expect(group.getByRole('progressbar', { name: 'runs done' })).toBeVisible();
  await expect(group).toContainText('3 / 30', { timeout: 120_000 }); // the three FP32 runs come first
  await page.screenshot({ path: 'test-results/screenshots/fill.png', fullPage: true });
  await group.getByRole('button', { name: 'Stop' }).click();
  const status = group.getByRole('status');
  await expect(status).toContainText(/^Stopped: \d+ of 30 runs ready, \d+ computed now, 0 from the cache\.$/);
  const ready = Number(/Stopped: (\d+)/.exec((await status.textContent())!)![1]);
  expect(ready).toBeGreaterThanOrEqual(3);
  await expect(
    page.getByText(
      `${ready} runs: ${ready} computed in this browser, 0 shipped with the lab, all three trials`,
    ),
  ).toBeVisible();
  // again: what is cached is not computed twice
  await group.getByRole('button', { name: 'Compute every run of retinamnist' }).click();
  await expect(group).toContainText(`${ready} / 30`, { timeout: 30_000 });
  await group.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toContainText(
    new RegExp(`Stopped: ${ready} of 30 runs ready, 0 computed now, ${ready} from the cache\\.`),
  );
  await page.goto('/?dataset=retinamnist&arch=shufflenetv2&precision=fp32&backend=wasm&shipped=off');
  await expect(
    page.getByText(/^From this browser's cache: computed on wasm in [\d.]+ s with engine version \d+\./),
  ).toBeVisible({ timeout: 30_000 });
});

test('on a machine with cores to spare the fill runs on several workers, each run once', async ({ page }) => {
  test.setTimeout(240_000);
  await withCores(page, 2); // two workers
  await page.goto('/?dataset=retinamnist&view=scatter&backend=wasm&shipped=off&trial=all');
  const group = page.getByRole('group', { name: 'Compute every run' });
  await expect(group).toContainText('on 2 workers of its own');
  await group.getByRole('button', { name: 'Compute every run of retinamnist' }).click();
  // two runs at once, named in the plan's order
  await expect(group).toContainText('0 / 30 (ShuffleNetV2 1.0x FP32, trial 1; GhostNet-VGG FP32, trial 1)');
  await expect(group).toContainText(/([6-9]|\d\d) \/ 30/, { timeout: 180_000 });
  await group.getByRole('button', { name: 'Stop' }).click();
  const status = group.getByRole('status');
  await expect(status).toContainText(/^Stopped: \d+ of 30 runs ready, \d+ computed now, 0 from the cache\.$/);
  const ready = Number(/Stopped: (\d+)/.exec((await status.textContent())!)![1]);
  await expect(
    page.getByText(
      `${ready} runs: ${ready} computed in this browser, 0 shipped with the lab, all three trials`,
    ),
  ).toBeVisible();
});
