// Where the single view's result came from (computed here, this browser's cache, or shipped with the lab),
// on which backend and engine version, and how a result computed here differs from the shipped one.
import { engineVersionOf } from '../../core/experiment/cacheKey';
import type { SweepRecord } from '../../core/experiment/summary';
import type { Obtained } from '../store';
import { runNote } from '../../core/experiment/settings';
import { backendNoiseNote } from '../backendNoise';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const points = (d: number) => `${d >= 0 ? '+' : ''}${(100 * d).toFixed(2)}`;

/** The differences of the shown runs from their shipped twins, or null where none is shipped. */
export function shippedDifference(obtained: Obtained[]): string | null {
  const pairs = obtained.filter((o) => o.shipped).map((o) => [o.result, o.shipped!] as const);
  if (pairs.length === 0 || pairs.length < obtained.length) return null;
  const shipped = pairs[0][1];
  const where = `computed on ${shipped.backend}${shipped.machine ? ` (${shipped.machine})` : ''}`;
  const same = (a: SweepRecord, b: SweepRecord) =>
    a.before.error === b.before.error &&
    a.before.ece === b.before.ece &&
    a.after.ece === b.after.ece &&
    a.temperature.temperature === b.temperature.temperature;
  if (pairs.every(([a, b]) => same(a, b)))
    return `Identical to the shipped result${pairs.length > 1 ? 's' : ''}, ${where}.`;
  const d = (f: (r: SweepRecord) => number) => mean(pairs.map(([a, b]) => f(a) - f(b)));
  const noise = backendNoiseNote(pairs[0][0], pairs[0][0].backend, shipped.backend);
  return (
    `Against the shipped result${pairs.length > 1 ? 's (mean over trials)' : ''}, ${where}: ` +
    `error ${points(d((r) => r.before.error))} points, ECE ${points(d((r) => r.before.ece))} points, ` +
    `ECE after scaling ${points(d((r) => r.after.ece))} points, T ${d((r) => r.temperature.temperature) >= 0 ? '+' : ''}${d((r) => r.temperature.temperature).toFixed(3)}.` +
    (noise ? ` ${noise}` : '')
  );
}

/** One line on where the results came from. `backend`: the one this page runs on. */
export function provenance(obtained: Obtained[], backend: string | undefined): string {
  const [first] = obtained;
  const r = first.result;
  const seconds = obtained.reduce((a, o) => a + o.result.seconds, 0).toFixed(1);
  const note = runNote(r.spec.arithmetic, r.spec.clamp, r.spec.mixed);
  const withNote = note ? `, with ${note}` : '';
  const version = `engine version ${engineVersionOf(r)}`;
  if (obtained.some((o) => o.source === 'shipped')) {
    const machine = r.machine ? ` on ${r.machine}` : ' (machine not recorded)';
    const other =
      backend && backend !== r.backend
        ? ` This page runs on ${backend}: a recomputed result may differ. ${
            backendNoiseNote(r, backend, r.backend) ??
            'Backends sum in different orders, and calibration can amplify the last-bit differences past the spread over trials (docs/decisions.md).'
          }`
        : '';
    return `Shipped result${obtained.length > 1 ? 's' : ''}, computed on ${r.backend}${machine} with ${version}${withNote}.${other}`;
  }
  // beside a run computed off wasm: how far that backend was measured to move it from wasm's (the sweep's)
  const noise = backendNoiseNote(r, r.backend, 'wasm');
  const against = noise ? ` ${noise}` : '';
  if (obtained.every((o) => o.source === 'cached'))
    return `From this browser's cache: computed on ${r.backend} in ${seconds} s with ${version}${withNote}.${against}`;
  return `Computed on ${r.backend} in ${seconds} s${withNote}.${against}`;
}
