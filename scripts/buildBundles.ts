// Builds the lab's built-in dataset bundles under public/data/ from ../shared/data.
//   npm run bundles [-- --shared ../shared/data] [--out public/data]
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Dataset, Split } from '../src/core/data/dataset';
import { subset } from '../src/core/data/dataset';
import { importMedmnist } from '../src/core/data/importers';
import { writeBundleDir } from './bundleFiles';

const ROOT = resolve(import.meta.dirname, '..');
const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
const image = { height: 32, width: 32, channels: 3 as const };

async function readRaw(dir: string, images: string, labels: string): Promise<Split> {
  const im = new Uint8Array(await readFile(join(dir, images)));
  const lb = new Uint8Array(await readFile(join(dir, labels)));
  return { images: im, labels: lb, count: lb.length };
}

/** CIFAR-10: the split indices come from training/splits/cifar10.json, the file training reads too. */
async function cifar10(shared: string): Promise<Dataset> {
  const dir = join(shared, 'cifar10');
  const sp = JSON.parse(await readFile(join(ROOT, 'training/splits/cifar10.json'), 'utf8')) as {
    val: number[];
    pool: number[];
  };
  const train = await readRaw(dir, 'train-images.u8', 'train-labels.u8');
  return {
    name: 'cifar10',
    title: 'CIFAR-10',
    classes: CIFAR10_CLASSES,
    image,
    splits: {
      pool: subset(train, sp.pool, image),
      val: subset(train, sp.val, image),
      test: await readRaw(dir, 'test-jpeg-images.u8', 'test-labels.u8'),
      'test-lossless': await readRaw(dir, 'test-images.u8', 'test-labels.u8'),
    },
    poolSplit: 'pool',
    valSplit: 'val',
    testSplits: ['test', 'test-lossless'],
    source:
      'CIFAR-10, training images decoded from JPEG q75; test: the JPEG q75 round trip (default, matches training) and the lossless originals',
    license: 'CIFAR-10 (Krizhevsky 2009, Learning Multiple Layers of Features from Tiny Images)',
  };
}

async function medmnist(shared: string, name: string, title: string): Promise<Dataset> {
  const file = join(shared, name, `${name}.npz`);
  return {
    ...(await importMedmnist(new Uint8Array(await readFile(file)), file)),
    title,
    source: `MedMNIST v2 ${name}.npz (official)`,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      shared: { type: 'string', default: join(ROOT, '..', 'shared', 'data') },
      out: { type: 'string', default: join(ROOT, 'public/data') },
    },
  });
  const shared = resolve(values.shared!);
  const builders: [string, () => Promise<Dataset>][] = [
    ['cifar10', () => cifar10(shared)],
    ['pneumoniamnist', () => medmnist(shared, 'pneumoniamnist', 'PneumoniaMNIST')],
    ['retinamnist', () => medmnist(shared, 'retinamnist', 'RetinaMNIST')],
  ];
  for (const [name, build] of builders) {
    const files = await writeBundleDir(await build(), join(resolve(values.out!), name));
    const bytes = [...files.values()].reduce((n, f) => n + f.length, 0);
    console.log(`${name}: ${files.size} files, ${(bytes / 1e6).toFixed(2)} MB`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
