// Importers against files written by Python's tarfile and numpy (training/reference/make_fixtures.py) and
// the real MedMNIST npz files; bundles round-trip; bad files are refused with the file and the cause.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeBundle, readBundle } from './bundle';
import { importCifar, importDataset, importMedmnist, medmnistSet } from './importers';
import type { Dataset } from './dataset';

const FIX = new URL('../../../golden/out/fixtures/', import.meta.url);
const SHARED = new URL('../../../../shared/data/', import.meta.url);
if (!existsSync(new URL('expected.json', FIX)))
  throw new Error('fixtures missing: run /usr/bin/python3 training/reference/make_fixtures.py');
const expected = JSON.parse(readFileSync(new URL('expected.json', FIX), 'utf8'));
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIX)));
const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
// vitest's deep equality walks typed arrays element by element (seconds for megabytes)
const sameBytes = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(a, b), 'bytes differ').toBe(0);

async function roundTrip(ds: Dataset): Promise<Dataset> {
  const files = await encodeBundle(ds);
  return readBundle(async (p) => {
    const f = files.get(p);
    if (!f) throw new Error(`no ${p}`);
    return f;
  });
}

describe('CIFAR binary archives', () => {
  it('should read CIFAR-10 records (label byte, then CHW) into HWC images with a seeded 10% validation hold-out', async () => {
    const ds = await importCifar(fixture('cifar-10-binary.tar.gz'), 'cifar-10-binary.tar.gz');
    expect(ds.classes).toEqual(Array.from({ length: 10 }, (_, i) => `c10_${i}`));
    expect(ds.splits.train.count + ds.splits.val.count).toBe(200);
    expect(ds.splits.val.count).toBe(20);
    const test = expected.cifar10['test_batch.bin'];
    expect([...ds.splits.test.labels]).toEqual(test.labels);
    expect(sum(ds.splits.test.images)).toBe(test.hwc_sum);
    expect([...ds.splits.test.images.subarray(0, 6)]).toEqual([
      ...test.first_pixel_rgb,
      ...test.pixel_0_1_rgb,
    ]);
    const trainSum = [1, 2, 3, 4, 5].reduce((s, i) => s + expected.cifar10[`data_batch_${i}.bin`].hwc_sum, 0);
    expect(sum(ds.splits.train.images) + sum(ds.splits.val.images)).toBe(trainSum);
    const again = await importCifar(fixture('cifar-10-binary.tar.gz'), 'x.tar.gz');
    sameBytes(again.splits.val.labels, ds.splits.val.labels); // seeded: the same hold-out every time
  });
  it('should take the fine label of CIFAR-100 records and keep every class in the validation split', async () => {
    const ds = await importDataset(fixture('cifar-100-binary.tar.gz'), 'cifar-100-binary.tar.gz');
    expect(ds.name).toBe('cifar100');
    expect(ds.classes).toHaveLength(100);
    expect([...ds.splits.test.labels]).toEqual(expected.cifar100['test.bin'].labels);
    expect(new Set(ds.splits.val.labels).size).toBe(100);
    const back = await roundTrip(ds);
    sameBytes(back.splits.test.images, ds.splits.test.images);
  });
});

describe('MedMNIST npz', () => {
  it('should read a PathMNIST-layout npz with its 9 class names', async () => {
    const ds = await importMedmnist(fixture('pathmnist.npz'), 'pathmnist.npz');
    expect(ds.classes).toHaveLength(9);
    expect(ds.classes[8]).toBe('colorectal adenocarcinoma epithelium');
    expect(ds.image).toEqual({ height: 28, width: 28, channels: 3 });
    for (const s of ['train', 'val', 'test']) {
      expect(ds.splits[s].count).toBe(expected.pathmnist[s].count);
      expect(sum(ds.splits[s].images)).toBe(expected.pathmnist[s].sum);
    }
  });
  it('should read a grey BreastMNIST-layout npz with its 2 class names, and know MedMNIST+ file names', async () => {
    const notices: string[] = [];
    const ds = await importMedmnist(fixture('breastmnist.npz'), 'breastmnist.npz', {
      notice: (m) => notices.push(m),
    });
    expect(ds.classes).toEqual(['malignant', 'normal, benign']);
    expect(ds.image).toEqual({ height: 28, width: 28, channels: 1 });
    for (const s of ['train', 'val', 'test'])
      expect(sum(ds.splits[s].images)).toBe(expected.breastmnist[s].sum);
    expect(notices).toEqual([]);
    expect(medmnistSet('pathmnist_64')).toBe('pathmnist');
    expect(medmnistSet('mystery')).toBeUndefined();
  });
  it('should say so when it names the classes by number, counting them from the labels', async () => {
    const notices: string[] = [];
    const ds = await importMedmnist(fixture('bad-stray-label.npz'), 'mystery.npz', {
      notice: (m) => notices.push(m),
    });
    expect(ds.classes).toEqual(['class 0', 'class 1', 'class 2']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^mystery.npz: "mystery" is not a MedMNIST set .* 3 classes are counted from the largest label \(2\) .*2: 1\); pass --classes/,
    );
  });
  for (const [name, counts, channels] of [
    ['pneumoniamnist', [4708, 524, 624], 1],
    ['retinamnist', [1080, 120, 400], 3],
  ] as const) {
    it(`should import the real ${name}.npz and round-trip it through a bundle`, async () => {
      const ds = await importMedmnist(
        new Uint8Array(readFileSync(new URL(`${name}/${name}.npz`, SHARED))),
        `${name}.npz`,
      );
      expect([ds.splits.train.count, ds.splits.val.count, ds.splits.test.count]).toEqual(counts);
      expect(ds.image.channels).toBe(channels);
      const back = await roundTrip(ds);
      sameBytes(back.splits.train.images, ds.splits.train.images);
      sameBytes(back.splits.test.labels, ds.splits.test.labels);
    });
  }
});

describe('bad files are refused with a clear error', () => {
  const npz = fixture('pathmnist.npz');
  const tgz = fixture('cifar-10-binary.tar.gz');
  it('should refuse a truncated npz or tar.gz, naming the file', async () => {
    await expect(importDataset(npz.subarray(0, npz.length - 100), 'pathmnist.npz')).rejects.toThrow(
      /^pathmnist.npz: .*truncated/,
    );
    await expect(importDataset(npz.subarray(0, npz.length / 2), 'pathmnist.npz')).rejects.toThrow(
      /^pathmnist.npz: .*truncated/,
    );
    await expect(importDataset(tgz.subarray(0, tgz.length / 2), 'c.tar.gz')).rejects.toThrow(
      /^c.tar.gz: .*corrupt or truncated/,
    );
  });
  it('should refuse an empty file and a file of another format', async () => {
    await expect(importDataset(new Uint8Array(0), 'x.npz')).rejects.toThrow(
      /^x.npz: the file is empty \(0 bytes\)/,
    );
    await expect(importDataset(new TextEncoder().encode('hello'), 'x.bin')).rejects.toThrow(
      /^x.bin: unknown format/,
    );
  });
  it('should refuse images that are not uint8 and labels that are not integers, listing what works', async () => {
    await expect(importDataset(fixture('bad-float-images.npz'), 'b.npz')).rejects.toThrow(
      /^b.npz: val_images has dtype <f4; images must be uint8 \(\|u1\)/,
    );
    await expect(importDataset(fixture('bad-float-labels.npz'), 'b.npz')).rejects.toThrow(
      'b.npz: test_labels: dtype <f4 is not supported; integer dtypes only (|u1, |i1, <u2, <i2, <u4, <i4, <u8, <i8), values 0..255',
    );
  });
  it('should refuse a stray label past the classes of a known MedMNIST set or of --classes, naming file, split and label', async () => {
    const stray = fixture('bad-stray-label.npz');
    await expect(importMedmnist(stray, 'breastmnist.npz')).rejects.toThrow(
      /^breastmnist.npz: train_labels holds label 2 \(image 7\), out of range for the 2 classes of MedMNIST's breastmnist \(0..1: malignant, normal, benign\)/,
    );
    await expect(importMedmnist(stray, 'mine.npz', { classes: ['a', 'b'] })).rejects.toThrow(
      /^mine.npz: train_labels holds label 2 \(image 7\), out of range for the 2 classes of --classes/,
    );
  });
  it('should refuse an npz without the MedMNIST keys', async () => {
    // a zip holding one stored entry named other.npy (crc and sizes consistent)
    const { crc32 } = await import('../util/bytes');
    const name = new TextEncoder().encode('other.npy');
    const data = new Uint8Array([1, 2, 3]);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint32(14, crc32(data), true);
    lv.setUint32(18, 3, true);
    lv.setUint32(22, 3, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint32(16, crc32(data), true);
    cv.setUint32(20, 3, true);
    cv.setUint32(24, 3, true);
    cv.setUint16(28, name.length, true);
    central.set(name, 46);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, 1, true);
    ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true);
    ev.setUint32(16, local.length + 3, true);
    const zip = new Uint8Array([...local, ...data, ...central, ...end]);
    await expect(importDataset(zip, 'x.npz')).rejects.toThrow(/key train_images missing/);
  });
  it('should refuse labels out of range and mismatched counts', async () => {
    await expect(importMedmnist(npz, 'pathmnist.npz', { classes: ['a', 'b'] })).rejects.toThrow(
      /train_labels holds label 2 \(image 2\), out of range for the 2 classes/,
    );
    const bytes = tgz.slice();
    await expect(importCifar(bytes, 'c.tar.gz', { classes: ['only', 'two'] })).rejects.toThrow(
      /out of range 0..1/,
    );
  });
  it('should refuse a bundle whose shard was truncated or altered', async () => {
    const ds = await importMedmnist(npz, 'pathmnist.npz');
    const files = await encodeBundle(ds);
    const f = (over: Record<string, Uint8Array>) => async (p: string) => over[p] ?? files.get(p)!;
    const shard = files.get('train.0.paeth-gzip')!;
    await expect(readBundle(f({ 'train.0.paeth-gzip': shard.subarray(0, 10) }))).rejects.toThrow(
      /truncated or replaced/,
    );
    const flipped = shard.slice();
    flipped[20] ^= 1;
    await expect(readBundle(f({ 'train.0.paeth-gzip': flipped }))).rejects.toThrow(/sha256/);
    await expect(
      readBundle(f({ 'manifest.json': new TextEncoder().encode('{"format":"x"}') })),
    ).rejects.toThrow(/not a qcal-bundle manifest/);
  });
});
