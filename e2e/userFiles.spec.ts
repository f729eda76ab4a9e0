// Bring your own files in the page: damaged files are refused and change nothing; a bundle and a model
// picked from files run like shipped ones (here a renamed copy of RetinaMNIST and its MobileOne, which
// must give the shipped pair's numbers).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from '../scripts/nodeTf';
import { expected, pct } from './expected';

const DATA = join(ROOT, 'public/data/retinamnist');
const MODEL = join(ROOT, 'public/models/retinamnist/mobileone_s0');

interface WeightRef {
  offset: number;
  shape: number[];
}
const payload = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const renamed = (file: string, patch: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));

const bundle = () =>
  readdirSync(DATA).map((f) =>
    payload(
      f,
      f === 'manifest.json'
        ? renamed(join(DATA, f), { name: 'myretina', title: 'My RetinaMNIST' })
        : readFileSync(join(DATA, f)),
    ),
  );
const model = (weights = readFileSync(join(MODEL, 'weights.bin'))) => [
  payload('model.json', renamed(join(MODEL, 'model.json'), { dataset: 'myretina' })),
  payload('weights.bin', weights),
];

test('files the user brings are checked, refused with the reason when damaged, and run like shipped ones', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const want = await expected('fp32');
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off');
  const datasets = page.getByRole('combobox', { name: 'Dataset' });
  await expect(datasets.getByRole('option')).toHaveCount(3);

  const weights = readFileSync(join(MODEL, 'weights.bin'));
  await page.getByLabel('Model files').setInputFiles(model(weights.subarray(0, 1000)));
  await expect(page.getByTestId('user-model-status')).toContainText(
    /Not loaded: weights file has 1000 bytes, model.json says \d+ \(truncated or wrong file\)/,
  );
  await page.getByLabel('Bundle files').setInputFiles(bundle().filter((f) => f.name !== 'test.0.paeth-gzip'));
  await expect(page.getByTestId('user-bundle-status')).toContainText(
    'Not loaded: test.0.paeth-gzip is missing',
  );
  await expect(datasets.getByRole('option')).toHaveCount(3); // nothing changed
  await expect(datasets).toHaveValue('retinamnist');

  await page.getByLabel('Model files').setInputFiles(model());
  await expect(page.getByTestId('user-model-status')).toContainText(
    'Loaded a mobileone_s0 model for myretina',
  );
  await page.getByLabel('Bundle files').setInputFiles(bundle());
  await expect(page.getByTestId('user-bundle-status')).toContainText(
    'Loaded My RetinaMNIST (myretina): 1,600 images in 3 splits, 5 classes.',
  );
  await expect(datasets).toHaveValue('myretina');
  await expect(page.getByRole('heading', { name: 'My RetinaMNIST' })).toBeVisible();
  const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
  await expect(metrics).toBeVisible({ timeout: 120_000 });
  const row = (name: string) =>
    metrics.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row('top-1 error')).toContainText(pct(want.before.error));
  await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(want.before.ece));
  await expect(metrics).toContainText(`T = ${want.temperature.temperature.toFixed(4)}`);
  await expect(
    page.getByRole('region', { name: 'Most confident mistakes' }).getByRole('listitem'),
  ).toHaveCount(12); // the gallery reads the user's test split
  await page.screenshot({ path: 'test-results/screenshots/user-files.png', fullPage: true });
  // a restarted worker is handed the user's files again: a fresh W8/A8 run there reads them
  await page.evaluate(() =>
    (window as Window & { qcalInjectWorkerCrash?: () => void }).qcalInjectWorkerCrash!(),
  );
  await expect(page.getByRole('alert')).toContainText(/The lab worker stopped .*it was restarted/);
  await expect(page.getByRole('status', { name: 'backend' })).toContainText('Running on wasm');
  await page.getByLabel('Precision').selectOption('w8a8');
  await expect(metrics).toContainText('calibrated on 1024 images', { timeout: 120_000 });
});

test('a model of an architecture the lab does not ship gets its own dropdown entry, grid column and scatter colour', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const want = await expected('fp32');
  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off');
  const archs = page.getByRole('combobox', { name: 'Architecture' });
  await expect(archs.getByRole('option')).toHaveCount(3);
  const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
  await expect(metrics).toContainText(pct(want.before.error), { timeout: 120_000 }); // the shipped model's FP32 run, cached
  // the shipped MobileOne under a name of its own, its logits doubled (so other weights, a hash of their own
  // and an overconfident model): the same top-1 error, another ECE
  const doc = JSON.parse(readFileSync(join(MODEL, 'model.json'), 'utf8')) as {
    nodes: { op: string; weight?: WeightRef; bias?: WeightRef }[];
    weights: { sha256: string };
  };
  const weights = new Float32Array(new Uint8Array(readFileSync(join(MODEL, 'weights.bin'))).buffer);
  const dense = doc.nodes.find((n) => n.op === 'dense')!;
  for (const ref of [dense.weight!, dense.bias!])
    weights
      .subarray(ref.offset / 4, ref.offset / 4 + ref.shape.reduce((a, b) => a * b))
      .forEach((v, i, a) => (a[i] = 2 * v));
  const bytes = Buffer.from(weights.buffer);
  const myModel = {
    ...doc,
    arch: 'my_net',
    weights: { ...doc.weights, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
  await page
    .getByLabel('Model files')
    .setInputFiles([
      payload('model.json', Buffer.from(JSON.stringify(myModel))),
      payload('weights.bin', bytes),
    ]);
  await expect(page.getByTestId('user-model-status')).toContainText('Loaded a my_net model for retinamnist');
  await expect(archs.getByRole('option')).toHaveText([
    'ShuffleNetV2 1.0x',
    'GhostNet-VGG',
    'MobileOne-S0 (reduced)',
    'my_net',
  ]);
  await archs.selectOption('my_net');
  await expect(page).toHaveURL(/arch=my_net/);
  const row = (name: string) =>
    metrics.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row('ECE (95% bootstrap interval)')).not.toContainText(pct(want.before.ece), {
    timeout: 120_000,
  });
  await expect(row('top-1 error')).toContainText(pct(want.before.error));

  await page.getByLabel('View').selectOption('grid');
  const grid = page.getByRole('table', { name: /Reliability grid/ });
  await expect(grid.getByRole('columnheader')).toHaveText([
    'precision',
    'ShuffleNetV2 1.0x',
    'GhostNet-VGG',
    'MobileOne-S0 (reduced)',
    'my_net',
  ]);
  await page.getByLabel('View').selectOption('scatter'); // both FP32 runs, from the cache
  const scatter = page.getByRole('figure', {
    name: /^Before temperature scaling: .*MobileOne-S0 \(reduced\) FP32 trial 1: .*my_net FP32 trial 1: /,
  });
  await expect(scatter).toBeVisible();
  const fill = (label: string) =>
    scatter
      .locator('svg g', { has: page.locator(`text="${label}"`) })
      .last()
      .locator('path')
      .getAttribute('fill');
  const [mine, shipped] = [await fill('my_net'), await fill('MobileOne-S0 (reduced)')];
  expect(mine).toMatch(/^#[0-9a-f]{6}$/);
  expect(mine).not.toBe(shipped);
  await page.screenshot({ path: 'test-results/screenshots/user-architecture.png', fullPage: true });
});
