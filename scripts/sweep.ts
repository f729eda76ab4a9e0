// The paper's grid in Node: every shipped model x FP32, W8/A8, W4/A8, W4/A4 x 3 trials, on tfjs wasm.
//   npm run sweep [-- --datasets retinamnist,cifar10] [--trials 3] [--out results] [--fresh]
//                 [--arithmetic int8-onednn|int8-qnnpack]   (quantized runs as the deployed int8 model computes them on
//                                       oneDNN or QNNPACK; out: results/int8-onednn or results/int8-qnnpack)
//                 [--clamp dtype]        (integers below 8 bits clamped only at 8-bit ends, as PyTorch 1.13's
//                                       convert_fx does; out: results/[<arithmetic>/]clamp-dtype)
//                 [--mixed 'depthwise:w8a8;ends:w8a8']   (bits per kind of layer or per layer over each quantized
//                                       precision, src/core/quant/mixed.ts; out: results/mixed-<label>)
//                 [--backend webgpu|cpu] (tfjs's WebGPU backend on Dawn, see dawn.ts, or its cpu backend;
//                                       out: results/<backend>/...; the page shows such runs to a browser
//                                       on that backend)
//   npm run sweep -- --models DIR[,DIR] [--data BUNDLE[,BUNDLE]] --out DIR [...]
//                                       (models of your own, as training/export.py writes them, on the bundle
//                                       folder of their dataset, as `npm run import` writes it; a model's dataset
//                                       not given by --data is read from public/data/<dataset>)
// A calibration pool smaller than the 1,024 images a trial calibrates on is drawn with replacement (a notice says so).
// Writes <out>/sweep.json (every run), sweep.csv (one row per run) and sweep.md (mean and spread over trials).
// sweep.json is rewritten after every run, and a run already in it under the same cache key (weights hash
// and every setting, see cacheKey.ts) is taken from it rather than computed again, unless --fresh: so a
// stopped sweep resumes, and a sweep that adds a model to a folder recomputes only that model. Runs in
// it that this sweep does not ask for stay (a folder accumulates; --fresh starts it over), unless their
// model's weights have changed since.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { arch as cpuArch, cpus, platform } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { PAPER_PRECISIONS, parsePrecision, precisionTitle } from '../src/core/experiment/precision';
import { CALIBRATION_IMAGES, replacementNote, withReplacement } from '../src/core/experiment/calibration';
import { type Arithmetic, runArithmetic, runClamp, runMixed } from '../src/core/experiment/arithmetic';
import { canonicalMixed } from '../src/core/quant/mixed';
import { SETTINGS, valuesOf } from '../src/core/experiment/settings';
import type { Clamp } from '../src/core/quant/qparams';
import { type RunResult, type RunSpec, paperSpec, runExperiment } from '../src/core/experiment/run';
import { cacheKey, ENGINE_VERSION, engineVersionOf } from '../src/core/experiment/cacheKey';
import { type SweepRecord, summarize, toCsv, toMarkdown } from '../src/core/experiment/summary';
import { startDawn } from './dawn';
import { NODE_BACKENDS, type NodeBackend, ROOT, loadRunInputsFrom, useBackend } from './nodeTf';

const bar = (done: number, total: number, label: string) => {
  const w = 30;
  const fill = Math.round((done / total) * w);
  process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${done}/${total} ${label.padEnd(50)}`);
};

async function main() {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string' },
      archs: { type: 'string' },
      precisions: { type: 'string', default: PAPER_PRECISIONS.join(',') },
      trials: { type: 'string', default: '3' },
      out: { type: 'string' },
      arithmetic: { type: 'string', default: SETTINGS.arithmetic.default },
      clamp: { type: 'string', default: SETTINGS.clamp.default },
      mixed: { type: 'string', default: '' },
      backend: { type: 'string', default: 'wasm' },
      fresh: { type: 'boolean', default: false },
      models: { type: 'string' },
      data: { type: 'string' },
    },
  });
  const modelsDir = join(ROOT, 'public/models');
  if (values.models && (values.datasets || values.archs))
    throw new Error('--models names the models itself: leave out --datasets and --archs');
  if ((values.models || values.data) && !values.out)
    throw new Error("--models and --data need --out DIR (results/ holds the shipped models' sweeps)");
  const bundles = bundleDirs(values.data?.split(',') ?? []);
  const userModels = values.models ? modelDirs(values.models.split(',')) : undefined;
  const datasets = userModels
    ? [...new Set(userModels.map((m) => m.dataset))]
    : (values.datasets?.split(',') ??
      readdirSync(modelsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort());
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1)
    throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  const precisions = values.precisions!.split(',').map(parsePrecision);
  const choice = <T>(name: 'arithmetic' | 'clamp', raw: string): T => {
    const v = SETTINGS[name].url.parse(raw);
    if (v === undefined) throw new Error(`--${name} must be one of ${valuesOf(name).join(', ')}, got ${raw}`);
    return v as T;
  };
  const arithmetic = choice<Arithmetic>('arithmetic', values.arithmetic!);
  const clamp = choice<Clamp>('clamp', values.clamp!);
  const mixed = values.mixed ? canonicalMixed(values.mixed) : ''; // a bad label is a clear error
  const backend = values.backend as NodeBackend;
  if (!NODE_BACKENDS.includes(backend))
    throw new Error(`--backend must be one of ${NODE_BACKENDS.join(', ')}, got ${values.backend}`);
  await useBackend(backend);
  const machine = backend === 'webgpu' ? `${MACHINE}, WebGPU on ${(await startDawn()).description}` : MACHINE;
  const jobs: { dataset: string; arch: string; spec: RunSpec }[] = [];
  for (const dataset of datasets) {
    if (!userModels && !existsSync(join(modelsDir, dataset)))
      throw new Error(`no shipped models for ${dataset}; have ${readdirSync(modelsDir).join(', ')}`);
    const archs =
      userModels?.filter((m) => m.dataset === dataset).map((m) => m.arch) ??
      values.archs?.split(',') ??
      readdirSync(join(modelsDir, dataset)).sort();
    for (const arch of archs) {
      for (const precision of precisions) {
        const float = precision.wBits === null && precision.aBits === null;
        for (let trial = 0; trial < (float ? 1 : trials); trial++) {
          // FP32 does not depend on the draw
          const spec = paperSpec(dataset, arch, precision, trial);
          const int8 = runArithmetic(arithmetic, precision);
          if (int8) spec.arithmetic = int8;
          if (runClamp(clamp, precision)) spec.clamp = 'dtype';
          if (runMixed(mixed, precision)) spec.mixed = mixed;
          jobs.push({ dataset, arch, spec });
        }
      }
    }
  }
  const out =
    values.out ??
    join(
      ROOT,
      'results',
      ...(backend === 'wasm' ? [] : [backend]),
      ...(arithmetic === 'fake-quant' ? [] : [arithmetic]),
      ...(clamp === 'bits' ? [] : ['clamp-dtype']),
      ...(mixed ? [`mixed-${mixed.replace(/[:;]/g, '-')}`] : []),
    );
  await mkdir(out, { recursive: true });
  const data = new Map(datasets.map((d) => [d, bundles.get(d) ?? shippedBundle(d)]));
  const bundleOf = (dataset: string): BundleDir | undefined =>
    data.get(dataset) ??
    (existsSync(join(ROOT, 'public/data', dataset)) ? shippedBundle(dataset) : undefined);
  const previous = values.fresh
    ? new Map<string, SweepRecord>()
    : readPrevious(join(out, 'sweep.json'), tf.getBackend(), bundleOf);
  const modelDir = (dataset: string, arch: string) =>
    userModels?.find((m) => m.dataset === dataset && m.arch === arch)?.dir ?? join(modelsDir, dataset, arch);
  const shas = new Map<string, string>(); // one read of each model.json, not one per job
  const weightsSha = (dataset: string, arch: string): string | undefined => {
    const file = join(modelDir(dataset, arch), 'model.json');
    if (!shas.has(file) && existsSync(file))
      shas.set(file, JSON.parse(readFileSync(file, 'utf8')).weights.sha256);
    return shas.get(file);
  };
  const jobSha = (dataset: string, arch: string): string => {
    const sha = weightsSha(dataset, arch);
    if (!sha)
      throw new Error(
        `no shipped model ${dataset}/${arch}; have ${readdirSync(join(modelsDir, dataset)).join(', ')}`,
      );
    return sha;
  };
  const calibrates = precisions.some((p) => p.aBits !== null);
  for (const [dataset, b] of data) {
    if (calibrates && withReplacement(b.pool, CALIBRATION_IMAGES))
      console.error(`notice: ${dataset} (${b.dir}): ${replacementNote(CALIBRATION_IMAGES, b.pool)}`);
  }
  const jobKey = (j: (typeof jobs)[number]) => {
    const b = data.get(j.dataset)!;
    const id = { weightsSha256: jobSha(j.dataset, j.arch), dataSha256: b.sha256, poolCount: b.pool };
    return cacheKey({ ...id, backend: tf.getBackend() }, j.spec);
  };
  const asked = new Set(jobs.map(jobKey));
  const kept = [...previous.values()].filter(
    (r) =>
      !asked.has(r.key) &&
      typeof r.spec?.dataset === 'string' &&
      typeof r.spec.arch === 'string' &&
      r.weightsSha256 === weightsSha(r.spec.dataset, r.spec.arch),
  );
  const results: SweepRecord[] = [];
  const all = () => [...kept, ...results].sort(byRun);
  const save = async () => {
    // through a temporary file, so a sweep stopped mid-write leaves the last good one
    await writeFile(
      join(out, 'sweep.json.part'),
      JSON.stringify({ backend: tf.getBackend(), results: all() }, null, 1),
    );
    await rename(join(out, 'sweep.json.part'), join(out, 'sweep.json'));
  };
  let inputs: Awaited<ReturnType<typeof loadRunInputsFrom>> | undefined;
  let loaded = '';
  let reused = 0;
  const started = Date.now();
  for (const [i, job] of jobs.entries()) {
    const label = `${job.dataset} ${job.arch} ${precisionTitle(job.spec.precision)} trial ${job.spec.trial + 1}`;
    bar(i, jobs.length, label);
    const key = jobKey(job);
    const before = previous.get(key);
    if (before) {
      results.push(before);
      reused++;
      continue;
    }
    if (loaded !== `${job.dataset}/${job.arch}`) {
      inputs = await loadRunInputsFrom(modelDir(job.dataset, job.arch), data.get(job.dataset)!.dir);
      loaded = `${job.dataset}/${job.arch}`;
    }
    const r = await runExperiment(inputs!, job.spec);
    if (r.key !== key) throw new Error(`internal: the run's key ${r.key} is not the sweep's ${key}`);
    results.push({ ...slim(r), machine });
    await save();
  }
  bar(
    jobs.length,
    jobs.length,
    `done in ${((Date.now() - started) / 60000).toFixed(1)} min${reused ? `, ${reused} runs taken from ${out}/sweep.json` : ''}${kept.length ? `, ${kept.length} other runs kept there` : ''}`,
  );
  process.stderr.write('\n');
  await save();
  const runs = all();
  const table = toMarkdown(summarize(runs));
  await writeFile(join(out, 'sweep.csv'), toCsv(runs));
  await writeFile(join(out, 'sweep.md'), table);
  console.log(table);
  console.log(`tensors alive after the sweep: ${tf.memory().numTensors}`);
}

interface BundleDir {
  dir: string;
  pool: number;
  /** The manifest's sha256. */
  sha256: string;
}

/** Where a run was computed, recorded with it. */
const MACHINE = `${cpus().length}-core ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${platform()} ${cpuArch()}, Node ${process.version}`;

const fileSha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const readJson = (file: string, what: string) => {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${what}`);
  return JSON.parse(readFileSync(file, 'utf8'));
};

/** --data: bundle folders by their manifest's name, with their pool size and the manifest's hash. */
function bundleDirs(dirs: string[]): Map<string, BundleDir> {
  const out = new Map<string, BundleDir>();
  for (const d of dirs.map((x) => resolve(x))) {
    const file = join(d, 'manifest.json');
    const m = readJson(file, '--data takes bundle folders, as `npm run import` writes them');
    if (out.has(m.name))
      throw new Error(`--data: ${out.get(m.name)!.dir} and ${d} are both bundles of ${m.name}`);
    out.set(m.name, {
      dir: d,
      pool: m.splits[m.poolSplit].count,
      sha256: fileSha(file),
    });
  }
  return out;
}

/** A dataset's bundle in public/data (shipped, or imported there). */
function shippedBundle(dataset: string): BundleDir {
  const dir = join(ROOT, 'public/data', dataset);
  const file = join(dir, 'manifest.json');
  const m = readJson(file, `no bundle of ${dataset} in public/data; pass its folder with --data DIR`);
  return { dir, pool: m.splits[m.poolSplit].count, sha256: fileSha(file) };
}

/** --models: model folders (model.json, weights.bin) by the dataset and architecture their model.json names. */
function modelDirs(dirs: string[]): { dir: string; dataset: string; arch: string }[] {
  const out: { dir: string; dataset: string; arch: string }[] = [];
  for (const dir of dirs.map((x) => resolve(x))) {
    const doc = readJson(
      join(dir, 'model.json'),
      '--models takes model folders, as training/export.py writes them',
    );
    const twin = out.find((m) => m.dataset === doc.dataset && m.arch === doc.arch);
    if (twin)
      throw new Error(`--models: ${twin.dir} and ${dir} are both ${doc.arch} models of ${doc.dataset}`);
    out.push({ dir, dataset: doc.dataset, arch: doc.arch });
  }
  return out;
}

/** The tables' order: by dataset and model, then FP32 and more bits first (W8/A8, W4/A8, W4/A4), then trial. */
function byRun(a: SweepRecord, b: SweepRecord): number {
  const bits = (n: number | null) => n ?? 99; // FP32 first
  const [p, q] = [a.spec, b.spec];
  return (
    p.dataset.localeCompare(q.dataset) ||
    p.arch.localeCompare(q.arch) ||
    bits(q.precision.wBits) - bits(p.precision.wBits) ||
    bits(q.precision.aBits) - bits(p.precision.aBits) ||
    (p.arithmetic ?? '').localeCompare(q.arithmetic ?? '') ||
    (p.clamp ?? '').localeCompare(q.clamp ?? '') ||
    (p.mixed ?? '').localeCompare(q.mixed ?? '') ||
    p.trial - q.trial
  );
}

/** The run without its per-image predictions and qparams: large, and not needed for the tables. */
function slim(r: RunResult): SweepRecord {
  const record: Partial<RunResult> = { ...r };
  delete record.qparams;
  delete record.predictions;
  return record as SweepRecord;
}

/**
 * Runs of an earlier sweep into the same folder, by cache key; only those computed on the same backend by
 * this engine version. Keys are derived again from each run's fields, so a change in the key's form (it gained
 * the data's hash and the backend) needs no recomputation: a run without `dataSha256` predates that and was
 * computed on the data its dataset's name gives now (the key then promised that this data never changes).
 */
function readPrevious(
  file: string,
  backend: string,
  bundleOf: (dataset: string) => BundleDir | undefined,
): Map<string, SweepRecord> {
  if (!existsSync(file)) return new Map();
  let doc: { backend?: unknown; results?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away or pass --fresh`);
  }
  if (doc.backend !== backend || !Array.isArray(doc.results)) return new Map();
  const out = new Map<string, SweepRecord>();
  for (const r of doc.results as SweepRecord[]) {
    if (typeof r?.key !== 'string' || engineVersionOf(r) !== ENGINE_VERSION) continue;
    const b = bundleOf(r.spec.dataset);
    const dataSha256 = r.dataSha256 ?? b?.sha256;
    if (!dataSha256) continue; // neither recorded nor to be found: it cannot be keyed
    const id = { weightsSha256: r.weightsSha256, dataSha256, poolCount: r.calibration?.pool ?? b?.pool ?? 0 };
    const key = cacheKey({ ...id, backend: r.backend }, r.spec);
    out.set(key, { ...r, key, dataSha256, engineVersion: ENGINE_VERSION });
  }
  return out;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
