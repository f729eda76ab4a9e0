// Your own data, end to end, outside public/data: an official-format MedMNIST .npz (a small grey
// BreastMNIST-layout set that training/reference/make_fixtures.py writes) imported with the CLI into a temporary
// folder, a MobileOne trained on it for a few epochs, exported, swept, then bundle and model picked in
// the page, which must show the sweep's numbers for the same runs. Its pool of 320 images is smaller
// than a trial's 1,024 calibration images: the CLI and the page both say it is drawn with replacement.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from '../scripts/nodeTf';
import type { SweepRecord } from '../src/core/experiment/summary';
import { pct } from './expected';

const PY = '/usr/bin/python3';
const FIXTURE = join(ROOT, 'golden/out/fixtures/breastmnist.npz');
let tmp = '';
test.beforeAll(() => void (tmp = mkdtempSync(join(tmpdir(), 'qcal-byo-'))));
test.afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A command's exit status and output; a non-zero status is not an exception here. */
function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const node = (script: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args]);
const ok = (r: { status: number | null; out: string }) => {
  expect(r.status, r.out).toBe(0);
  return r.out;
};
const files = (dir: string) =>
  readdirSync(dir).map((name) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(dir, name)),
  }));

test("an imported MedMNIST file trains, exports, sweeps and runs in the page with the sweep's numbers", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const [bundle, model, sweep] = ['breast', 'model', 'sweep'].map((d) => join(tmp, d));
  if (!existsSync(FIXTURE))
    execFileSync(PY, [join(ROOT, 'training/reference/make_fixtures.py')], { cwd: ROOT });

  await test.step('import, refusing to replace the bundle without --force', () => {
    expect(ok(node('importDataset.ts', FIXTURE, '--out', bundle))).toContain(
      'breastmnist, 2 classes, 28x28x1, train 320, val 64, test 128',
    );
    const again = node('importDataset.ts', FIXTURE, '--out', bundle);
    expect(again.status).toBe(1);
    expect(again.out).toContain(`${bundle} already exists; pass --force to replace it`);
    ok(node('importDataset.ts', FIXTURE, '--out', bundle, '--force'));
  });
  await test.step('train a few epochs and export, from the bundle folder', () => {
    ok(
      run(PY, [
        join(ROOT, 'training/train.py'),
        '--dataset',
        bundle,
        '--arch',
        'mobileone_s0',
        '--epochs',
        '5',
        '--ckpt',
        join(tmp, 'ckpt'),
        '--out',
        join(tmp, 'runs'),
      ]),
    );
    ok(run(PY, [join(ROOT, 'training/export.py'), join(tmp, 'runs/breast-mobileone_s0'), model]));
  });
  let runs: SweepRecord[] = [];
  await test.step('sweep the model on the bundle', () => {
    const out = ok(
      node(
        'sweep.ts',
        '--models',
        model,
        '--data',
        bundle,
        '--precisions',
        'fp32,w8a8',
        '--trials',
        '1',
        '--out',
        sweep,
      ),
    );
    expect(out).toContain('notice: breastmnist');
    expect(out).toContain(
      'the calibration pool holds 320 images, fewer than the 1,024 a trial calibrates on, so each trial draws its 1,024 with replacement',
    );
    runs = JSON.parse(readFileSync(join(sweep, 'sweep.json'), 'utf8')).results;
    expect(runs.map((r) => r.calibration)).toEqual([null, { seed: 1000, images: 1024, pool: 320 }]);
  });

  await page.goto('/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off');
  const datasets = page.getByRole('combobox', { name: 'Dataset' });
  await expect(datasets.getByRole('option')).toHaveCount(3);
  await page.getByLabel('Model files').setInputFiles(files(model).filter((f) => f.name !== 'log.json'));
  await expect(page.getByTestId('user-model-status')).toContainText(
    'Loaded a mobileone_s0 model for breastmnist',
  );
  await page.getByLabel('Bundle files').setInputFiles(files(bundle));
  await expect(page.getByTestId('user-bundle-status')).toContainText(
    'Loaded breastmnist (MedMNIST v2) (breastmnist): 512 images in 3 splits, 2 classes.',
  );
  await expect(datasets.getByRole('option')).toHaveCount(4);
  await expect(datasets).toHaveValue('breastmnist');

  const metrics = page.getByRole('table').filter({ hasText: 'before scaling' });
  const row = (name: string) =>
    metrics.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  for (const [precision, r] of [
    ['fp32', runs[0]],
    ['w8a8', runs[1]],
  ] as const) {
    await page.getByLabel('Precision').selectOption(precision);
    await expect(metrics).toContainText(`T = ${r.temperature.temperature.toFixed(4)}`, { timeout: 60_000 });
    await expect(metrics).toContainText('Test set (128 images)');
    await expect(row('top-1 error')).toContainText(pct(r.before.error));
    await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(r.before.ece));
    await expect(row('ECE (95% bootstrap interval)')).toContainText(pct(r.after.ece));
  }
  await expect(metrics).toContainText(
    'calibrated on 1024 images drawn with replacement from a pool of 320 (seed 1000)',
  );
  await expect(page.getByTestId('calibration-note')).toContainText(
    'the calibration pool holds 320 images, fewer than the 1,024 a trial calibrates on',
  );
  await page.screenshot({ path: 'test-results/screenshots/byo-data.png', fullPage: true });
});
