// The parts of tfjs-backend-wasm's BackendWasm that its own kernels use, for the core's few kernels
// of its own on that backend (channel slice/concat, fused fake quant, fused int8 requantization). Not public API: the tests of
// those kernels compare them value for value with tfjs's ops, so a change in tfjs shows there.
import * as tf from '@tensorflow/tfjs-core';

type WasmFunc = (...args: (number | Uint8Array)[]) => void;

export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { id: number } };
  wasm: { cwrap(name: string, returns: null, args: string[]): WasmFunc };
}

/** True when the op can take the wasm fast path: wasm is the backend and every tensor is non-empty float32. */
export const onWasm = (...ts: tf.Tensor[]) =>
  tf.getBackend() === 'wasm' && ts.every((t) => t.dtype === 'float32' && t.size > 0);

/** Offset (in floats) of a tensor in the wasm heap, and a float view of the whole heap. Take it after
 * the last makeOutput: allocating may grow (and so replace) the heap's buffer. */
export function heapOf(backend: WasmBackend, t: tf.TensorInfo): { heap: Float32Array; at: number } {
  const view = backend.typedArrayFromHeap(t);
  return { heap: new Float32Array(view.buffer), at: view.byteOffset / 4 };
}

/** The id under which the wasm module knows a tensor. */
export const wasmId = (backend: WasmBackend, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).id;

/** tfjs-backend-wasm's CppDType.float32. */
export const CPP_FLOAT32 = 0;

/** A shape as the wasm functions take it: int32 bytes. */
export const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

const BINARY_ARGS = ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number']; // a, shape, rank, b, shape, rank, dtype, out

/** The elementwise functions of tfjs's own wasm binary (the ones its Add, Mul, Round and ClipByValue
 * ops call): add/mul(a, aShape, aRank, b, bShape, bRank, dtype, out) broadcasting b, round(x, dtype,
 * out), clip(x, min, max, out). They may run in place (out = a). */
export interface ElementwiseFns {
  add: WasmFunc;
  mul: WasmFunc;
  round: WasmFunc;
  clip: WasmFunc;
}

let elementwise: ElementwiseFns | undefined;
export function elementwiseFns(backend: WasmBackend): ElementwiseFns {
  elementwise ??= {
    add: backend.wasm.cwrap('Add', null, BINARY_ARGS),
    mul: backend.wasm.cwrap('Multiply', null, BINARY_ARGS),
    round: backend.wasm.cwrap('Round', null, ['number', 'number', 'number']),
    clip: backend.wasm.cwrap('ClipByValue', null, ['number', 'number', 'number', 'number']),
  };
  return elementwise;
}
