// The lab in a real browser: the worker's numbers equal the core's in Node, WebGPU is used when the
// browser offers an adapter, and switching settings quickly never leaves a stale result on screen.
import { expect, test, type Page } from '@playwright/test';
import { summarize } from '../src/core/experiment/summary';
import { downloaded, parseSvg } from './downloads';
import { expected, pct } from './expected';
import { ENGINE_VERSION } from '../src/core/experiment/cacheKey';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true });
const metrics = (page: Page) => page.getByRole('table').filter({ hasText: 'before scaling' });
// Custom bits whose 2-bit activations leave the logits so few levels that some test images' top two tie.
const TIED_PRECISION = 'w4a2';

/** The figure's SVG parses, its PNG decodes, the results CSV has a header and one row per run. */
async function checkExports(page: Page) {
  const fig = page.getByRole('figure', { name: /^Before temperature scaling/ });
  const parsed = await parseSvg(
    page,
    await downloaded(page, () => fig.getByRole('button', { name: 'SVG' }).click()),
  );
  expect(parsed.error).toBe(false);
  expect(parsed.surfaces).toBe(2); // the diagram and the histogram
  expect(parsed.text).toContain('Before temperature scaling');
  // the exported figure says what it shows, and so does its file name
  expect(parsed.text).toContain('retinamnist, MobileOne-S0 (reduced), W8/A8, trial 1, wasm');
  const [d] = await Promise.all([
    page.waitForEvent('download'),
    fig.getByRole('button', { name: 'SVG' }).click(),
  ]);
  expect(d.suggestedFilename()).toBe(
    'retinamnist-mobileone-s0-reduced-w8-a8-trial-1-wasm-before-temperature-scaling.svg',
  );
  const png = await downloaded(page, () => fig.getByRole('button', { name: 'PNG' }).click());
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const size = await page.evaluate(async (b64) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    return [bmp.width, bmp.height];
  }, png.toString('base64'));
  expect(size[0]).toBeGreaterThan(300);
  const csv = (await downloaded(page, () => page.getByRole('button', { name: 'Results CSV' }).click()))
    .toString('utf8')
    .trim()
    .split('\n');
  expect(csv).toHaveLength(2);
  expect(csv[0].split(',')).toContain('ece_ts');
  expect(csv[1]).toContain('mobileone_s0,retinamnist,test,w8a8,histogram,1,15,wasm,fake-quant,bits,,1000,');
  const row = Object.fromEntries(csv[0].split(',').map((c, i) => [c, csv[1].split(',')[i]]));
  expect(row).toMatchObject({
    clamp: 'bits',
    bins: '15',
    backend: 'wasm',
    engine_version: String(ENGINE_VERSION),
  });
  expect(row.data_sha256).toMatch(/^[0-9a-f]{64}$/);
}

test('a W8/A8 run on wasm shows the same error, ECE and T as the core computes in Node', async ({ page }) => {
  test.setTimeout(240_000);
  const want = await expected('w8a8');
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&trial=1&backend=wasm&shipped=off');
  // while it runs, the progress line estimates the time left from the batches done
  await expect(
    page.getByText(/(Calibrating|Validation set|Test set): \d+ \/ \d+\s+about \d+ (s|min) left/),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(metrics(page)).toBeVisible({ timeout: 200_000 });
  // cross-origin isolated, so tfjs may run its threaded build; the page says how many threads XNNPACK took
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await expect(page.getByRole('status', { name: 'backend' })).toContainText(/Running on wasm, \d+ threads?/);
  const row = (name: string) =>
    metrics(page)
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row('top-1 error')).toContainText(pct(want.before.error));
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.after.ece));
  await expect(metrics(page)).toContainText(`T = ${want.temperature.temperature.toFixed(4)}`);
  const diagram = page.getByRole('figure', { name: /Before temperature scaling: ECE/ });
  await expect(diagram).toBeVisible();
  await diagram.focus(); // the bins' tooltips from the keyboard
  await page.keyboard.press('End');
  await expect(diagram.getByRole('tooltip')).toContainText(/confidence \(0\.933, 1\.000\]\d+ images/);
  await page.keyboard.press('ArrowLeft');
  await expect(diagram.getByRole('tooltip')).toContainText('confidence (0.867, 0.933]');
  await page.keyboard.press('Escape');
  await expect(diagram.getByRole('tooltip')).toHaveCount(0);
  // and from the mouse: the last bin's column, at the right end of the recharts plot
  const plot = diagram.locator('svg.recharts-surface').first();
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: box.width - 20, y: box.height / 2 } });
  await expect(diagram.getByRole('tooltip')).toContainText('confidence (0.933, 1.000]');
  await page.mouse.move(0, 0);
  await expect(page.getByText(/Computed on wasm in [\d.]+ s/)).toBeVisible();
  // the temperature slider rescales the run's test logits in the page: its ends are the two columns
  const atT = page.getByTestId('at-temperature');
  await expect(atT).toContainText(`ECE ${pct(want.after.ece)}`); // opens at the fitted T
  await page.getByRole('slider', { name: 'Temperature T' }).fill('0'); // T = 1
  await expect(atT).toContainText(`At T = 1.000: ECE ${pct(want.before.ece)}`);
  await expect(page.getByRole('figure', { name: /^At T = 1\.000: ECE/ })).toBeVisible();
  if (want.after.ece > want.before.ece)
    await expect(page.getByTestId('scaling-note')).toContainText('Scaling raised ECE');
  const mistakes = page.getByRole('region', { name: 'Most confident mistakes' }).getByRole('listitem');
  await expect(mistakes).toHaveCount(12);
  await expect(mistakes.first()).toContainText(/true: grade \d/);
  await expect(mistakes.first()).toContainText(/FP32: grade \d/, { timeout: 60_000 });
  await page.screenshot(shot('single-view-w8a8'));
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(20, 23, 27)');
  await page.screenshot(shot('single-view-w8a8-dark'));
  await page.emulateMedia({ colorScheme: 'light' });
  await checkExports(page);
  await page.reload(); // the same run again comes from IndexedDB
  await expect(
    page.getByText(/^From this browser's cache: computed on wasm in [\d.]+ s with engine version \d+\./),
  ).toBeVisible({ timeout: 30_000 });
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
});

test('the int8 arithmetics and the clamp, chosen from their dropdowns, show what the core computes in Node and go into the URL', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const row = (name: string) =>
    metrics(page)
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w4a8&trial=1&backend=wasm&shipped=off');
  // fake quant differs here: ECE 10.24% (oneDNN 10.18%), T 1.0200 (1.0147)
  for (const [arithmetic, engine] of [
    ['int8-onednn', 'oneDNN'],
    ['int8-qnnpack', 'QNNPACK'],
  ] as const) {
    const want = await expected('w4a8', 0, arithmetic);
    await page.getByLabel('Arithmetic').selectOption(arithmetic); // cancels the run just started
    await expect(page).toHaveURL(new RegExp(`arithmetic=${arithmetic}(&|$)`));
    await expect(
      page.getByText(new RegExp(`^Computed on wasm in [\\d.]+ s, with int8 arithmetic \\(${engine}\\)\\.`)),
    ).toBeVisible({ timeout: 200_000 });
    await expect(row('top-1 error')).toContainText(pct(want.before.error));
    await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
    await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.after.ece));
    await expect(metrics(page)).toContainText(`T = ${want.temperature.temperature.toFixed(4)}`);
    await page.screenshot(shot(`single-view-w4a8-${arithmetic}`));
  }
  // torch 1.13's own clamps (8-bit ends below 8 bits), with fake quant
  const want = await expected('w4a8', 0, undefined, 'dtype');
  await page.getByLabel('Integer range below 8 bits').selectOption('dtype');
  await page.getByLabel('Arithmetic').selectOption('fake-quant');
  await expect(page).toHaveURL(/clamp=dtype(&|$)/);
  await expect(
    page.getByText(
      /^Computed on wasm in [\d.]+ s, with 8-bit integer ranges below 8 bits \(PyTorch 1\.13's convert_fx\)\./,
    ),
  ).toBeVisible({ timeout: 200_000 });
  await expect(row('top-1 error')).toContainText(pct(want.before.error));
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
  await expect(metrics(page)).toContainText(`T = ${want.temperature.temperature.toFixed(4)}`);
  await page.screenshot(shot('single-view-w4a8-clamp-dtype'));
});

test('trial "all" pools the three trials\' bins and shows the sweep summary\'s mean and spread', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const [want] = summarize([await expected('w4a4', 0), await expected('w4a4', 1), await expected('w4a4', 2)]);
  await page.goto(
    '/?dataset=retinamnist&arch=mobileone_s0&precision=w4a4&trial=all&backend=wasm&shipped=off',
  );
  await expect(page.getByText(/^Trial [1-3] of 3 · /)).toBeVisible({ timeout: 60_000 });
  await expect(metrics(page)).toContainText(
    'mean ± standard deviation over 3 trials, each calibrated on 1024 images (seeds 1000, 1001, 1002)',
    { timeout: 200_000 },
  );
  const row = (name: string) =>
    metrics(page)
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const spread = (s: { mean: number; sd: number }) => `${pct(s.mean)} ± ${pct(s.sd)}`;
  await expect(row('top-1 error')).toContainText(spread(want.error));
  await expect(row('ECE')).toContainText(spread(want.eceBefore));
  await expect(row('ECE')).toContainText(spread(want.eceAfter));
  const fig = page.getByRole('figure', {
    name: /^Before temperature scaling \(3 trials\): ECE [\d.]+% \(mean of 3 trials; bins pooled\)/,
  });
  await expect(fig).toBeVisible();
  const counts = [...(await fig.getAttribute('aria-label'))!.matchAll(/(\d+) images/g)].map((m) =>
    Number(m[1]),
  );
  expect(counts.reduce((a, b) => a + b, 0)).toBe(3 * 400); // every trial's test images, pooled
  await expect(page.getByRole('heading', { name: 'Most confident mistakes (trial 1 of 3)' })).toBeVisible();
  const csv = (await downloaded(page, () => page.getByRole('button', { name: 'Results CSV' }).click()))
    .toString('utf8')
    .trim()
    .split('\n');
  expect(csv.slice(1).map((line) => line.split(',')[5])).toEqual(['1', '2', '3']); // one row per trial
  await page.screenshot(shot('single-view-all-trials'));
});

test('a custom low-bit run equals the core, and images whose top logit ties are counted', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const want = await expected(TIED_PRECISION);
  expect(want.before.tiedTop).toBeGreaterThan(0); // the precision is chosen so that some top logits tie
  await page.goto(
    `/?dataset=retinamnist&arch=mobileone_s0&precision=${TIED_PRECISION}&trial=1&backend=wasm&shipped=off`,
  );
  await expect(page.getByLabel('Precision')).toHaveValue('custom');
  await expect(metrics(page)).toContainText('calibrated on 1024 images', { timeout: 200_000 });
  const row = (name: string) =>
    metrics(page)
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row('top-1 error')).toContainText(pct(want.before.error));
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
  await expect(row('tied top logits (images)')).toContainText(String(want.before.tiedTop));
  await page.getByLabel('Precision').selectOption('fp32'); // float logits do not tie: the row goes
  await expect(metrics(page)).not.toContainText('calibrated on', { timeout: 200_000 });
  await expect(row('tied top logits (images)')).toHaveCount(0);
});

test('auto passes over a software WebGPU adapter for wasm and says why; forced WebGPU runs FP32 equal to wasm', async ({
  page,
}) => {
  test.setTimeout(540_000); // SwiftShader: about 2 minutes alone, over 4 beside a training run
  const want = await expected('fp32');
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&shipped=off');
  const backend = page.getByRole('status', { name: 'backend' });
  await expect(backend).toContainText('Running on wasm', { timeout: 60_000 });
  await expect(backend).toContainText(/webgpu: software rendering \(.+\), slower than wasm/);
  await page.getByRole('combobox', { name: /^Backend/ }).selectOption('webgpu');
  await expect(backend).toContainText('Running on webgpu', { timeout: 60_000 });
  // while the test set streams, both diagrams fill in, the scaled one with the final T (fitted on validation first)
  const t = want.temperature.temperature.toFixed(4).replace('.', '\\.');
  await expect(
    page.getByRole('figure', {
      name: new RegExp(`^After scaling \\(T = ${t}, fitted on validation\\), so far: ECE`),
    }),
  ).toBeVisible({ timeout: 480_000 });
  await expect(page.getByRole('figure', { name: /^Before scaling \(\d+ test images so far/ })).toBeVisible();
  await page.screenshot(shot('single-view-webgpu-partial'));
  await expect(metrics(page)).toBeVisible({ timeout: 480_000 });
  await expect(metrics(page)).toContainText(pct(want.before.error));
  await expect(metrics(page)).toContainText(pct(want.before.ece));
  await page.screenshot(shot('single-view-webgpu-fp32'));
});

test('a lost GPU device is reported, the worker restarts on WebGPU, the run resumes and the lab carries on', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=webgpu&shipped=off');
  const backend = page.getByRole('status', { name: 'backend' });
  await expect(backend).toContainText('Running on webgpu', { timeout: 60_000 });
  await expect(page.getByRole('progressbar')).toBeVisible({ timeout: 60_000 }); // the FP32 run is under way
  await page.evaluate(() => (window as Window & { qcalInjectGpuLoss?: () => void }).qcalInjectGpuLoss!());
  const notice = page
    .getByRole('status')
    .filter({ hasText: /The lab worker stopped \(the GPU device was lost \(destroyed/ });
  // the worker hears of the loss between its kernels: on SwiftShader, under CI's load, that took over 5 s once
  await expect(notice).toBeVisible({ timeout: 60_000 });
  await expect(backend).toContainText('Running on webgpu', { timeout: 60_000 }); // a new worker, a new device
  await expect(page.getByRole('progressbar')).toBeVisible({ timeout: 60_000 }); // the run started again by itself
  await page.getByRole('combobox', { name: /^Backend/ }).selectOption('wasm'); // (SwiftShader would take minutes to finish it)
  await expect(metrics(page)).toBeVisible({ timeout: 200_000 });
  await expect(notice).toBeVisible(); // the notice stays until dismissed
  await notice.getByRole('button', { name: 'Dismiss notice' }).click();
  await expect(notice).toHaveCount(0);
});

test('switching settings quickly shows only the last one, and a missing model is explained', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w8a8&backend=wasm&shipped=off');
  await expect(page.getByRole('status', { name: 'backend' })).toContainText('Running on wasm');
  for (const p of ['w4a8', 'w4a4', 'w8a8', 'fp32']) await page.getByLabel('Precision').selectOption(p);
  await expect(metrics(page)).toBeVisible({ timeout: 200_000 });
  await expect(metrics(page)).not.toContainText('calibrated on'); // the FP32 run, not a stale quantized one
  await expect(page).toHaveURL(/precision=fp32/);
  // a dataset without a shipped MobileOne-S0 (read from the index, so the test follows the models that ship)
  const index = await page.evaluate(
    async () =>
      (await (await fetch('/models/index.json')).json()) as { models: { dataset: string; arch: string }[] },
  );
  const missing = ['pneumoniamnist', 'cifar10'].find(
    (d) => !index.models.some((m) => m.dataset === d && m.arch === 'mobileone_s0'),
  );
  await page.getByLabel('Dataset').selectOption(missing ?? 'cifar10');
  if (missing)
    await expect(page.getByRole('alert')).toContainText(
      `No mobileone_s0 model has been trained on ${missing} yet`,
    );
  else await expect(metrics(page)).toBeVisible({ timeout: 200_000 });
  await page
    .getByRole('navigation', { name: 'Presets' })
    .getByRole('button', { name: 'Does quantization make models over-confident?' })
    .click();
  await expect(page).toHaveURL(/view=scatter/);
  await page.getByText('How to read these charts').click();
  await expect(page.getByText(/cannot change which class wins/)).toBeVisible();
});

test("the worker's tensor count returns to its baseline after runs, a cancelled one included", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const memory = () =>
    page.evaluate(() =>
      (window as Window & { qcalWorkerMemory?: () => Promise<{ numTensors: number }> }).qcalWorkerMemory!(),
    );
  await page.goto(
    '/?dataset=retinamnist&arch=mobileone_s0&precision=w4a4&view=scatter&backend=wasm&shipped=off',
  ); // the scatter runs nothing
  await expect(page.getByRole('status', { name: 'backend' })).toContainText('Running on wasm');
  const base = await memory();
  await page.getByLabel('View').selectOption('single');
  await expect(page.getByText(/^Calibrating: [1-9]/)).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Precision').selectOption('w8a8'); // cancels the W4/A4 run mid-calibration
  await expect(metrics(page)).toContainText('calibrated on 1024 images', { timeout: 200_000 });
  const mistakes = page.getByRole('region', { name: 'Most confident mistakes' }).getByRole('listitem');
  await expect(mistakes.first()).toContainText(/FP32: grade \d/, { timeout: 60_000 }); // the gallery's FP32 run has finished
  expect((await memory()).numTensors).toBe(base.numTensors);
});

test('the reliability grid fills cell by cell, row by row', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?dataset=retinamnist&view=grid&backend=wasm&shipped=off');
  const grid = page.getByRole('table', { name: /Reliability grid, before temperature scaling/ });
  await expect(grid).toBeVisible();
  const fp32Row = grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'FP32' }) });
  const archs = (await grid.getByRole('columnheader').count()) - 1;
  // the line above the grid names the cell computing, in the order the cells fill
  await expect(page.getByText(/^Computing cell \d+ of \d+: (ShuffleNetV2|GhostNet|MobileOne)/)).toBeVisible({
    timeout: 60_000,
  });
  await expect(fp32Row.getByRole('figure')).toHaveCount(archs, { timeout: 200_000 });
  await expect(grid.getByRole('figure', { name: /MobileOne-S0 \(reduced\), W8\/A8/ })).toBeVisible({
    timeout: 200_000,
  });
  await page.screenshot(shot('grid'));
  await page.getByLabel('Diagrams').selectOption('after');
  await expect(page.getByRole('table', { name: /after temperature scaling/ })).toBeVisible();
  await expect(page).toHaveURL(/view=grid.*scaling=after|scaling=after.*view=grid/);
  await page.getByLabel('View').selectOption('scatter'); // every computed run, from the cache
  await expect(
    page.getByRole('figure', {
      name: /^Before temperature scaling: .*MobileOne-S0 \(reduced\) FP32 trial 1: error/,
    }),
  ).toBeVisible();
  await expect(page.getByRole('figure', { name: /^After temperature scaling: / })).toBeVisible();
  const scatter = page.getByRole('figure', { name: /^After temperature scaling: / });
  const { text: legend } = await parseSvg(
    page,
    await downloaded(page, () => scatter.getByRole('button', { name: 'SVG' }).click()),
  );
  for (const key of ['MobileOne-S0 (reduced)', 'FP32', 'W8/A8']) expect(legend).toContain(key); // both keys travel with the figure
  await scatter.focus();
  await page.keyboard.press('ArrowRight'); // the first run's figures, from the keyboard
  await expect(scatter.getByRole('tooltip')).toContainText(/trial \d+top-1 error \d+\.\d\d%, ECE \d+\.\d\d%/);
  await page.screenshot(shot('scatter'));
});

test('the compare view shows two runs side by side', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(
    '/?dataset=retinamnist&view=compare&arch=mobileone_s0&precision=fp32&arch2=mobileone_s0&precision2=w4a4&backend=wasm&shipped=off',
  );
  const a = page.getByRole('region', { name: /Run A: MobileOne-S0 \(reduced\) FP32/ });
  const b = page.getByRole('region', { name: /Run B: MobileOne-S0 \(reduced\) W4\/A4/ });
  await expect(a).toBeVisible({ timeout: 200_000 });
  await expect(b).toBeVisible({ timeout: 200_000 });
  await expect(a.getByRole('table')).not.toContainText('calibrated on');
  await expect(b.getByRole('table')).toContainText('calibrated on 1024 images (seed 1000)');
  const errorOf = async (run: typeof a) =>
    parseFloat(
      await run.getByRole('row').filter({ hasText: 'top-1 error' }).getByRole('cell').first().innerText(),
    );
  const delta = page
    .getByRole('region', { name: 'Difference B minus A' })
    .getByRole('row')
    .filter({ hasText: 'top-1 error' });
  const want = (await errorOf(b)) - (await errorOf(a));
  await expect(delta).toContainText(`${want < 0 ? '\u2212' : '+'}${Math.abs(want).toFixed(2)} pp`);
  await page.screenshot(shot('compare'));
});

test('a crashed worker is reported, restarted, and the lab carries on', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off');
  await expect(metrics(page)).toBeVisible({ timeout: 200_000 });
  await page.evaluate(() =>
    (window as Window & { qcalInjectWorkerCrash?: () => void }).qcalInjectWorkerCrash!(),
  );
  await expect(page.getByRole('alert')).toContainText(/The lab worker stopped .*it was restarted/);
  await expect(page.getByRole('status', { name: 'backend' })).toContainText('Running on wasm');
  await page.getByLabel('Precision').selectOption('w8a8'); // a fresh run on the new worker
  await expect(metrics(page)).toContainText('calibrated on 1024 images', { timeout: 200_000 });
  await expect(
    page.getByRole('status').filter({ hasText: /The lab worker stopped \(.*injected crash/ }),
  ).toBeVisible(); // still said
});

test('Cancel says so and offers to run again; leaving the single view mid-run stops its run', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=w4a4&backend=wasm&shipped=off');
  const calibrating = page.getByText(/^Calibrating: [1-9]/);
  await expect(calibrating).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('cancelled')).toHaveText(/^Cancelled\./);
  await expect(page.locator('p.progress')).toHaveCount(0);
  await page.getByRole('button', { name: 'Run again' }).click();
  await expect(calibrating).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('View').selectOption('scatter');
  await expect(page.getByText('No runs computed for retinamnist yet')).toBeVisible();
  await page.waitForTimeout(2_000); // no progress of the abandoned run comes back
  await expect(page.locator('p.progress')).toHaveCount(0);
});
