import { expect, test } from '@playwright/test';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test('the first page loads a built-in bundle and shows its splits and images', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?dataset=pneumoniamnist');
  await expect(page.getByRole('heading', { name: 'PneumoniaMNIST' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'validation (temperature fitting)' })).toBeVisible();
  await expect(page.getByRole('img', { name: /64 test images/ })).toBeVisible();
  await expect(page.getByText(/class by class/)).toHaveCount(0); // mixed classes: no note
  await expect(page).toHaveURL(/dataset=pneumoniamnist/);
  // the expert settings wait under Advanced, closed while all are at their defaults
  const backend = page.getByRole('combobox', { name: 'Backend' });
  await expect(backend).toBeHidden();
  await page.locator('details.advanced > summary').click();
  await expect(backend).toHaveValue('auto');
  await page.screenshot(shot('first-load'));
  expect(errors).toEqual([]);
});

test('choosing CIFAR-10 offers both test sets and updates the URL', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Dataset').selectOption('cifar10');
  await expect(page.getByRole('heading', { name: 'CIFAR-10' })).toBeVisible();
  await expect(page.getByRole('img', { name: /64 test images: airplane, airplane/ })).toBeVisible();
  await expect(
    page.getByText(/All 64 are of class airplane: this bundle stores its images class by class/),
  ).toBeVisible();
  await page.getByLabel('Test set').selectOption('test-lossless');
  await expect(page).toHaveURL(/dataset=cifar10&testSplit=test-lossless/);
  await page.reload();
  await expect(page.getByLabel('Test set')).toHaveValue('test-lossless');
  await expect(page.getByRole('img', { name: /64 test images/ })).toBeVisible();
  await page.screenshot(shot('cifar10'));
});

test('bad URL parameters fall back to defaults with a notice', async ({ page }) => {
  await page.goto('/?dataset=imagenet&bogus=1');
  await expect(page.getByRole('status').filter({ hasText: 'dataset="imagenet" is not valid' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Unknown URL parameter "bogus"' })).toBeVisible();
  await page.getByRole('button', { name: 'Dismiss all 2 notices' }).click();
  await expect(page.locator('.notice')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'RetinaMNIST' })).toBeVisible();
});

test('the controls work from the keyboard', async ({ page }) => {
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&backend=wasm');
  await page.getByLabel('Precision').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/precision=w4a8/);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Present' })).toBeFocused();
  await page.keyboard.press('Tab'); // the Advanced settings' summary (open: the backend is not the default)
  await expect(page.locator('details.advanced > summary')).toBeFocused();
  await expect(page.locator('details.advanced')).toHaveAttribute('open', '');
  await expect(page.locator('details.advanced > summary')).toContainText('Advanced (backend wasm)');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Activation observer')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/observer=histogram-bitmatched/);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Trial')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/trial=2/);
});

test('custom weight and activation bit widths are offered and kept in the URL', async ({ page }) => {
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&backend=wasm');
  await expect(page.getByLabel('W bits')).toHaveCount(0);
  await page.getByLabel('Precision').selectOption('custom');
  await expect(page).toHaveURL(/precision=w6a6/);
  await page.getByLabel('A bits').selectOption('3');
  await expect(page).toHaveURL(/precision=w6a3/);
  await page.getByLabel('W bits').selectOption('32');
  await expect(page).toHaveURL(/precision=w32a3/);
  await page.goto('/?dataset=retinamnist&precision=w5a7');
  await expect(page.getByLabel('Precision')).toHaveValue('custom');
  await expect(page.getByLabel('W bits')).toHaveValue('5');
  await expect(page.getByLabel('A bits')).toHaveValue('7');
});

test('a copy-link button copies the URL, which holds every setting', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?dataset=retinamnist&arch=ghostnet_vgg&precision=w4a8&backend=wasm');
  await expect(page).toHaveURL(/arch=ghostnet_vgg/);
  await page.getByRole('button', { name: 'Copy link to this view' }).click();
  await expect(page.getByText('Link copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
});
