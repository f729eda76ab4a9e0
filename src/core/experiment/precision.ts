// Precision labels as the UI and the sweep spell them: fp32, w8a8, w4a8, w4a4, or any wXaY with
// X, Y from 2 to 8 (either may be 32 for float).
import { check } from '../errors';

export interface Precision {
  wBits: number | null;
  aBits: number | null;
}

export const PAPER_PRECISIONS = ['fp32', 'w8a8', 'w4a8', 'w4a4'] as const;

export function parsePrecision(label: string): Precision {
  if (label === 'fp32') return { wBits: null, aBits: null };
  const m = /^w(\d+)a(\d+)$/.exec(label);
  const bits = (s: string) => (s === '32' ? null : Number(s));
  check(
    m && [m[1], m[2]].every((s) => s === '32' || (Number(s) >= 2 && Number(s) <= 8)),
    `precision ${JSON.stringify(label)} is not valid; use fp32 or wXaY with X and Y from 2 to 8 (or 32 for float), e.g. ${PAPER_PRECISIONS.join(', ')}`,
  );
  return { wBits: bits(m[1]), aBits: bits(m[2]) };
}

export function precisionLabel({ wBits, aBits }: Precision): string {
  return wBits === null && aBits === null ? 'fp32' : `w${wBits ?? 32}a${aBits ?? 32}`;
}

/** Display form: "W8/A8", "FP32". */
export function precisionTitle(p: Precision): string {
  return p.wBits === null && p.aBits === null ? 'FP32' : `W${p.wBits ?? 32}/A${p.aBits ?? 32}`;
}
