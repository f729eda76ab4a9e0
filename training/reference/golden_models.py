"""PyTorch logits of every shipped model (public/models/*/*), computed by export.run_graph from the
exported graph and weights, on a seeded sample of the shipped bundle's test images, for the executor parity
test (src/core/graph/parity.test.ts): golden/out/models/<dataset>-<arch>.json.

Also exports a randomly initialised model of each architecture (random BatchNorm statistics, so
folding matters) to golden/out/random-models/<arch>/ with its logits on random inputs, so that the
executor is checked on all three architectures whatever has been trained; and one of `Residual`, a
small ResNet none of the three resembles (residual adds, each fused with its ReLU by prepare_fx, a
max-pool, a strided 1x1 shortcut): the kind of model a user brings, for the PTQ and int8 goldens.

  /usr/bin/python3 training/reference/golden_models.py [--images 1000]
"""
import argparse
import glob
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import data
import models
import export
from bundle import read_manifest, read_sample

ROOT = os.path.join(data.HERE, '..')
OUT = os.path.join(ROOT, 'golden', 'out', 'models')


class BasicBlock(nn.Module):
    """ResNet's: relu(bn(conv(relu(bn(conv(x))))) + shortcut(x)), the shortcut a strided 1x1 conv + BN
    where the shape changes."""
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
        self.conv2, self.bn2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else \
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + self.shortcut(x))


class Residual(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(nn.MaxPool2d(2, 2), BasicBlock(16, 16, 1), BasicBlock(16, 32, 2))
        self.fc = nn.Linear(32, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def random_models():
    g = torch.Generator().manual_seed(11)
    torch.manual_seed(11)  # models.build's He init draws from the global RNG: seeded, every run exports the same models
    for arch in [*models.ARCHS, 'residual']:
        m = (Residual(7) if arch == 'residual' else models.build(arch, 7)).eval()
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
