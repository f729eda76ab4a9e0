// The page's side of the worker: one run at a time (a new run cancels the old one), stale messages
// dropped by runId, and a crashed worker (or one whose GPU device was lost) replaced by a new one.
import type { RunResult, RunSpec } from '../core/experiment/run';
import type { Sensitivity } from '../core/experiment/sensitivity';
import type { BackendAttempt, BackendName, Request, Response } from './protocol';

export interface ClientEvents {
  onReady(backend: BackendName, attempts: BackendAttempt[]): void;
  onProgress(m: Extract<Response, { type: 'progress' }>): void;
  onCrash(message: string): void;
}

export class LabClient {
  private worker!: Worker;
  private runId = 0;
  /** The one request under way: a run, or a sensitivity request (whose updates go to onSensitivity). */
  private pending?: {
    runId: number;
    resolve(r: RunResult | Sensitivity): void;
    reject(e: Error): void;
    onSensitivity?: (s: Sensitivity, done: number, total: number) => void;
  };
  private memoryWaiters: ((m: { numTensors: number; numBytes: number }) => void)[] = [];
  private backendName?: BackendName;
  private readyWaiters: ((b: BackendName) => void)[] = [];
  /** The user's files, sent again to a restarted worker. */
  private readonly userFiles = new Map<string, Extract<Request, { type: 'addDataset' | 'addModel' }>>();

  constructor(
    private readonly events: ClientEvents,
    private force?: BackendName,
    private readonly threads?: number,
  ) {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<Response>) => this.receive(ev.data);
    this.worker.onerror = (ev) => this.crash(ev.message || 'the worker stopped');
    this.send({ type: 'init', force: this.force, threads: this.threads });
    for (const m of this.userFiles.values()) this.send(m);
  }

  /** Hands the worker a bundle or model from the user's files (the page has checked them). */
  addUserFiles(m: Extract<Request, { type: 'addDataset' | 'addModel' }>): void {
    this.userFiles.set(m.type === 'addDataset' ? `data:${m.name}` : `model:${m.dataset}/${m.arch}`, m);
    this.send(m);
  }

  private send(m: Request): void {
    this.worker.postMessage(m);
  }

  private receive(m: Response): void {
    if (m.type === 'ready') {
      this.backendName = m.backend;
      for (const w of this.readyWaiters.splice(0)) w(m.backend);
      return this.events.onReady(m.backend, m.attempts);
    }
    if (m.type === 'memory') return this.memoryWaiters.shift()?.(m);
    if (m.type === 'gpuLost') return this.crash(m.message);
    if (m.runId === undefined)
      return this.events.onCrash(m.type === 'error' ? m.message : 'unknown worker error');
    if (!this.pending || m.runId !== this.pending.runId) return; // a stale run
    if (m.type === 'progress') return this.events.onProgress(m);
    if (m.type === 'sensitivity' && !m.sensitivity.complete)
      return this.pending.onSensitivity?.(m.sensitivity, m.done, m.total);
    const p = this.pending;
    this.pending = undefined;
    if (m.type === 'result') p.resolve(m.result);
    else if (m.type === 'sensitivity') p.resolve(m.sensitivity);
    else if (m.type === 'error') p.reject(Object.assign(new Error(m.message), { cancelled: m.cancelled }));
  }

  /** Restarts the worker (after a crash, or to force another backend); the pending run fails. */
  restart(force?: BackendName): void {
    this.force = force;
    this.backendName = undefined;
    this.worker.terminate();
    this.pending?.reject(Object.assign(new Error('the worker was restarted'), { restarted: true }));
    this.pending = undefined;
    this.memoryWaiters = [];
    this.start();
  }

  private crash(message: string): void {
    this.events.onCrash(message);
    this.restart(this.force);
  }

  /** The backend the worker runs on, once it has started (part of every result's identity). */
  backend(): Promise<BackendName> {
    if (this.backendName) return Promise.resolve(this.backendName);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  run(spec: RunSpec): Promise<RunResult> {
    return this.request((runId) => ({ type: 'run', runId, spec })) as Promise<RunResult>;
  }

  /** A model's per-layer sensitivity; `onUpdate` hears what is known so far, step by step. */
  sensitivity(
    spec: RunSpec,
    onUpdate: (s: Sensitivity, done: number, total: number) => void,
  ): Promise<Sensitivity> {
    return this.request((runId) => ({ type: 'sensitivity', runId, spec }), onUpdate) as Promise<Sensitivity>;
  }

  private request(
    message: (runId: number) => Request,
    onSensitivity?: (s: Sensitivity, done: number, total: number) => void,
  ): Promise<RunResult | Sensitivity> {
    if (this.pending) this.cancel();
    const runId = ++this.runId;
    return new Promise((resolve, reject) => {
      this.pending = { runId, resolve, reject, onSensitivity };
      this.send(message(runId));
    });
  }

  /** The worker's tfjs tensor count and bytes (answered after any message sent before). */
  memory(): Promise<{ numTensors: number; numBytes: number }> {
    return new Promise((resolve) => {
      this.memoryWaiters.push(resolve);
      this.send({ type: 'memory' });
    });
  }

  /** Makes the worker fail as a real crash would (for tests of the recovery). */
  injectCrash(): void {
    this.send({ type: 'crash' });
  }

  /** Destroys the worker's WebGPU device, as a driver reset would lose it (tests; nothing happens off WebGPU). */
  injectGpuLoss(): void {
    this.send({ type: 'loseGpu' });
  }

  cancel(): void {
    if (!this.pending) return;
    this.send({ type: 'cancel', runId: this.pending.runId });
    this.pending.reject(Object.assign(new Error('run cancelled'), { cancelled: true }));
    this.pending = undefined;
  }

  dispose(): void {
    this.worker.terminate();
    this.pending?.reject(Object.assign(new Error('run cancelled'), { cancelled: true }));
    this.pending = undefined;
  }
}
