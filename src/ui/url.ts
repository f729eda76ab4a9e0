// Settings <-> URL query, one validated codec per setting (as tensorflow/playground's state table).
// A bad or unknown value falls back to the default and is reported as a notice.

export const DATASETS = ['pneumoniamnist', 'retinamnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Settings {
  dataset: DatasetName;
  testSplit: string;
}

export const DEFAULT_SETTINGS: Settings = { dataset: 'pneumoniamnist', testSplit: 'test' };

interface Codec<T> {
  parse(raw: string): T | undefined;
  format(v: T): string;
}

const oneOf = <T extends string>(values: readonly T[]): Codec<T> => ({
  parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
  format: (v) => v,
});

const SPLIT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const URL_CODECS: { [K in keyof Settings]: Codec<Settings[K]> } = {
  dataset: oneOf(DATASETS),
  testSplit: { parse: (raw) => (SPLIT_NAME.test(raw) ? raw : undefined), format: (v) => v },
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
    if (v === undefined) notices.push(`URL parameter ${key}="${raw}" is not valid; using "${DEFAULT_SETTINGS[k]}".`);
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
