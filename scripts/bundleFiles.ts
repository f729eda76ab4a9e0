// Bundles on disk, for Node scripts: atomic writes (temp folder, read back, rename) and a
// FetchFile over a folder.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { encodeBundle, readBundle, type FetchFile } from '../src/core/data/bundle';
import type { Dataset } from '../src/core/data/dataset';

export const dirFetcher =
  (dir: string): FetchFile =>
  async (path) =>
    new Uint8Array(await readFile(join(dir, path)));

/** Writes ds as a bundle in outDir. Nothing is left behind if any step fails, and an existing bundle is only replaced by one that reads back. */
export async function writeBundleDir(ds: Dataset, outDir: string): Promise<Map<string, Uint8Array>> {
  const files = await encodeBundle(ds);
  const out = resolve(outDir);
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, bytes] of files) await writeFile(join(tmp, name), bytes);
    await readBundle(dirFetcher(tmp)); // hashes and decoding checked before the bundle goes live
    await mkdir(dirname(out), { recursive: true });
    if (existsSync(out)) await rm(out, { recursive: true });
    await rename(tmp, out);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return files;
}
