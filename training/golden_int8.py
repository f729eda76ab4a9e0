"""PyTorch's int8 model (int8.py) on both engines, oneDNN and QNNPACK, on the PTQ golden files' test
images with their qparams, written to golden/out/int8/*-ENGINE.json for src/core/quant/int8.test.ts:
the lab's integer emulation of each engine must agree with it. Run golden_ptq.py first.

  /usr/bin/python3 training/golden_int8.py

oneDNN's result depends on the CPU: without VNNI it sums pairs of u8 x s8 products in a saturating
int16, which the lab does not emulate; the file records this CPU's probe so the test can say so.
QNNPACK's x86 build (SSE2) sums exactly in int32 on every CPU.
W4/A4 is also written with torch 1.13's own clamps, at the 8-bit ends (`-dtype-ENGINE.json`, int8.clamp_range),
which convert_fx's int8 model equals (golden_fx.py).
"""
import os

import numpy as np

import compare_int8
import golden_ptq
import int8

OUT = os.path.join(golden_ptq.ROOT, 'golden', 'out', 'int8')


def main():
    compare_int8.setup_torch()
    os.makedirs(OUT, exist_ok=True)
    for stale in os.listdir(OUT):  # a file from an engine or model no longer written would still be tested
        os.remove(os.path.join(OUT, stale))
    pair_sums = {engine: int8.pair_sum_probe(engine) for engine in compare_int8.ENGINES}
    with compare_int8.int8_process() as pool:
        for path in compare_int8.model_paths():
            doc, _ = golden_ptq.load(path)
            for w_bits, a_bits, clamp in [(w, a, 'bits') for w, a in golden_ptq.PRECISIONS] + [(4, 4, 'dtype')]:
                g = compare_int8.golden(doc, w_bits, a_bits)
                ref = np.array(g['logits'])
                for engine, pair_sum in pair_sums.items():
                    q = pool.submit(compare_int8.int8_logits, path, engine, g['qparams'], w_bits, a_bits, g['split'], g['indices'], clamp).result()
                    name = f"{doc['name']}-w{w_bits}a{a_bits}{'' if clamp == 'bits' else '-' + clamp}-{engine}.json"
                    compare_int8.save_run(os.path.join(OUT, name), path, engine, w_bits, a_bits, g['labels'], q, clamp=clamp,
                                          split=g['split'], qparams=g['qparams'], indices=g['indices'], pairSum=pair_sum)
                    print(f"{name}: top-1 agreement with the (b-bit) fake-quant golden {(q.argmax(1) == ref.reshape(q.shape).argmax(1)).mean():.3f}")


if __name__ == '__main__':
    main()
