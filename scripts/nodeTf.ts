// tfjs backends and model files for Node (tests, CLIs, benchmarks). The browser worker has its own.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type ParsedGraph, parseGraph, parseWeights } from '../src/core/graph/format';
import { GraphModel } from '../src/core/graph/execute';

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
