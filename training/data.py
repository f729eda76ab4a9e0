"""Datasets for training: the built-in sources under shared/data, or a qcal bundle (bundle.py).

Every dataset comes out as a Dataset of uint8 NHWC images (1 or 3 channels) per split, plus the
class names. Preprocessing (to_input) is the one the lab repeats in src/core/data/preprocess.ts:
grey -> 3 channels, (x - mean) / std per channel in 0..255 units, then zero padding to 32x32.
"""
import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get('QCAL_SHARED_DATA', os.path.join(HERE, '..', '..', 'shared', 'data'))
INPUT_SIZE = 32
CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
MEDMNIST = {
    'pneumoniamnist': dict(classes=['normal', 'pneumonia'], flip=False),  # a flipped chest X-ray is another anatomy
    'retinamnist': dict(classes=['grade 0', 'grade 1', 'grade 2', 'grade 3', 'grade 4'], flip=True),
}


@dataclass
class Dataset:
    name: str
    classes: list
    splits: dict  # split name -> (images uint8 (N,H,W,C), labels int64 (N,))
    flip: bool = True  # horizontal flip is a label-preserving augmentation
    pool_of: str = 'train'  # the split whose pool_index picks calibration images
    pool_index: np.ndarray = field(default=None)


def cifar10_split_indices(seed=0, val_per_class=500, pool_size=5000):
    """Validation: 500 per class held out of the 50,000 training images; pool: a fixed subset of the
    remaining 45,000 for calibration batches. Saved in splits/cifar10.json, read by the bundle builder."""
    labels = np.fromfile(os.path.join(SHARED, 'cifar10', 'train-labels.u8'), dtype=np.uint8)
    rng = np.random.default_rng(seed)
    val = np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), val_per_class, replace=False)
                                  for c in range(10)]))
    train = np.setdiff1d(np.arange(len(labels)), val)
    pool = np.sort(rng.choice(train, pool_size, replace=False))
    return dict(seed=seed, val=val.tolist(), pool=pool.tolist())


def splits_file(name):
    return os.path.join(HERE, 'splits', f'{name}.json')


def load_cifar10():
    d = os.path.join(SHARED, 'cifar10')
    X = np.fromfile(os.path.join(d, 'train-images.u8'), dtype=np.uint8).reshape(-1, 32, 32, 3)
    Y = np.fromfile(os.path.join(d, 'train-labels.u8'), dtype=np.uint8).astype(np.int64)
    with open(splits_file('cifar10')) as f:
        sp = json.load(f)
    assert sp == cifar10_split_indices(sp['seed']), 'splits/cifar10.json is stale: rerun make_splits.py'
    val = np.array(sp['val'])
    train = np.setdiff1d(np.arange(len(Y)), val)
    test_y = np.fromfile(os.path.join(d, 'test-labels.u8'), dtype=np.uint8).astype(np.int64)
    test = lambda f: np.fromfile(os.path.join(d, f), dtype=np.uint8).reshape(-1, 32, 32, 3)
    # the pool indexes the 45,000-image train split, so map it from 0..49,999 positions
    pool = np.searchsorted(train, np.array(sp['pool']))
    return Dataset('cifar10', CIFAR10_CLASSES, {
        'train': (X[train], Y[train]), 'val': (X[val], Y[val]),
        'test': (test('test-jpeg-images.u8'), test_y), 'test_lossless': (test('test-images.u8'), test_y),
    }, flip=True, pool_index=pool)


def load_npz(path, name, classes, flip=True):
    z = np.load(path)
    splits = {}
    for s in ('train', 'val', 'test'):
        X = z[f'{s}_images']
        splits[s] = (X if X.ndim == 4 else X[..., None], z[f'{s}_labels'].reshape(-1).astype(np.int64))
    return Dataset(name, classes, splits, flip=flip, pool_index=np.arange(len(splits['train'][1])))


def is_bundle(name):
    return os.path.isfile(os.path.join(name, 'manifest.json'))


def source_of(name):
    """Where a dataset comes from, as a run records it: a bundle folder's absolute path (so that the run
    can be exported from anywhere) and its manifest's sha256, or a built-in name and None."""
    if not is_bundle(name):
        return name, None
    with open(os.path.join(name, 'manifest.json'), 'rb') as f:
        return os.path.abspath(name), hashlib.sha256(f.read()).hexdigest()


def load(name):
    """A built-in dataset by name, or a bundle by path (a folder holding manifest.json)."""
    if is_bundle(name):
        from bundle import read_bundle
        return read_bundle(name)
    if name == 'cifar10':
        return load_cifar10()
    if name in MEDMNIST:
        m = MEDMNIST[name]
        return load_npz(os.path.join(SHARED, name, f'{name}.npz'), name, m['classes'], m['flip'])
    raise ValueError(f'unknown dataset {name!r}; valid: cifar10, {", ".join(MEDMNIST)}, or a bundle folder')


def channel_stats(images):
    """Per-channel mean and std (0..255 units) of the training images, after grey -> RGB."""
    x = images.astype(np.float64)
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    return x.mean(axis=(0, 1, 2)).tolist(), x.std(axis=(0, 1, 2)).tolist()


def to_input(images, mean, std):
    """uint8 (N,H,W,C) -> float32 (N,3,32,32): grey to RGB, normalise, zero-pad to 32x32."""
    x = torch.from_numpy(images).float()
    if x.shape[-1] == 1:
        x = x.expand(-1, -1, -1, 3)
    x = (x - torch.tensor(mean)) / torch.tensor(std)
    x = x.permute(0, 3, 1, 2).contiguous()
    H, W = x.shape[2:]
    if H > INPUT_SIZE or W > INPUT_SIZE:
        raise ValueError(f'images of {H}x{W} are larger than the {INPUT_SIZE}x{INPUT_SIZE} input')
    top, left = (INPUT_SIZE - H) // 2, (INPUT_SIZE - W) // 2
    return torch.nn.functional.pad(x, [left, INPUT_SIZE - W - left, top, INPUT_SIZE - H - top])


def augment(x, gen, flip):
    """Random crop with 4 pixels of zero padding and (optionally) horizontal flip, per image.

    The draws come from gen (a CPU generator) and the crop is one gather, so a batch on a GPU costs a
    few kernels instead of one per image, and the result equals the per-image slicing on any device."""
    B, C, H, W = x.shape
    p = torch.nn.functional.pad(x, [4, 4, 4, 4])
    dy = torch.randint(0, 9, (B,), generator=gen)
    dx = torch.randint(0, 9, (B,), generator=gen)
    f = torch.rand(B, generator=gen) < 0.5 if flip else torch.zeros(B, dtype=torch.bool)
    cols = torch.arange(W)
    cols = torch.where(f[:, None], W - 1 - cols, cols)  # a flip reads the crop's columns backwards
    rows = (dy[:, None] + torch.arange(H)).to(x.device)
    cols = (dx[:, None] + cols).to(x.device)
    b = torch.arange(B, device=x.device)[:, None, None]
    return p[b, :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
