"""Per-tensor SQNR of the shipped RetinaMNIST models, quantized, against their FP32 selves, by torch's numeric
suite (torch.ao.ns.fx.utils.compute_sqnr), written to golden/out/sqnr/*.json for src/core/quant/sqnr.test.ts.
Qparams are torch's own calibration in golden/out/ptq (golden_ptq.py runs first), the images the first
TEST_IMAGES of that golden's test sample, all in one tensor per node. For every activation fake quant, in
network order: local (that fake quant alone, on the FP32 model's tensor) and cumulative (the quantized
model's tensor after it, weights and every earlier fake quant included, against FP32's); for every conv and
dense layer: its weights fake-quantized per channel against its float ones. None where the two are equal.
Also, at MASKED_PRECISION on the first MASKED_IMAGES, the logits of the one-at-a-time runs
(src/core/experiment/sensitivity.ts): for every such tensor, the model with only it quantized and with all but it.

  /usr/bin/python3 training/reference/golden_sqnr.py
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')  # the float32 sum order the lab reproduces
import glob  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402

import torch  # noqa: E402
from torch.ao.ns.fx.utils import compute_sqnr  # noqa: E402

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export  # noqa: E402
import golden_ptq  # noqa: E402
import int8  # noqa: E402

OUT = os.path.join(golden_ptq.ROOT, 'golden', 'out', 'sqnr')
PRECISIONS = ((4, 8), (4, 4))
TEST_IMAGES = 64
MASKED_PRECISION = (4, 8)  # the masks are the same at every precision; one keeps CI short
MASKED_IMAGES = 16


def sqnr(x, y):
    v = float(compute_sqnr(x, y))
    return v if math.isfinite(v) else None


def tensor_sqnr(doc, weights, qp, x, w_bits, a_bits):
    by_node = export.observers_by_node(doc)
    qmin, qmax = int8.clamp_range(a_bits, False, 'bits')

    def fq(y, o):
        return torch.fake_quantize_per_tensor_affine(y, qp[o][0], qp[o][1], qmin, qmax)
    fp, local, cumulative = {}, {}, {}

    def tap_fp(nd, y):
        if by_node[nd['name']]:
            fp[nd['name']] = y
            local[nd['name']] = [sqnr(y, fq(y, o)) for o in by_node[nd['name']]]
        return y

    def tap_q(nd, y):
        out = []
        for o in by_node[nd['name']]:
            y = fq(y, o)
            out.append(sqnr(fp[nd['name']], y))
        cumulative[nd['name']] = out
        return y
    q_weights = golden_ptq.quantize_weights(doc, weights, w_bits)
    with torch.no_grad():
        export.run_graph(doc, weights, x, tap=tap_fp)
        export.run_graph(doc, q_weights, x, tap=tap_q)
    activations = [dict(node=nd['name'], observer=o, local=local[nd['name']][k], cumulative=cumulative[nd['name']][k])
                   for nd in doc['nodes'] for k, o in enumerate(by_node[nd['name']])]
    w, q = export.weight_reader(weights), export.weight_reader(q_weights)
    layers = [dict(node=nd['name'], sqnr=sqnr(w(nd['weight']), q(nd['weight'])))
              for nd in doc['nodes'] if nd['op'] in ('conv2d', 'dense')]
    return activations, layers


def masked_logits(doc, weights, qp, x, w_bits, a_bits):
    """[{type, node, index, only, allBut}]: logits (row-major) with one tensor quantized alone, and all but it;
    tensors in network order, each layer's weights before its output's fake quants."""
    by_node = export.observers_by_node(doc)
    qmin, qmax = int8.clamp_range(a_bits, False, 'bits')
    events = [(nd['name'], o) for nd in doc['nodes'] for o in by_node[nd['name']]]

    def run(w, keep):
        count = iter(range(len(events)))

        def tap(nd, y):
            for o in by_node[nd['name']]:
                e = next(count)
                if keep(e):
                    y = torch.fake_quantize_per_tensor_affine(y, qp[o][0], qp[o][1], qmin, qmax)
            return y
        with torch.no_grad():
            return export.run_graph(doc, w, x, tap=tap).reshape(-1).tolist()
    rows = []
    q_all = golden_ptq.quantize_weights(doc, weights, w_bits)
    layer = event = 0
    for nd in doc['nodes']:
        if nd['op'] in ('conv2d', 'dense'):
            rows.append(dict(type='weights', node=nd['name'], index=layer,
                             only=run(golden_ptq.quantize_weights(doc, weights, w_bits, only=nd['name']), lambda e: False),
                             allBut=run(golden_ptq.quantize_weights(doc, weights, w_bits, skip=nd['name']), lambda e: True)))
            layer += 1
        for _ in by_node[nd['name']]:
            rows.append(dict(type='activation', node=nd['name'], index=event,
                             only=run(weights, lambda e, i=event: e == i), allBut=run(q_all, lambda e, i=event: e != i)))
            event += 1
    return rows


def main():
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    os.makedirs(OUT, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(golden_ptq.ROOT, 'public', 'models', 'retinamnist', '*', 'model.json'))):
        doc, weights = golden_ptq.load(path)
        split, indices, x, _ = golden_ptq.test_sample(doc, TEST_IMAGES)
        for w_bits, a_bits in PRECISIONS:
            with open(os.path.join(golden_ptq.OUT, f"{doc['name']}-w{w_bits}a{a_bits}.json")) as f:
                qp = json.load(f)['qparams']
            activations, layers = tensor_sqnr(doc, weights, qp, x, w_bits, a_bits)
            masked = (masked_logits(doc, weights, qp, x[:MASKED_IMAGES], w_bits, a_bits)
                      if (w_bits, a_bits) == MASKED_PRECISION else [])
            with open(os.path.join(OUT, f"{doc['name']}-w{w_bits}a{a_bits}.json"), 'w') as f:
                json.dump(dict(model=os.path.relpath(os.path.dirname(path), golden_ptq.ROOT), wBits=w_bits, aBits=a_bits,
                               split=split, indices=indices, qparams=qp, activations=activations, weights=layers,
                               masked=masked), f)
            worst = min((a for a in activations if a['cumulative'] is not None), key=lambda a: a['cumulative'])
            print(f"{doc['name']} W{w_bits}A{a_bits}: {len(activations)} fake quants, {len(layers)} weights; "
                  f"lowest cumulative SQNR {worst['cumulative']:.1f} dB at {worst['node']}")


if __name__ == '__main__':
    main()
