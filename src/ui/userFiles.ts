// Bring your own: a bundle written by the importer (`npm run import`) or a model exported by
// training/export.py, read from files the user picked, without a server. Everything is checked here,
// before the lab takes it, so a wrong or damaged file changes nothing.
import { type BundleManifest, blobFetcher, readManifest } from '../core/data/bundle';
import { parseGraph, parseWeights } from '../core/graph/format';
import { sha256Hex } from '../core/util/bytes';
import { DATASETS } from '../core/experiment/settings';
import type { ModelEntry } from './useModelIndex';

export interface UserBundle {
  manifest: BundleManifest;
  /** manifest.json and the files it lists, by name. */
  files: Record<string, Blob>;
  /** sha256 of manifest.json, which holds every file's hash: part of the cache key. */
  sha256: string;
}

export interface UserModel {
  entry: ModelEntry;
  json: Uint8Array;
  weights: Uint8Array;
}

const ARCH_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

function byName(files: readonly File[]): Record<string, File> {
  const named: Record<string, File> = {};
  for (const f of files) {
    if (named[f.name])
      throw new Error(`two files are called ${f.name}: pick the files of one bundle or model`);
    named[f.name] = f;
  }
  return named;
}

/** Reads and checks a bundle from the picked files (names as the importer wrote them). */
export async function readUserBundle(picked: readonly File[]): Promise<UserBundle> {
  if (picked.length === 0) throw new Error('no files picked');
  const named = byName(picked);
  if (!named['manifest.json'])
    throw new Error(
      "manifest.json is missing: pick the bundle folder's files, as `npm run import` wrote them",
    );
  const manifest = await readManifest(blobFetcher(named));
  if ((DATASETS as readonly string[]).includes(manifest.name)) {
    throw new Error(
      `"${manifest.name}" is a built-in dataset; a bundle of your own needs another name (the importer's --name)`,
    );
  }
  // every listed file present and of the listed size now; hashes are checked as each split is read
  const files: Record<string, Blob> = { 'manifest.json': named['manifest.json'] };
  for (const s of Object.values(manifest.splits)) {
    for (const ref of [s.labels, ...s.shards]) {
      const f = named[ref.file];
      if (!f) throw new Error(`${ref.file} is missing: pick manifest.json and every file it lists`);
      if (f.size !== ref.bytes)
        throw new Error(
          `${ref.file} has ${f.size} bytes, manifest.json says ${ref.bytes} (truncated or wrong file)`,
        );
      files[ref.file] = f;
    }
  }
  return { manifest, files, sha256: await sha256Hex(await bytesOf(named['manifest.json'])) };
}

/** Reads and checks model.json and weights.bin, as training/export.py wrote them. */
export async function readUserModel(picked: readonly File[]): Promise<UserModel> {
  const named = byName(picked);
  if (!named['model.json'] || !named['weights.bin'])
    throw new Error('pick both model.json and weights.bin of one exported model');
  const [json, weights] = await Promise.all([bytesOf(named['model.json']), bytesOf(named['weights.bin'])]);
  const { doc } = parseGraph(json, weights.length);
  await parseWeights(doc, weights);
  // its architecture becomes a column of the grid and a colour of the scatter, under its own name
  if (!ARCH_NAME.test(doc.arch))
    throw new Error(
      `model ${doc.name}: its architecture name "${doc.arch}" must be 1-40 letters, digits, '_', '-' or '.'`,
    );
  return {
    entry: { dataset: doc.dataset, arch: doc.arch, sha256: doc.weights.sha256, user: true },
    json,
    weights,
  };
}
