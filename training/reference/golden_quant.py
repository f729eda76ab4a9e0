"""Reference observer qparams from torch.ao.quantization (PyTorch 1.13), written to
golden/out/observers.json for src/core/quant/observers.test.ts.

ATEN_CPU_CAPABILITY is pinned to avx2: the HistogramObserver's float32 sums depend on the vector
width torch dispatches to, and the lab reproduces the AVX2 order.

  /usr/bin/python3 training/reference/golden_quant.py
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')
import json  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.ao.quantization.observer import HistogramObserver, MinMaxObserver, PerChannelMinMaxObserver  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'golden', 'out', 'observers.json')


def act_observer(kind, bits, dst_bins=None):
    qmax = 2 ** bits - 1
    if kind == 'minmax':
        return MinMaxObserver(dtype=torch.quint8, quant_min=0, quant_max=qmax)
    obs = HistogramObserver(dtype=torch.quint8, quant_min=0, quant_max=qmax)
    if dst_bins:
        obs.dst_nbins = dst_bins  # the "bit-matched" search of Xia et al.
    return obs


def batches(r):
    """name -> list of float32 arrays observed in order."""
    f = lambda a: np.asarray(a, np.float32)
    relu = lambda a: np.maximum(a, 0)
    return {
        'normal': [f(r.normal(0, 1, 5000))],
        'relu_4_batches': [f(relu(r.normal(0.3, s, (32, 8, 6, 6)))) for s in (1, 1.5, 0.7, 2.5)],
        'heavy_tailed': [f(r.standard_cauchy(4000)), f(r.standard_cauchy(4000))],
        'laplace_wide': [f(r.laplace(0, 3, 20000))],
        'constant': [f(np.full(100, 0.75))],
        'constant_then_spread': [f(np.full(100, 2.0)), f(r.normal(2, 1, 300))],
        'all_negative': [f(-np.abs(r.normal(1, 3, 2000)))],
        'small_range': [f(r.uniform(0.1, 0.4, 3000))],
        'nested_ranges': [f(r.uniform(-4, 9, 3000)), f(r.uniform(-1, 2, 3000)), f(r.uniform(-3, 3, 3000))],
        'widening_ranges': [f(r.uniform(0, 1, 2000)), f(r.uniform(0, 3.5, 2000)), f(r.uniform(-2, 12, 2000)), f(r.uniform(-30, 60, 2000))],
        'logits_like': [f(r.normal(0, 4, (32, 10))) for _ in range(5)],
        'large_values': [f(r.normal(100, 40, 4000)), f(r.normal(300, 80, 4000))],
    }


def main():
    r = np.random.default_rng(99)
    cases = []
    for name, xs in batches(r).items():
        for kind, bits, dst in (('histogram', 8, None), ('histogram', 4, None), ('histogram', 4, 16), ('minmax', 8, None), ('minmax', 4, None)):
            obs = act_observer(kind, bits, dst)
            for x in xs:
                obs(torch.from_numpy(x))
            scale, zp = obs.calculate_qparams()
            cases.append(dict(name=name, kind=kind, bits=bits, dstBins=dst or 256, batches=[x.reshape(-1).tolist() for x in xs],
                              scale=float(scale[0]), zeroPoint=int(zp[0]),
                              min=float(obs.min_val), max=float(obs.max_val)))
    weights = []
    for name, w in (('conv_oihw', r.normal(0, 0.1, (16, 8, 3, 3))), ('depthwise', r.normal(0, 0.5, (24, 1, 3, 3))),
                    ('dense_out_in', r.normal(0, 0.05, (10, 64))), ('with_zero_channel', np.concatenate([np.zeros((1, 4, 1, 1)), r.normal(0, 1, (3, 4, 1, 1))]))):
        w = np.asarray(w, np.float32)
        for bits in (8, 4, 2):
            obs = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                           quant_min=-2 ** (bits - 1), quant_max=2 ** (bits - 1) - 1)
            obs(torch.from_numpy(w))
            scale, zp = obs.calculate_qparams()
            fq = torch.fake_quantize_per_channel_affine(torch.from_numpy(w), scale, zp.int(), 0, -2 ** (bits - 1), 2 ** (bits - 1) - 1)
            weights.append(dict(name=name, bits=bits, shape=list(w.shape), values=w.reshape(-1).tolist(),
                                scales=scale.tolist(), zeroPoints=zp.tolist(), fakeQuant=fq.reshape(-1).tolist()))
    # random values, plus exact ties (k + 1/2 steps of each scale below), large magnitudes and +-0: where
    # the core's shortened clamp (see fakeQuant.ts) could part from torch's if it were wrong. Not beyond
    # 2^63 steps: there torch's float -> int64 cast is undefined (x86 gives INT64_MIN, so qmin for +1e30)
    edges = [0.0, -0.0, 1e15, -1e15, 2.0 ** 24, -(2.0 ** 24), 2.0 ** 24 + 2, 2.0 ** 24 - 1, 1e-30, -1e-30]
    ties = [(k + 0.5) * s for s in (2.0 ** -5, 0.5) for k in range(-300, 300, 7)]
    x = np.asarray(np.concatenate([r.normal(0.5, 2, 4000), edges, ties]), np.float32)
    fq = [dict(scale=s, zeroPoint=z, qmin=0, qmax=q, values=x.tolist(),
               out=torch.fake_quantize_per_tensor_affine(torch.from_numpy(x), s, z, 0, q).tolist())
          for s, z, q in ((0.037, 31, 255), (0.41, 5, 15), (0.1, 0, 3), (2.0 ** -5, 128, 255), (0.5, 0, 255), (0.5, 255, 255))]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(dict(activations=cases, weights=weights, fakeQuant=fq), f)
    print(f'wrote {len(cases)} activation, {len(weights)} weight and {len(fq)} fake-quant cases to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
