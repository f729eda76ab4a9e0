// Turns official dataset files into a lab bundle.
//   npm run import -- <cifar-100-binary.tar.gz | cifar-10-binary.tar.gz | pathmnist.npz> [--out DIR]
//     [--name NAME] [--classes a,b,c] [--seed N]
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importDataset } from '../src/core/data/importers';
import { writeBundleDir } from './bundleFiles';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, name: { type: 'string' }, classes: { type: 'string' }, seed: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error('usage: npm run import -- FILE [--out DIR] [--name NAME] [--classes a,b,c] [--seed N]');
  const file = positionals[0];
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const ds = await importDataset(new Uint8Array(await readFile(file)), basename(file), {
    name: values.name, classes: values.classes?.split(',').map((s) => s.trim()), seed,
  });
  const out = resolve(values.out ?? join('public/data', ds.name));
  await writeBundleDir(ds, out);
  const counts = Object.entries(ds.splits).map(([k, s]) => `${k} ${s.count}`).join(', ');
  console.log(`wrote ${out}: ${ds.classes.length} classes, ${ds.image.height}x${ds.image.width}x${ds.image.channels}, ${counts}`);
}

main().catch((e) => {
  console.error(`import failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
