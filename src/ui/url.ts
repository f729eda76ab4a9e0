// Settings <-> URL query, each setting's codec from the settings table (core/experiment/settings.ts), as
// tensorflow/playground's state table. A bad or unknown value falls back to the default and is reported
// as a notice.
import {
  DEFAULT_SETTINGS,
  SETTINGS,
  type Codec,
  type SettingName,
  type Settings,
} from '../core/experiment/settings';

const codec = <K extends SettingName>(k: K) => SETTINGS[k].url as Codec<Settings[K]>;

/** Settings from a query string; notices name each parameter that was ignored. */
export function parseSettings(search: string): { settings: Settings; notices: string[] } {
  const params = new URLSearchParams(search);
  const settings = { ...DEFAULT_SETTINGS };
  const notices: string[] = [];
  for (const [key, raw] of params) {
    if (!(key in SETTINGS)) {
      notices.push(`Unknown URL parameter "${key}" ignored.`);
      continue;
    }
    const k = key as SettingName;
    const v = codec(k).parse(raw);
    if (v === undefined)
      notices.push(`URL parameter ${key}="${raw}" is not valid; using "${String(DEFAULT_SETTINGS[k])}".`);
    else (settings as Record<SettingName, unknown>)[k] = v;
  }
  return { settings, notices };
}

export function formatSettings(s: Settings): string {
  const params = new URLSearchParams();
  for (const k of Object.keys(SETTINGS) as SettingName[]) params.set(k, codec(k).format(s[k]));
  return `?${params}`;
}
