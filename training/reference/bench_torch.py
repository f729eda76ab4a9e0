"""PyTorch side of `npm run bench`: eager FP32 inference of an exported graph (export.run_graph, the
same folded model the lab runs) and torch's HistogramObserver pass over a calibration set, on random
inputs. Prints one JSON line.

  /usr/bin/python3 training/reference/bench_torch.py public/models/retinamnist/shufflenetv2 --batch 32
"""
import os
os.environ.setdefault('ATEN_CPU_CAPABILITY', 'avx2')
import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export  # noqa: E402
import golden_ptq  # noqa: E402

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('model')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--batches', type=int, default=5)
    p.add_argument('--calibration-images', type=int, default=1024, help='0 skips the observer pass')
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    doc, weights = golden_ptq.load(os.path.join(args.model, 'model.json'))
    g = torch.Generator().manual_seed(0)
    x = torch.randn(args.batch, 3, 32, 32, generator=g)
    with torch.no_grad():
        export.run_graph(doc, weights, x)  # warm-up
        times = []
        for _ in range(args.batches):
            t = time.perf_counter()
            export.run_graph(doc, weights, x)
            times.append(time.perf_counter() - t)
        fp32 = args.batch / sorted(times)[len(times) // 2]  # the median batch, as the core's side reports
    observe = None
    if args.calibration_images:
        calib = [torch.randn(32, 3, 32, 32, generator=g) for _ in range(args.calibration_images // 32)]
        t = time.perf_counter()
        golden_ptq.replay(doc, weights, calib, x[:1], 8, 8)
        observe = time.perf_counter() - t
    print(json.dumps(dict(fp32_images_per_s=fp32, calibration_s=observe)))
