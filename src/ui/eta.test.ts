// The time-left estimate: none before a rate exists, the current phase's rate over what remains and is to come.
import { describe, expect, it } from 'vitest';
import { etaText, secondsLeft } from './eta';

describe('time left', () => {
  const splits = { validation: 200, test: 400 };
  it('should wait for a first measured batch', () => {
    expect(
      secondsLeft({ phase: 'calibrate', done: 64, total: 1024, since: { t: 0, done: 64 }, splits }, 500),
    ).toBeNull();
  });
  it('should count the phases still to come at the current rate', () => {
    // 64 images in 1 s: 960 left to calibrate + 600 to evaluate
    expect(
      secondsLeft({ phase: 'calibrate', done: 128, total: 1024, since: { t: 0, done: 64 }, splits }, 1000),
    ).toBe((896 + 600) / 64);
    expect(
      secondsLeft({ phase: 'validation', done: 100, total: 200, since: { t: 0, done: 0 }, splits }, 1000),
    ).toBe(5);
    expect(
      secondsLeft({ phase: 'test', done: 400, total: 400, since: { t: 0, done: 0 }, splits }, 1000),
    ).toBe(0);
  });
  it('should say it in words', () => {
    expect(etaText(null)).toBe('');
    expect(etaText(0.2)).toBe('under a second left');
    expect(etaText(12.1)).toBe('about 13 s left');
    expect(etaText(600)).toBe('about 10 min left');
  });
});
