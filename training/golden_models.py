"""PyTorch logits of every shipped model (public/models/*/*), computed by export.run_graph from the
exported graph and weights, on a seeded sample of the shipped bundle's test images, for the executor parity
test (src/core/graph/parity.test.ts): golden/out/models/<dataset>-<arch>.json.

Also exports a randomly initialised model of each architecture (random BatchNorm statistics, so
folding matters) to golden/out/random-models/<arch>/ with its logits on random inputs, so that the
executor is checked on all three architectures whatever has been trained.

  /usr/bin/python3 training/golden_models.py [--images 1000]
"""
import argparse
import glob
import json
import os

import torch

import data
import models
import export
from bundle import read_manifest, read_sample

ROOT = os.path.join(data.HERE, '..')
OUT = os.path.join(ROOT, 'golden', 'out', 'models')

def random_models():
    g = torch.Generator().manual_seed(11)
    torch.manual_seed(11)  # models.build's He init draws from the global RNG: seeded, every run exports the same models
    for arch in models.ARCHS:
        m = models.build(arch, 7).eval()
        models.randomise_bn(m, g, mean=0.2, bias=0.2)
        if arch == 'mobileone_s0':
            m.reparameterize()
        out = os.path.join(ROOT, 'golden', 'out', 'random-models', arch)
        meta = dict(name=f'random-{arch}', arch=arch, dataset='none', classes=[f'c{i}' for i in range(7)])
        doc, weights = export.export(m, meta, ([0.0] * 3, [1.0] * 3), (32, 32, 3), out)
        x = torch.randn(6, 3, 32, 32, generator=g)
        with torch.no_grad():
            ref, got = m(x), export.run_graph(doc, weights, x)
        assert ((ref - got).abs().max() / ref.abs().max()).item() < 1e-5, arch
        with open(os.path.join(out, 'golden.json'), 'w') as f:
            json.dump(dict(input_nhwc=x.permute(0, 2, 3, 1).reshape(-1).tolist(), logits=got.reshape(-1).tolist()), f)
        print(f'random {arch}: {len(doc["nodes"])} nodes')


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--images', type=int, default=1000, help='test images per model (a seeded sample)')
    args = p.parse_args()
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    random_models()
    for path in sorted(glob.glob(os.path.join(ROOT, 'public', 'models', '*', '*', 'model.json'))):
        with open(path) as f:
            doc = json.load(f)
        with open(os.path.join(os.path.dirname(path), 'weights.bin'), 'rb') as f:
            weights = f.read()
        folder = os.path.join(ROOT, 'public', 'data', doc['dataset'])
        m = read_manifest(folder)
        split = m['testSplits'][0]
        indices, X, Y = read_sample(folder, m, split, args.images)
        x = data.to_input(X, doc['input']['mean'], doc['input']['std'])
        with torch.no_grad():
            logits = torch.cat([export.run_graph(doc, weights, x[i:i + 250]) for i in range(0, len(x), 250)])
        with open(os.path.join(OUT, f"{doc['dataset']}-{doc['arch']}.json"), 'w') as f:
            json.dump(dict(model=os.path.relpath(os.path.dirname(path), ROOT), split=split, indices=indices.tolist(),
                           labels=Y.tolist(), logits=logits.reshape(-1).tolist()), f)
        print(f"{doc['name']}: {len(Y)} images, accuracy {(logits.argmax(1).numpy() == Y).mean():.4f}")
