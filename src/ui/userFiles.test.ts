// Bring your own files: a copy of the shipped RetinaMNIST bundle and MobileOne model under another
// dataset name is accepted; damaged or incomplete picks are refused with the reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/nodeTf';
import { blobFetcher, readSplit } from '../core/data/bundle';
import { readUserBundle, readUserModel } from './userFiles';

const DATA = join(ROOT, 'public/data/retinamnist');
const MODEL = join(ROOT, 'public/models/retinamnist/mobileone_s0');

function renamed(json: Uint8Array, patch: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    JSON.stringify({ ...JSON.parse(new TextDecoder().decode(json)), ...patch }),
  );
}

/** The shipped bundle's files, its manifest renamed to `name`; `edit` may change or drop files. */
function bundleFiles(name: string, edit: (files: File[]) => File[] = (f) => f): File[] {
  const files = readdirSync(DATA).map((f) => {
    const bytes = new Uint8Array(readFileSync(join(DATA, f)));
    return new File([f === 'manifest.json' ? renamed(bytes, { name, title: 'My RetinaMNIST' }) : bytes], f);
  });
  return edit(files);
}

function modelFiles(
  patch: Record<string, unknown>,
  weights: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(join(MODEL, 'weights.bin'))),
): File[] {
  return [
    new File([renamed(readFileSync(join(MODEL, 'model.json')), patch)], 'model.json'),
    new File([weights], 'weights.bin'),
  ];
}

describe('readUserBundle', () => {
  it('should accept an importer bundle under its own name and read its splits', async () => {
    const b = await readUserBundle(bundleFiles('myretina'));
    expect(b.manifest.name).toBe('myretina');
    expect(Object.keys(b.files).sort()).toEqual(readdirSync(DATA).sort());
    expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
    const test = await readSplit(blobFetcher(b.files), b.manifest, 'test');
    expect(test.count).toBe(400);
  });

  it('should refuse a built-in name, a missing or truncated file, a wrong manifest and doubled names', async () => {
    await expect(readUserBundle(bundleFiles('retinamnist'))).rejects.toThrow(
      /"retinamnist" is a built-in dataset/,
    );
    await expect(
      readUserBundle(bundleFiles('myretina', (f) => f.filter((x) => x.name !== 'val.0.paeth-gzip'))),
    ).rejects.toThrow(/val.0.paeth-gzip is missing/);
    await expect(
      readUserBundle(
        bundleFiles('myretina', (f) =>
          f.map((x) => (x.name === 'test.0.paeth-gzip' ? new File([x.slice(0, 100)], x.name) : x)),
        ),
      ),
    ).rejects.toThrow(/test.0.paeth-gzip has 100 bytes, manifest.json says \d+ \(truncated or wrong file\)/);
    await expect(
      readUserBundle(bundleFiles('myretina', (f) => f.filter((x) => x.name !== 'manifest.json'))),
    ).rejects.toThrow(/manifest.json is missing/);
    await expect(readUserBundle([new File(['{"format": "other"}'], 'manifest.json')])).rejects.toThrow(
      /qcal-bundle/,
    );
    await expect(
      readUserBundle([new File(['x'], 'manifest.json'), new File(['y'], 'manifest.json')]),
    ).rejects.toThrow(/two files are called manifest.json/);
    await expect(readUserBundle([])).rejects.toThrow(/no files picked/);
  });
});

describe('readUserModel', () => {
  it('should accept an exported model for another dataset', async () => {
    const m = await readUserModel(modelFiles({ dataset: 'myretina' }));
    expect(m.entry).toMatchObject({ dataset: 'myretina', arch: 'mobileone_s0', user: true });
    expect(m.weights.length).toBe(readFileSync(join(MODEL, 'weights.bin')).length);
  });

  it('should accept an architecture of its own, the residual network the goldens check included', async () => {
    expect((await readUserModel(modelFiles({ arch: 'resnet18' }))).entry.arch).toBe('resnet18');
    const dir = join(ROOT, 'golden/out/random-models/residual');
    const files = ['model.json', 'weights.bin'].map((f) => new File([readFileSync(join(dir, f))], f));
    expect((await readUserModel(files)).entry).toMatchObject({ dataset: 'none', arch: 'residual' });
  });

  it('should refuse truncated or corrupted weights, a missing file and an architecture name the views cannot show', async () => {
    const weights = new Uint8Array(readFileSync(join(MODEL, 'weights.bin')));
    await expect(readUserModel(modelFiles({}, weights.slice(0, weights.length - 4)))).rejects.toThrow(
      /truncated or wrong file/,
    );
    const flipped = Uint8Array.from(weights);
    flipped[1000] ^= 1;
    await expect(readUserModel(modelFiles({}, flipped))).rejects.toThrow(/does not match model.json's/);
    await expect(readUserModel(modelFiles({}).slice(0, 1))).rejects.toThrow(
      /pick both model.json and weights.bin/,
    );
    for (const arch of ['', 'res/net', 'a'.repeat(41)]) {
      await expect(readUserModel(modelFiles({ arch }))).rejects.toThrow(
        /architecture name ".*" must be 1-40 letters/,
      );
    }
  });
});
