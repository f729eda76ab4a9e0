"""Exports every finished run in /var/tmp/qcal-runs to public/models/<dataset>/<arch>/ (model.json,
weights.bin, log.json) after checking, on the real test images, that the exported graph computes the
trained eval-mode model (relative max difference <= 1e-5). Records FP32 test accuracy, ECE and NLL.

  /usr/bin/python3 training/export_all.py [--runs /var/tmp/qcal-runs] [--only pneumoniamnist-mobileone_s0,...]
"""
import argparse
import glob
import json
import os
import shutil

import numpy as np
import torch

import data
import export
import golden_calibration as ref
import models

PUBLIC = os.path.join(data.HERE, '..', 'public', 'models')


def export_run(folder):
    s = torch.load(os.path.join(folder, 'final.pt'))
    trained = models.build(s['arch'], len(s['classes']))
    trained.load_state_dict(s['model'])
    trained.eval()
    ds = data.load(s['dataset'])
    X, Y = ds.splits['test']
    x = data.to_input(X, s['mean'], s['std'])
    with torch.no_grad():
        logits = torch.cat([trained(x[i:i + 500]) for i in range(0, len(x), 500)])
    deploy = trained.reparameterize() if isinstance(trained, models.MobileOne) else trained
    with open(os.path.join(folder, 'log.json')) as f:
        log = json.load(f)
    m = ref.metrics(logits.double().numpy(), Y, 15, resamples=2)
    by_device = {}  # some runs moved between this CPU and a lent GPU; epochs logged without a device ran on a CPU
    for e in log['log']:
        device = e.get('device', 'cpu')
        by_device[device] = by_device.get(device, 0) + e['seconds']
    meta = dict(name=f"{s['dataset']}-{s['arch']}", arch=s['arch'], dataset=s['dataset'], classes=s['classes'],
                training=dict(epochs=log['epochs'], seed=log['config']['seed'], batch_size=log['config']['batch_size'],
                              seconds=round(sum(e['seconds'] for e in log['log'])),
                              seconds_by_device={k: round(v) for k, v in sorted(by_device.items())}),
                fp32=dict(test_split='test', images=len(Y), accuracy=1 - m['error'], ece=m['ece'], nll=m['nll']))
    out = os.path.join(PUBLIC, s['dataset'], s['arch'])
    tmp = out + '.tmp'  # only a checked export replaces the shipped one
    shutil.rmtree(tmp, ignore_errors=True)
    doc, weights = export.export(deploy, meta, (s['mean'], s['std']), X.shape[1:], tmp)
    with torch.no_grad():
        got = torch.cat([export.run_graph(doc, weights, x[i:i + 500]) for i in range(0, len(x), 500)])
    rel = ((got - logits).abs().max() / logits.abs().max()).item()
    agree = (got.argmax(1) == logits.argmax(1)).float().mean().item()
    if rel > 1e-5 or agree < 1:
        shutil.rmtree(tmp)
        raise SystemExit(f'{out}: exported graph differs from the trained model (rel {rel:.2e}, top-1 agreement {agree})')
    shutil.copy(os.path.join(folder, 'log.json'), os.path.join(tmp, 'log.json'))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"{meta['name']}: accuracy {meta['fp32']['accuracy']:.4f} ECE {m['ece']:.4f} NLL {m['nll']:.4f} "
          f"params {doc['stats']['params']} MACs {doc['stats']['macs']} export rel diff {rel:.1e}")


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
