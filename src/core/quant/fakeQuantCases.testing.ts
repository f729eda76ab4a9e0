// The fused fake-quant kernels' cases, shared by fakeQuant.test.ts (wasm, WebGPU through Dawn) and the
// browser test (e2e/backends.spec.ts: WebGL and WebGPU in chromium): ties, clamping at both ends, huge values,
// infinities, NaN; shapes whose sizes do and do not divide by 4 (WebGPU's vec4 path, WebGL's packed texels).
// Every case is also checked against fakeQuantValues, the same float32 arithmetic value by value in JavaScript.
// NaN is in one shape only: tfjs's packed WebGL Clip leaves a whole texel unclamped when one of its four values
// is NaN, which the fused shader does not copy (it clamps each value), so on WebGL that shape is checked
// against fakeQuantValues alone. (torch itself gives qmin for NaN, infinities and values past int64, which
// its kernel casts to int64: no activation of a calibrated model comes near.)
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../util/random';
import { fakeQuantOps, fakeQuantTensor, fakeQuantValues } from './fakeQuant';

export interface FusedCase {
  label: string;
  /** Whether the input holds a NaN. */
  nan: boolean;
  fused: number[];
  ops: number[];
  /** fakeQuantValues, with 0 where the tensor paths may give -0. */
  values: number[];
  /** Whether the input tensor still holds its values afterwards. */
  inputKept: boolean;
  /** Tensors and backend data left over. */
  leaked: number;
}

const numDataIds = () => tf.engine().backend.numDataIds();

/** The fused kernel and fakeQuantOps on the current backend, case by case. */
export async function fusedAgainstOps(): Promise<FusedCase[]> {
  const rng = createRng(7);
  const scale = Math.fround(0.0371);
  const special = [0, -0, scale / 2, -scale / 2, 1.5 * scale, 2.5 * scale, -2.5 * scale, 1e30, -1e30];
  const out: FusedCase[] = [];
  for (const shape of [[210], [14, 15], [2, 3, 5, 7], [2, 8, 8, 16]]) {
    const n = tf.util.sizeFromShape(shape);
    const nan = shape.length === 4 && n % 4 !== 0;
    const edge = [...special, Infinity, -Infinity, 1e-30, ...(nan ? [NaN] : [])];
    const values = Float32Array.from({ length: n }, (_, i) => edge[i] ?? (rng() - 0.4) * 30);
    for (const [zeroPoint, quantMin, quantMax] of [
      [0, 0, 255],
      [17, 0, 255],
      [0, -8, 7],
      [3, 0, 15],
    ]) {
      const qp = { scale, zeroPoint };
      const x = tf.tensor(values, shape);
      const before = tf.memory().numTensors + numDataIds();
      const got = fakeQuantTensor(x, qp, quantMin, quantMax);
      const want = fakeQuantOps(x, qp, quantMin, quantMax);
      const [fused, ops, kept] = await Promise.all([got.data(), want.data(), x.data()]);
      tf.dispose([got, want]);
      out.push({
        label: `shape ${shape.join('x')}, zero point ${zeroPoint}, ${quantMin}..${quantMax}`,
        nan,
        fused: Array.from(fused),
        ops: Array.from(ops),
        values: Array.from(fakeQuantValues(values, qp, quantMin, quantMax), (v) => v + 0),
        inputKept: kept.every((v, i) => Object.is(v, values[i])),
        leaked: tf.memory().numTensors + numDataIds() - before,
      });
      x.dispose();
    }
  }
  return out;
}

const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** What is wrong with a case on a backend: empty when the fused kernel equals the four ops bit for bit (but
 * for NaN on WebGL) and fakeQuantValues (up to -0), left its input alone and freed what it made. */
export function fusedFaults(c: FusedCase, backend: string): string[] {
  const faults: string[] = [];
  const texelQuirk = c.nan && backend === 'webgl';
  const plain = c.fused.map((v) => v + 0);
  if ((!c.nan || texelQuirk) && !sameBits(plain, c.values))
    faults.push(`${c.label}: differs from fakeQuantValues`);
  if (!texelQuirk && !sameBits(c.fused, c.ops)) faults.push(`${c.label}: differs from the four ops`);
  if (!c.inputKept) faults.push(`${c.label}: changed its input`);
  if (c.leaked) faults.push(`${c.label}: left ${c.leaked} tensors or buffers`);
  return faults;
}
