"""Reads a qcal bundle (the format of src/core/data/bundle.ts) so that training runs on datasets
imported by `npm run import`, such as CIFAR-100 or PathMNIST."""
import gzip
import hashlib
import json
import os

import numpy as np

from data import Dataset


def paeth_unfilter(f, H, W, C):
    """Inverse of the per-row Paeth filter, vectorised over images: (N*H, W*C) residuals -> pixels."""
    f = f.reshape(-1, H, W * C).astype(np.int16)
    out = np.zeros_like(f)
    for y in range(H):
        for x in range(W * C):
            a = out[:, y, x - C] if x >= C else np.zeros(len(f), np.int16)
            b = out[:, y - 1, x] if y > 0 else np.zeros(len(f), np.int16)
            c = out[:, y - 1, x - C] if (y > 0 and x >= C) else np.zeros(len(f), np.int16)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
            out[:, y, x] = (f[:, y, x] + pred) & 0xFF
    return out.astype(np.uint8)


def read_file(folder, ref):
    with open(os.path.join(folder, ref['file']), 'rb') as fh:
        b = fh.read()
    if len(b) != ref['bytes'] or hashlib.sha256(b).hexdigest() != ref['sha256']:
        raise ValueError(f"{ref['file']}: size or sha256 differs from the manifest (truncated or replaced)")
    return b


def read_manifest(folder):
    with open(os.path.join(folder, 'manifest.json')) as fh:
        m = json.load(fh)
    if m.get('format') != 'qcal-bundle' or m.get('version') != 1:
        raise ValueError(f'{folder}: not a qcal-bundle v1 manifest')
    return m


def read_split(folder, m, name, max_shards=None):
    """(images uint8 (N,H,W,C), labels int64 (N,)) of one split, or of its first max_shards shards."""
    H, W, C = m['image']['height'], m['image']['width'], m['image']['channels']
    s = m['splits'][name]
    shards = [paeth_unfilter(np.frombuffer(gzip.decompress(read_file(folder, sh)), np.uint8), H, W, C)
              for sh in s['shards'][:max_shards]]
    images = np.concatenate(shards).reshape(-1, H, W, C) if shards else np.zeros((0, H, W, C), np.uint8)
    labels = np.frombuffer(read_file(folder, s['labels']), np.uint8).astype(np.int64)
    return images, labels[:len(images)]


SAMPLE_SEED = 0


def sample_indices(total, count):
    """`count` of range(total) without replacement, in a seeded order: the golden checks' test images.
    A sample, not the first images: CIFAR-10's bundle is class-major, its first 1,000 test images all airplanes."""
    return np.random.default_rng(SAMPLE_SEED).permutation(total)[:count]


def read_sample(folder, m, name, count):
    """(indices, images, labels) of sample_indices' images of a split."""
    X, Y = read_split(folder, m, name)
    idx = sample_indices(len(Y), count)
    return idx, X[idx], Y[idx]


def read_bundle(folder):
    m = read_manifest(folder)
    splits = {name: read_split(folder, m, name) for name in m['splits']}
    # training uses the pool split's role as 'train' when the bundle has no separate train split
    if 'train' not in splits:
        raise ValueError(f'{folder}: bundle has no train split to train on (splits: {", ".join(splits)})')
    test = m['testSplits'][0]
    splits['test'] = splits[test]
    if m['valSplit'] != 'val':
        splits['val'] = splits[m['valSplit']]
    return Dataset(m['name'], m['classes'], splits, flip=True, pool_index=np.arange(len(splits['train'][1])))
