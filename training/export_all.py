"""Exports every finished run in /var/tmp/qcal-runs to public/models/<dataset>/<arch>/ (model.json,
weights.bin, log.json) with export.export_run: checked, on the test images of the data each run recorded,
to compute the trained eval-mode model (relative max difference <= 1e-5); records FP32 test accuracy, ECE
and NLL. Then rewrites public/models/index.json.

  /usr/bin/python3 training/export_all.py [--runs /var/tmp/qcal-runs] [--only pneumoniamnist-mobileone_s0,...]
"""
import argparse
import glob
import json
import os

import torch

import data
import export

PUBLIC = os.path.join(data.HERE, '..', 'public', 'models')


def export_run(folder):
    s = torch.load(os.path.join(folder, 'final.pt'))
    export.export_run(folder, os.path.join(PUBLIC, s['dataset'], s['arch']))


def write_index():
    """public/models/index.json: the shipped models with their FP32 figures, for the lab's menus."""
    rows = []
    for path in sorted(glob.glob(os.path.join(PUBLIC, '*', '*', 'model.json'))):
        with open(path) as f:
            d = json.load(f)
        rows.append(dict(dataset=d['dataset'], arch=d['arch'], sha256=d['weights']['sha256'], fp32=d['fp32'], stats=d['stats'],
                         training=d['training']))
    with open(os.path.join(PUBLIC, 'index.json'), 'w') as f:
        json.dump(dict(models=rows), f, indent=1)


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--runs', default='/var/tmp/qcal-runs')
    p.add_argument('--only', help='comma-separated run names (dataset-arch); default: every finished run')
    args = p.parse_args()
    only = set(args.only.split(',')) if args.only else None
    torch.set_num_threads(1)  # leave a core for the training run
    for name in sorted(os.listdir(args.runs)):
        if os.path.exists(os.path.join(args.runs, name, 'final.pt')) and (only is None or name in only):
            export_run(os.path.join(args.runs, name))
    write_index()
