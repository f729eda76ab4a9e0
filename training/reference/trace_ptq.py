"""Which observed tensor or weight breaks a quantized model. PyTorch's reference PTQ (golden_ptq's
observers, placement and fake-quant kernels), calibrated on a lab trial's draw, then test accuracy:
- per observer: its fake quant alone (everything else float, weights included), and all but it;
- per conv/dense layer: its quantized weights alone;
- for the observer that costs most alone (or --observer K, which skips the tables): its channels'
  ranges, and its accuracy alone on other grids (no clipping, one range per channel; 4 and 8 bits).

  /usr/bin/python3 training/reference/trace_ptq.py public/models/pneumoniamnist/mobileone_s0 --w 8 --a 8
  /usr/bin/python3 training/reference/trace_ptq.py public/models/pneumoniamnist/mobileone_s0 --w 32 --a 4 --observer 2
  /usr/bin/python3 training/reference/trace_ptq.py public/models/cifar10/mobileone_s0 --w 4 --a 8 --weights-only
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')
import argparse  # noqa: E402
from collections import defaultdict  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import data  # noqa: E402
import export  # noqa: E402
import golden_ptq  # noqa: E402
from bundle import read_manifest, read_split  # noqa: E402


def accuracy(doc, weights, x, y, by_node, qparams, a_bits, active, tap=None):
    """Test accuracy with fake quant on the observers in `active` only, and tap[node](output) where given."""
    qmax = 2 ** a_bits - 1

    def fake_quant(nd, t):
        if tap and nd['name'] in tap:
            t = tap[nd['name']](t)
        for o in by_node[nd['name']]:
            if o in active:
                s, z = qparams[o]
                t = torch.fake_quantize_per_tensor_affine(t, s, z, 0, qmax)
        return t
    with torch.no_grad():
        logits = torch.cat([export.run_graph(doc, weights, x[i:i + 128], tap=fake_quant) for i in range(0, len(x), 128)])
    return float((logits.argmax(1).numpy() == y).mean())


def fake_quant_channels(t, lo, hi, bits):
    """t fake-quantized per channel (axis 1) on the affine grids spanning [lo, hi] (min/max qparams)."""
    qmax = 2 ** bits - 1
    scale = ((hi - lo) / qmax).clamp(min=1e-8)
    return torch.fake_quantize_per_channel_affine(t, scale, (-lo / scale).round().int(), 1, 0, qmax)


def observer_table(ctx, observers, nodes):
    """One row per observer; returns the observer whose fake quant alone costs the most accuracy."""
    print('| observer | node | float range | kept range | accuracy, this one alone | accuracy, all but this one |')
    print('|---|---|---|---|---|---|')
    everything = set(range(len(observers)))
    worst, worst_acc = None, 2.0
    for o, obs in enumerate(observers):
        s, z = ctx['qp'][o]
        alone = ctx['acc'](ctx['weights'], active={o})
        without = ctx['acc'](ctx['qweights'], active=everything - {o})
        if alone < worst_acc:
            worst, worst_acc = o, alone
        print(f"| {o} | {', '.join(nodes[o])} | {float(obs.min_val):.3g} .. {float(obs.max_val):.3g} | "
              f"{s * (0 - z):.3g} .. {s * (ctx['qmax'] - z):.3g} | {alone:.2%} | {without:.2%} |", flush=True)
    return worst


def weight_table(ctx, doc, bits):
    print(f'\nW{bits} weights of one layer alone (activations and other weights float):\n')
    print('| layer | groups | accuracy | weights rounded to 0 | relative L2 error of the weights |')
    print('|---|---|---|---|---|')
    float_w = export.weight_reader(ctx['weights'])
    for nd in doc['nodes']:
        if nd['op'] in ('conv2d', 'dense'):
            one = golden_ptq.quantize_weights(doc, ctx['weights'], bits, only=nd['name'])
            w, q = float_w(nd['weight']).numpy(), export.weight_reader(one)(nd['weight']).numpy()
            zeroed = float(((q == 0) & (w != 0)).mean())  # under half a step: a large folded identity widens the step
            print(f"| {nd['name']} | {nd.get('groups', 1)} | {ctx['acc'](one, active=set()):.2%} | {zeroed:.1%} | "
                  f"{np.linalg.norm(q - w) / np.linalg.norm(w):.3f} |", flush=True)


def explain(ctx, doc, calib, o, node, a_bits):
    """One observed tensor alone (everything else float) on other grids: is it the clipping or the
    resolution, and would a range per channel do?"""
    s, _ = ctx['qp'][o]
    outs = {}
    with torch.no_grad():
        export.run_graph(doc, ctx['weights'], torch.cat(calib), outputs=outs)
    t = outs[node]
    per = t.transpose(0, 1).reshape(t.shape[1], -1)
    top = per.max(1).values.sort().values.numpy()
    print(f"\nobserver {o} ({node}), step {s:.4g} at A{a_bits}: over the calibration images its {len(top)} channels' "
          f"maxima run {top[0]:.3g} .. {top[-1]:.3g} (median {np.median(top):.3g}); "
          f"{int((per.mean(1).numpy() < s / 2).sum())} channels have a mean under half a step. Accuracy with it alone quantized:")
    print(f"- A{a_bits}, its histogram qparams: {ctx['acc'](ctx['weights'], active={o}):.2%}")
    lo, hi = per.min(1).values.clamp(max=0), per.max(1).values.clamp(min=0)
    for bits in sorted({a_bits, 4, 8}):
        for name, (l, h) in (('min/max of the tensor (no clipping)', (lo.min().expand_as(lo), hi.max().expand_as(hi))),
                             ('min/max per channel', (lo, hi))):
            acc = ctx['acc'](ctx['weights'], tap={node: lambda y, l=l, h=h, b=bits: fake_quant_channels(y, l, h, b)})
            print(f'- A{bits}, {name}: {acc:.2%}', flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('model', help='a folder with model.json and weights.bin')
    p.add_argument('--w', type=int, default=8, help='weight bits, 2-8, or 32 for float weights')
    p.add_argument('--a', type=int, default=8)
    p.add_argument('--trial', type=int, default=1, choices=(1, 2, 3), help="the lab's trial (1-3) whose calibration draw to use")
    p.add_argument('--calibration-images', type=int, default=golden_ptq.CALIBRATION_IMAGES)
    p.add_argument('--observer', type=int, help='skip the tables and explain this observer')
    p.add_argument('--weights-only', action='store_true', help='only the table of one layer\'s quantized weights alone')
    args = p.parse_args()
    if args.weights_only and args.w >= 32:
        p.error('--weights-only needs quantized weights (--w 2 .. 8)')
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    doc, weights = golden_ptq.load(os.path.join(args.model, 'model.json'))
    folder = os.path.join(golden_ptq.ROOT, 'public', 'data', doc['dataset'])
    m = read_manifest(folder)
    norm = doc['input']['mean'], doc['input']['std']
    Xp, _ = read_split(folder, m, m['poolSplit'])
    idx = golden_ptq.calibration_indices(len(Xp), golden_ptq.trial_seed(args.trial - 1), args.calibration_images)
    xp = data.to_input(Xp[idx], *norm)
    calib = [xp[i:i + golden_ptq.BATCH] for i in range(0, len(xp), golden_ptq.BATCH)]
    Xt, Yt = read_split(folder, m, m['testSplits'][0])
    xt = data.to_input(Xt, *norm)

    # the weight table quantizes no activation: no calibration pass (a minute on CIFAR-10)
    by_node, observers = (defaultdict(list), []) if args.weights_only else golden_ptq.calibrate(doc, weights, calib, args.a)
    qp = [(float(s), int(z)) for s, z in (o.calculate_qparams() for o in observers)]
    ctx = dict(qp=qp, qmax=2 ** args.a - 1, weights=weights,
               qweights=golden_ptq.quantize_weights(doc, weights, args.w) if args.w < 32 else weights,  # --w 32: float
               acc=lambda w, active=frozenset(), tap=None: accuracy(doc, w, xt, Yt, by_node, qp, args.a, active, tap))
    if args.weights_only:
        print(f"{doc['name']} W{args.w}, {len(Yt)} test images: FP32 {ctx['acc'](weights):.2%}, "
              f"all weights W{args.w} {ctx['acc'](ctx['qweights']):.2%}")
        weight_table(ctx, doc, args.w)
        return
    print(f"{doc['name']} W{args.w}/A{args.a}, trial {args.trial}'s {len(idx)} calibration images, "
          f"{len(Yt)} test images: FP32 {ctx['acc'](weights):.2%}, "
          f"quantized {ctx['acc'](ctx['qweights'], active=set(range(len(observers)))):.2%}, "
          f"weights alone {ctx['acc'](ctx['qweights']):.2%}")
    nodes = defaultdict(list)
    for node, o in doc['quant']['events']:
        nodes[o].append(node)
    worst = args.observer
    if worst is not None and not 0 <= worst < len(observers):
        p.error(f'--observer must be 0 .. {len(observers) - 1} for this model, got {worst}')
    if worst is None:
        worst = observer_table(ctx, observers, nodes)
        if args.w < 32:
            weight_table(ctx, doc, args.w)
    explain(ctx, doc, calib, worst, nodes[worst][0], args.a)


if __name__ == '__main__':
    main()
