"""torch's own FX post-training quantization, run literally on every shipped model (and golden_ptq's random
residual one, on its random inputs), against the replay
that the goldens (golden_ptq.py, golden_exact.py, golden_int8.py) and the lab build from model.json.

The replay places torch's observers and fake quants by model.json's recorded placement on the exported
graph; int8.py lowers the graph to torch's quantized ops by hand. Here nothing is replayed: the exported
graph is rebuilt as an ordinary module (fx_module.py), then prepare_fx with the paper's qconfig, one
forward per calibration batch (the lab's trial-1 draw), convert_to_reference_fx (and convert_fx on each
int8 engine, in a fresh process: torch 1.13's quantized ops keep state between calls). Checked:
- prepare_fx on the rebuilt model observes where model.json says (the placement the export recorded);
- every observer's scale and zero point equal the replay's;
- the reference model's logits equal the replay's, and the int8 model's equal int8.py's, within 1e-3 of
  the largest logit (what is seen: identical), with the replay clamping where torch does.
What torch does below 8 bits: convert_fx and convert_to_reference_fx quantize with the observer's b-bit
scale and zero point, but clamp only at qint8's and quint8's ends, so torch's "W4/A4" model keeps 8-bit
integer ranges (int8.clamp_range 'dtype'): a weight at a channel's positive extreme rounds to +8, and
activations above the calibrated range are kept up to 255 steps, not clipped at 15. The lab's default
is a true b-bit model ('bits'); the two are reported side by side.

  /usr/bin/python3 training/reference/golden_fx.py [--test-images 200] [--calibration-images 256] [--engines onednn,qnnpack]
                                         [--int8-precisions w8a8,w4a8,w4a4] [--models PREFIX]
Each int8 model runs in a fresh process (about 3 s each to start), so CI compares the int8 models at W4/A4
only, where the clamps matter for weights and activations alike; the full run takes about 10 minutes.
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')  # the float32 sum order of golden_ptq.py
import argparse  # noqa: E402
import copy  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.ao.quantization.quantize_fx import convert_fx, convert_to_reference_fx  # noqa: E402

import compare_int8  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export  # noqa: E402
import fx_module  # noqa: E402
import golden_ptq as ptq  # noqa: E402
import int8  # noqa: E402

BOUND = 1e-3  # of the largest logit


def literal_int8_logits(path, engine, state, w_bits, a_bits, split, indices):
    """torch's convert_fx int8 model on `engine`, from the calibrated prepared model's state (observer
    histograms and ranges); numpy logits. Run in a fresh process (compare_int8.int8_process)."""
    doc, weights, x = compare_int8.int8_setup(path, engine, split, indices)
    torch.backends.quantized.engine = engine  # int8_setup names it for int8.py; convert_fx reads torch's
    prepared, _ = fx_module.prepared_model(doc, weights, x[:2], w_bits, a_bits)
    prepared.load_state_dict(state)
    with torch.no_grad():
        return compare_int8.batched(convert_fx(prepared), x).numpy()


def distance(a, b):
    """(largest |a - b| over the largest |b|, share of identical values)."""
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    return float((a - b).abs().max() / (b.abs().max() or 1)), float((a == b).double().mean())


def accuracy(logits, labels):
    """Top-1 accuracy as text ('-' for a random model's unlabelled inputs)."""
    return '-' if labels is None else f'{100 * (np.asarray(logits).argmax(1) == labels).mean():.2f}%'


def check_model(path, args, pool, failures):
    doc, weights = ptq.load(path)
    name = doc['name']

    def expect(ok, what):
        if not ok:
            failures.append(f'{name}: {what}')
            print(f'FAILED {name}: {what}')

    module = fx_module.ExportedModule(doc, weights).eval()
    split, indices, x, y = ptq.test_sample(doc, args.test_images)
    with torch.no_grad():
        diff, _ = distance(module(x), export.run_graph(doc, weights, x))
    expect(diff <= 1e-5, f'the rebuilt module differs from the exported graph by {diff:.2e} of the largest logit')
    expect(fx_module.placement(module, doc, weights) == doc['quant'],
           "prepare_fx on the rebuilt module observes elsewhere than model.json's recorded placement")
    calib = ptq.calibration_batches(doc, args.calibration_images)
    by_node, sets = ptq.calibrate_widths(doc, weights, calib, sorted({a for _, a in ptq.PRECISIONS}))
    for w_bits, a_bits in ptq.PRECISIONS:
        case = f'W{w_bits}/A{a_bits}'
        qp = ptq.qparams(sets[a_bits])
        prepared, names = fx_module.calibrated(doc, weights, calib, w_bits, a_bits)
        mods = dict(prepared.named_modules())
        torch_qp = ptq.qparams([mods[n] for n in names])
        expect(torch_qp == qp, f'{case}: prepare_fx calibrated other qparams than the replay '
                               f'({sum(a != b for a, b in zip(torch_qp, qp))} of {len(qp)} observers differ)')
        reference = convert_to_reference_fx(copy.deepcopy(prepared))  # it consumes the prepared model, still needed
        with torch.no_grad():
            literal = reference(x)
        replays = {c: ptq.fake_quant_logits(doc, ptq.quantize_weights(doc, weights, w_bits, clamp=c), by_node, qp, x, a_bits, clamp=c)
                   for c in int8.CLAMPS}
        d_dtype, same = distance(literal, replays['dtype'])
        d_bits, _ = distance(literal, replays['bits'])
        expect(d_dtype <= BOUND, f'{case}: convert_to_reference_fx against the replay with 8-bit clamps: {d_dtype:.2e}')
        print(f"{name} {case} reference model: against the replay with torch's 8-bit clamps {d_dtype:.2e} "
              f'({100 * same:.2f}% identical), with b-bit clamps {d_bits:.2e}; accuracy on {len(x)} test images: '
              f"torch {accuracy(literal, y)}, b-bit {accuracy(replays['bits'], y)}", flush=True)
        state = prepared.state_dict()
        for engine in (args.engines if f'w{w_bits}a{a_bits}' in args.int8_precisions else ()):
            lit = pool.submit(literal_int8_logits, path, engine, state, w_bits, a_bits, split, indices).result()
            rep = pool.submit(compare_int8.int8_logits, path, engine, qp, w_bits, a_bits, split, indices, 'dtype').result()
            d, same = distance(lit, rep)
            agree = float((lit.argmax(1) == rep.argmax(1)).mean())
            expect(d <= BOUND, f'{case} {engine}: convert_fx int8 against int8.py with 8-bit clamps: {d:.2e}')
            print(f'{name} {case} {engine} int8 model (convert_fx) against int8.py: {d:.2e} ({100 * same:.2f}% identical, '
                  f'top-1 {100 * agree:.2f}%); accuracy {accuracy(lit, y)}', flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--test-images', type=int, default=200)
    p.add_argument('--calibration-images', type=int, default=256)
    p.add_argument('--engines', default=','.join(compare_int8.ENGINES))
    p.add_argument('--int8-precisions', default=','.join(f'w{w}a{a}' for w, a in ptq.PRECISIONS))
    p.add_argument('--models', default='', help='only models whose name starts with this')
    args = p.parse_args()
    args.engines = [e for e in args.engines.split(',') if e]
    args.int8_precisions = [q for q in args.int8_precisions.split(',') if q]
    known = [f'w{w}a{a}' for w, a in ptq.PRECISIONS]
    if any(q not in known for q in args.int8_precisions):
        p.error(f"--int8-precisions takes some of {','.join(known)}, got {','.join(args.int8_precisions)}")
    compare_int8.setup_torch()
    failures = []
    with compare_int8.int8_process() as pool:
        for path in compare_int8.model_paths(args.models, residual=True):
            check_model(path, args, pool, failures)
    print(f'{len(failures)} failures' if failures else 'torch FX pipeline and replay agree everywhere')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
