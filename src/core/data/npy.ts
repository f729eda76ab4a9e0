// The .npy format (NEP 1): magic, version, a Python-literal header dict, then C-order data.
import { check } from '../errors';

export interface NpyArray {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
// Integer dtypes, which npyToUint8 converts, and the others numpy commonly writes, which are parsed only so
// that the caller can say what it wanted instead.
const SIZES: Record<string, number> = {
  '|u1': 1,
  '|i1': 1,
  '<u2': 2,
  '<i2': 2,
  '<u4': 4,
  '<i4': 4,
  '<u8': 8,
  '<i8': 8,
  '|b1': 1,
  '<f2': 2,
  '<f4': 4,
  '<f8': 8,
};

export function parseNpy(buf: Uint8Array, name: string): NpyArray {
  check(buf.length >= 10 && MAGIC.every((b, i) => buf[i] === b), `${name}: not a .npy array (bad magic)`);
  const major = buf[6];
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(buf.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  check(descr && fortran && shapeText !== undefined, `${name}: unreadable .npy header`);
  check(fortran === 'False', `${name}: Fortran-order arrays are not supported`);
  check(
    descr in SIZES,
    `${name}: dtype ${descr} is not readable; readable dtypes: ${Object.keys(SIZES).join(', ')} (little-endian)`,
  );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  check(
    shape.every((n) => Number.isInteger(n) && n >= 0),
    `${name}: bad shape (${shapeText})`,
  );
  const n = shape.reduce((a, b) => a * b, 1) * SIZES[descr];
  const data = buf.subarray(start + headerLen);
  check(
    data.length === n,
    `${name}: ${data.length} data bytes for shape (${shape.join(', ')}) of ${descr}: expected ${n} (truncated?)`,
  );
  return { dtype: descr, shape, data };
}

const VIEWS = {
  '|i1': Int8Array,
  '<u2': Uint16Array,
  '<i2': Int16Array,
  '<u4': Uint32Array,
  '<i4': Int32Array,
  '<u8': BigUint64Array,
  '<i8': BigInt64Array,
} as const;

/** The dtypes npyToUint8 converts. */
export const INTEGER_DTYPES = ['|u1', ...Object.keys(VIEWS)];

/** Integer array values as uint8, refusing values outside 0..255 (labels may be stored as int64). */
export function npyToUint8(a: NpyArray, name: string): Uint8Array {
  if (a.dtype === '|u1') return a.data;
  check(
    a.dtype in VIEWS,
    `${name}: dtype ${a.dtype} is not supported; integer dtypes only (${INTEGER_DTYPES.join(', ')}), values 0..255`,
  );
  // slice(): an aligned copy, since typed views need offsets that are multiples of the element size
  const values = new VIEWS[a.dtype as keyof typeof VIEWS](a.data.slice().buffer);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i]);
    check(x >= 0 && x <= 255, `${name}: value ${x} at ${i} does not fit in 0..255`);
    out[i] = x;
  }
  return out;
}
