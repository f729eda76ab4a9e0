"""Reference calibration metrics in numpy, written to golden/out/calibration.json for
src/core/calib/golden.test.ts. Independent of the TypeScript: searchsorted binning, bisection (not
Newton) for the temperature, a Python port of the seeded PRNG for the bootstrap.

  /usr/bin/python3 training/reference/golden_calibration.py
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'golden', 'out', 'calibration.json')
T_MIN, T_MAX = 1e-2, 1e2


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return nxt


# libm's exp, one value at a time, as the lab's Math.exp: on an AVX-512 CPU numpy's vectorised exp
# differs from libm's in the last bit (exp(-1) among them). Rows that hold the same logits in another
# order then round differently from the lab's rows, the ties of ties_200x5 break differently, and
# adaptive ECE's equal-mass bins, which cut through runs of ties, moved by whole images.
exp_scalar = np.vectorize(math.exp, otypes=[np.float64])


def softmax(z, T=1.0):
    z = z / T
    e = exp_scalar(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def bins_of(x, B):
    edges = np.linspace(0, 1, B + 1)
    return np.searchsorted(edges[1:-1], x, side='left')  # (lo, hi]; 0 -> bin 0; 1.0 -> last bin


def binned(scores, hits, B):
    b = bins_of(scores, B)
    rows = []
    for i in range(B):
        m = b == i
        c = int(m.sum())
        conf = float(scores[m].mean()) if c else 0.0
        acc = float(hits[m].mean()) if c else 0.0
        rows.append(dict(count=c, confidence=conf, accuracy=acc, gap=conf - acc))
    return rows


def ece_of(rows, n):
    return sum(r['count'] / n * abs(r['gap']) for r in rows), max([abs(r['gap']) for r in rows if r['count']] or [0.0])


def metrics(z, y, B, T=1.0, resamples=200, seed=7):
    n, k = z.shape
    p = softmax(z, T)
    pred = z.argmax(1)
    conf = p[np.arange(n), pred]
    hits = (pred == y).astype(np.float64)
    rows = binned(conf, hits, B)
    e, mce = ece_of(rows, n)
    zt = z / T
    lse = np.log(np.exp(zt - zt.max(1, keepdims=True)).sum(1)) + zt.max(1)
    nll = float(np.mean(lse - zt[np.arange(n), y]))
    brier = float(np.mean(((p - np.eye(k)[y]) ** 2).sum(1)))
    order = np.argsort(conf, kind='stable')
    ada = 0.0
    for b in range(B):
        lo, hi = (b * n) // B, ((b + 1) * n) // B
        if hi > lo:
            ada += abs(conf[order[lo:hi]].sum() - hits[order[lo:hi]].sum()) / n
    cw = np.mean([ece_of(binned(p[:, c], (y == c).astype(np.float64), B), n)[0] for c in range(k)])
    rng = mulberry32(seed)
    boots = []
    for _ in range(resamples):
        idx = np.array([int(rng() * n) for _ in range(n)])
        boots.append(ece_of(binned(conf[idx], hits[idx], B), n)[0])
    boots = np.sort(boots)
    return dict(error=float(1 - hits.mean()), nll=nll, brier=brier, ece=e, mce=mce, adaptiveEce=ada,
                classwiseEce=float(cw), bins=rows, eceInterval=[float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))])


def grad(z, y, b):
    p = softmax(z * b)
    return float(np.mean((p * z).sum(1) - z[np.arange(len(y)), y]))


def fit_temperature(z, y):
    lo, hi = 1 / T_MAX, 1 / T_MIN
    g_lo, g_hi = grad(z, y, lo), grad(z, y, hi)
    if g_lo == 0 and g_hi == 0:
        return 1.0
    if g_lo >= 0:
        return T_MAX
    if g_hi <= 0:
        return T_MIN
    for _ in range(200):  # bisection on the derivative of the convex NLL in b = 1/T
        mid = (lo + hi) / 2
        if grad(z, y, mid) > 0:
            hi = mid
        else:
            lo = mid
    return 2 / (lo + hi)


def case(name, z, y, B=15):
    z = np.asarray(z, dtype=np.float32).astype(np.float64)  # the lab's logits are float32
    y = np.asarray(y, dtype=np.int64)
    T = fit_temperature(z, y)
    return dict(name=name, k=int(z.shape[1]), bins=B, logits=z.reshape(-1).tolist(), labels=y.tolist(),
                temperature=T, before=metrics(z, y, B), after=metrics(z, y, B, T))


def main():
    r = np.random.default_rng(2024)
    cases = []
    z = r.normal(0, 3, (300, 10)); y = r.integers(0, 10, 300)
    cases.append(case('random_300x10', z, y))
    y2 = np.where(r.random(300) < 0.7, z.argmax(1), y)  # a fairly accurate, over-confident model
    cases.append(case('accurate_300x10', z * 2, y2))
    z = r.integers(0, 3, (200, 5)).astype(float); y = r.integers(0, 5, 200)
    cases.append(case('ties_200x5', z, y))
    z = r.normal(0, 1, (120, 4)); y = r.integers(0, 4, 120); z[np.arange(60), y[:60]] += 1000
    cases.append(case('confidence_one_120x4', z, y))  # half the images at confidence exactly 1.0
    z = r.normal(0, 1, (20, 3)); y = z.argmax(1); z[np.arange(20), y] += 6
    cases.append(case('empty_bins_20x3', z, y))  # all correct, confident: most bins empty; T at its bound
    cases.append(case('single_class_50x1', r.normal(0, 1, (50, 1)), np.zeros(50)))
    z = r.normal(0, 2, (200, 100)); y = r.integers(0, 100, 200); y[:80] = z[:80].argmax(1)
    cases.append(case('cifar100_like_200x100', z, y))
    z = r.normal(0, 2, (400, 5)); y = np.where(r.random(400) < 0.5, z.argmax(1), r.integers(0, 5, 400))
    cases.append(case('retina_like_400x5_10bins', z, y, B=10))
    cases.append(case('retina_like_400x5_20bins', z, y, B=20))
    z = r.normal(0, 0.3, (250, 2)); y = r.integers(0, 2, 250)
    cases.append(case('underconfident_250x2', z, y))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(dict(resamples=200, seed=7, cases=cases), f)
    print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
