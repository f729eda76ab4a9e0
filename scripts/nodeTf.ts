// tfjs backends and model files for Node (tests, CLIs, benchmarks). The browser worker has its own.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type GraphDoc, type ParsedGraph, parseGraph, parseWeights } from '../src/core/graph/format';
import { GraphModel } from '../src/core/graph/execute';
import { readManifest, readSplit } from '../src/core/data/bundle';
import { subset } from '../src/core/data/dataset';
import { toModelInput } from '../src/core/data/preprocess';
import type { RunInputs } from '../src/core/experiment/run';
import { calibrationIndices } from '../src/core/experiment/calibration';
import { dirFetcher } from './bundleFiles';

export const ROOT = resolve(import.meta.dirname, '..');
export type NodeBackend = 'cpu' | 'wasm';

/** Selects a backend; wasm loads its binary from node_modules (no threads in Node). */
export async function useBackend(name: NodeBackend): Promise<void> {
  if (name === 'wasm') setWasmPaths(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to start`);
  await tf.ready();
}

/** A model folder (model.json + weights.bin), validated and hash-checked. */
export async function loadModelParts(dir: string): Promise<{ parsed: ParsedGraph; weights: Float32Array }> {
  const json = new Uint8Array(await readFile(join(dir, 'model.json')));
  const bytes = new Uint8Array(await readFile(join(dir, 'weights.bin')));
  const parsed = parseGraph(json, bytes.length);
  return { parsed, weights: await parseWeights(parsed.doc, bytes) };
}

export async function loadModelDir(dir: string): Promise<GraphModel> {
  const { parsed, weights } = await loadModelParts(dir);
  return new GraphModel(parsed, weights);
}

/** Everything runExperiment needs for a shipped model and its dataset bundle. */
export async function loadRunInputs(dataset: string, arch: string, testSplit?: string): Promise<RunInputs> {
  return loadRunInputsFrom(
    join(ROOT, 'public/models', dataset, arch),
    join(ROOT, 'public/data', dataset),
    testSplit,
  );
}

/** The same for a model folder (model.json, weights.bin) and a bundle folder anywhere. */
export async function loadRunInputsFrom(
  modelDir: string,
  dataDir: string,
  testSplit?: string,
): Promise<RunInputs> {
  const { parsed, weights } = await loadModelParts(modelDir);
  const fetchFile = dirFetcher(dataDir);
  const m = await readManifest(fetchFile);
  const test = testSplit ?? m.testSplits[0];
  if (!m.testSplits.includes(test))
    throw new Error(`${m.name} has no test split ${test}; valid: ${m.testSplits.join(', ')}`);
  return {
    parsed,
    weights,
    image: m.image,
    pool: await readSplit(fetchFile, m, m.poolSplit),
    val: await readSplit(fetchFile, m, m.valSplit),
    test: await readSplit(fetchFile, m, test),
  };
}

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
