// Test support for the tests against PyTorch's goldens in this folder (ptq, exactPtq, int8): the inputs a
// golden file was computed on, read from the shipped bundles as those tests see them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphDoc } from '../graph/format';
import { readManifest, readSplit } from '../data/bundle';
import { subset } from '../data/dataset';
import { toModelInput } from '../data/preprocess';
import { calibrationIndices } from '../experiment/calibration';
import { dirFetcher } from '../../../scripts/bundleFiles';
import { ROOT } from '../../../scripts/nodeTf';

/** A golden file's test images (PyTorch's seeded sample of a split, in its order) as model input (NHWC);
 * for a random model (split 'random'), its stored random inputs at `indices`, unlabelled. */
export async function goldenSample(
  doc: GraphDoc,
  split: string,
  indices: number[],
): Promise<{ input: Float32Array; labels: number[] }> {
  if (split === 'random') {
    const file = join(ROOT, 'golden/out/ptq', `${doc.name}-test-inputs.json`);
    const all = (JSON.parse(await readFile(file, 'utf8')) as { inputs_nhwc: number[] }).inputs_nhwc;
    const size = doc.input.height * doc.input.width * doc.input.channels;
    const input = new Float32Array(indices.length * size);
    indices.forEach((i, k) => input.set(all.slice(i * size, (i + 1) * size), k * size));
    return { input, labels: [] };
  }
  const fetchFile = dirFetcher(join(ROOT, 'public/data', doc.dataset));
  const m = await readManifest(fetchFile);
  const sample = subset(await readSplit(fetchFile, m, split), indices, m.image);
  return {
    input: toModelInput(sample.images, m.image, doc.input, 0, sample.count),
    labels: Array.from(sample.labels),
  };
}

/** A golden file's calibration images as batches of model input (NHWC): the lab's seeded draw of a shipped
 * model's trial, or a random model's batches stored in the file. */
export async function goldenCalibration(
  doc: GraphDoc,
  c: { seed?: number; count?: number; batch: number; inputs_nhwc?: number[][] },
): Promise<Float32Array[]> {
  if (c.inputs_nhwc) return c.inputs_nhwc.map((b) => Float32Array.from(b));
  const calib = await calibrationSample(doc, c.seed!, c.count!);
  const size = calib.input.length / calib.count;
  const batches: Float32Array[] = [];
  for (let s = 0; s < calib.count; s += c.batch)
    batches.push(calib.input.subarray(s * size, Math.min(calib.count, s + c.batch) * size));
  return batches;
}

/** The first `count` images of a trial's seeded calibration draw from the model's dataset pool, as model input (NHWC). */
export async function calibrationSample(
  doc: GraphDoc,
  seed: number,
  count: number,
): Promise<{ input: Float32Array; count: number }> {
  const fetchFile = dirFetcher(join(ROOT, 'public/data', doc.dataset));
  const m = await readManifest(fetchFile);
  const pool = await readSplit(fetchFile, m, m.poolSplit);
  const calib = subset(pool, calibrationIndices(pool.count, seed, count), m.image);
  return { input: toModelInput(calib.images, m.image, doc.input, 0, calib.count), count: calib.count };
}
