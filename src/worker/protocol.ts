// Messages between the page and the lab worker. Every run message carries its runId, so the page
// drops anything from a run it has since replaced or cancelled.
import type { CalibrationReport } from '../core/calib/report';
import type { Phase, RunResult, RunSpec } from '../core/experiment/run';
import type { Sensitivity } from '../core/experiment/sensitivity';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason: string;
}

/** The test images seen so far in a running run, before and after scaling by the temperature fitted on validation. */
export interface PartialReports {
  before: CalibrationReport;
  after: CalibrationReport;
  temperature: number;
}

export type Request =
  /** `threads`: wasm's threads where its threaded build runs (tfjs's default: one per core). */
  | { type: 'init'; force?: BackendName; threads?: number }
  | { type: 'run'; runId: number; spec: RunSpec }
  /** Per-layer sensitivity of the spec's model and precision (sensitivity.ts), streamed as it goes. */
  | { type: 'sensitivity'; runId: number; spec: RunSpec }
  | { type: 'cancel'; runId: number }
  /** The user's own files (checked by the page first); they take the place of any same-named ones. */
  | { type: 'addDataset'; name: string; files: Record<string, Blob> }
  | { type: 'addModel'; dataset: string; arch: string; json: Uint8Array; weights: Uint8Array }
  /** tfjs's tensor count and bytes, for leak checks (e2e, the browser benchmark). */
  | { type: 'memory' }
  /** Fault injection for tests: the worker throws an uncaught error, or destroys its GPU device. */
  | { type: 'crash' }
  | { type: 'loseGpu' };

export type Response =
  | { type: 'ready'; backend: BackendName; attempts: BackendAttempt[] }
  | { type: 'progress'; runId: number; phase: Phase; done: number; total: number; partial?: PartialReports }
  | { type: 'result'; runId: number; result: RunResult }
  /** What is known so far of a sensitivity request (`sensitivity.complete` on the last). */
  | { type: 'sensitivity'; runId: number; sensitivity: Sensitivity; done: number; total: number }
  | { type: 'error'; runId?: number; message: string; cancelled?: boolean }
  | { type: 'memory'; numTensors: number; numBytes: number }
  /** The WebGPU device is gone (driver reset, GPU removed, the test hook): the worker is done for. */
  | { type: 'gpuLost'; message: string };
