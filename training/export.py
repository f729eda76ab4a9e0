"""Exports a trained model as a qcal graph: model.json (nodes) + weights.bin (little-endian float32,
tfjs layouts) + sha256 of the weights, and the run's log.json. The vocabulary matches
src/core/graph/format.ts.

  /usr/bin/python3 training/export.py RUN OUT [--data BUNDLE]
  /usr/bin/python3 training/export.py /var/tmp/qcal-runs/retinamnist-shufflenetv2 public/models/retinamnist/shufflenetv2

RUN is a folder train.py wrote (final.pt, log.json); the test images come from where the run recorded its
data (a bundle folder or a built-in name), or from --data. model.json records FP32 test accuracy, ECE and NLL.

Steps: eval mode, MobileOne re-parameterised, torch.fx trace, BatchNorm folded into the conv before
it, ReLU fused into the conv before it, chains of view/transpose/reshape that only permute channels
collapsed into one `shuffle` (or `permute`) node. The exported graph is then run by a numpy-free
reference (run_graph below, pure torch on the exported arrays) and must match the model to 1e-5.
"""
import argparse
import hashlib
import json
import operator
import os
import shutil
import sys
from collections import defaultdict

import numpy as np
import torch
import torch.fx as fx
import torch.nn as nn
import torch.nn.functional as F

import models

FORMAT, VERSION = 'qcal-graph', 1
SHAPE_OPS = {'view', 'reshape', 'transpose', 'permute', 'contiguous'}


class Exporter:
    def __init__(self, model):
        self.gm = fx.symbolic_trace(model)
        self.mods = dict(self.gm.named_modules())
        self.users = {n: list(n.users) for n in self.gm.graph.nodes}
        self.nodes, self.alias, self.chunks = [], {}, []
        self.blobs, self.offset = [], 0

    def weight(self, arr):
        arr = np.ascontiguousarray(arr.detach().cpu().numpy().astype('<f4'))
        ref = dict(offset=self.offset, shape=list(arr.shape))
        self.blobs.append(arr.tobytes())
        self.offset += arr.nbytes
        return ref

    def name(self, n):
        return self.alias.get(n.name, n.name)

    def emit(self, n, op, inputs, **fields):
        self.nodes.append(dict(name=n.name, op=op, inputs=[self.name(i) for i in inputs], **fields))

    def single_user(self, n, pred):
        us = self.users[n]
        return us[0] if len(us) == 1 and pred(us[0]) else None

    def is_relu(self, n):
        return (n.op == 'call_module' and isinstance(self.mods.get(n.target), nn.ReLU)) or \
               (n.op == 'call_function' and n.target in (F.relu, torch.relu)) or \
               (n.op == 'call_method' and n.target == 'relu')

    def conv(self, n):
        conv = self.mods[n.target]
        w = conv.weight
        b = conv.bias if conv.bias is not None else torch.zeros(conv.out_channels)
        out = n
        bn_node = self.single_user(n, lambda u: u.op == 'call_module' and isinstance(self.mods[u.target], nn.BatchNorm2d))
        if bn_node is not None:  # y = BN(conv(x)) folded into conv
            w, b = models.fold_bn(w, b, self.mods[bn_node.target])
            out = bn_node
        relu_node = self.single_user(out, self.is_relu)
        if relu_node is not None:
            out = relu_node
        g, cin, cout = conv.groups, conv.in_channels, conv.out_channels
        if g == 1:
            kernel = w.permute(2, 3, 1, 0)  # OIHW -> HWIO (tfjs conv2d)
        elif g == cin:
            kernel = w.reshape(cin, cout // cin, *w.shape[2:]).permute(2, 3, 0, 1)  # -> (H, W, in, multiplier)
        else:
            raise ValueError(f'{n.name}: grouped conv with groups={g} (not 1 or in_channels) is not supported')
        (ph, pw), (sh, sw) = conv.padding, conv.stride
        assert conv.dilation == (1, 1) and conv.padding_mode == 'zeros', n.name
        self.emit(out, 'conv2d', [n.args[0]], weight=self.weight(kernel), bias=self.weight(b),
                  stride=[sh, sw], padding=[ph, ph, pw, pw], groups=g, relu=relu_node is not None)
        return {n, bn_node, relu_node} - {None}

    def shape_chain(self, n):
        """A maximal chain of shape ops starting at n whose result has n's input's 4-D shape."""
        chain, cur = [], n
        while cur.op == 'call_method' and cur.target in SHAPE_OPS:
            chain.append(cur)
            nxt = self.single_user(cur, lambda u: u.op == 'call_method' and u.target in SHAPE_OPS)
            if nxt is None:
                break
            cur = nxt
        return chain

    def channel_permutation(self, chain, shape):
        """Runs the chain on a tensor holding each element's channel index: a pure channel permutation
        gives back the input shape with every (b, h, w) column equal to the same permutation."""
        B, C, H, W = shape
        x = torch.arange(C, dtype=torch.float64).view(1, C, 1, 1).expand(B, C, H, W).contiguous()
        for node in chain:  # args after the tensor are ints, possibly computed from x.shape
            x = getattr(x, node.target)(*[self.concrete(a) for a in node.args[1:]])
        if tuple(x.shape) != (B, C, H, W):
            return None
        perm = x[0, :, 0, 0]
        if not torch.equal(x, perm.view(1, C, 1, 1).expand(B, C, H, W)) or sorted(perm.long().tolist()) != list(range(C)):
            return None
        return perm.long().tolist()

    def concrete(self, a):
        if isinstance(a, fx.Node):
            return self.values[a.name]
        if isinstance(a, (tuple, list)):
            return type(a)(self.concrete(x) for x in a)
        return a

    def run(self, example):
        # concrete values of every node (shapes and the ints computed from x.shape)
        self.values = {}
        interp = fx.Interpreter(self.gm)
        orig = interp.run_node

        def record(node):
            v = orig(node)
            self.values[node.name] = v
            return v
        interp.run_node = record
        with torch.no_grad():
            interp.run(example)
        done = set()
        for n in self.gm.graph.nodes:
            if n in done:
                continue
            v = self.values.get(n.name)
            if n.op == 'placeholder':
                self.nodes.append(dict(name=n.name, op='input', inputs=[]))
            elif n.op == 'output':
                self.output = self.name(n.args[0])
            elif n.op == 'call_module' and isinstance(self.mods[n.target], nn.Conv2d):
                done |= self.conv(n)
            elif n.op == 'call_module' and isinstance(self.mods[n.target], nn.Linear):
                lin = self.mods[n.target]
                self.emit(n, 'dense', [n.args[0]], weight=self.weight(lin.weight.t()), bias=self.weight(lin.bias))
            elif n.op == 'call_module' and isinstance(self.mods[n.target], nn.MaxPool2d):
                m = self.mods[n.target]
                k, s, p = [x if isinstance(x, int) else x[0] for x in (m.kernel_size, m.stride, m.padding)]
                assert p == 0 and not m.ceil_mode and m.dilation == 1, n.name
                self.emit(n, 'maxpool', [n.args[0]], size=[k, k], stride=[s, s])
            elif n.op == 'call_module' and isinstance(self.mods[n.target], nn.Identity):
                self.alias[n.name] = self.name(n.args[0])  # ResNet's plain shortcut
            elif self.is_relu(n):
                self.emit(n, 'relu', [n.args[0]])
            elif n.op == 'call_function' and n.target is F.adaptive_avg_pool2d:
                assert n.args[1] in (1, (1, 1)), 'only global average pooling is exported'
                self.emit(n, 'gap', [n.args[0]])
            elif n.op == 'call_function' and n.target is torch.flatten or (n.op == 'call_method' and n.target == 'flatten'):
                src = n.args[0]
                assert self.values[src.name].dim() == 2 or tuple(self.values[src.name].shape[2:]) == (1, 1), n.name
                self.alias[n.name] = self.name(src)  # gap already gives (N, C)
            elif n.op == 'call_function' and n.target in (operator.add, torch.add):
                self.emit(n, 'add', list(n.args[:2]))
            elif n.op == 'call_function' and n.target is torch.cat:
                assert n.kwargs.get('dim', n.args[1] if len(n.args) > 1 else 0) == 1, 'concat on channels only'
                self.emit(n, 'concat', list(n.args[0]))
            elif (n.op == 'call_method' and n.target == 'chunk') or (n.op == 'call_function' and n.target is torch.chunk):
                self.chunks.append(n)  # its getitem users become channel slices
            elif n.op == 'call_function' and n.target is operator.getitem and n.args[0] in self.chunks:
                pieces = self.values[n.args[0].name]
                begin = sum(t.shape[1] for t in pieces[:n.args[1]])
                self.emit(n, 'slice', [n.args[0].args[0]], begin=begin, size=v.shape[1])
            elif (n.op == 'call_function' and n.target in (getattr, operator.getitem, operator.floordiv, operator.mul)) \
                    or (n.op == 'call_method' and n.target == 'size'):
                pass  # shape arithmetic: consumed by a shape chain
            elif n.op == 'call_method' and n.target in SHAPE_OPS:
                chain = self.shape_chain(n)
                perm = self.channel_permutation(chain, tuple(self.values[n.args[0].name].shape))
                if perm is None:
                    raise ValueError(f'{n.name}: reshape chain {[c.target for c in chain]} is not a channel permutation')
                C = len(perm)
                shuffle = next((g for g in range(2, C) if C % g == 0 and perm == [(i % g) * (C // g) + i // g for i in range(C)]), None)
                last = chain[-1]
                if shuffle:
                    self.emit(last, 'shuffle', [n.args[0]], groups=shuffle)
                else:
                    self.emit(last, 'permute', [n.args[0]], perm=perm)
                done |= set(chain)
            else:
                raise ValueError(f'cannot export node {n.name}: {n.op} {n.target}')
        return self


def load_final(folder):
    s = torch.load(os.path.join(folder, 'final.pt'))
    model = models.build(s['arch'], len(s['classes']))
    model.load_state_dict(s['model'])
    model.eval()
    if isinstance(model, models.MobileOne):
        model.reparameterize()
    return model, s


def export(model, meta, norm, image_shape, out_dir):
    """Writes model.json + weights.bin for an eval-mode model. meta: name, arch, dataset, classes,
    training facts; norm: (mean, std) per channel in 0..255 units; image_shape: the dataset's (H, W, C)."""
    ex = Exporter(model.eval()).run(torch.zeros(2, 3, 32, 32))
    weights = b''.join(ex.blobs)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(weights)
    H, W, C = image_shape
    doc = dict(format=FORMAT, version=VERSION, **meta,
               input=dict(height=32, width=32, channels=3, mean=list(norm[0]), std=list(norm[1]),
                          image=dict(height=H, width=W, channels=C)),
               weights=dict(file='weights.bin', bytes=len(weights), sha256=hashlib.sha256(weights).hexdigest()),
               nodes=ex.nodes, output=ex.output,
               stats=dict(params=sum(p.numel() for p in model.parameters()), macs=models.count_macs(model)))
    doc['quant'] = record_placement(model, doc, weights)
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
    return doc, weights


def weight_span(r):
    """Where a weights entry ({offset in bytes, shape}) of model.json lies in the float32 array."""
    start = r['offset'] // 4
    return slice(start, start + int(np.prod(r['shape'])))


def observers_by_node(doc):
    """model.json's quant.events as {node name: [observer index, ...]} in call order (empty for unobserved nodes)."""
    by_node = defaultdict(list)
    for node, o in doc['quant']['events']:
        by_node[node].append(o)
    return by_node


def weight_reader(weights):
    """A function from a weights entry of model.json to that float32 tensor."""
    buf = np.frombuffer(weights, '<f4')
    return lambda r: torch.from_numpy(buf[weight_span(r)].reshape(r['shape']).copy())


def conv_weight(k, groups):
    """A conv2d weight from tfjs's layout (kh, kw, in, out; depthwise: kh, kw, in, 1) to torch's."""
    return (k.permute(3, 2, 0, 1) if groups == 1 else k.permute(2, 3, 0, 1).reshape(-1, 1, *k.shape[:2])).contiguous()


def _shuffle(nd, x):
    B, C, H, W = x.shape
    return x.reshape(B, nd['groups'], C // nd['groups'], H, W).transpose(1, 2).reshape(B, C, H, W)


# The ops that only select, move or clamp values: the same on float and on quantized tensors (int8.py).
MOVES = {
    'relu': lambda nd, x: F.relu(x),
    'slice': lambda nd, x: x[:, nd['begin']:nd['begin'] + nd['size']],
    'shuffle': _shuffle,
    'permute': lambda nd, x: x[:, nd['perm']],
    'maxpool': lambda nd, x: F.max_pool2d(x, nd['size'], nd['stride']),
}


def run_graph(doc, weights, x, outputs=None, tap=None, dtype=torch.float32):
    """Reference executor of an exported graph in torch (NCHW), for checking the export itself.
    outputs: a dict that receives every node's output; tap(node, y) may replace each output;
    dtype: the weights' dtype in the ops (x's must match)."""
    read = weight_reader(weights)
    arr = read if dtype == torch.float32 else (lambda r: read(r).to(dtype))
    env = {}
    for nd in doc['nodes']:
        a = [env[i] for i in nd['inputs']]
        op = nd['op']
        if op == 'input':
            y = x
        elif op == 'conv2d':
            g = nd['groups']
            t, b_, l, r = nd['padding']
            y = F.conv2d(F.pad(a[0], [l, r, t, b_]), conv_weight(arr(nd['weight']), g), arr(nd['bias']), nd['stride'], groups=g)
            y = F.relu(y) if nd['relu'] else y
        elif op in MOVES:
            y = MOVES[op](nd, a[0])
        elif op == 'add':
            y = a[0] + a[1]
        elif op == 'concat':
            y = torch.cat(a, 1)
        elif op == 'gap':
            y = a[0].mean((2, 3))
        elif op == 'dense':  # as nn.Linear computes it (one addmm), to the last bit: golden_fx.py compares
            y = F.linear(a[0], arr(nd['weight']).t().contiguous(), arr(nd['bias']))
        else:
            raise ValueError(f'unknown op {op}')
        env[nd['name']] = tap(nd, y) if tap else y
    if outputs is not None:
        outputs.update(env)
    return env[doc['output']]


def qconfig(w_bits=8, a_bits=8, dst_bins=None):
    """The paper's PTQ recipe: weights symmetric per channel, activations affine per tensor with a
    HistogramObserver; b-bit ranges inside the 8-bit dtypes."""
    from torch.ao.quantization import QConfig
    from torch.ao.quantization.observer import HistogramObserver, PerChannelMinMaxObserver
    act = HistogramObserver.with_args(dtype=torch.quint8, quant_min=0, quant_max=2 ** a_bits - 1)
    w = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                           quant_min=-2 ** (w_bits - 1), quant_max=2 ** (w_bits - 1) - 1)
    return QConfig(activation=act, weight=w)


def prepare(model, example, w_bits=8, a_bits=8):
    """torch's prepare_fx on a copy of the eval-mode model (fuses conv+bn+relu, inserts observers)."""
    import copy
    from torch.ao.quantization import QConfigMapping
    from torch.ao.quantization.quantize_fx import prepare_fx
    qmap = QConfigMapping().set_global(qconfig(w_bits, a_bits))
    return prepare_fx(copy.deepcopy(model).eval(), qmap, example_inputs=(example,))


def observer_events(prepared, x):
    """(observer index, observed tensor) in the order torch calls them; shared instances share an index."""
    from torch.ao.quantization.observer import ObserverBase
    ids, events, hooks = {}, [], []
    for name, m in prepared.named_modules():
        if isinstance(m, ObserverBase) and 'activation_post_process' in name:
            hooks.append(m.register_forward_pre_hook(
                lambda mod, inp: events.append((ids.setdefault(id(mod), len(ids)), inp[0].detach().clone()))))
    with torch.no_grad():
        prepared(x)
    for h in hooks:
        h.remove()
    return events


def record_placement(model, doc, weights):
    """Where torch's prepare_fx observes, as (exported node, observer) events in call order. Each event
    is matched to the earliest node, not before the previous event's, whose output holds the same
    values (histograms ignore order, so a view of a node's output counts as that node). An observer
    called again later on values its last node holds (an nn.Identity shortcut, which the export drops:
    torch gives it its input's observer) observes that node again (an idempotent fake quant there),
    and the node is listed in `identities`, so fx_module.py can put the identity back."""
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(5))
    outs = {}
    with torch.no_grad():
        run_graph(doc, weights, x, outputs=outs)
    order = [n['name'] for n in doc['nodes']]
    flat = {k: torch.sort(v.reshape(-1)).values for k, v in outs.items()}
    events, at, identities = [], 0, []
    for obs, t in observer_events(prepare(model, x), x):
        v = torch.sort(t.reshape(-1)).values
        tol = 1e-4 * max(v.abs().max().item(), 1e-6)
        holds = lambda i: flat[order[i]].numel() == v.numel() and (flat[order[i]] - v).abs().max().item() <= tol
        match = next((i for i in range(at, len(order)) if holds(i)), None)
        if match is None:
            again = next((order.index(e[0]) for e in reversed(events) if e[1] == obs), None)
            if again is None or not holds(again):
                raise ValueError(f'observer {obs}: no exported node after {order[at]} holds the observed values')
            # after that node's events, so every observer still sees its tensors in call order
            events.insert(max(k for k, e in enumerate(events) if e[0] == order[again]) + 1, [order[again], obs])
            identities.append(order[again])
            continue
        at = match
        events.append([order[match], obs])
    return dict(observers=1 + max(e[1] for e in events), events=events, **({'identities': identities} if identities else {}))



def run_data(s, log, data_dir=None):
    """The dataset a run (final.pt's dict s, its log.json) was trained on, and where it was found: --data if
    given, else where the run recorded its data, else (runs from before that record) the folder or name it
    was given and the importer's default folder public/data/<name>. A bundle whose manifest is not the one
    the run recorded is passed over (refused, if it was --data)."""
    import data
    default = os.path.normpath(os.path.join(data.HERE, '..', 'public', 'data', s['dataset']))
    tried = list(dict.fromkeys([data_dir] if data_dir else [c for c in (s.get('data'), log['config']['dataset'], default) if c]))
    why = []
    for c in tried:
        builtin = not data.is_bundle(c) and (c == 'cifar10' or c in data.MEDMNIST)
        if not (builtin or data.is_bundle(c)):
            why.append(f'{c}: no such bundle folder (manifest.json) or built-in dataset')
            continue
        source, sha = data.source_of(c)
        if s.get('data_sha256') and sha != s['data_sha256']:
            why.append(f"{source}: manifest sha256 {str(sha)[:12]}, the run was trained on {s['data_sha256'][:12]}")
            continue
        ds = data.load(c)
        if len(ds.classes) != len(s['classes']):
            why.append(f"{source}: {len(ds.classes)} classes, the model has {len(s['classes'])}")
            continue
        return ds, source
    raise SystemExit(f"the data of run {s['dataset']}-{s['arch']} is not found ({'; '.join(why)}); "
                     'pass --data with the bundle folder it was trained on')


def export_run(folder, out, data_dir=None):
    """Exports the run in folder to out (model.json, weights.bin, log.json) after checking, on the real test
    images, that the exported graph computes the trained eval-mode model (relative max difference <= 1e-5).
    Only a checked export replaces what is in out. Returns model.json's dict."""
    import data
    from reference import golden_calibration as ref  # numpy's metrics, as the lab's tests check them
    s = torch.load(os.path.join(folder, 'final.pt'))
    with open(os.path.join(folder, 'log.json')) as f:
        log = json.load(f)
    ds, source = run_data(s, log, data_dir)
    trained = models.build(s['arch'], len(s['classes']))
    trained.load_state_dict(s['model'])
    trained.eval()
    X, Y = ds.splits['test']
    x = data.to_input(X, s['mean'], s['std'])
    with torch.no_grad():
        logits = torch.cat([trained(x[i:i + 500]) for i in range(0, len(x), 500)])
    deploy = trained.reparameterize() if isinstance(trained, models.MobileOne) else trained
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
    out = os.path.normpath(out)
    tmp = out + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    doc, weights = export(deploy, meta, (s['mean'], s['std']), X.shape[1:], tmp)
    with torch.no_grad():
        got = torch.cat([run_graph(doc, weights, x[i:i + 500]) for i in range(0, len(x), 500)])
    rel = ((got - logits).abs().max() / logits.abs().max()).item()
    agree = (got.argmax(1) == logits.argmax(1)).float().mean().item()
    if rel > 1e-5 or agree < 1:
        shutil.rmtree(tmp)
        raise SystemExit(f'{out}: exported graph differs from the trained model (rel {rel:.2e}, top-1 agreement {agree})')
    shutil.copy(os.path.join(folder, 'log.json'), os.path.join(tmp, 'log.json'))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"{meta['name']} -> {out} (test images of {source}): accuracy {meta['fp32']['accuracy']:.4f} ECE {m['ece']:.4f} "
          f"NLL {m['nll']:.4f} params {doc['stats']['params']} MACs {doc['stats']['macs']} export rel diff {rel:.1e}")
    return doc


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run', help='a folder train.py wrote (final.pt, log.json)')
    p.add_argument('out', help='the model folder to write (model.json, weights.bin, log.json)')
    p.add_argument('--data', help="the bundle folder the run was trained on (default: where the run recorded it)")
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args(argv)
    if not os.path.isfile(os.path.join(args.run, 'final.pt')):
        raise SystemExit(f'{args.run}: no final.pt; RUN is the folder train.py wrote for a finished run (<out>/<dataset>-<arch>)')
    torch.set_num_threads(args.threads)
    export_run(args.run, args.out, args.data)


if __name__ == '__main__':
    main()
