// The parts of tfjs-backend-wasm's BackendWasm that its own kernels use, for the core's few kernels
// of its own on that backend (channel slice/concat, fused fake quant). Not public API: the tests of
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
export const onWasm = (...ts: tf.Tensor[]) => tf.getBackend() === 'wasm' && ts.every((t) => t.dtype === 'float32' && t.size > 0);

/** Offset (in floats) of a tensor in the wasm heap, and a float view of the whole heap. Take it after
 * the last makeOutput: allocating may grow (and so replace) the heap's buffer. */
export function heapOf(backend: WasmBackend, t: tf.TensorInfo): { heap: Float32Array; at: number } {
  const view = backend.typedArrayFromHeap(t);
  return { heap: new Float32Array(view.buffer), at: view.byteOffset / 4 };
}

/** The id under which the wasm module knows a tensor. */
export const wasmId = (backend: WasmBackend, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).id;
