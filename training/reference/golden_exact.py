"""The whole-model PTQ reference with the float summation order taken out, written to
golden/out/ptq-exact/*.json for src/core/quant/exactPtq.test.ts.

torch's float32 reference (golden_ptq.py) and the lab's tfjs executor sum convolutions in different
orders, so activations differ in their last bits and quantization boundaries turn those bits into whole
steps: neither can match the other, or torch on another CPU, to 1e-3 of the largest logit. Here every
node of the exported graph is computed in float64 and rounded once to float32 (each output is its exact
value, correctly rounded, whatever the order), then observed and fake-quantized by torch's own
HistogramObserver and fake-quant kernel in float32, as golden_ptq.py does. The lab's exact executor
(src/core/graph/exact.ts) computes the same thing, so the two must agree on every qparam and every logit:
what is left to compare is the quantization itself (placement, observers, rounding), bit for bit.

The shipped models on their own data, and golden_ptq's random residual model on its random inputs
(calibration batches stored in its files). Also recorded: how far torch's own float32 reference lies
from this one on the same images and qparams.
Each precision below 8 bits is written twice: clamped to its b-bit range (the default) and only at the
8-bit ends, as torch 1.13's convert_fx and convert_to_reference_fx clamp (`-dtype.json`; golden_fx.py).

  /usr/bin/python3 training/reference/golden_exact.py [--test-images 32] [--calibration-images 64] [--out DIR]
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')  # the float32 sum order of the observers' search
import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402

import torch  # noqa: E402

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export  # noqa: E402
import compare_int8  # noqa: E402
import golden_ptq as ptq  # noqa: E402
import int8  # noqa: E402

OUT = os.path.join(ptq.ROOT, 'golden', 'out', 'ptq-exact')


def exact_graph(doc, weights, x, outputs=None, tap=None):
    """export.run_graph with every op in float64 and each node's output rounded once to float32 before
    tap(node, y) sees it."""
    def rounded(nd, y):
        y = y.float()
        return (tap(nd, y) if tap else y).double()
    with torch.no_grad():
        return export.run_graph(doc, weights, x.double(), outputs=outputs, tap=rounded, dtype=torch.float64).float()


def distance(a, b):
    """(largest |a - b| over the largest |b|, share of rows whose top-1 agrees)."""
    return float((a - b).abs().max() / (b.abs().max() or 1)), float((a.argmax(1) == b.argmax(1)).double().mean())


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--test-images', type=int, default=32)
    p.add_argument('--calibration-images', type=int, default=64)
    p.add_argument('--out', default=OUT, help='folder for the goldens (exactPtq.test.ts reads QCAL_EXACT_GOLDEN)')
    args = p.parse_args()
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    for f in glob.glob(os.path.join(args.out, '*.json')):
        os.remove(f)
    os.makedirs(args.out, exist_ok=True)
    for path in compare_int8.model_paths(residual=True):
        doc, weights = ptq.load(path)
        calib = ptq.calibration_batches(doc, args.calibration_images)
        test, indices, x, Yt = ptq.test_sample(doc, args.test_images)
        if Yt is None:  # a random model: its calibration inputs go into the file
            calib_info = dict(inputs_nhwc=[c.permute(0, 2, 3, 1).reshape(-1).tolist() for c in calib], batch=len(calib[0]))
        else:
            calib_info = dict(seed=ptq.trial_seed(0), count=sum(map(len, calib)), batch=ptq.BATCH)
        by_node, observers = ptq.calibrate_widths(doc, weights, calib, sorted({a for _, a in ptq.PRECISIONS}), exact_graph)
        cases = [(w, a, c) for w, a in ptq.PRECISIONS for c in int8.CLAMPS if c == 'bits' or min(w, a) < 8]
        for w_bits, a_bits, clamp in cases:
            qp = ptq.qparams(observers[a_bits])
            qw = ptq.quantize_weights(doc, weights, w_bits, clamp=clamp)
            logits = ptq.fake_quant_logits(doc, qw, by_node, qp, x, a_bits, run=exact_graph, clamp=clamp)
            # torch's float32 reference, same qparams and images: what summation order alone does
            f32_diff, f32_agree = distance(ptq.fake_quant_logits(doc, qw, by_node, qp, x, a_bits, clamp=clamp), logits)
            name = f"{doc['name']}-w{w_bits}a{a_bits}" + ('' if clamp == 'bits' else f'-{clamp}')
            with open(os.path.join(args.out, f'{name}.json'), 'w') as f:
                json.dump(dict(model=os.path.relpath(os.path.dirname(path), ptq.ROOT), wBits=w_bits, aBits=a_bits, clamp=clamp, split=test,
                               calibration=calib_info, qparams=qp, indices=indices, labels=[] if Yt is None else Yt.tolist(),
                               logits=logits.reshape(-1).tolist(),
                               torchFloat32=dict(maxDiff=f32_diff, top1=f32_agree)), f)
            print(f'{name}: torch float32 against exact: max diff {f32_diff:.2e} of the largest logit, top-1 {f32_agree:.3f}')


if __name__ == '__main__':
    main()
