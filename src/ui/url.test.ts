import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../core/experiment/settings';
import { formatSettings, parseSettings } from './url';

describe('settings in the URL', () => {
  it('round-trips every setting, trial "all" and custom precisions included', () => {
    const s = {
      ...DEFAULT_SETTINGS,
      dataset: 'cifar10',
      testSplit: 'test-lossless',
      trial: 'all' as const,
      precision: 'w5a3',
      view: 'grid' as const,
      bins: 20,
      arithmetic: 'int8-onednn' as const,
    };
    expect(parseSettings(formatSettings(s))).toEqual({ settings: s, notices: [] });
    expect(parseSettings('?trial=3').settings.trial).toBe(3);
    expect(parseSettings('?arithmetic=int8-qnnpack').settings.arithmetic).toBe('int8-qnnpack');
    expect(parseSettings('?clamp=dtype').settings.clamp).toBe('dtype');
    expect(parseSettings(formatSettings({ ...s, clamp: 'dtype' })).settings.clamp).toBe('dtype');
  });
  it('falls back to the default, with a notice, for each bad or unknown parameter', () => {
    const { settings, notices } = parseSettings(
      '?trial=4&precision=w9a8&bins=abc&arch=resnet&zoom=2&arithmetic=int4&clamp=int4',
    );
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(notices).toEqual([
      'URL parameter trial="4" is not valid; using "1".',
      'URL parameter precision="w9a8" is not valid; using "w8a8".',
      'URL parameter bins="abc" is not valid; using "15".',
      'URL parameter arch="resnet" is not valid; using "mobileone_s0".',
      'Unknown URL parameter "zoom" ignored.',
      'URL parameter arithmetic="int4" is not valid; using "fake-quant".',
      'URL parameter clamp="int4" is not valid; using "bits".',
    ]);
    // a bin count the dropdown does not offer would compute under a setting no control shows
    expect(parseSettings('?bins=7').notices).toEqual(['URL parameter bins="7" is not valid; using "15".']);
    expect(parseSettings('?bins=20').settings.bins).toBe(20);
  });
});
