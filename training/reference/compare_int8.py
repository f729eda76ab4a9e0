"""Top-1 agreement between the fake-quant reference (golden_ptq.py's torch replay, which the lab
reproduces) and the same model run with PyTorch's int8 kernels (int8.py: QNNPACK and oneDNN, the two
engines Debian's torch 1.13 has) with the very same qparams.

  /usr/bin/python3 training/reference/compare_int8.py            # on the golden files' test images (run golden_ptq.py first)
  /usr/bin/python3 training/reference/compare_int8.py --full     # the full check: the lab's trial-1 calibration
      [--engines onednn] [--models cifar10-] [--test-images N]   # (1,024 images), every image of the default test set
      [--save DIR]                                     # and the int8 logits for the lab's emulation (scripts/int8Check.ts)
  /usr/bin/python3 training/reference/compare_int8.py --trace w8a8 --engines onednn --models retinamnist-shufflenetv2
      # node by node, where the two part (golden images)

Whether the int8 kernels can agree depends on the CPU: oneDNN without VNNI sums pairs of u8 x s8
products in a saturating int16 (the probe at the end says which this CPU does).
"""
import argparse
import glob
import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import data
import export
import golden_ptq
import int8
from bundle import read_manifest, read_split, sample_indices

ENGINES = ('qnnpack', 'onednn')
# The agreement floors: share of test images whose top-1 the int8 model and the fake-quant reference agree on.
FLOORS = {(8, 8): 0.995, (4, 8): 0.995, (4, 4): 0.98}
BATCH = 500  # test images per forward pass: bounds memory on CIFAR-10's 10,000


def model_paths(prefix='', residual=False):
    """The shipped models whose name starts with prefix; residual: also golden_ptq's random residual one."""
    paths = sorted(glob.glob(os.path.join(golden_ptq.ROOT, 'public', 'models', '*', '*', 'model.json')))
    return [p for p in paths + [golden_ptq.RESIDUAL] * residual if golden_ptq.load(p)[0]['name'].startswith(prefix)]


def batched(f, x):
    return torch.cat([f(x[i:i + BATCH]) for i in range(0, len(x), BATCH)])


def setup_torch():
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)


def test_inputs(doc, split, indices=None):
    """(the split's images at `indices` (all when None) as the model's input, their labels; a random
    model's stored inputs, unlabelled, for golden_ptq.RANDOM_SPLIT)."""
    if split == golden_ptq.RANDOM_SPLIT:
        x = golden_ptq.random_inputs(doc)[1]
        return (x if indices is None else x[indices]), None
    folder = golden_ptq.dataset_folder(doc)
    X, Y = read_split(folder, read_manifest(folder), split)
    if indices is not None:
        X, Y = X[indices], Y[indices]
    return data.to_input(X, doc['input']['mean'], doc['input']['std']), Y


def int8_setup(path, engine, split, indices):
    """In a fresh int8 process (int8_process): torch set up for `engine`, (doc, weights, test input)."""
    setup_torch()
    int8.ENGINE = engine
    doc, weights = golden_ptq.load(path)
    return doc, weights, test_inputs(doc, split, indices)[0]


def int8_logits(path, engine, qp, w_bits, a_bits, split, indices, clamp='bits'):
    """The int8 model's logits (numpy); run in a fresh process (int8_process)."""
    doc, weights, x = int8_setup(path, engine, split, indices)
    return batched(lambda xb: int8.run_int8(doc, weights, qp, xb, w_bits, a_bits, clamp=clamp), x).numpy()  # a tensor would come back by a shared fd


def int8_process():
    """Runs each int8 evaluation in a new process: torch 1.13's quantized ops keep state between calls
    in one process (measured: ShuffleNetV2's RetinaMNIST W4/A4 run right after its W4/A8 run became a
    constant predictor on both engines, 49% agreement; alone, or after W8/A8 and W4/A8, 100%)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context('spawn'), max_tasks_per_child=1)


def row(engine, name, w_bits, a_bits, q, ref, labels):
    agree = (q.argmax(1) == ref.argmax(1)).float().mean().item()
    diff = ((q - ref).abs().max() / ref.abs().max().clamp_min(1e-12)).item()
    acc = lambda t: (t.argmax(1).numpy() == np.asarray(labels)).mean()
    floor = FLOORS[(w_bits, a_bits)]
    verdict = 'meets' if agree >= floor else f'misses ({round((1 - agree) * len(labels))} images differ)'
    print(f"| {engine} | {name} | W{w_bits}/A{a_bits} | {len(labels)} | {100 * agree:.2f}% | {verdict} {100 * floor:.1f}% | {diff:.3f} | {100 * acc(q):.2f}% | {100 * acc(ref):.2f}% |", flush=True)
    return agree >= floor


def golden(doc, w_bits, a_bits):
    with open(os.path.join(golden_ptq.OUT, f"{doc['name']}-w{w_bits}a{a_bits}.json")) as f:
        return json.load(f)


def golden_table(engine, prefix, pool):
    """On the golden files' test images, with their qparams (golden_ptq.py's calibration)."""
    for path in model_paths(prefix):
        doc, _ = golden_ptq.load(path)
        for w_bits, a_bits in golden_ptq.PRECISIONS:
            g = golden(doc, w_bits, a_bits)
            q = torch.from_numpy(pool.submit(int8_logits, path, engine, g['qparams'], w_bits, a_bits, g['split'], g['indices']).result())
            row(engine, doc['name'], w_bits, a_bits, q, torch.tensor(g['logits']).reshape(q.shape), g['labels'])


def full_runs(path, engines, pool, test_images=None, precisions=golden_ptq.PRECISIONS):
    """As the lab runs trial 1: 1,024 calibration images from the pool in batches of 32, then the whole
    default test set (or a seeded sample of test_images of it). Yields (engine, model name, w_bits, a_bits, int8
    logits, fake-quant logits, labels, extra) where extra holds what the lab needs to rerun it: qparams, split, indices."""
    doc, weights = golden_ptq.load(path)
    calib = golden_ptq.calibration_batches(doc)
    m = read_manifest(golden_ptq.dataset_folder(doc))
    split = m['testSplits'][0]
    indices = sample_indices(m['splits'][split]['count'], test_images).tolist() if test_images else None
    x, labels = test_inputs(doc, split, indices)
    for a_bits in sorted({a for _, a in precisions}, reverse=True):
        by_node, observers = golden_ptq.calibrate(doc, weights, calib, a_bits)  # W8/A8 and W4/A8 share it
        qp = golden_ptq.qparams(observers)
        for w_bits in [w for w, a in precisions if a == a_bits]:
            q_weights = golden_ptq.quantize_weights(doc, weights, w_bits)
            ref = batched(lambda xb: golden_ptq.fake_quant_logits(doc, q_weights, by_node, qp, xb, a_bits), x)
            for engine in engines:
                q = torch.from_numpy(pool.submit(int8_logits, path, engine, qp, w_bits, a_bits, split, indices).result())
                yield engine, doc['name'], w_bits, a_bits, q, ref, labels, dict(qparams=qp, split=split, indices=indices)


def int8_node_outputs(path, engine, qp, w_bits, a_bits, split, indices):
    """Every node's output (dequantized, numpy) of the int8 model; run in a fresh process (int8_process)."""
    doc, weights, x = int8_setup(path, engine, split, indices)
    outputs = {}
    int8.run_int8(doc, weights, qp, x, w_bits, a_bits, outputs=outputs)
    return {k: v.numpy() for k, v in outputs.items()}


def trace(path, engine, w_bits, a_bits, pool):
    """Where the int8 model and the fake-quant reference part, node by node, on the golden images: at
    each observed node the share of elements that differ and the largest difference, in steps of the
    node's grid, over all images and over those whose top-1 differs."""
    doc, weights = golden_ptq.load(path)
    g = golden(doc, w_bits, a_bits)
    by_node, qp = export.observers_by_node(doc), g['qparams']
    x, _ = test_inputs(doc, g['split'], g['indices'])
    ref = {}
    golden_ptq.fake_quant_logits(doc, golden_ptq.quantize_weights(doc, weights, w_bits), by_node, qp, x, a_bits, outputs=ref)
    q = pool.submit(int8_node_outputs, path, engine, qp, w_bits, a_bits, g['split'], g['indices']).result()
    differ = (ref[doc['output']].argmax(1).numpy() != q[doc['output']].argmax(1)).nonzero()[0]
    print(f"{doc['name']} W{w_bits}/A{a_bits} on {engine}: top-1 differs on {len(differ)} of {len(x)} images")
    print('| node | op | elements that differ | largest difference (steps) | on the images whose top-1 differs |')
    print('|---|---|---|---|---|')
    for nd in doc['nodes']:
        if not by_node[nd['name']]:
            continue  # unobserved: float in both, its consumers show what it carries
        steps = np.rint(np.abs(ref[nd['name']].numpy() - q[nd['name']]) / qp[by_node[nd['name']][-1]][0])
        on_differ = f'{100 * (steps[differ] > 0).mean():.2f}%' if len(differ) else '-'
        print(f"| {nd['name']} | {nd['op']} | {100 * (steps > 0).mean():.3g}% | {steps.max():.0f} | {on_differ} |")


def save_run(file, path, engine, w_bits, a_bits, labels, logits, **extra):
    """One int8 run as JSON for the lab's checks (golden_int8.py -> int8.test.ts, --save -> scripts/int8Check.ts);
    extra: qparams, split, indices and anything else the reader needs."""
    with open(file, 'w') as f:
        json.dump(dict(model=os.path.relpath(os.path.dirname(path), golden_ptq.ROOT), wBits=w_bits, aBits=a_bits, engine=engine,
                       labels=np.asarray(labels).tolist(), logits=np.asarray(logits).reshape(-1).tolist(), **extra), f)


def full_table(engines, prefix, test_images, save=None):
    """save: a folder for each run's int8 logits and qparams (JSON), which scripts/int8Check.ts reruns in the lab's emulation."""
    results = []
    with int8_process() as pool:
        for path in model_paths(prefix):
            for engine, name, w_bits, a_bits, q, ref, labels, extra in full_runs(path, engines, pool, test_images):
                results.append(row(engine, name, w_bits, a_bits, q, ref, labels))
                if save:
                    os.makedirs(save, exist_ok=True)
                    save_run(os.path.join(save, f'{name}-{engine}-w{w_bits}a{a_bits}.json'), path, engine, w_bits, a_bits, labels, q, **extra)
    print(f'{sum(results)} of {len(results)} meet the floor')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--full', action='store_true', help="the lab's calibration and the whole default test set")
    p.add_argument('--engines', default=','.join(ENGINES))
    p.add_argument('--models', default='', help='only models whose name starts with this (e.g. cifar10-)')
    p.add_argument('--test-images', type=int, default=None, help='with --full: a seeded sample of N test images only')
    p.add_argument('--save', metavar='DIR', help="with --full: write each run's int8 logits and qparams there (for scripts/int8Check.ts)")
    p.add_argument('--trace', metavar='WxAy', help='node by node, where int8 and fake quant part (golden images; e.g. w8a8)')
    args = p.parse_args()
    setup_torch()
    engines = args.engines.split(',')
    if args.trace:
        m = re.fullmatch(r'w([2-8])a([2-8])', args.trace.lower())
        if not m or not (paths := model_paths(args.models)):
            p.error(f'--trace needs WxAy with bits 2 to 8 (e.g. w8a8), got {args.trace!r}' if not m else f'no shipped model starts with {args.models!r}')
        w_bits, a_bits = map(int, m.groups())
        with int8_process() as pool:
            for path in paths:
                for engine in engines:
                    trace(path, engine, w_bits, a_bits, pool)
        return
    print('| engine | model | precision | test images | top-1 agreement, int8 vs fake quant | floor | max logit difference / largest logit | int8 accuracy | fake-quant accuracy |')
    print('|---|---|---|---|---|---|---|---|---|')
    if args.full:
        full_table(engines, args.models, args.test_images, args.save)
    else:
        with int8_process() as pool:
            for engine in engines:
                golden_table(engine, args.models, pool)
    for engine in engines:
        print(f'{engine}: two channels of 255 x 127 sum to {int8.pair_sum_probe(engine):.0f} (exact: {2 * 255 * 127}, to the output step of 512)')


if __name__ == '__main__':
    main()
