// golden_sqnr.py's files (torch's numeric suite and one-at-a-time replay on the RetinaMNIST models), for the SQNR
// and sensitivity tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../scripts/nodeTf';

export interface SqnrGolden {
  model: string;
  wBits: number;
  aBits: number;
  split: string;
  indices: number[];
  qparams: [number, number][];
  activations: { node: string; observer: number; local: number | null; cumulative: number | null }[];
  weights: { node: string; sqnr: number | null }[];
  /** Logits with one tensor quantized alone and all but it (one precision only; empty at the others). */
  masked: { type: 'weights' | 'activation'; node: string; index: number; only: number[]; allBut: number[] }[];
}

/** Every golden file, by name; a clear error where they have not been written. */
export function sqnrGoldens(): SqnrGolden[] {
  const dir = join(ROOT, 'golden/out/sqnr');
  if (!existsSync(dir))
    throw new Error('golden/out/sqnr is missing: run /usr/bin/python3 training/reference/golden_sqnr.py');
  return readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SqnrGolden);
}
