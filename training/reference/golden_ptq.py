"""Whole-model PTQ reference in PyTorch 1.13, written to golden/out/ptq/*.json for
src/core/quant/ptq.test.ts: torch's own HistogramObserver, PerChannelMinMaxObserver and fake-quant
kernels, placed where torch's prepare_fx observes (model.json's quant.events, recorded at export),
on the exported graph run by torch (export.run_graph). Calibration batches are the lab's: the same
seeded draw (a Python port of src/core/util/random.ts) from the same bundle.

  /usr/bin/python3 training/reference/golden_ptq.py [--test-images 200] [--calibration-images 256]

The lab calibrates on 1,024 images per trial; the check uses the first 256 of the same draw (8
batches, so histogram merging is exercised) to keep CI's time in bounds. For one dataset's models also one
mixed-precision run (MIXED, written as *-mixed.json): each layer's weights and each observer at its own bits.
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')  # the float32 sum order the lab reproduces
import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.ao.quantization.observer import HistogramObserver  # noqa: E402

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import data  # noqa: E402
import export  # noqa: E402
import int8  # noqa: E402
from bundle import read_manifest, read_sample, read_split  # noqa: E402
from golden_calibration import mulberry32  # noqa: E402

ROOT = os.path.join(data.HERE, '..')
OUT = os.path.join(ROOT, 'golden', 'out', 'ptq')
PRECISIONS = ((8, 8), (4, 8), (4, 4))
# Random deep networks at W4/A4 flip a top-1 when a convolution's last bit differs (OpenBLAS picks
# kernels by CPU), so the check needs enough images that one flip is a small share.
RANDOM_TEST_IMAGES = 64
# one mixed-precision configuration per architecture, on one dataset's models: depthwise layers, the stem and the
# head at W8/A8 over W4/A4 (src/core/quant/mixed.ts)
MIXED = ('depthwise:w8a8;ends:w8a8', 4, 4)
MIXED_DATASET = 'retinamnist'
CALIBRATION_IMAGES, BATCH = 1024, 32
RANDOM_SPLIT = 'random'  # the test "split" of a random model: its stored random inputs
# A random model none of the shipped architectures resembles (residual adds fused with their ReLU, an
# identity shortcut), which the exact, int8 and FX goldens check beside the shipped models.
RESIDUAL = os.path.join(ROOT, 'golden', 'out', 'random-models', 'residual', 'model.json')


def trial_seed(trial):
    return 1000 + trial  # as src/core/experiment/calibration.ts: trial is 0-based there too (the page's trial k is k - 1)


def calibration_indices(pool_count, seed, count=CALIBRATION_IMAGES):
    """The first `count` entries of a seeded Fisher-Yates permutation of the pool; from a pool smaller
    than `count`, `count` seeded draws with replacement (as src/core/experiment/calibration.ts)."""
    rng = mulberry32(seed)
    if pool_count < count:
        return [int(rng() * pool_count) for _ in range(count)]
    p = list(range(pool_count))
    for i in range(pool_count - 1, 0, -1):
        j = int(rng() * (i + 1))
        p[i], p[j] = p[j], p[i]
    return p[:min(count, pool_count)]


def dataset_folder(doc):
    """The shipped bundle of the model's dataset."""
    return os.path.join(ROOT, 'public', 'data', doc['dataset'])


def random_inputs(doc):
    """A random model's (dataset 'none') calibration batches and test inputs, NCHW: the seeded draws main()
    stores with its goldens."""
    def nchw(v):
        i = doc['input']
        return torch.tensor(v).reshape(-1, i['height'], i['width'], i['channels']).permute(0, 3, 1, 2).contiguous()
    with open(os.path.join(OUT, f"{doc['name']}-w8a8.json")) as f:
        calib = json.load(f)['calibration']['inputs_nhwc']
    with open(os.path.join(OUT, f"{doc['name']}-test-inputs.json")) as f:
        return [nchw(b) for b in calib], nchw(json.load(f)['inputs_nhwc'])


def test_sample(doc, count):
    """(split, indices, model input, labels) of the seeded sample of the model's default test set; for a
    random model, its first `count` random test inputs, unlabelled (split RANDOM_SPLIT, labels None)."""
    if doc['dataset'] == 'none':
        x = random_inputs(doc)[1][:count]
        return RANDOM_SPLIT, list(range(len(x))), x, None
    folder = dataset_folder(doc)
    m = read_manifest(folder)
    split = m['testSplits'][0]
    indices, X, Y = read_sample(folder, m, split, count)
    return split, indices.tolist(), data.to_input(X, doc['input']['mean'], doc['input']['std']), Y


def calibration_batches(doc, count=CALIBRATION_IMAGES):
    """The lab's trial-1 calibration draw from the model's dataset pool, as model input in batches of 32;
    for a random model, its stored random batches (count ignored)."""
    if doc['dataset'] == 'none':
        return random_inputs(doc)[0]
    folder = dataset_folder(doc)
    m = read_manifest(folder)
    Xp, _ = read_split(folder, m, m['poolSplit'])
    xp = data.to_input(Xp[calibration_indices(len(Xp), trial_seed(0), count)], doc['input']['mean'], doc['input']['std'])
    return [xp[i:i + BATCH] for i in range(0, len(xp), BATCH)]


def quantize_weights(doc, weights, bits, only=None, clamp='bits', skip=None):
    """The weights file with every conv and dense weight (or only node `only`'s, or all but node `skip`'s)
    fake-quantized at `bits` (or each layer's, a dict by node name; clamp: int8.clamp_range)."""
    buf = np.frombuffer(weights, '<f4').copy()
    for nd in doc['nodes']:
        if nd['op'] not in ('conv2d', 'dense') or only not in (None, nd['name']) or nd['name'] == skip:
            continue
        r = nd['weight']
        span = export.weight_span(r)
        C = r['shape'][2] * r['shape'][3] if nd['op'] == 'conv2d' and nd['groups'] > 1 else r['shape'][-1]
        w = torch.from_numpy(buf[span].reshape(-1, C).T.copy())  # (out channels, rest): torch's channel axis 0
        fq, _, _ = int8.fake_quant_weight(w, bits[nd['name']] if isinstance(bits, dict) else bits, clamp)
        buf[span] = fq.t().reshape(-1).numpy()
    return buf.tobytes()


def calibrate(doc, weights, calib, a_bits, run=export.run_graph):
    """(observer indices by node name, torch's HistogramObservers after the calibration batches)."""
    by_node, sets = calibrate_widths(doc, weights, calib, [a_bits], run)
    return by_node, sets[a_bits]


def calibrate_widths(doc, weights, calib, widths, run=export.run_graph):
    """(observer indices by node name, {activation bits: HistogramObservers}): one FP32 pass per batch by
    run (export.run_graph or a variant with its signature) feeds every width's observers."""
    by_node = export.observers_by_node(doc)
    sets = {a: [HistogramObserver(dtype=torch.quint8, quant_min=0, quant_max=2 ** a - 1) for _ in range(doc['quant']['observers'])]
            for a in widths}

    def observe(nd, y):
        for observers in sets.values():
            for o in by_node[nd['name']]:
                observers[o](y)
        return y
    with torch.no_grad():
        for xb in calib:
            run(doc, weights, xb, tap=observe)
    return by_node, sets


def replay(doc, weights, calib, x_test, w_bits, a_bits):
    """(qparams per observer, fake-quant logits on x_test)."""
    by_node, observers = calibrate(doc, weights, calib, a_bits)
    qp = qparams(observers)
    return qp, fake_quant_logits(doc, quantize_weights(doc, weights, w_bits), by_node, qp, x_test, a_bits)


def qparams(observers):
    """[[scale, zero point]] per observer, as plain numbers."""
    return [[float(s), int(z)] for s, z in (o.calculate_qparams() for o in observers)]


def fake_quant_logits(doc, q_weights, by_node, qp, x, a_bits, outputs=None, run=export.run_graph, clamp='bits'):
    """Logits of the graph (run by run: export.run_graph or a variant with its signature) with
    fake-quantized weights q_weights and activations fake-quantized with qp (clamp: int8.clamp_range);
    outputs, a dict, receives every node's output."""
    qmin, qmax = int8.clamp_range(a_bits, False, clamp)

    def fake_quant(nd, y):
        for o in by_node[nd['name']]:
            y = torch.fake_quantize_per_tensor_affine(y, qp[o][0], qp[o][1], qmin, qmax)
        return y
    with torch.no_grad():
        return run(doc, q_weights, x, outputs=outputs, tap=fake_quant)


def layer_kind(nd):
    """A conv or dense layer's kind, as mixed-precision labels name it."""
    if nd['op'] == 'dense':
        return 'dense'
    if nd['groups'] > 1:
        return 'depthwise'
    return 'pointwise' if nd['weight']['shape'][:2] == [1, 1] else 'full'


def mixed_bits(doc, label, w_bits, a_bits):
    """({layer: weight bits}, [bits per observer]) of a mixed-precision label over W{w_bits}/A{a_bits}: a layer
    takes its node's entry, else 'ends' (first and last conv or dense layer), else its kind's, else the base; an
    observer takes the most activation bits among the nodes whose outputs it quantizes."""
    entries = {k: (int(v[1]), int(v[3])) for k, v in (e.split(':') for e in label.split(';'))}
    weighted = [nd for nd in doc['nodes'] if nd['op'] in ('conv2d', 'dense')]
    ends = {weighted[0]['name'], weighted[-1]['name']}
    layer = {}
    for nd in weighted:
        n = nd['name']
        key = n if n in entries else 'ends' if n in ends and 'ends' in entries else layer_kind(nd)
        layer[n] = entries.get(key, (w_bits, a_bits))
    obs = [0] * doc['quant']['observers']
    for node, o in doc['quant']['events']:
        obs[o] = max(obs[o], layer.get(node, (w_bits, a_bits))[1])
    return {n: b[0] for n, b in layer.items()}, obs


def replay_mixed(doc, weights, calib, x_test, w_bits, a_bits, label):
    """(qparams per observer, fake-quant logits, layer bits, observer bits) of a mixed-precision run: torch's
    HistogramObserver at each observer's bits, each layer's weights at its bits."""
    layer_bits, obs_bits = mixed_bits(doc, label, w_bits, a_bits)
    by_node = export.observers_by_node(doc)
    observers = [HistogramObserver(dtype=torch.quint8, quant_min=0, quant_max=2 ** b - 1) for b in obs_bits]

    def observe(nd, y):
        for o in by_node[nd['name']]:
            observers[o](y)
        return y

    def fake_quant(nd, y):
        for o in by_node[nd['name']]:
            lo, hi = int8.clamp_range(obs_bits[o], False)
            y = torch.fake_quantize_per_tensor_affine(y, qp[o][0], qp[o][1], lo, hi)
        return y
    with torch.no_grad():
        for xb in calib:
            export.run_graph(doc, weights, xb, tap=observe)
        qp = qparams(observers)
        logits = export.run_graph(doc, quantize_weights(doc, weights, layer_bits), x_test, tap=fake_quant)
    return qp, logits, layer_bits, obs_bits


def write(name, doc_path, split, calib_info, qparams, logits, indices, labels, w_bits, a_bits, mixed=None):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}-w{w_bits}a{a_bits}{'-mixed' if mixed else ''}.json"), 'w') as f:
        json.dump(dict(model=os.path.relpath(os.path.dirname(doc_path), ROOT), wBits=w_bits, aBits=a_bits, split=split,
                       calibration=calib_info, qparams=qparams, indices=indices, labels=labels, logits=logits.reshape(-1).tolist(),
                       **(dict(mixed=mixed) if mixed else {})), f)


def load(path):
    with open(path) as f:
        doc = json.load(f)
    with open(os.path.join(os.path.dirname(path), 'weights.bin'), 'rb') as f:
        return doc, f.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--test-images', type=int, default=200)
    p.add_argument('--calibration-images', type=int, default=256)
    args = p.parse_args()
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    # randomly initialised models of all three architectures, on random inputs stored in the file
    g = torch.Generator().manual_seed(21)
    for path in sorted(glob.glob(os.path.join(ROOT, 'golden', 'out', 'random-models', '*', 'model.json'))):
        doc, weights = load(path)
        calib = [torch.randn(4, 3, 32, 32, generator=g) * 1.5 for _ in range(3)]
        x = torch.randn(RANDOM_TEST_IMAGES, 3, 32, 32, generator=g)
        info = dict(inputs_nhwc=[c.permute(0, 2, 3, 1).reshape(-1).tolist() for c in calib], batch=4)
        for w_bits, a_bits in PRECISIONS:
            qp, logits = replay(doc, weights, calib, x, w_bits, a_bits)
            write(doc['name'], path, RANDOM_SPLIT, info, qp, logits, list(range(len(x))), [], w_bits, a_bits)
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, f"{doc['name']}-test-inputs.json"), 'w') as f:
            json.dump(dict(inputs_nhwc=x.permute(0, 2, 3, 1).reshape(-1).tolist()), f)
        print(f"{doc['name']}: {doc['quant']['observers']} observers")
    # shipped models on their own data: trial 1's calibration draw from the pool
    for path in sorted(glob.glob(os.path.join(ROOT, 'public', 'models', '*', '*', 'model.json'))):
        doc, weights = load(path)
        calib = calibration_batches(doc, args.calibration_images)
        test, indices, x, Yt = test_sample(doc, args.test_images)
        for w_bits, a_bits in PRECISIONS:
            qp, logits = replay(doc, weights, calib, x, w_bits, a_bits)
            write(doc['name'], path, test, dict(seed=trial_seed(0), count=sum(map(len, calib)), batch=BATCH), qp, logits,
                  indices, Yt.tolist(), w_bits, a_bits)
            acc = (logits.argmax(1).numpy() == Yt).mean()
            print(f"{doc['name']} W{w_bits}A{a_bits}: accuracy on {len(x)} test images {acc:.3f}")
        if doc['dataset'] == MIXED_DATASET:
            label, w_bits, a_bits = MIXED
            qp, logits, layer_bits, obs_bits = replay_mixed(doc, weights, calib, x, w_bits, a_bits, label)
            write(doc['name'], path, test, dict(seed=trial_seed(0), count=sum(map(len, calib)), batch=BATCH), qp, logits,
                  indices, Yt.tolist(), w_bits, a_bits, mixed=dict(label=label, weights=layer_bits, observers=obs_bits))
            acc = (logits.argmax(1).numpy() == Yt).mean()
            print(f"{doc['name']} W{w_bits}A{a_bits} mixed {label}: accuracy on {len(x)} test images {acc:.3f}")


if __name__ == '__main__':
    main()
