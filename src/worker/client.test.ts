// The page's side of the worker, against a stand-in Worker: stale messages are dropped, and a crash
// or a lost GPU device is reported once and answered with a fresh worker that gets the user's files.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSpec } from '../core/experiment/run';
import { LabClient } from './client';
import type { Request, Response } from './protocol';

class FakeWorker {
  static all: FakeWorker[] = [];
  sent: Request[] = [];
  terminated = false;
  onmessage: ((ev: { data: Response }) => void) | null = null;
  onerror: ((ev: { message: string }) => void) | null = null;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(m: Request) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  reply(m: Response) {
    this.onmessage!({ data: m });
  }
}

const spec = { dataset: 'retinamnist', arch: 'mobileone_s0' } as RunSpec;
const events = () => ({ onReady: vi.fn(), onProgress: vi.fn(), onCrash: vi.fn() });

beforeEach(() => {
  FakeWorker.all = [];
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(() => vi.unstubAllGlobals());

describe('LabClient', () => {
  it('drops messages of a run it has since replaced', async () => {
    const ev = events();
    const c = new LabClient(ev);
    const w = FakeWorker.all[0];
    const first = c.run(spec).then(
      () => ({ cancelled: false }),
      (e: { cancelled?: boolean }) => e,
    );
    const second = c.run(spec);
    expect((await first).cancelled).toBe(true);
    w.reply({ type: 'progress', runId: 1, phase: 'calibrate', done: 1, total: 2 });
    expect(ev.onProgress).not.toHaveBeenCalled();
    w.reply({ type: 'progress', runId: 2, phase: 'calibrate', done: 1, total: 2 });
    expect(ev.onProgress).toHaveBeenCalledTimes(1);
    w.reply({ type: 'result', runId: 2, result: { key: 'k' } as never });
    expect(await second).toEqual({ key: 'k' });
  });

  it.each([
    [
      'a lost GPU device',
      (w: FakeWorker) => w.reply({ type: 'gpuLost', message: 'the GPU device was lost (destroyed)' }),
      'the GPU device was lost (destroyed)',
    ],
    [
      'an uncaught error',
      (w: FakeWorker) => w.onerror!({ message: 'Uncaught Error: boom' }),
      'Uncaught Error: boom',
    ],
  ])(
    "answers %s with a report and a fresh worker that gets the user's files again",
    async (_, fail, message) => {
      const ev = events();
      const c = new LabClient(ev, 'webgpu');
      const model = {
        type: 'addModel' as const,
        dataset: 'd',
        arch: 'a',
        json: new Uint8Array(1),
        weights: new Uint8Array(4),
      };
      c.addUserFiles(model);
      const running = c.run(spec).then(
        () => ({ restarted: false, cancelled: undefined }),
        (e: { restarted?: boolean; cancelled?: boolean }) => e,
      );
      const old = FakeWorker.all[0];
      fail(old);
      expect(ev.onCrash).toHaveBeenCalledExactlyOnceWith(message);
      expect(old.terminated).toBe(true);
      const e = await running;
      expect(e.restarted).toBe(true); // not a cancel: a background fill reports it; the views re-run
      expect(e.cancelled).toBeUndefined();
      expect(FakeWorker.all).toHaveLength(2);
      expect(FakeWorker.all[1].sent).toEqual([{ type: 'init', force: 'webgpu' }, model]);
    },
  );
});
