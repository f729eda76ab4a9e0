// Settings <-> URL query, one validated codec per setting (as tensorflow/playground's state table).
// A bad or unknown value falls back to the default and is reported as a notice.
import { CLAMPS, type Clamp } from '../core/quant/qparams';

export const DATASETS = ['pneumoniamnist', 'retinamnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const ARCHS = ['shufflenetv2', 'ghostnet_vgg', 'mobileone_s0'] as const;
export type ArchName = (typeof ARCHS)[number];
export const OBSERVERS = ['histogram', 'histogram-bitmatched', 'minmax'] as const;
export const ARITHMETIC_CHOICES = ['fake-quant', 'int8-onednn', 'int8-qnnpack'] as const;
export const ARITHMETIC_LABELS: Record<(typeof ARITHMETIC_CHOICES)[number], string> = {
  'fake-quant': "fake quant (PyTorch's reference)",
  'int8-onednn': 'int8 kernels, oneDNN (x86 servers; emulated)',
  'int8-qnnpack': 'int8 kernels, QNNPACK (ARM phones; emulated)',
};
/** How a run's text names its arithmetic: '' for fake quant, which needs no mention. */
const arithmeticNote = (a?: string) =>
  a === 'int8-onednn' ? 'int8 arithmetic (oneDNN)' : a === 'int8-qnnpack' ? 'int8 arithmetic (QNNPACK)' : '';
export const CLAMP_LABELS: Record<Clamp, string> = {
  bits: 'b-bit (a true b-bit model)',
  dtype: "8-bit, as PyTorch 1.13's convert_fx leaves them",
};
/** How a run's text names its clamp: '' for the default. */
const clampNote = (c?: string) =>
  c === 'dtype' ? "8-bit integer ranges below 8 bits (PyTorch 1.13's convert_fx)" : '';
/** Both notes, joined: '' for the defaults. */
export const runNote = (arithmetic?: string, clamp?: string) =>
  [arithmeticNote(arithmetic), clampNote(clamp)].filter(Boolean).join(' and ');
export const VIEWS = ['single', 'grid', 'scatter', 'compare'] as const;
export const SCALINGS = ['before', 'after'] as const;
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** The ECE bin counts offered: the URL accepts these alone, so the dropdown always shows the one in use. */
export const BIN_CHOICES = [10, 15, 20] as const;

export interface Settings {
  /** A built-in dataset, or one the user brought (which a reloaded URL cannot restore). */
  dataset: string;
  testSplit: string;
  /** A built-in architecture, or one of a model the user brought (likewise). */
  arch: string;
  /** fp32 or wXaY (see core/experiment/precision.ts). */
  precision: string;
  /** 1-based trial, or all three (their bins pooled, their metrics as mean and spread). */
  trial: number | 'all';
  observer: (typeof OBSERVERS)[number];
  /** How a quantized model computes: PyTorch's fake-quant reference, or its deployed int8 model (emulated). */
  arithmetic: (typeof ARITHMETIC_CHOICES)[number];
  /** Where a quantized model's integers clamp below 8 bits (core/quant/qparams.ts Clamp). */
  clamp: Clamp;
  bins: number;
  /** Show the results shipped with the lab where they exist (marked as such), rather than compute each run. */
  shipped: boolean;
  /** auto: a GPU backend where a real GPU drives it, else wasm (worker/backendOrder.ts). */
  backend: (typeof BACKEND_CHOICES)[number];
  view: (typeof VIEWS)[number];
  /** Which reliability diagrams the grid shows. */
  scaling: (typeof SCALINGS)[number];
  /** The second run of the compare view: its architecture and precision (the rest is shared). */
  arch2: string;
  precision2: string;
}

export const DEFAULT_SETTINGS: Settings = {
  dataset: 'retinamnist',
  testSplit: 'test',
  arch: 'mobileone_s0',
  precision: 'w8a8',
  trial: 1,
  observer: 'histogram',
  arithmetic: 'fake-quant',
  clamp: 'bits',
  bins: 15,
  shipped: true,
  backend: 'auto',
  view: 'single',
  scaling: 'before',
  arch2: 'mobileone_s0',
  precision2: 'w4a4',
};

interface Codec<T> {
  parse(raw: string): T | undefined;
  format(v: T): string;
}

const oneOf = <T extends string>(values: readonly T[]): Codec<T> => ({
  parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
  format: (v) => v,
});

const SPLIT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const intIn = (lo: number, hi: number): Codec<number> => ({
  parse: (raw) => (/^\d+$/.test(raw) && Number(raw) >= lo && Number(raw) <= hi ? Number(raw) : undefined),
  format: String,
});

const PRECISION_CODEC: Codec<string> = {
  parse: (raw) => (raw === 'fp32' || /^w([2-8]|32)a([2-8]|32)$/.test(raw) ? raw : undefined),
  format: (v) => v,
};

export const URL_CODECS: { [K in keyof Settings]: Codec<Settings[K]> } = {
  dataset: oneOf(DATASETS),
  testSplit: { parse: (raw) => (SPLIT_NAME.test(raw) ? raw : undefined), format: (v) => v },
  arch: oneOf(ARCHS),
  precision: PRECISION_CODEC,
  trial: { parse: (raw) => (raw === 'all' ? 'all' : intIn(1, 3).parse(raw)), format: String },
  observer: oneOf(OBSERVERS),
  arithmetic: oneOf(ARITHMETIC_CHOICES),
  clamp: oneOf(CLAMPS),
  bins: {
    parse: (raw) => (BIN_CHOICES as readonly number[]).find((b) => String(b) === raw),
    format: String,
  },
  shipped: {
    parse: (raw) => (raw === 'on' ? true : raw === 'off' ? false : undefined),
    format: (v) => (v ? 'on' : 'off'),
  },
  backend: oneOf(BACKEND_CHOICES),
  view: oneOf(VIEWS),
  scaling: oneOf(SCALINGS),
  arch2: oneOf(ARCHS),
  precision2: PRECISION_CODEC,
};

/** Settings from a query string; notices name each parameter that was ignored. */
export function parseSettings(search: string): { settings: Settings; notices: string[] } {
  const params = new URLSearchParams(search);
  const settings = { ...DEFAULT_SETTINGS };
  const notices: string[] = [];
  for (const [key, raw] of params) {
    if (!(key in URL_CODECS)) {
      notices.push(`Unknown URL parameter "${key}" ignored.`);
      continue;
    }
    const k = key as keyof Settings;
    const v = URL_CODECS[k].parse(raw);
    if (v === undefined)
      notices.push(`URL parameter ${key}="${raw}" is not valid; using "${DEFAULT_SETTINGS[k]}".`);
    else (settings as Record<keyof Settings, unknown>)[k] = v;
  }
  return { settings, notices };
}

export function formatSettings(s: Settings): string {
  const params = new URLSearchParams();
  for (const k of Object.keys(URL_CODECS) as (keyof Settings)[]) {
    params.set(k, (URL_CODECS[k] as Codec<Settings[typeof k]>).format(s[k]));
  }
  return `?${params}`;
}
