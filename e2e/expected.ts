// What the page must show, computed by the core in Node (tfjs wasm): the e2e tests' reference.
import { loadRunInputs, useBackend } from '../scripts/nodeTf';
import { parsePrecision } from '../src/core/experiment/precision';
import type { Arithmetic } from '../src/core/experiment/arithmetic';
import type { Clamp } from '../src/core/quant/qparams';
import { type RunResult, paperSpec, runExperiment } from '../src/core/experiment/run';

/** A fraction as the metrics table prints it. */
export const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** RetinaMNIST MobileOne-S0 at a precision and trial (0-based), with the page's default settings. */
export async function expected(
  precision: string,
  trial = 0,
  arithmetic?: Arithmetic,
  clamp?: Clamp,
): Promise<RunResult> {
  await useBackend('wasm');
  const inputs = await loadRunInputs('retinamnist', 'mobileone_s0');
  return runExperiment(inputs, {
    ...paperSpec('retinamnist', 'mobileone_s0', parsePrecision(precision), trial),
    arithmetic,
    clamp,
  });
}
