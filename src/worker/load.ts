// Fetching the lab's files and parsing a model's two of them: shared by the worker and the kernel benchmark's page.
import { parseGraph, parseWeights } from '../core/graph/format';
import type { RunInputs } from '../core/experiment/run';

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A model's model.json and weights.bin, checked against each other. */
export async function parseModel(
  json: Uint8Array,
  bytes: Uint8Array,
): Promise<Pick<RunInputs, 'parsed' | 'weights'>> {
  const parsed = parseGraph(json, bytes.length);
  return { parsed, weights: await parseWeights(parsed.doc, bytes) };
}

/** A shipped model folder (its URL ending in /). */
export async function fetchModel(dir: string): Promise<Pick<RunInputs, 'parsed' | 'weights'>> {
  const [json, bytes] = await Promise.all([fetchBytes(`${dir}model.json`), fetchBytes(`${dir}weights.bin`)]);
  return parseModel(json, bytes);
}
