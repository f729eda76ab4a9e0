// The layer-by-layer view: SQNR bars first, the one-at-a-time runs streaming in, cancel and run again, the
// tooltip naming the tensor, the CSV export, and a precision that quantizes nothing refused.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test('per-layer sensitivity streams in, can be cancelled and run again, and exports', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w4a8&view=layers&backend=wasm');
  const view = page.getByRole('region', { name: 'Layer by layer' });
  // SQNR first: every tensor's bar, before any one-at-a-time run
  await expect(view.getByTestId('layers-baselines')).toContainText(
    'RetinaMNIST MobileOne-S0 (reduced) W4/A8, trial 1, on wasm',
    {
      timeout: 60_000,
    },
  );
  const chart = view.getByTestId('sensitivity-bars');
  await expect(chart).toHaveAttribute('aria-label', /: 59 of 59 tensors, SQNR/);
  await expect(view.getByTestId('layers-progress')).toContainText(
    /one-at-a-time runs: [1-9]\d* of 59 tensors/,
    {
      timeout: 60_000,
    },
  );
  await view.getByRole('button', { name: 'Cancel' }).click();
  await expect(view.getByTestId('cancelled')).toContainText(
    /Cancelled with the one-at-a-time runs of \d+ of 59 tensors done/,
  );
  const done = Number(/runs of (\d+) of 59/.exec((await view.getByTestId('cancelled').textContent())!)![1]);
  await view.getByLabel('Bars').selectOption('onlyError');
  await expect(chart).toHaveAttribute('aria-label', new RegExp(`: ${done} of 59 tensors, top-1 error`));
  await expect(view.getByTestId('layers-worst').locator('tbody tr')).toHaveCount(Math.min(done, 8));

  await view.getByRole('button', { name: 'Run again' }).click();
  await expect(view.getByTestId('layers-progress')).toBeHidden({ timeout: 240_000 });
  await expect(view.getByTestId('layers-baselines')).toContainText(
    /FP32: error \d+\.\d%.*all quantized: error/,
  );
  await expect(chart).toHaveAttribute('aria-label', /: 59 of 59 tensors, top-1 error/);
  await expect(view.getByTestId('layers-worst').locator('tbody tr')).toHaveCount(8);
  await expect(view.getByTestId('layers-kinds')).toContainText('depthwise conv');
  await page.screenshot(shot('layers'));
  // the tooltip names a tensor, its kind and shape
  const surface = chart.locator('svg.recharts-surface');
  const box = (await surface.boundingBox())!;
  await surface.hover({ position: { x: box.width * 0.3, y: box.height * 0.5 } }); // scrolls it into view
  await surface.hover({ position: { x: box.width * 0.35, y: box.height * 0.5 } });
  await page.screenshot(shot('layers-tooltip'));
  await expect(page.getByRole('tooltip')).toContainText(/#\d+ .+\n?.*(conv|dense|other), shape \d+(x\d+)*/);

  // a click picks the hovered bar's layer; then the three most sensitive by the bars shown, run at W8/A8
  await surface.click({ position: { x: box.width * 0.35, y: box.height * 0.5 } });
  const picked = view.getByTestId('layers-picked');
  await expect(picked).toContainText(/^Picked: relu_\d+$/);
  await view.getByRole('button', { name: 'Pick them (by the bars shown)' }).click();
  await expect(picked).toHaveText(/^Picked: relu, relu_\d+, relu_\d+$/); // the stem's weights cost most alone
  await page.screenshot(shot('layers-picked'));
  const layers = (await picked.textContent())!.replace('Picked: ', '').split(', ');

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    view.getByRole('button', { name: 'Sensitivity CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(
    /^layers-retinamnist-mobileone-s0-reduced-w4-a8-trial-1-on-wasm-onlyerror\.csv$/,
  );
  const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(60);
  const cols = lines[0].split(',');
  const row = Object.fromEntries(lines[1].split(',').map((v, i) => [cols[i], v]));
  expect([row.dataset, row.arch, row.precision, row.backend, row.tensor, row.type]).toEqual([
    'retinamnist',
    'mobileone_s0',
    'w4a8',
    'wasm',
    'x',
    'activation',
  ]);
  expect(Number(row.only_error)).toBeGreaterThan(0);
  expect(Number(row.sqnr_db)).toBeGreaterThan(10);

  await view.getByRole('button', { name: 'Run with these 3 at W8/A8' }).click();
  const label = [...layers]
    .sort()
    .map((l) => `${l}:w8a8`)
    .join(';');
  await expect(page.getByTestId('provenance')).toContainText(`with mixed precision ${label}.`, {
    timeout: 60_000,
  });
  await expect(page.getByLabel('View')).toHaveValue('single');
});

test('a precision that quantizes nothing is refused with a clear error', async ({ page }) => {
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&view=layers&backend=wasm');
  const view = page.getByRole('region', { name: 'Layer by layer' });
  await expect(view.getByRole('alert')).toContainText('FP32 quantizes nothing', { timeout: 60_000 });
  await expect(view.getByTestId('sensitivity-bars')).toHaveCount(0);
});
