// The int8 agreement check on whole test sets: the lab's int8 emulation (src/core/quant/int8.ts) against
// PyTorch's int8 model, run with the same qparams by training/reference/compare_int8.py --full --save DIR.
//   /usr/bin/python3 training/reference/compare_int8.py --full --engines onednn --save /tmp/int8   (or qnnpack, or both)
//   npm run int8-check -- /tmp/int8
// Prints, per model and precision, top-1 agreement against the floor and how many images' logits are identical.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { toModelInput } from '../src/core/data/preprocess';
import { type Int8Engine, Int8Model } from '../src/core/quant/int8';
import { INT8_FLOORS, agreement } from './agreement';
import { loadRunInputs, useBackend } from './nodeTf';

interface Saved {
  model: string;
  wBits: number;
  aBits: number;
  engine: Int8Engine;
  split: string;
  indices: number[] | null;
  labels: number[];
  logits: number[];
  qparams: [number, number][];
}
const BATCH = 250;

async function main() {
  const dir = process.argv[2];
  if (!dir)
    throw new Error(
      'usage: npm run int8-check -- DIR (written by training/reference/compare_int8.py --full --save DIR)',
    );
  await useBackend('wasm');
  console.log('| model | precision | engine | test images | top-1 agreement | floor | identical logits |');
  console.log('|---|---|---|---|---|---|---|');
  let meet = 0,
    runs = 0;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const s = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Saved;
    if (s.indices)
      throw new Error(
        `${file} holds a sample of the test set; rerun compare_int8.py --full without --test-images`,
      );
    const [dataset, arch] = s.model.split('/').slice(-2);
    const inputs = await loadRunInputs(dataset, arch, s.split);
    const { parsed, weights } = inputs;
    const model = new Int8Model(
      parsed,
      weights,
      s.wBits,
      s.aBits,
      s.qparams.map(([scale, zeroPoint]) => ({ scale, zeroPoint })),
      s.engine,
    );
    const k = parsed.doc.classes.length;
    const step = s.qparams[s.qparams.length - 1][0];
    let agree = 0,
      identical = 0;
    const n = inputs.test.count;
    if (n !== s.labels.length)
      throw new Error(`${file}: ${s.labels.length} images, the bundle's ${s.split} has ${n}`);
    for (let start = 0; start < n; start += BATCH) {
      const b = Math.min(BATCH, n - start);
      const x = tf.tensor4d(toModelInput(inputs.test.images, inputs.image, parsed.doc.input, start, b), [
        b,
        32,
        32,
        3,
      ]);
      const y = model.run(x);
      const got = (await y.data()) as Float32Array;
      tf.dispose([x, y]);
      const part = agreement(got, s.logits.slice(start * k, (start + b) * k), k, step);
      agree += part.agree;
      identical += part.identical;
    }
    model.dispose();
    const precision = `W${s.wBits}/A${s.aBits}`;
    const ok = agree / n >= INT8_FLOORS[precision];
    meet += ok ? 1 : 0;
    runs++;
    console.log(
      `| ${parsed.doc.name} | ${precision} | ${s.engine} | ${n} | ${((100 * agree) / n).toFixed(2)}% (${n - agree} differ) | ${ok ? 'meets' : 'misses'} ${100 * INT8_FLOORS[precision]}% | ${identical} |`,
    );
  }
  console.log(`${meet} of ${runs} meet the floor; tensors alive: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
