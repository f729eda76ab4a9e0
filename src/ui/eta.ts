// The time a run has left, from the batches done: the current phase's rate so far, applied to what remains of
// it and to the phases still to come (validation and test after calibration, test after validation).
import type { Phase } from '../core/experiment/run';

/** When (ms) the current phase reported first, and how many of its images were done then. */
export interface PhaseStart {
  t: number;
  done: number;
}

export interface EtaInput {
  phase: Phase;
  done: number;
  total: number;
  since: PhaseStart;
  /** Images of the validation and test splits, where known. */
  splits?: { validation: number; test: number };
}

/** Seconds left, or null before a rate can be measured. */
export function secondsLeft(r: EtaInput, now: number): number | null {
  const images = r.done - r.since.done;
  const ms = now - r.since.t;
  if (images <= 0 || ms <= 0) return null;
  const later =
    r.phase === 'calibrate'
      ? (r.splits?.validation ?? 0) + (r.splits?.test ?? 0)
      : r.phase === 'validation'
        ? (r.splits?.test ?? 0)
        : 0;
  return ((r.total - r.done + later) * ms) / images / 1000;
}

export const etaText = (s: number | null) =>
  s === null
    ? ''
    : s < 1
      ? 'under a second left'
      : `about ${s < 90 ? `${Math.ceil(s)} s` : `${Math.round(s / 60)} min`} left`;
