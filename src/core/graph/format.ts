// qcal-graph v1: the model format written by training/export.py. Same op and field names there.
//   model.json   { format, version, name, arch, dataset, classes, input, weights, nodes, output, stats }
//   weights.bin  little-endian float32; each node's weight/bias is { offset (bytes), shape }
// Layouts are tfjs's: conv2d HWIO, depthwise (groups = in channels) [H, W, in, multiplier],
// dense [in, out]. Tensors are NHWC. parseGraph refuses anything malformed before a tensor exists.
import { check, InputError } from '../errors';
import { sha256Hex } from '../util/bytes';

export const GRAPH_FORMAT = 'qcal-graph';
export const GRAPH_VERSION = 1;

export interface WeightRef {
  offset: number;
  shape: number[];
}

interface Base {
  name: string;
  inputs: string[];
}

export type GraphNode =
  | (Base & { op: 'input' })
  | (Base & {
      op: 'conv2d';
      weight: WeightRef;
      bias: WeightRef;
      stride: [number, number];
      padding: [number, number, number, number];
      groups: number;
      relu: boolean;
    })
  | (Base & { op: 'dense'; weight: WeightRef; bias: WeightRef })
  | (Base & { op: 'relu' | 'add' | 'concat' | 'gap' })
  | (Base & { op: 'slice'; begin: number; size: number })
  | (Base & { op: 'shuffle'; groups: number })
  | (Base & { op: 'permute'; perm: number[] })
  | (Base & { op: 'maxpool'; size: [number, number]; stride: [number, number] });

export type OpName = GraphNode['op'];
export const OPS: readonly OpName[] = [
  'input',
  'conv2d',
  'dense',
  'relu',
  'add',
  'concat',
  'gap',
  'slice',
  'shuffle',
  'permute',
  'maxpool',
];

export interface InputSpec {
  height: number;
  width: number;
  channels: 3;
  /** Per-channel normalisation in 0..255 units, applied before zero padding. */
  mean: [number, number, number];
  std: [number, number, number];
  /** The dataset images this model takes (they are padded to height x width). */
  image: { height: number; width: number; channels: 1 | 3 };
}

export interface GraphDoc {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  name: string;
  arch: string;
  dataset: string;
  classes: string[];
  input: InputSpec;
  weights: { file: string; bytes: number; sha256: string };
  nodes: GraphNode[];
  output: string;
  stats?: { params: number; macs: number };
  [extra: string]: unknown;
}

/** Shape of a node's output without the batch dimension: [H, W, C] or [C]. */
export type Shape = number[];

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown, min = 0): x is number => Number.isInteger(x) && (x as number) >= min;
const intList = (x: unknown, len: number, min = 0) =>
  Array.isArray(x) && x.length === len && x.every((v) => isInt(v, min));
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** The values of one weights entry of model.json: a view into the whole weights file's floats. */
export function weightValues(weights: Float32Array, ref: WeightRef): Float32Array {
  return weights.subarray(ref.offset / 4, ref.offset / 4 + prod(ref.shape));
}

function checkWeight(ref: unknown, want: number[], totalBytes: number, where: string): void {
  check(
    isObj(ref) && isInt(ref.offset) && Array.isArray(ref.shape) && ref.shape.every((v) => isInt(v, 1)),
    `${where}: weight entry needs an integer offset and a shape`,
  );
  const r = ref as unknown as WeightRef;
  check(r.offset % 4 === 0, `${where}: weight offset ${r.offset} is not a multiple of 4`);
  check(
    r.shape.join() === want.join(),
    `${where}: weight shape [${r.shape}] does not fit; expected [${want}]`,
  );
  check(
    r.offset + prod(r.shape) * 4 <= totalBytes,
    `${where}: weights run past the end of the weights file (${totalBytes} bytes)`,
  );
}

/** Infers one node's output shape from its inputs, refusing what does not fit. */
function inferShape(n: GraphNode, ins: Shape[], spec: InputSpec, bytes: number): Shape {
  const where = `node ${n.name} (${n.op})`;
  const spatial = (s: Shape) => check(s.length === 3, `${where}: expects an image tensor, got shape [${s}]`);
  const arity = (k: number) => check(ins.length === k, `${where}: expects ${k} input(s), got ${ins.length}`);
  switch (n.op) {
    case 'input':
      arity(0);
      return [spec.height, spec.width, spec.channels];
    case 'conv2d': {
      arity(1);
      spatial(ins[0]);
      const [H, W, C] = ins[0];
      check(
        intList(n.stride, 2, 1) && intList(n.padding, 4) && isInt(n.groups, 1) && typeof n.relu === 'boolean',
        `${where}: needs stride [sh, sw] >= 1, padding [top, bottom, left, right], groups and relu`,
      );
      check(
        Array.isArray((n.weight as WeightRef | undefined)?.shape) &&
          (n.weight as WeightRef).shape.length === 4,
        `${where}: weight must be 4-D`,
      );
      const [kh, kw] = n.weight.shape;
      const depthwise = n.groups > 1;
      check(
        !depthwise || n.groups === C,
        `${where}: groups=${n.groups} is supported only as 1 or the input channels (${C})`,
      );
      const cout = depthwise ? C * n.weight.shape[3] : n.weight.shape[3];
      checkWeight(n.weight, depthwise ? [kh, kw, C, cout / C] : [kh, kw, C, cout], bytes, where);
      checkWeight(n.bias, [cout], bytes, `${where} bias`);
      const Ho = Math.floor((H + n.padding[0] + n.padding[1] - kh) / n.stride[0]) + 1;
      const Wo = Math.floor((W + n.padding[2] + n.padding[3] - kw) / n.stride[1]) + 1;
      check(Ho >= 1 && Wo >= 1, `${where}: a ${kh}x${kw} kernel does not fit a ${H}x${W} input`);
      return [Ho, Wo, cout];
    }
    case 'dense': {
      arity(1);
      check(ins[0].length === 1, `${where}: expects a vector (after gap), got shape [${ins[0]}]`);
      const out = (n.weight as WeightRef | undefined)?.shape?.[1];
      check(isInt(out, 1), `${where}: weight must be [in, out]`);
      checkWeight(n.weight, [ins[0][0], out], bytes, where);
      checkWeight(n.bias, [out], bytes, `${where} bias`);
      return [out];
    }
    case 'relu':
      arity(1);
      return ins[0];
    case 'add':
      arity(2);
      check(ins[0].join() === ins[1].join(), `${where}: shapes [${ins[0]}] and [${ins[1]}] differ`);
      return ins[0];
    case 'concat': {
      check(ins.length >= 2, `${where}: needs at least 2 inputs`);
      ins.forEach(spatial);
      check(
        ins.every((s) => s[0] === ins[0][0] && s[1] === ins[0][1]),
        `${where}: spatial sizes differ: ${ins.map((s) => `[${s}]`).join(' ')}`,
      );
      return [ins[0][0], ins[0][1], ins.reduce((c, s) => c + s[2], 0)];
    }
    case 'gap':
      arity(1);
      spatial(ins[0]);
      return [ins[0][2]];
    case 'slice':
      arity(1);
      spatial(ins[0]);
      check(
        isInt(n.begin) && isInt(n.size, 1) && n.begin + n.size <= ins[0][2],
        `${where}: channels ${n.begin}..${n.begin + n.size} outside 0..${ins[0][2]}`,
      );
      return [ins[0][0], ins[0][1], n.size];
    case 'shuffle':
      arity(1);
      spatial(ins[0]);
      check(
        isInt(n.groups, 1) && ins[0][2] % n.groups === 0,
        `${where}: ${ins[0][2]} channels do not split into ${n.groups} groups`,
      );
      return ins[0];
    case 'permute':
      arity(1);
      spatial(ins[0]);
      check(
        Array.isArray(n.perm) &&
          n.perm.length === ins[0][2] &&
          [...n.perm].sort((a, b) => a - b).every((v, i) => v === i),
        `${where}: perm must be a permutation of 0..${ins[0][2] - 1}`,
      );
      return ins[0];
    case 'maxpool': {
      arity(1);
      spatial(ins[0]);
      check(intList(n.size, 2, 1) && intList(n.stride, 2, 1), `${where}: needs size and stride [h, w]`);
      const Ho = Math.floor((ins[0][0] - n.size[0]) / n.stride[0]) + 1;
      const Wo = Math.floor((ins[0][1] - n.size[1]) / n.stride[1]) + 1;
      check(Ho >= 1 && Wo >= 1, `${where}: a ${n.size} window does not fit [${ins[0]}]`);
      return [Ho, Wo, ins[0][2]];
    }
  }
}

export interface ParsedGraph {
  doc: GraphDoc;
  /** Output shape of every node, by name. */
  shapes: Map<string, Shape>;
}

/** Validates model.json against a weights file of `weightBytes` bytes. */
export function parseGraph(json: Uint8Array | string, weightBytes: number): ParsedGraph {
  let d: unknown;
  try {
    d = JSON.parse(typeof json === 'string' ? json : new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new InputError(`model.json is not valid JSON: ${(e as Error).message}`);
  }
  check(isObj(d) && d.format === GRAPH_FORMAT, `not a ${GRAPH_FORMAT} model (format field missing or wrong)`);
  check(
    d.version === GRAPH_VERSION,
    `${GRAPH_FORMAT} version ${String(d.version)} is not supported; this lab reads version ${GRAPH_VERSION}`,
  );
  check(
    Array.isArray(d.classes) && d.classes.length >= 1 && d.classes.every((c) => typeof c === 'string'),
    'classes must be a non-empty list of names',
  );
  const inp = d.input;
  check(isObj(inp) && inp.height === 32 && inp.width === 32 && inp.channels === 3, 'input must be 32x32x3');
  check(
    Array.isArray(inp.mean) && inp.mean.length === 3 && inp.mean.every(Number.isFinite),
    'input.mean must be 3 numbers',
  );
  check(
    Array.isArray(inp.std) && inp.std.length === 3 && inp.std.every((s) => Number.isFinite(s) && s > 0),
    'input.std must be 3 positive numbers',
  );
  const img = inp.image;
  check(
    isObj(img) &&
      isInt(img.height, 1) &&
      isInt(img.width, 1) &&
      (img.channels === 1 || img.channels === 3) &&
      (img.height as number) <= 32 &&
      (img.width as number) <= 32,
    'input.image must be at most 32x32 with 1 or 3 channels',
  );
  const w = d.weights;
  check(isObj(w) && isInt(w.bytes) && typeof w.sha256 === 'string', 'weights entry needs bytes and sha256');
  check(
    w.bytes === weightBytes,
    `weights file has ${weightBytes} bytes, model.json says ${String(w.bytes)} (truncated or wrong file)`,
  );
  check(Array.isArray(d.nodes) && d.nodes.length > 0, 'nodes must be a non-empty list');
  const doc = d as unknown as GraphDoc;
  const shapes = new Map<string, Shape>();
  for (const [i, n] of doc.nodes.entries()) {
    check(isObj(n) && typeof n.name === 'string' && n.name.length > 0, `node ${i}: needs a name`);
    check(
      OPS.includes(n.op),
      `node ${n.name}: unknown op ${JSON.stringify(n.op)}; valid ops: ${OPS.join(', ')}`,
    );
    check(!shapes.has(n.name), `node ${n.name}: name used twice`);
    check(
      Array.isArray(n.inputs) && n.inputs.every((x) => typeof x === 'string'),
      `node ${n.name}: inputs must be a list of names`,
    );
    for (const x of n.inputs) check(shapes.has(x), `node ${n.name}: input ${x} is not defined before it`);
    shapes.set(
      n.name,
      inferShape(
        n,
        n.inputs.map((x) => shapes.get(x)!),
        doc.input,
        weightBytes,
      ),
    );
  }
  check(doc.nodes.filter((n) => n.op === 'input').length === 1, 'the graph needs exactly one input node');
  const out = shapes.get(doc.output);
  check(out, `output ${JSON.stringify(doc.output)} is not a node`);
  check(
    out.length === 1 && out[0] === doc.classes.length,
    `output shape [${out}] does not give one logit per class (${doc.classes.length})`,
  );
  return { doc, shapes };
}

/** Checks the weights file against model.json's hash and returns it as float32 values. */
export async function parseWeights(doc: GraphDoc, bytes: Uint8Array): Promise<Float32Array> {
  check(
    bytes.length === doc.weights.bytes,
    `weights file has ${bytes.length} bytes, model.json says ${doc.weights.bytes}`,
  );
  const hash = await sha256Hex(bytes);
  check(
    hash === doc.weights.sha256,
    `weights sha256 ${hash.slice(0, 12)}... does not match model.json's ${doc.weights.sha256.slice(0, 12)}... (wrong or corrupted file)`,
  );
  // copy: the float view needs 4-byte alignment; DataView-free since tfjs targets are little-endian
  return new Float32Array(bytes.slice().buffer);
}
