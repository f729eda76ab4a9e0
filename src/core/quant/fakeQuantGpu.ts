// The fused fake-quant kernel on tfjs's WebGL and WebGPU backends: fakeQuantOps's four elementwise ops
// (multiply by 1/scale, round half to even, clamp, multiply by scale) in one shader, as the wasm kernel in
// fakeQuant.ts does on the CPU. On software WebGL the four ops were two thirds of a quantized forward: four
// draws per tensor, and layout conversions, as tfjs's Round has no packed shader while its Mul and Clip have.
// Each shader repeats, per element, the float32 arithmetic of tfjs's own shaders for those four ops, so the
// bits are the same (fakeQuant.test.ts on WebGPU through Dawn, e2e/backends.spec.ts on WebGL and WebGPU in
// chromium). The programs are plain objects of the fields tfjs's backends read: the backends are not
// imported here, which would register them before the page or Dawn has set up what they need.
import * as tf from '@tensorflow/tfjs-core';

export const FAKE_QUANT = 'QcalFakeQuant';

/** The kernel's attributes: 1/scale, scale and the clamp bounds with the zero point taken out. */
export interface FakeQuantAttrs {
  inv: number;
  scale: number;
  lo: number;
  hi: number;
}

interface WebglBackend {
  runWebGLProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: number[][],
  ): tf.TensorInfo;
}

interface WebgpuBackend {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: { type: 'float32'; data: number[] }[],
  ): tf.TensorInfo;
}

// tfjs's Round shader for GLSL ES, which has no round-half-to-even (webgl/kernels/Round), then its Clip
// (NaN passes through) and Mul
const GLSL_FAKE_QUANT = `
  float fakeQuant(float x) {
    float y = x * inv;
    float base = floor(y);
    float r;
    if ((y - base) < 0.5) {
      r = floor(y);
    } else if ((y - base) > 0.5) {
      r = ceil(y);
    } else {
      r = mod(base, 2.0) == 0.0 ? base : base + 1.0;
    }
    if (!isnan(r)) r = clamp(r, lo, hi);
    return r * scale;
  }
`;

function webglProgram(shape: number[]) {
  return {
    variableNames: ['A'],
    outputShape: shape,
    // packed in and out, as tfjs's Mul and Clip and the convolutions before it: no layout conversion
    packedInputs: true,
    packedOutput: true,
    customUniforms: ['inv', 'scale', 'lo', 'hi'].map((name) => ({ name, type: 'float' })),
    userCode: `${GLSL_FAKE_QUANT}
      void main() {
        vec4 v = getAAtOutCoords();
        setOutput(vec4(fakeQuant(v.x), fakeQuant(v.y), fakeQuant(v.z), fakeQuant(v.w)));
      }
    `,
  };
}

const WORKGROUP = 64;

function webgpuProgram(shape: number[]) {
  const size = tf.util.sizeFromShape(shape);
  const vec4 = size % 4 === 0; // four values a thread where they divide evenly, as tfjs's ClipVec4
  const t = vec4 ? 'vec4<f32>' : 'f32';
  const perThread = vec4 ? 4 : 1;
  return {
    variableNames: ['A'],
    outputShape: shape,
    shaderKey: `qcalFakeQuant${vec4 ? 'Vec4' : ''}`,
    outputComponent: perThread,
    workPerThread: perThread,
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / (WORKGROUP * perThread)), 1, 1],
    size: true,
    uniforms: 'inv : f32, scale : f32, lo : f32, hi : f32,',
    // WGSL's round is half to even, as tfjs's Round; its Clip keeps NaN through a select
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let r = round(getAByOutputIndex(index) * ${t}(uniforms.inv));
          let c = select(clamp(r, ${t}(uniforms.lo), ${t}(uniforms.hi)), r, isnan${vec4 ? 'Vec4' : ''}(r));
          setOutputAtIndex(index, c * ${t}(uniforms.scale));
        }
      }
    `,
  };
}

function register(backendName: string, kernelFunc: tf.KernelFunc): void {
  if (!tf.getKernel(FAKE_QUANT, backendName))
    tf.registerKernel({ kernelName: FAKE_QUANT, backendName, kernelFunc });
}

const attrsOf = (attrs: tf.NamedAttrMap | undefined) => attrs as unknown as FakeQuantAttrs;

register('webgl', ({ inputs, backend, attrs }) => {
  const x = inputs.x as tf.TensorInfo;
  const { inv, scale, lo, hi } = attrsOf(attrs);
  return (backend as unknown as WebglBackend).runWebGLProgram(webglProgram(x.shape), [x], 'float32', [
    [inv],
    [scale],
    [lo],
    [hi],
  ]);
});

register('webgpu', ({ inputs, backend, attrs }) => {
  const x = inputs.x as tf.TensorInfo;
  const { inv, scale, lo, hi } = attrsOf(attrs);
  return (backend as unknown as WebgpuBackend).runWebGPUProgram(
    webgpuProgram(x.shape),
    [x],
    'float32',
    [inv, scale, lo, hi].map((v) => ({ type: 'float32' as const, data: [v] })),
  );
});
