import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The tests that compare with numpy and PyTorch read golden/out/, which `npm run goldens` writes.
const GOLDENS = [
  'calibration.json',
  'observers.json',
  'models',
  'ptq',
  'ptq-exact',
  'sqnr',
  'int8',
  'fixtures',
  'pathmnist-bundle',
];
const missing = GOLDENS.filter((f) => !existsSync(new URL(`golden/out/${f}`, import.meta.url)));
if (missing.length > 0 && !process.env.QCAL_QUICK) {
  console.warn(
    `\ngolden/out/ lacks ${missing.join(', ')}: the tests against numpy and PyTorch will fail. ` +
      "Run `npm run goldens` first (Debian's python3-torch), or `npm test`, which writes them.\n",
  );
}

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
// `npm run test:quick` (QCAL_QUICK=1): only the unit tests that read no golden file.
const needsGoldens = () =>
  ['src', 'scripts'].flatMap(testFiles).filter((f) => readFileSync(f, 'utf8').includes('golden'));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', ...(process.env.QCAL_QUICK ? needsGoldens() : [])],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
