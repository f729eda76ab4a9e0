// The lab worker: owns tfjs, the models and the data; thin over the core. One run at a time; a new
// run or a cancel aborts the current one.
import * as tf from '@tensorflow/tfjs-core';
import { calibrationReport } from '../core/calib/report';
import { blobFetcher, readManifestHashed, readSplit } from '../core/data/bundle';
import { type RunInputs, type RunSpec, runExperiment } from '../core/experiment/run';
import { runSensitivity } from '../core/experiment/sensitivity';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { pickBackend } from './backend';
import { fetchBytes, fetchModel, parseModel } from './load';
import type { Request, Response } from './protocol';

const post = (m: Response) => (self as unknown as Worker).postMessage(m);
const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;

/** Memoised loads: a failed one is forgotten, so it is retried next time. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  if (!cache.has(key)) {
    const p = load();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key)!;
}

type DataParts = Pick<RunInputs, 'dataSha256' | 'image' | 'pool' | 'val' | 'test'>;
const dataCache = new Map<string, Promise<DataParts>>(); // one copy of a dataset for all its models
const modelCache = new Map<string, Promise<Pick<RunInputs, 'parsed' | 'weights'>>>();
const userData = new Map<string, Record<string, Blob>>();
const userModels = new Map<string, { json: Uint8Array; weights: Uint8Array }>();

/** Forgets what was loaded under a name the user's files now take. */
function forget(cache: Map<string, unknown>, prefix: string): void {
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

async function loadInputs(dataset: string, arch: string, testSplit: string): Promise<RunInputs> {
  const model = memo(modelCache, `${dataset}/${arch}`, async () => {
    const dir = `${base}models/${dataset}/${arch}/`;
    const user = userModels.get(`${dataset}/${arch}`);
    return user ? parseModel(user.json, user.weights) : fetchModel(dir);
  });
  const data = memo(dataCache, `${dataset}/${testSplit}`, async () => {
    const files = userData.get(dataset);
    const fetchFile = files
      ? blobFetcher(files)
      : (path: string) => fetchBytes(`${base}data/${dataset}/${path}`);
    const { manifest: m, sha256 } = await readManifestHashed(fetchFile);
    const test = m.testSplits.includes(testSplit) ? testSplit : m.testSplits[0];
    return {
      dataSha256: sha256,
      image: m.image,
      pool: await readSplit(fetchFile, m, m.poolSplit),
      val: await readSplit(fetchFile, m, m.valSplit),
      test: await readSplit(fetchFile, m, test),
    };
  });
  return { ...(await model), ...(await data) };
}

/** tfjs's WebGPU device, while that backend runs (the backend keeps it as a public field). */
const gpuDevice = () =>
  tf.getBackend() === 'webgpu'
    ? (
        tf.backend() as unknown as {
          device?: { lost: Promise<{ reason: string; message: string }>; destroy(): void };
        }
      ).device
    : undefined;

/** Nothing runs on a lost device again, and tfjs cannot swap it: the page is told and starts a new worker. */
function watchGpu(): void {
  void gpuDevice()?.lost.then((info) =>
    post({
      type: 'gpuLost',
      message: `the GPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''})`,
    }),
  );
}

let current: { runId: number; ctl: AbortController } | undefined;

/** Runs one request as the current one (cancelling the one before); its failure is posted, a cancel says so. */
async function asCurrent(runId: number, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  current?.ctl.abort();
  const ctl = new AbortController();
  current = { runId, ctl };
  try {
    await work(ctl.signal);
  } catch (e) {
    const cancelled = e instanceof DOMException && e.name === 'AbortError';
    post({ type: 'error', runId, message: e instanceof Error ? e.message : String(e), cancelled });
  } finally {
    if (current?.runId === runId) current = undefined;
  }
}

const run = (runId: number, spec: RunSpec) =>
  asCurrent(runId, async (signal) => {
    let lastPost = 0;
    const inputs = await loadInputs(spec.dataset, spec.arch, spec.testSplit);
    const k = inputs.parsed.doc.classes.length;
    const result = await runExperiment(inputs, spec, {
      signal,
      keepTestLogits: true, // the page's temperature slider rescales them
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastPost < 150 && p.done < p.total) return; // keep the page's message queue short
        lastPost = now;
        const report = (temperature: number) =>
          calibrationReport(p.partial!.logits, p.partial!.labels, k, {
            numBins: spec.numBins,
            temperature,
            bootstrap: { resamples: 2 },
          });
        const partial =
          p.partial && p.partial.labels.length > 0
            ? { before: report(1), after: report(p.partial.temperature), temperature: p.partial.temperature }
            : undefined;
        post({ type: 'progress', runId, phase: p.phase, done: p.done, total: p.total, partial });
      },
    });
    post({ type: 'result', runId, result });
  });

const sensitivity = (runId: number, spec: RunSpec) =>
  asCurrent(runId, async (signal) => {
    const inputs = await loadInputs(spec.dataset, spec.arch, spec.testSplit);
    let step = { done: 0, total: 1 };
    const s = await runSensitivity(inputs, spec, {
      signal,
      onUpdate: (snapshot, at) => {
        step = at;
        post({ type: 'sensitivity', runId, sensitivity: snapshot, ...at });
      },
    });
    post({ type: 'sensitivity', runId, sensitivity: s, ...step });
  });

self.onmessage = (ev: MessageEvent<Request>) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      if (m.threads) setThreadsCount(m.threads); // before the backend starts, which reads it once
      pickBackend(m.force).then(
        ({ backend, attempts }) => {
          watchGpu();
          // wasm's threads: several where the page is cross-origin isolated (tfjs then takes its threaded build)
          const used = attempts.find((a) => a.ok);
          if (used && backend === 'wasm') {
            const n = getThreadsCount();
            used.reason = `in use, ${n} thread${n === 1 ? '' : 's'}`;
          }
          post({ type: 'ready', backend, attempts });
        },
        (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
      );
      break;
    case 'run':
      void run(m.runId, m.spec);
      break;
    case 'sensitivity':
      void sensitivity(m.runId, m.spec);
      break;
    case 'addDataset':
      userData.set(m.name, m.files);
      forget(dataCache, `${m.name}/`);
      break;
    case 'addModel':
      userModels.set(`${m.dataset}/${m.arch}`, { json: m.json, weights: m.weights });
      forget(modelCache, `${m.dataset}/${m.arch}`);
      break;
    case 'cancel':
      if (current?.runId === m.runId) current.ctl.abort();
      break;
    case 'memory': {
      const { numTensors, numBytes } = tf.memory();
      post({ type: 'memory', numTensors, numBytes });
      break;
    }
    case 'crash':
      setTimeout(() => {
        throw new Error('injected crash');
      });
      break;
    case 'loseGpu':
      gpuDevice()?.destroy();
      break;
  }
};
