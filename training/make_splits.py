"""Writes splits/cifar10.json (validation and calibration-pool indices into the 50,000 training
images), the one source of the split for training (data.py) and the bundle builder (scripts/)."""
import json

import data

if __name__ == '__main__':
    with open(data.splits_file('cifar10'), 'w') as f:
        json.dump(data.cifar10_split_indices(), f, separators=(',', ':'))
