// tfjs backends, model folders and run inputs for Node (CLIs, benchmarks, tests). The browser worker has its own.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type ParsedGraph, parseGraph, parseWeights } from '../src/core/graph/format';
import { GraphModel } from '../src/core/graph/execute';
import { readManifestHashed, readSplit } from '../src/core/data/bundle';
import type { RunInputs } from '../src/core/experiment/run';
import { dirFetcher } from './bundleFiles';
import { useDawnWebgpu } from './dawn';

export const ROOT = resolve(import.meta.dirname, '..');
export const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

/** Selects a backend; wasm loads its binary from node_modules (no threads in Node); webgpu runs on
 * Dawn (dawn.ts). */
export async function useBackend(name: NodeBackend): Promise<void> {
  if (name === 'webgpu') {
    await useDawnWebgpu();
    return;
  }
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
  const { manifest: m, sha256 } = await readManifestHashed(fetchFile);
  const test = testSplit ?? m.testSplits[0];
  if (!m.testSplits.includes(test))
    throw new Error(`${m.name} has no test split ${test}; valid: ${m.testSplits.join(', ')}`);
  return {
    parsed,
    weights,
    dataSha256: sha256,
    image: m.image,
    pool: await readSplit(fetchFile, m, m.poolSplit),
    val: await readSplit(fetchFile, m, m.valSplit),
    test: await readSplit(fetchFile, m, test),
  };
}
