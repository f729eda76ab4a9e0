// Mixed precision in the page: a label in the URL runs under it and every caption says so; the field under
// Advanced takes a new label in canonical form, and a bad one is named and changes nothing.
import { expect, test } from '@playwright/test';

test('a mixed-precision run says what it was computed with; a bad label changes nothing', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(
    '/?dataset=retinamnist&arch=mobileone_s0&precision=w4a4&backend=wasm&shipped=off&mixed=ends:w8a8,depthwise:w8a8',
  );
  const provenance = page.getByTestId('provenance');
  await expect(provenance).toContainText(
    /Computed on wasm in [\d.]+ s, with mixed precision depthwise:w8a8;ends:w8a8\./,
    {
      timeout: 120_000,
    },
  );
  // exported figures name it too
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('single-diagrams').getByRole('button', { name: 'SVG' }).first().click(),
  ]);
  expect(svg.suggestedFilename()).toContain('mixed-precision-depthwise-w8a8-ends-w8a8');
  const field = page.getByLabel('Per-layer bits', { exact: true });
  await expect(field).toHaveValue('depthwise:w8a8;ends:w8a8'); // Advanced opens: a setting in use is never hidden
  await expect(page).toHaveURL(/mixed=depthwise%3Aw8a8%3Bends%3Aw8a8/);
  const url = page.url();

  await field.fill('depthwise:w9a8');
  await field.press('Enter');
  await expect(page.getByRole('alert')).toContainText('is not valid: use key:wXaY');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(provenance).toContainText('with mixed precision depthwise:w8a8;ends:w8a8');
  expect(page.url()).toBe(url);

  // clearing it runs the plain precision again
  await field.fill('');
  await field.press('Enter');
  await expect(provenance).toContainText(/^Computed on wasm in [\d.]+ s\./, { timeout: 120_000 });
  await expect(provenance).not.toContainText('mixed');
  await expect(page).toHaveURL(/mixed=(&|$)/);
  await page.screenshot({ path: 'test-results/screenshots/mixed.png', fullPage: true });
});

test('the grid adds rows for a mixed label, and compare runs B under its own', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?dataset=retinamnist&view=grid&backend=wasm&mixed=depthwise:w8a8');
  const grid = page.getByRole('table', { name: /Reliability grid/ });
  await expect(grid.locator('tbody th')).toHaveText([
    'FP32',
    'W8/A8',
    'W4/A8',
    'W4/A4',
    'W8/A8, mixed depthwise:w8a8',
    'W4/A8, mixed depthwise:w8a8',
    'W4/A4, mixed depthwise:w8a8',
  ]);
  await page.goto(
    '/?dataset=retinamnist&view=compare&backend=wasm&shipped=off&arch=mobileone_s0&precision=w4a4&arch2=mobileone_s0&precision2=w4a4&mixed2=depthwise:w8a8',
  );
  await expect(
    page.getByRole('heading', { name: 'A: MobileOne-S0 (reduced) W4/A4', exact: true }),
  ).toBeVisible({
    timeout: 120_000,
  });
  await expect(
    page.getByRole('heading', { name: 'B: MobileOne-S0 (reduced) W4/A4, mixed depthwise:w8a8' }),
  ).toBeVisible({ timeout: 120_000 });
  await expect(page.getByLabel('B: per-layer bits')).toHaveValue('depthwise:w8a8');
  await expect(page.getByRole('region', { name: 'Difference B minus A' })).toBeVisible();
});
