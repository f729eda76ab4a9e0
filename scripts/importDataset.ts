// Turns official dataset files into a lab bundle.
//   npm run import -- <cifar-100-binary.tar.gz | cifar-10-binary.tar.gz | pathmnist.npz> [--out DIR]
//     [--name NAME] [--classes a,b,c] [--seed N] [--force]
// Writes public/data/<name> unless --out says where; never replaces an existing folder without --force.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importDataset } from '../src/core/data/importers';
import { DATASETS } from '../src/core/experiment/settings';
import { writeBundleDir } from './bundleFiles';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE =
  'usage: npm run import -- FILE [--out DIR] [--name NAME] [--classes a,b,c] [--seed N] [--force]';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      name: { type: 'string' },
      classes: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error(USAGE);
  const file = positionals[0];
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be an integer, got ${values.seed}`);
  const classes = values.classes?.split(',').map((s) => s.trim());
  if (classes && classes.some((c) => c === ''))
    throw new Error(`--classes needs a name for every class, comma-separated; got "${values.classes}"`);
  if (values.out !== undefined) refuseExisting(resolve(values.out), values.force!); // before the work of reading the file
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const ds = await importDataset(bytes, basename(file), {
    name: values.name,
    classes,
    seed,
    notice: (m) => console.error(`notice: ${m}`),
  });
  const out = resolve(values.out ?? join(ROOT, 'public/data', ds.name));
  refuseExisting(out, values.force!);
  await writeBundleDir(ds, out);
  const counts = Object.entries(ds.splits)
    .map(([k, s]) => `${k} ${s.count}`)
    .join(', ');
  console.log(
    `wrote ${out}: ${ds.name}, ${ds.classes.length} classes, ${ds.image.height}x${ds.image.width}x${ds.image.channels}, ${counts}`,
  );
}

/** An existing folder (a shipped bundle, an earlier import) is replaced only when the user says so. */
function refuseExisting(out: string, force: boolean): void {
  if (force || !existsSync(out)) return;
  const shipped = DATASETS.some((d) => join(ROOT, 'public/data', d) === out);
  throw new Error(
    `${out} already exists${shipped ? ' (a bundle the lab ships)' : ''}; ` +
      'pass --force to replace it, or choose another folder with --out DIR or another name with --name NAME',
  );
}

main().catch((e) => {
  console.error(`import failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
