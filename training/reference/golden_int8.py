"""PyTorch's int8 model (int8.py) on both engines, oneDNN and QNNPACK, on the PTQ golden files' test
images with their qparams (the shipped models and the random residual one), written to
golden/out/int8/*-ENGINE.json for src/core/quant/int8.test.ts: the lab's integer emulation of each
engine must agree with it. Run golden_ptq.py first.

  /usr/bin/python3 training/reference/golden_int8.py

oneDNN's result depends on the CPU: without VNNI it sums pairs of u8 x s8 products in a saturating
int16, which the lab does not emulate; the file records this CPU's probe so the test can say so.
QNNPACK's x86 build (SSE2) sums exactly in int32 on every CPU.
Also torch's quantized add and add_relu over every pair of 8-bit inputs, on 15 grids per engine
(golden/out/int8-add/ENGINE.json), for the lab's add tables.
W4/A4 is also written with torch 1.13's own clamps, at the 8-bit ends (`-dtype-ENGINE.json`, int8.clamp_range),
which convert_fx's int8 model equals (golden_fx.py).
"""
import base64
import json
import os

import numpy as np
import torch

import compare_int8
import golden_ptq
import int8

OUT = os.path.join(golden_ptq.ROOT, 'golden', 'out', 'int8')
ADD_OUT = os.path.join(golden_ptq.ROOT, 'golden', 'out', 'int8-add')


def add_tables(engine):
    """torch's quantized add and add_relu on `engine` over every pair of quint8 inputs (65,536 per case),
    on seeded random grids and a few at the edges (zero points 0 and 255, input scales far apart), as
    channels-last tensors (what the int8 models add). Run in a fresh process (compare_int8.int8_process)."""
    compare_int8.setup_torch()
    torch.backends.quantized.engine = engine
    g = np.random.default_rng(7)
    qa = torch.arange(256, dtype=torch.uint8).repeat_interleave(256)
    qb = torch.arange(256, dtype=torch.uint8).repeat(256)
    grid = lambda lo, hi, zp=None: [float(np.float32(g.uniform(lo, hi))), int(g.integers(0, 256)) if zp is None else zp]
    cases = [dict(a=grid(0.005, 0.2), b=grid(0.005, 0.2), out=grid(0.01, 0.3), relu=bool(k % 2)) for k in range(12)]
    cases += [dict(a=grid(0.01, 0.02, 0), b=grid(0.01, 0.02, 255), out=grid(0.01, 0.02, 128), relu=False),
              dict(a=grid(1, 2, 255), b=grid(0.001, 0.002, 0), out=grid(0.05, 0.1, 0), relu=True),
              dict(a=grid(0.001, 0.002), b=grid(0.5, 1), out=grid(0.2, 0.4), relu=False)]
    for c in cases:
        shaped = lambda q, s, z: torch._make_per_tensor_quantized_tensor(q.reshape(16, 16, 16, 16), s, z).contiguous(memory_format=torch.channels_last)
        op = torch.ops.quantized.add_relu if c['relu'] else torch.ops.quantized.add
        y = op(shaped(qa, *c['a']), shaped(qb, *c['b']), *c['out']).int_repr().contiguous().reshape(-1).numpy()
        c['q'] = base64.b64encode(y.astype(np.uint8).tobytes()).decode()
    return cases


def main():
    compare_int8.setup_torch()
    os.makedirs(OUT, exist_ok=True)
    for stale in os.listdir(OUT):  # a file from an engine or model no longer written would still be tested
        os.remove(os.path.join(OUT, stale))
    pair_sums = {engine: int8.pair_sum_probe(engine) for engine in compare_int8.ENGINES}
    os.makedirs(ADD_OUT, exist_ok=True)
    with compare_int8.int8_process() as pool:
        for engine in compare_int8.ENGINES:
            with open(os.path.join(ADD_OUT, f'{engine}.json'), 'w') as f:
                json.dump(dict(engine=engine, cases=pool.submit(add_tables, engine).result()), f)
            print(f'{engine}: quantized add over every input pair on 15 grids')
        for path in compare_int8.model_paths(residual=True):
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
