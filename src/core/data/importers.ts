// Turn the official distribution files that users bring into Datasets (then bundles):
// cifar-10-binary.tar.gz, cifar-100-binary.tar.gz, and MedMNIST v2 .npz files.
import { check, InputError } from '../errors';
import { concatBytes, decompress } from '../util/bytes';
import { createRng, permutation } from '../util/random';
import { type Dataset, type Split, subset, validateDataset } from './dataset';
import { npyToUint8, parseNpy } from './npy';
import { readTar } from './tar';
import { readZip } from './zip';

// The single-label 2D sets of MedMNIST v2, with the class names of its INFO table (chestmnist is multi-label).
const ORGANS = [
  'bladder',
  'femur-left',
  'femur-right',
  'heart',
  'kidney-left',
  'kidney-right',
  'liver',
  'lung-left',
  'lung-right',
  'pancreas',
  'spleen',
];
export const MEDMNIST_CLASSES: Record<string, string[]> = {
  pathmnist: [
    'adipose',
    'background',
    'debris',
    'lymphocytes',
    'mucus',
    'smooth muscle',
    'normal colon mucosa',
    'cancer-associated stroma',
    'colorectal adenocarcinoma epithelium',
  ],
  pneumoniamnist: ['normal', 'pneumonia'],
  retinamnist: ['grade 0', 'grade 1', 'grade 2', 'grade 3', 'grade 4'],
  bloodmnist: [
    'basophil',
    'eosinophil',
    'erythroblast',
    'immature granulocytes',
    'lymphocyte',
    'monocyte',
    'neutrophil',
    'platelet',
  ],
  breastmnist: ['malignant', 'normal, benign'],
  octmnist: ['choroidal neovascularization', 'diabetic macular edema', 'drusen', 'normal'],
  dermamnist: [
    'actinic keratoses and intraepithelial carcinoma',
    'basal cell carcinoma',
    'benign keratosis-like lesions',
    'dermatofibroma',
    'melanoma',
    'melanocytic nevi',
    'vascular lesions',
  ],
  tissuemnist: [
    'Collecting Duct, Connecting Tubule',
    'Distal Convoluted Tubule',
    'Glomerular endothelial cells',
    'Interstitial endothelial cells',
    'Leukocytes',
    'Podocytes',
    'Proximal Tubule Segments',
    'Thick Ascending Limb',
  ],
  organamnist: ORGANS,
  organcmnist: ORGANS,
  organsmnist: ORGANS,
};

const MEDMNIST_LICENSE = 'MedMNIST v2, CC BY 4.0; cite Yang et al., Scientific Data 10:41 (2023)';
const CIFAR_LICENSE = 'CIFAR (Krizhevsky 2009, Learning Multiple Layers of Features from Tiny Images)';

export interface ImportOptions {
  name?: string;
  classes?: string[];
  /** Seed of the validation hold-out for CIFAR archives. */
  seed?: number;
  /** Hears what the importer decided for the user that they did not ask for (numbered classes). */
  notice?: (message: string) => void;
}

/** The MedMNIST set a file name stands for: pathmnist.npz, or pathmnist_64.npz (MedMNIST+ sizes). */
export const medmnistSet = (base: string): string | undefined => {
  const set = base.replace(/_(28|64|128|224)$/, '');
  return set in MEDMNIST_CLASSES ? set : undefined;
};

/** MedMNIST v2 npz: keys {train,val,test}_{images,labels}; grey (N,H,W) or RGB (N,H,W,3). */
export async function importMedmnist(
  npz: Uint8Array,
  fileName: string,
  opts: ImportOptions = {},
): Promise<Dataset> {
  const base = fileName
    .replace(/^.*[\\/]/, '')
    .replace(/\.npz$/i, '')
    .toLowerCase();
  let entries: Map<string, Uint8Array>;
  try {
    entries = await readZip(npz);
  } catch (e) {
    throw new InputError(`${fileName}: ${(e as Error).message}`);
  }
  const splits: Record<string, Split> = {};
  let shape: number[] | undefined;
  for (const s of ['train', 'val', 'test']) {
    for (const k of ['images', 'labels']) {
      check(
        entries.has(`${s}_${k}.npy`),
        `${fileName}: key ${s}_${k} missing; a MedMNIST npz holds ` +
          `train/val/test _images and _labels (found: ${[...entries.keys()].join(', ')})`,
      );
    }
    const im = parseNpy(entries.get(`${s}_images.npy`)!, `${fileName}: ${s}_images`);
    const lb = parseNpy(entries.get(`${s}_labels.npy`)!, `${fileName}: ${s}_labels`);
    check(
      im.dtype === '|u1',
      `${fileName}: ${s}_images has dtype ${im.dtype}; images must be uint8 (|u1), as MedMNIST stores them`,
    );
    check(
      im.shape.length === 3 || (im.shape.length === 4 && im.shape[3] === 3),
      `${fileName}: ${s}_images: expected shape (N, H, W) or (N, H, W, 3), got (${im.shape.join(', ')})`,
    );
    const hwc = im.shape.slice(1);
    check(
      !shape || hwc.join() === shape.join(),
      `${fileName}: ${s}_images: image shape (${hwc.join(', ')}) differs from train's`,
    );
    shape = hwc;
    check(
      lb.shape.length === 1 || (lb.shape.length === 2 && lb.shape[1] === 1),
      `${fileName}: ${s}_labels: expected one label per image (N, 1), got (${lb.shape.join(', ')}); multi-label sets are not supported`,
    );
    check(lb.shape[0] === im.shape[0], `${fileName}: ${s}: ${lb.shape[0]} labels for ${im.shape[0]} images`);
    splits[s] = { images: im.data, labels: npyToUint8(lb, `${fileName}: ${s}_labels`), count: im.shape[0] };
  }
  const classes = medmnistClasses(fileName, base, splits, opts);
  const ds: Dataset = {
    name: opts.name ?? base,
    title: `${base} (MedMNIST v2)`,
    classes,
    image: { height: shape![0], width: shape![1], channels: shape!.length === 3 ? 3 : 1 },
    splits,
    poolSplit: 'train',
    valSplit: 'val',
    testSplits: ['test'],
    source: fileName,
    license: MEDMNIST_LICENSE,
  };
  validateDataset(ds);
  return ds;
}

/**
 * The class names: --classes, else the MedMNIST set's, and a label outside them is an error (a stray
 * label must not become a class of its own); with neither, numbered classes up to the largest label
 * found, with a notice saying so.
 */
function medmnistClasses(
  fileName: string,
  base: string,
  splits: Record<string, Split>,
  opts: ImportOptions,
): string[] {
  const set = medmnistSet(base);
  const given = opts.classes ?? (set && MEDMNIST_CLASSES[set]);
  if (given) {
    const from = opts.classes ? '--classes' : `MedMNIST's ${set}`;
    for (const [s, { labels }] of Object.entries(splits)) {
      const i = labels.findIndex((l) => l >= given.length);
      check(
        i < 0,
        () =>
          `${fileName}: ${s}_labels holds label ${labels[i]} (image ${i}), out of range for the ${given.length} classes of ` +
          `${from} (0..${given.length - 1}: ${given.join(', ')}); fix the file, or pass --classes with a name for every label`,
      );
    }
    return given;
  }
  const perClass: number[] = [];
  for (const { labels } of Object.values(splits))
    for (const l of labels) perClass[l] = (perClass[l] ?? 0) + 1;
  const max = perClass.length - 1;
  const counts = Array.from(perClass, (n, c) => `${c}: ${n ?? 0}`).join(', '); // a stray label shows as a class of few images
  opts.notice?.(
    `${fileName}: "${base}" is not a MedMNIST set the importer knows (${Object.keys(MEDMNIST_CLASSES).join(', ')}), ` +
      `so its ${max + 1} classes are counted from the largest label (${max}) and named class 0..class ${max} ` +
      `(images per label, all splits: ${counts}); pass --classes a,b,... to name them and to refuse labels past them`,
  );
  return Array.from({ length: max + 1 }, (_, i) => `class ${i}`);
}

/** Holds out perClass images of every class, seeded; returns [rest, heldOut] index lists. */
export function holdOutPerClass(
  labels: Uint8Array,
  numClasses: number,
  perClass: number,
  seed: number,
): [number[], number[]] {
  const rng = createRng(seed);
  const held = new Set<number>();
  for (let c = 0; c < numClasses; c++) {
    const of = [...labels.keys()].filter((i) => labels[i] === c);
    check(of.length > perClass, `class ${c} has ${of.length} images, too few to hold out ${perClass}`);
    for (const j of permutation(of.length, rng).subarray(0, perClass)) held.add(of[j]);
  }
  const all = [...labels.keys()];
  return [all.filter((i) => !held.has(i)), all.filter((i) => held.has(i))];
}

interface CifarLayout {
  name: string;
  dir: string;
  train: string[];
  test: string;
  namesFile: string;
  labelBytes: number; // CIFAR-100 records carry the coarse label first, then the fine one
}

const CIFAR10: CifarLayout = {
  name: 'cifar10',
  dir: 'cifar-10-batches-bin',
  train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  test: 'test_batch.bin',
  namesFile: 'batches.meta.txt',
  labelBytes: 1,
};
const CIFAR100: CifarLayout = {
  name: 'cifar100',
  dir: 'cifar-100-binary',
  train: ['train.bin'],
  test: 'test.bin',
  namesFile: 'fine_label_names.txt',
  labelBytes: 2,
};

function cifarRecords(bin: Uint8Array, file: string, layout: CifarLayout, numClasses: number): Split {
  const rec = layout.labelBytes + 3072;
  check(
    bin.length > 0 && bin.length % rec === 0,
    `${file}: ${bin.length} bytes is not a whole number of ${rec}-byte records (truncated?)`,
  );
  const count = bin.length / rec;
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const r = i * rec;
    labels[i] = bin[r + layout.labelBytes - 1];
    check(
      labels[i] < numClasses,
      () => `${file}: label ${labels[i]} of record ${i} is out of range 0..${numClasses - 1}`,
    );
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) images[i * 3072 + p * 3 + c] = bin[r + layout.labelBytes + c * 1024 + p]; // CHW -> HWC
    }
  }
  return { images, labels, count };
}

/** cifar-10-binary.tar.gz or cifar-100-binary.tar.gz: 5,000 images (10% of train) held out for validation. */
export async function importCifar(
  tgz: Uint8Array,
  fileName: string,
  opts: ImportOptions = {},
): Promise<Dataset> {
  check(
    tgz[0] === 0x1f && tgz[1] === 0x8b,
    `${fileName}: not a gzip file (wrong magic); expected the official cifar-*-binary.tar.gz`,
  );
  let tar: Uint8Array;
  try {
    tar = await decompress(tgz, 'gzip');
  } catch (e) {
    throw new InputError(`${fileName}: gzip stream is corrupt or truncated (${(e as Error).message})`);
  }
  let files: Map<string, Uint8Array>;
  try {
    files = readTar(tar);
  } catch (e) {
    throw new InputError(`${fileName}: ${(e as Error).message}`);
  }
  const layout = [CIFAR10, CIFAR100].find((l) => files.has(`${l.dir}/${l.test}`));
  check(
    layout,
    `${fileName}: neither ${CIFAR10.dir}/ nor ${CIFAR100.dir}/ found; expected an official CIFAR binary archive`,
  );
  const namesText = files.get(`${layout.dir}/${layout.namesFile}`);
  const classes =
    opts.classes ??
    (namesText
      ? new TextDecoder()
          .decode(namesText)
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined);
  check(classes, `${fileName}: ${layout.namesFile} missing`);
  const read = (f: string) => {
    const bin = files.get(`${layout.dir}/${f}`);
    check(bin, `${fileName}: ${layout.dir}/${f} missing`);
    return cifarRecords(bin, `${fileName}: ${layout.dir}/${f}`, layout, classes.length);
  };
  const parts = layout.train.map(read);
  const full: Split = {
    images: concatBytes(parts.map((p) => p.images)),
    labels: concatBytes(parts.map((p) => p.labels)),
    count: parts.reduce((n, p) => n + p.count, 0),
  };
  const image = { height: 32, width: 32, channels: 3 as const };
  const [rest, held] = holdOutPerClass(
    full.labels,
    classes.length,
    Math.floor(full.count / 10 / classes.length),
    opts.seed ?? 0,
  );
  const ds: Dataset = {
    // never the built-in cifar10's name: an import must not overwrite the shipped bundle
    name: opts.name ?? (layout === CIFAR10 ? 'cifar10-imported' : layout.name),
    title: `${layout.name.toUpperCase()} (imported)`,
    classes,
    image,
    splits: { train: subset(full, rest, image), val: subset(full, held, image), test: read(layout.test) },
    poolSplit: 'train',
    valSplit: 'val',
    testSplits: ['test'],
    source: fileName,
    license: CIFAR_LICENSE,
  };
  validateDataset(ds);
  return ds;
}

/** Picks the importer from the file's magic bytes. */
export async function importDataset(
  bytes: Uint8Array,
  fileName: string,
  opts: ImportOptions = {},
): Promise<Dataset> {
  check(
    bytes.length > 0,
    `${fileName}: the file is empty (0 bytes); expected a MedMNIST .npz or an official cifar-10/100 binary .tar.gz`,
  );
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return importMedmnist(bytes, fileName, opts);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return importCifar(bytes, fileName, opts);
  throw new InputError(
    `${fileName}: unknown format; expected a MedMNIST .npz or an official cifar-10/100 binary .tar.gz`,
  );
}
