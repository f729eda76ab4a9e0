"""Top-1 agreement between the fake-quant reference (golden_ptq.py's torch replay, which the lab
reproduces) and the same model run with PyTorch's int8 kernels (int8.py: QNNPACK and oneDNN, the two
engines Debian's torch 1.13 has) with the very same qparams, on the golden test images. Run
golden_ptq.py first.

  /usr/bin/python3 training/compare_int8.py
"""
import glob
import json
import os

import numpy as np
import torch

import data
import golden_ptq
import int8
from bundle import read_manifest, read_split


def main():
    torch.set_num_threads(2)
    print('| engine | model | precision | top-1 agreement, int8 vs fake quant | max logit difference / largest logit | int8 accuracy | fake-quant accuracy |')
    print('|---|---|---|---|---|---|---|')
    for engine in ('qnnpack', 'onednn'):
        int8.ENGINE = engine
        table(engine)
    for engine in ('qnnpack', 'onednn'):
        print(f'{engine}: two channels of 255 x 127 sum to {int8.pair_sum_probe(engine):.0f} (exact: {2 * 255 * 127}, to the output step of 512)')


def table(engine):
    for path in sorted(glob.glob(os.path.join(golden_ptq.ROOT, 'public', 'models', '*', '*', 'model.json'))):
        doc, weights = golden_ptq.load(path)
        folder = os.path.join(golden_ptq.ROOT, 'public', 'data', doc['dataset'])
        m = read_manifest(folder)
        for w_bits, a_bits in golden_ptq.PRECISIONS:
            with open(os.path.join(golden_ptq.OUT, f"{doc['name']}-w{w_bits}a{a_bits}.json")) as f:
                g = json.load(f)
            X, Y = read_split(folder, m, g['split'], max_shards=1)
            n = len(g['labels'])
            q = int8.run_int8(doc, weights, g['qparams'], data.to_input(X[:n], doc['input']['mean'], doc['input']['std']), w_bits, a_bits)
            ref = torch.tensor(g['logits']).reshape(q.shape)
            agree = (q.argmax(1) == ref.argmax(1)).float().mean().item()
            diff = ((q - ref).abs().max() / ref.abs().max().clamp_min(1e-12)).item()
            acc = lambda t: (t.argmax(1).numpy() == np.asarray(Y[:n])).mean()
            print(f"| {engine} | {doc['name']} | W{w_bits}/A{a_bits} | {100 * agree:.1f}% | {diff:.3f} | {100 * acc(q):.1f}% | {100 * acc(ref):.1f}% |")


if __name__ == '__main__':
    main()
