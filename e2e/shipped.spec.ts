// A first visit: the paper's figures open filled from the results shipped with the lab, each marked as shipped
// with its provenance; "Recompute in this browser" runs it live and says how it compares (on wasm: identical,
// the same engine as the sweep); turning shipped results off computes instead.
import { expect, test } from '@playwright/test';
import { parseSvg, readDownload } from './downloads';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test('shipped results show at once, say where they came from, and recompute to the same numbers on wasm', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&trial=1&backend=wasm');
  const provenance = page.getByTestId('provenance');
  await expect(provenance).toContainText(/^Shipped result, computed on wasm .* with engine version \d+\./, {
    timeout: 30_000,
  });
  const table = page.getByRole('table').filter({ hasText: 'before scaling' });
  const shippedTable = await table.innerText();
  await expect(page.getByText(/Shipped results carry no per-image predictions/)).toBeVisible();
  await expect(page.getByTestId('no-slider')).toBeVisible(); // no logits shipped: no temperature slider
  await page.screenshot(shot('shipped-single'));
  await page.getByRole('button', { name: 'Recompute in this browser' }).click();
  await expect(provenance).toContainText(/^Computed on wasm in [\d.]+ s/, { timeout: 150_000 });
  await expect(page.getByTestId('shipped-difference')).toHaveText(
    /^Identical to the shipped result, computed on wasm/,
  );
  // every row the shipped run had, unchanged (runs shipped before ties were counted have no such row)
  const live = (await table.innerText()).split('\n');
  expect(shippedTable.split('\n').filter((row) => !live.includes(row))).toEqual([]);
  await expect(page.getByRole('heading', { name: /Most confident mistakes/ })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Temperature T' })).toBeVisible();
  // the scatter holds the shipped runs of the dataset, the recomputed one in place of its twin
  await page.getByLabel('View').selectOption('scatter');
  // trial 1 shown (the filter beside it): three FP32 runs and nine quantized ones
  await expect(page.getByText('12 runs: 1 computed in this browser, 11 shipped with the lab')).toBeVisible({
    timeout: 30_000,
  });
});

test('the reliability grid opens filled from shipped results; with them off, nothing is shown uncomputed', async ({
  page,
}) => {
  await page.goto('/?dataset=pneumoniamnist&view=grid&backend=wasm');
  const grid = page.getByRole('table', { name: /Reliability grid, before temperature scaling/ });
  await expect(grid.getByRole('figure')).toHaveCount(12, { timeout: 30_000 }); // 3 architectures x 4 precisions
  await expect(page.getByText(/Calibrating|Test set:/)).toHaveCount(0); // nothing was computed
  await expect(page.getByTestId('grid-shipped')).toHaveText(
    /^All 12 runs shipped with the lab \(computed on wasm\)/,
  );
  await page.screenshot(shot('shipped-grid'));
  // one key for the grid, no export buttons per cell, and the whole grid exports as one figure
  await expect(page.getByRole('img', { name: 'Key' })).toHaveCount(1);
  await expect(grid.getByRole('button', { name: 'SVG' })).toHaveCount(0);
  await page.waitForFunction(() => document.querySelectorAll('.chart-pending').length === 0);
  const [d] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'SVG' }).click(),
  ]);
  expect(d.suggestedFilename()).toBe('pneumoniamnist-reliability-grid-before-temperature-scaling.svg');
  const parsed = await parseSvg(page, await readDownload(d));
  expect(parsed.error).toBe(false);
  expect(parsed.surfaces).toBe(1 + 12 * 2); // the key, then each cell's diagram and histogram
  expect(parsed.text).toContain('pneumoniamnist reliability grid, before temperature scaling');
  expect(parsed.text).toContain('W4/A4');
  expect(parsed.text).toContain('gap to perfect calibration');
  await page.goto('/?dataset=pneumoniamnist&view=scatter&backend=wasm&shipped=off');
  await expect(page.getByText('No runs computed for pneumoniamnist yet')).toBeVisible();
});

test('every view draws its charts from shipped results at 1366x768 and 1920x1080, text of 12 px or more', async ({
  page,
}) => {
  test.setTimeout(120_000);
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width, height });
    for (const view of ['single', 'grid', 'scatter', 'compare']) {
      await page.goto(`/?dataset=retinamnist&arch=mobileone_s0&precision=w4a8&view=${view}&backend=wasm`);
      await expect(page.locator('svg.recharts-surface').first(), `${view} at ${width}x${height}`).toBeVisible(
        {
          timeout: 30_000,
        },
      );
      await page.waitForFunction(
        () => document.querySelectorAll('.chart-pending, .chart-stale').length === 0,
      );
      const smallest = await page.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('svg.recharts-surface text')].map((t) =>
            parseFloat(getComputedStyle(t).fontSize),
          ),
        ),
      );
      expect(smallest).toBeGreaterThanOrEqual(12);
      await page.screenshot(shot(`${view}-${width}x${height}`));
    }
  }
  // a first visit at 1366x768 (Advanced closed): both diagrams and their histograms above the fold
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w4a8');
  await expect(page.locator('.diagrams figure svg.recharts-surface')).toHaveCount(4, { timeout: 30_000 });
  const bottoms = await page
    .locator('.diagrams figure')
    .evaluateAll((figs) => figs.map((f) => f.getBoundingClientRect().bottom));
  expect(bottoms).toHaveLength(2);
  for (const b of bottoms) expect(b).toBeLessThanOrEqual(768);
  await page.screenshot({ ...shot('first-visit-1366x768'), fullPage: false });
});

test('presentation mode fills the screen with one diagram in 18 px text; the arrows step through precisions', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm');
  await page.getByRole('button', { name: /^Present/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Presentation' });
  const figure = dialog.getByRole('figure');
  await expect(figure).toHaveAccessibleName(/^Before temperature scaling: ECE/);
  await page.waitForFunction(() => document.querySelectorAll('.chart-pending, .chart-stale').length === 0);
  const box = (await figure.boundingBox())!;
  expect(box.height).toBeGreaterThan(0.8 * 768); // the diagram and its histogram fill the screen
  expect(box.height).toBeLessThanOrEqual(768);
  const smallest = await page.evaluate(() =>
    Math.min(
      ...[...document.querySelectorAll('.presentation svg.recharts-surface text')].map((t) =>
        parseFloat(getComputedStyle(t).fontSize),
      ),
    ),
  );
  expect(smallest).toBeGreaterThanOrEqual(18);
  await page.screenshot({ ...shot('presentation-1366x768'), fullPage: false });
  for (const [p, title] of [
    ['w8a8', 'W8/A8'],
    ['w4a8', 'W4/A8'],
    ['w4a4', 'W4/A4'],
  ]) {
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(new RegExp(`precision=${p}`));
    await expect(figure.locator('.subject')).toContainText(`, ${title}, `);
  }
  await page.keyboard.press('ArrowRight'); // stops at W4/A4
  await expect(page).toHaveURL(/precision=w4a4/);
  await page.keyboard.press('Shift+S'); // the button says "(S)"
  await expect(figure).toHaveAccessibleName(/^After temperature scaling \(T = [\d.]+\): ECE/);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForFunction(() => document.querySelectorAll('.chart-pending, .chart-stale').length === 0);
  await page.waitForTimeout(500); // the bars' transition to the new size
  await page.screenshot({ ...shot('presentation-1920x1080'), fullPage: false });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Present/ })).toBeFocused(); // focus back where it was
});

test('the scatter honours the trial and the observer shown beside it', async ({ page }) => {
  await page.goto('/?dataset=retinamnist&view=scatter&backend=wasm');
  const line = (re: RegExp) => page.locator('p.muted').filter({ hasText: re });
  await expect(
    line(/^12 runs: 0 computed in this browser, 12 shipped with the lab, quantized ones of trial 1/),
  ).toBeVisible({
    timeout: 30_000,
  });
  await page.getByRole('combobox', { name: 'Trial' }).selectOption('all');
  await expect(
    line(/^30 runs: 0 computed in this browser, 30 shipped with the lab, all three trials/),
  ).toBeVisible();
  await page.getByRole('combobox', { name: 'Activation observer' }).selectOption('minmax');
  await expect(line(/^3 runs: /)).toBeVisible(); // FP32 alone: no quantized run ships with min/max ranges
});

test('a click on a point of the scatter opens that run in the single view', async ({ page }) => {
  await page.goto('/?dataset=retinamnist&view=scatter&backend=wasm');
  const scatter = page.getByRole('figure', { name: /^Before temperature scaling: / });
  await expect(scatter.locator('svg.recharts-surface')).toBeVisible({ timeout: 30_000 });
  await scatter.focus();
  await page.keyboard.press('End'); // the last run, by the keyboard
  const tooltip = scatter.getByRole('tooltip');
  const label = (await tooltip.locator('div').first().textContent())!; // e.g. "GhostNet-VGG W4/A4 trial 1"
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/view=single/);
  const [, precision] = /(FP32|W\d\/A\d)/.exec(label)!;
  await expect(
    page.getByRole('figure', { name: /^Before temperature scaling/ }).locator('.subject'),
  ).toContainText(`, ${precision}`);
  // and by the mouse: a point of the other panel
  await page.goto('/?dataset=retinamnist&view=scatter&backend=wasm');
  await page
    .getByRole('figure', { name: /^After temperature scaling: / })
    .locator('.recharts-scatter-symbol path, .recharts-symbols')
    .first()
    .click();
  await expect(page).toHaveURL(/view=single/);
});

test("the single view's quantization slider steps through the paper's precisions and the bit widths computed so far", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&backend=wasm');
  const slider = page.getByRole('slider', { name: 'Quantization' });
  const subject = page.getByTestId('single-diagrams').locator('.subject').first();
  await expect(subject).toContainText(', W8/A8, ', { timeout: 30_000 });
  await expect(slider).toHaveAttribute('aria-valuetext', 'W8/A8');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/precision=w4a8/);
  await expect(subject).toContainText(', W4/A8, ');
  // the caption names the new run at once; its bars, on their way from the old heights, are faded and busy
  await expect(page.locator('.diagrams figure.chart-moving[aria-busy="true"]').first()).toBeAttached();
  await expect(page.locator('.diagrams figure.chart-moving')).toHaveCount(0);
  await expect(page.getByTestId('single-diagrams')).not.toHaveClass(/stale/);
  // a custom bit width, computed here, becomes a stop in its place by bits
  await page.getByLabel('Precision').selectOption('custom');
  await expect(page).toHaveURL(/precision=w6a6/);
  await expect(page.getByTestId('provenance')).toContainText(/^Computed on wasm/, { timeout: 150_000 });
  await page.getByLabel('Precision').selectOption('fp32');
  await expect(page.locator('.precision-slider .ticks')).toHaveText('FP32W8/A8W6/A6W4/A8W4/A4');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/precision=w6a6/);
  await expect(subject).toContainText(', W6/A6, ');
  await expect(page.getByTestId('provenance')).toContainText("From this browser's cache");
  await page.screenshot(shot('quantization-slider'));
});
