"""Small files in exactly the official formats, written with Python's own tarfile and numpy, for
the importer tests (src/core/data/importers.test.ts) and the train-on-a-bundle smoke test:
  golden/out/fixtures/cifar-10-binary.tar.gz   cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin
  golden/out/fixtures/cifar-100-binary.tar.gz  cifar-100-binary/{train,test}.bin + label names
  golden/out/fixtures/pathmnist.npz            the MedMNIST v2 key layout, RGB 28x28, 9 classes
  golden/out/fixtures/breastmnist.npz          grey 28x28, 2 learnable classes, a pool smaller than 1,024
                                               (the bring-your-own e2e test trains on it)
  golden/out/fixtures/bad-*.npz                 breastmnist.npz with a stray label 2, float images or float labels
  golden/out/fixtures/expected.json            what each should decode to (labels, pixel checksums)
"""
import io
import json
import os
import tarfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'golden', 'out', 'fixtures')
r = np.random.default_rng(5)


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def cifar(path, top, batches, names_file, names, label_bytes, per_batch):
    expected = {}
    with tarfile.open(path, 'w:gz') as tar:
        for b in batches:
            n = per_batch
            images = r.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)  # CHW, as the official records
            fine = np.tile(np.arange(len(names)), n // len(names) + 1)[:n].astype(np.uint8)
            r.shuffle(fine)
            labels = np.stack([fine // 5, fine], 1) if label_bytes == 2 else fine[:, None]
            records = np.concatenate([labels.astype(np.uint8), images.reshape(n, -1)], 1)
            add(tar, f'{top}/{b}', records.tobytes())
            expected[b] = dict(labels=fine.tolist(), hwc_sum=int(images.transpose(0, 2, 3, 1).astype(np.int64).sum()),
                               first_pixel_rgb=images[0, :, 0, 0].tolist(), pixel_0_1_rgb=images[0, :, 0, 1].tolist())
        add(tar, f'{top}/{names_file}', ('\n'.join(names) + '\n').encode())
    return expected


def breastmnist():
    """Grey noise, class 1 with a brighter centre: a set a small CNN learns in an epoch or two."""
    npz = {}
    for s, n in (('train', 320), ('val', 64), ('test', 128)):
        labels = (np.arange(n) % 2).astype(np.uint8)
        r.shuffle(labels)
        x = r.normal(110, 35, (n, 28, 28))
        x[labels == 1, 9:19, 9:19] += r.uniform(20, 70, (int(labels.sum()), 1, 1))
        npz[f'{s}_images'] = np.clip(x, 0, 255).astype(np.uint8)
        npz[f'{s}_labels'] = labels[:, None]
    np.savez_compressed(os.path.join(OUT, 'breastmnist.npz'), **npz)
    stray = dict(npz, train_labels=npz['train_labels'].copy())
    stray['train_labels'][7] = 2
    np.savez_compressed(os.path.join(OUT, 'bad-stray-label.npz'), **stray)
    np.savez_compressed(os.path.join(OUT, 'bad-float-images.npz'), **dict(npz, val_images=npz['val_images'].astype(np.float32)))
    np.savez_compressed(os.path.join(OUT, 'bad-float-labels.npz'), **dict(npz, test_labels=npz['test_labels'].astype(np.float32)))
    return {s: dict(count=int(npz[f'{s}_labels'].shape[0]), sum=int(npz[f'{s}_images'].astype(np.int64).sum()))
            for s in ('train', 'val', 'test')}


def main():
    os.makedirs(OUT, exist_ok=True)
    exp = {}
    exp['cifar10'] = cifar(os.path.join(OUT, 'cifar-10-binary.tar.gz'), 'cifar-10-batches-bin',
                           [f'data_batch_{i}.bin' for i in range(1, 6)] + ['test_batch.bin'], 'batches.meta.txt',
                           [f'c10_{i}' for i in range(10)], 1, 40)
    exp['cifar100'] = cifar(os.path.join(OUT, 'cifar-100-binary.tar.gz'), 'cifar-100-binary', ['train.bin', 'test.bin'],
                            'fine_label_names.txt', [f'c100_{i}' for i in range(100)], 2, 1000)
    npz = {}
    for s, n in (('train', 180), ('val', 27), ('test', 45)):
        npz[f'{s}_images'] = r.integers(0, 256, (n, 28, 28, 3), dtype=np.uint8)
        npz[f'{s}_labels'] = (np.arange(n) % 9).astype(np.uint8)[:, None]
    np.savez_compressed(os.path.join(OUT, 'pathmnist.npz'), **npz)
    exp['pathmnist'] = {s: dict(count=int(npz[f'{s}_labels'].shape[0]), sum=int(npz[f'{s}_images'].astype(np.int64).sum()))
                        for s in ('train', 'val', 'test')}
    exp['breastmnist'] = breastmnist()
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(exp, f)
    print(f'wrote fixtures to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
