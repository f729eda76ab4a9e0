// Executor parity with PyTorch: logits of every shipped model on real test images, tfjs cpu, wasm and
// WebGPU (on Dawn: scripts/dawn.ts) backends against torch running the same exported graph
// (training/reference/golden_models.py).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ROOT, loadModelDir, useBackend } from '../../../scripts/nodeTf';
import { dirFetcher } from '../../../scripts/bundleFiles';
import { readManifest, readSplit } from '../data/bundle';
import { subset } from '../data/dataset';
import { toModelInput } from '../data/preprocess';

const GOLDEN = join(ROOT, 'golden/out/models');
const CPU_IMAGES = 8; // the cpu backend is slow; wasm runs every golden image
const WEBGPU_IMAGES = 100; // llvmpipe, where there is no GPU: GhostNet-VGG ten times slower than wasm

/** indices: the test images PyTorch ran, a seeded sample in its order (the bundle's first images may be one class). */
interface Golden {
  model: string;
  split: string;
  indices: number[];
  labels: number[];
  logits: number[];
}
const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.json')) : [];
const MODELS = join(ROOT, 'public/models');
const shipped = existsSync(MODELS)
  ? readdirSync(MODELS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(MODELS, d.name)))
  : [];

describe('every shipped model has PyTorch golden logits', () => {
  it('should find one golden file per shipped model', () => {
    expect(goldens.length).toBe(shipped.length);
    expect(shipped.length).toBeGreaterThan(0);
  });
});

for (const file of goldens) {
  const g = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')) as Golden;
  describe(`${g.model}: executor logits equal PyTorch's`, () => {
    for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
      it(`on the ${backend} backend: max |diff| <= 1e-4 x the largest logit, top-1 identical on >= 99.9%`, async () => {
        await useBackend(backend);
        const before = tf.memory().numTensors;
        const model = await loadModelDir(join(ROOT, g.model));
        const k = model.doc.classes.length;
        const fetchFile = dirFetcher(join(ROOT, 'public/data', model.doc.dataset));
        const manifest = await readManifest(fetchFile);
        const split = subset(await readSplit(fetchFile, manifest, g.split), g.indices, manifest.image);
        expect(Array.from(split.labels)).toEqual(g.labels);
        const n = { cpu: CPU_IMAGES, wasm: split.count, webgpu: Math.min(WEBGPU_IMAGES, split.count) }[
          backend
        ];
        let maxDiff = 0,
          maxLogit = 0,
          agree = 0;
        for (let s = 0; s < n; s += 100) {
          const b = Math.min(100, n - s);
          const x = tf.tensor4d(toModelInput(split.images, manifest.image, model.doc.input, s, b), [
            b,
            32,
            32,
            3,
          ]);
          const y = model.run(x);
          const got = await y.data();
          x.dispose();
          y.dispose();
          for (let i = 0; i < b; i++) {
            let ag = 0,
              ar = 0;
            for (let j = 0; j < k; j++) {
              const want = g.logits[(s + i) * k + j];
              maxDiff = Math.max(maxDiff, Math.abs(got[i * k + j] - want));
              maxLogit = Math.max(maxLogit, Math.abs(want));
              if (got[i * k + j] > got[i * k + ag]) ag = j;
              if (want > g.logits[(s + i) * k + ar]) ar = j;
            }
            if (ag === ar) agree++;
          }
        }
        model.dispose();
        expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
        console.log(
          `${g.model} ${backend}: ${n} images, max |diff| / max |logit| = ${(maxDiff / maxLogit).toExponential(2)}, top-1 agreement ${agree}/${n}`,
        );
        expect(maxDiff / maxLogit).toBeLessThanOrEqual(1e-4);
        expect(agree / n).toBeGreaterThanOrEqual(0.999);
      });
    }
  });
}

describe('randomly initialised models of all three architectures (folded BN, re-parameterised MobileOne) and a residual one', () => {
  for (const arch of ['shufflenetv2', 'ghostnet_vgg', 'mobileone_s0', 'residual']) {
    it(`should compute ${arch}'s PyTorch logits on the wasm backend to 1e-4 of the largest`, async () => {
      await useBackend('wasm');
      const dir = join(ROOT, 'golden/out/random-models', arch);
      const g = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as {
        input_nhwc: number[];
        logits: number[];
      };
      const model = await loadModelDir(dir);
      const x = tf.tensor4d(g.input_nhwc, [g.input_nhwc.length / 3072, 32, 32, 3]);
      const y = model.run(x);
      const got = await y.data();
      tf.dispose([x, y]);
      model.dispose();
      const maxLogit = Math.max(...g.logits.map(Math.abs));
      const maxDiff = Math.max(...g.logits.map((v, i) => Math.abs(v - got[i])));
      expect(maxDiff / maxLogit).toBeLessThanOrEqual(1e-4);
      expect(tf.memory().numTensors).toBe(0);
    });
  }
});
