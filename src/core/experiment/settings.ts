// Every setting of the lab, declared once: its label, default and values (each with its label), its URL
// codec, and, for those that change a run's numbers, its part of the cache key and its CSV column. The
// page's URL codec and dropdowns (ui/url.ts, ui/panels/Controls.tsx), the sweep CLI's checks, the cache
// key (cacheKey.ts) and the CSV (summary.ts) are derived from it. Declared in cache-key order.
import { DEFAULT_BINS } from '../calib/ece';
import type { ObserverKind } from '../quant/ptq';
import { canonicalMixed } from '../quant/mixed';
import { CLAMPS, type Clamp } from '../quant/qparams';
import { type Arithmetic, int8Of, runClamp, runMixed } from './arithmetic';
import type { RunIdentity } from './cacheKey';
import { TRIALS, trialSeed } from './calibration';
import { PAPER_PRECISIONS, parsePrecision, precisionLabel, precisionTitle } from './precision';
import type { RunSpec } from './run';
import type { SweepRecord } from './summary';

export interface Codec<T> {
  parse(raw: string): T | undefined;
  format(v: T): string;
}

export interface SettingDef<T> {
  /** The control's label. */
  label: string;
  default: T;
  /** The values its dropdown offers and their labels. Without them, or beyond them, the codec says what
   * is valid: a custom precision, a dataset, architecture or test split of the user's own. */
  choices?: readonly (readonly [T, string])[];
  url: Codec<T>;
  /** Its part of a result's cache key, in table order; undefined adds nothing (a default that keys were
   * made without, or a value that cannot change this run). A setting without `key` changes no number. */
  key?: (s: RunSpec, id: RunIdentity) => string | undefined;
  /** Its column in the CSV of results. */
  csv?: { column: string; value: (r: Pick<SweepRecord, 'spec' | 'backend'>) => string | number };
  /** Under "Advanced": how the summary names a value other than the default. */
  advanced?: (v: T) => string;
  /** How a run's description names a value other than the default ('' for none). */
  note?: (v: T) => string;
}

const def = <T>(d: SettingDef<T>): SettingDef<T> => d;

const oneOf = <T extends string>(values: readonly T[]): Codec<T> => ({
  parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
  format: (v) => v,
});
/** The codec of a setting whose values are its choices. */
const choiceCodec = <T>(choices: readonly (readonly [T, string])[]): Codec<T> => ({
  parse: (raw) => choices.find(([v]) => String(v) === raw)?.[0],
  format: String,
});
const withChoices = <T>(d: Omit<SettingDef<T>, 'url'> & { choices: readonly (readonly [T, string])[] }) =>
  def<T>({ ...d, url: choiceCodec(d.choices) });

const SPLIT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PRECISION_CODEC: Codec<string> = {
  parse: (raw) => (raw === 'fp32' || /^w([2-8]|32)a([2-8]|32)$/.test(raw) ? raw : undefined),
  format: (v) => v,
};
/** A mixed-precision label, read in canonical form; a bad one is dropped (quant/mixed.ts). */
const MIXED_CODEC: Codec<string> = {
  parse: (raw) => {
    try {
      return raw === '' ? '' : canonicalMixed(raw);
    } catch {
      return undefined;
    }
  },
  format: (v) => v,
};
const quantized = (s: RunSpec) => s.precision.wBits !== null || s.precision.aBits !== null;
const isFloat = (r: Pick<SweepRecord, 'spec'>) => !quantized(r.spec);

export const DATASETS = ['pneumoniamnist', 'retinamnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const ARCHS = ['shufflenetv2', 'ghostnet_vgg', 'mobileone_s0'] as const;
export type ArchName = (typeof ARCHS)[number];
const DATASET_TITLES: Record<DatasetName, string> = {
  pneumoniamnist: 'PneumoniaMNIST',
  retinamnist: 'RetinaMNIST',
  cifar10: 'CIFAR-10',
};
const ARCH_TITLES: Record<ArchName, string> = {
  shufflenetv2: 'ShuffleNetV2 1.0x',
  ghostnet_vgg: 'GhostNet-VGG',
  mobileone_s0: 'MobileOne-S0 (reduced)',
};
const ARITHMETIC_LABELS = {
  'fake-quant': "fake quant (PyTorch's reference)",
  'int8-onednn': 'int8 kernels, oneDNN (x86 servers; emulated)',
  'int8-qnnpack': 'int8 kernels, QNNPACK (ARM phones; emulated)',
} as const satisfies Record<Arithmetic, string>;
const CLAMP_LABELS: Record<Clamp, string> = {
  bits: 'b-bit (a true b-bit model)',
  dtype: "8-bit, as PyTorch 1.13's convert_fx leaves them",
};
type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
type View = 'single' | 'grid' | 'scatter' | 'compare' | 'layers';

export const SETTINGS = {
  // the weights' hash names the model: a user's model of a built-in architecture is another model
  arch: def<string>({
    label: 'Architecture',
    default: 'mobileone_s0',
    // the built-in ones; the dropdown adds those of the user's models (ui/archs.ts)
    choices: ARCHS.map((a) => [a, ARCH_TITLES[a]] as const),
    url: oneOf(ARCHS),
    key: (_, id) => id.weightsSha256.slice(0, 16),
    csv: { column: 'arch', value: (r) => r.spec.arch },
  }),
  dataset: def<string>({
    label: 'Dataset',
    default: 'retinamnist',
    // the built-in ones; the dropdown adds the user's bundles
    choices: DATASETS.map((d) => [d, DATASET_TITLES[d]] as const),
    url: oneOf(DATASETS),
    key: (s, id) => `${s.dataset}@${id.dataSha256.slice(0, 16)}`,
    csv: { column: 'dataset', value: (r) => r.spec.dataset },
  }),
  testSplit: def<string>({
    label: 'Test set',
    default: 'test',
    url: { parse: (raw) => (SPLIT_NAME.test(raw) ? raw : undefined), format: (v) => v },
    key: (s) => s.testSplit,
    csv: { column: 'test_split', value: (r) => r.spec.testSplit },
  }),
  /** fp32 or wXaY (see precision.ts). */
  precision: def<string>({
    label: 'Precision',
    default: 'w8a8',
    // the paper's four: the dropdown's named entries (beside "custom") and the reliability grid's rows
    choices: PAPER_PRECISIONS.map((p) => [p, precisionTitle(parsePrecision(p))] as const),
    url: PRECISION_CODEC,
    key: (s) => precisionLabel(s.precision),
    csv: { column: 'precision', value: (r) => precisionLabel(r.spec.precision) },
  }),
  // float runs do not depend on the observer or the calibration draw
  observer: withChoices<ObserverKind>({
    label: 'Activation observer',
    default: 'histogram',
    choices: [
      ['histogram', 'histogram (PyTorch 1.13)'],
      ['histogram-bitmatched', 'histogram, bit-matched search'],
      ['minmax', 'min/max'],
    ],
    key: (s) => (quantized(s) ? s.observer : '-'),
    csv: { column: 'observer', value: (r) => r.spec.observer },
    advanced: (v) => `observer ${v}`,
  }),
  /** 1-based trial, or all three (their bins pooled, their metrics as mean and spread); a run's spec
   * holds the 0-based trial. */
  trial: withChoices<number | 'all'>({
    label: 'Trial',
    default: 1,
    choices: [
      ...Array.from({ length: TRIALS }, (_, t) => [t + 1, `${t + 1} (seed ${trialSeed(t)})`] as const),
      ['all', 'all three'],
    ],
    key: (s) => (quantized(s) ? `t${s.trial}|n${s.calibrationImages}` : '-|-'),
    csv: { column: 'trial', value: (r) => r.spec.trial + 1 },
    advanced: (v) => `trial ${v}`,
  }),
  /** The ECE bin counts offered: the URL accepts these alone, so the dropdown always shows the one in use. */
  bins: withChoices<number>({
    label: 'ECE bins',
    default: DEFAULT_BINS,
    choices: [10, 15, 20].map((b) => [b, String(b)] as const),
    key: (s) => `b${s.numBins}`,
    csv: { column: 'bins', value: (r) => r.spec.numBins },
    advanced: (v) => `${v} bins`,
  }),
  /** auto: a GPU backend where a real GPU drives it, else wasm (worker/backendOrder.ts). The key holds the
   * backend that computed the run: float32 summation order differs between backends, and rounding to the
   * grid amplifies it (docs/decisions.md). */
  backend: withChoices<BackendChoice>({
    label: 'Backend',
    default: 'auto',
    choices: [
      ['auto', 'auto (a real GPU, else wasm)'],
      ['webgpu', 'webgpu'],
      ['webgl', 'webgl'],
      ['wasm', 'wasm'],
      ['cpu', 'cpu'],
    ],
    key: (_, id) => id.backend,
    csv: { column: 'backend', value: (r) => r.backend },
    advanced: (v) => `backend ${v}`,
  }),
  /** How a quantized model computes: PyTorch's fake-quant reference, or its deployed int8 model (emulated).
   * The defaults of this and the clamp add nothing to a key: most keys stay short. */
  arithmetic: withChoices<Arithmetic>({
    label: 'Arithmetic',
    default: 'fake-quant',
    choices: (Object.keys(ARITHMETIC_LABELS) as Arithmetic[]).map((a) => [a, ARITHMETIC_LABELS[a]] as const),
    key: (s) => int8Of(s.arithmetic),
    // '-' for FP32, which computes the same under each
    csv: { column: 'arithmetic', value: (r) => r.spec.arithmetic ?? (isFloat(r) ? '-' : 'fake-quant') },
    advanced: (v) => v,
    note: (v) =>
      v === 'int8-onednn'
        ? 'int8 arithmetic (oneDNN)'
        : v === 'int8-qnnpack'
          ? 'int8 arithmetic (QNNPACK)'
          : '',
  }),
  /** Where a quantized model's integers clamp below 8 bits (quant/qparams.ts Clamp). */
  clamp: withChoices<Clamp>({
    label: 'Integer range below 8 bits',
    default: 'bits',
    choices: CLAMPS.map((c) => [c, CLAMP_LABELS[c]] as const),
    key: (s) => (runClamp(s.clamp, s.precision) ? 'clamp-dtype' : undefined),
    csv: {
      column: 'clamp',
      value: (r) => (isFloat(r) ? '-' : (runClamp(r.spec.clamp, r.spec.precision) ?? 'bits')),
    },
    advanced: (v) => `integer range ${v}`,
    note: (v) => (v === 'dtype' ? "8-bit integer ranges below 8 bits (PyTorch 1.13's convert_fx)" : ''),
  }),
  /** Bits per kind of layer or per layer over the precision (quant/mixed.ts); '' for one precision, which
   * adds nothing to a key. */
  mixed: def<string>({
    label: 'Per-layer bits',
    default: '',
    url: MIXED_CODEC,
    key: (s) => (runMixed(s.mixed, s.precision) ? `mixed=${canonicalMixed(s.mixed!)}` : undefined),
    csv: { column: 'mixed', value: (r) => runMixed(r.spec.mixed, r.spec.precision) ?? '' },
    advanced: (v) => `mixed ${v}`,
    note: (v) => (v ? `mixed precision ${v}` : ''),
  }),
  // the page's own settings, which change no number
  /** Show the results shipped with the lab where they exist (marked as such), rather than compute each run. */
  shipped: def<boolean>({
    label: 'Results',
    default: true,
    choices: [
      [true, 'shipped with the lab, where they exist'],
      [false, 'computed in this browser'],
    ],
    url: {
      parse: (raw) => (raw === 'on' ? true : raw === 'off' ? false : undefined),
      format: (v) => (v ? 'on' : 'off'),
    },
    advanced: (v) => (v ? 'shipped results' : 'results computed here'),
  }),
  view: withChoices<View>({
    label: 'View',
    default: 'single',
    choices: [
      ['single', 'single run'],
      ['grid', 'reliability grid'],
      ['scatter', 'ECE vs error'],
      ['compare', 'compare two runs'],
      ['layers', 'layer by layer'],
    ],
  }),
  /** Which reliability diagrams the grid shows. */
  scaling: withChoices<'before' | 'after'>({
    label: 'Diagrams',
    default: 'before',
    choices: [
      ['before', 'before temperature scaling'],
      ['after', 'after temperature scaling'],
    ],
  }),
  /** The second run of the compare view: its architecture and precision (the rest is shared). */
  arch2: def<string>({ label: 'B: architecture', default: 'mobileone_s0', url: oneOf(ARCHS) }),
  precision2: def<string>({ label: 'B: precision', default: 'w4a4', url: PRECISION_CODEC }),
  mixed2: def<string>({ label: 'B: per-layer bits', default: '', url: MIXED_CODEC }),
};

export type SettingName = keyof typeof SETTINGS;
type ValueOf<D> = D extends SettingDef<infer T> ? T : never;
/** A value for every setting: what the page holds and its URL spells. */
export type Settings = { [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

export const DEFAULT_SETTINGS = Object.fromEntries(
  Object.entries(SETTINGS).map(([k, d]) => [k, d.default]),
) as Settings;

/** The values of a setting with fixed choices, in their order. */
export const valuesOf = <K extends SettingName>(name: K): ValueOf<(typeof SETTINGS)[K]>[] =>
  ((SETTINGS[name] as SettingDef<unknown>).choices ?? []).map(([v]) => v) as ValueOf<(typeof SETTINGS)[K]>[];

/** A run's description of its settings other than the defaults ('' for none): arithmetic and clamp. */
export const runNote = (arithmetic?: Arithmetic, clamp?: Clamp, mixed?: string) =>
  [
    SETTINGS.arithmetic.note!(arithmetic ?? 'fake-quant'),
    SETTINGS.clamp.note!(clamp ?? 'bits'),
    SETTINGS.mixed.note!(mixed ?? ''),
  ]
    .filter(Boolean)
    .join(' and ');

/** A value's label among a setting's choices, or the value itself (a user's dataset or architecture). */
export const choiceLabel = (name: SettingName, value: unknown): string =>
  (SETTINGS[name] as SettingDef<unknown>).choices?.find(([v]) => v === value)?.[1] ?? String(value);
