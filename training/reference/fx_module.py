"""An exported graph rebuilt as an ordinary torch nn.Module, written with the ops the training code
uses (Conv2d + ReLU, torch.cat, chunk, view/transpose/reshape, adaptive_avg_pool2d + flatten, Linear),
so torch's own FX quantization (prepare_fx, convert_to_reference_fx) can run on any exported model:
the independent end of golden_fx.py's check. BatchNorm is already folded into the convs and MobileOne
re-parameterised, so this is the deployed model prepare_fx would see after its conv+bn fusion.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.ao.quantization.observer import ObserverBase

import os  # noqa: E402
import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export
import models


def _safe(name):
    return name.replace('.', '_')


class ExportedModule(nn.Module):
    """forward interprets model.json; torch.fx traces that loop into a flat graph of the ops below."""

    def __init__(self, doc, weights):
        super().__init__()
        self.nodes = doc['nodes']
        self.output = doc['output']
        read = export.weight_reader(weights)
        self.layers = nn.ModuleDict()
        for nd in self.nodes:
            if nd['op'] == 'conv2d':
                w = export.conv_weight(read(nd['weight']), nd['groups'])
                t, b, l, r = nd['padding']
                if (t, l) != (b, r):
                    raise ValueError(f"{nd['name']}: uneven padding {nd['padding']} has no Conv2d equivalent")
                conv = nn.Conv2d(w.shape[1] * nd['groups'], w.shape[0], tuple(w.shape[2:]), tuple(nd['stride']),
                                 (t, l), groups=nd['groups'], bias=True)
                conv.weight.data.copy_(w)
                conv.bias.data.copy_(read(nd['bias']))
                self.layers[_safe(nd['name'])] = nn.Sequential(conv, nn.ReLU()) if nd['relu'] else conv
            elif nd['op'] == 'dense':
                w = read(nd['weight'])  # (in, out)
                fc = nn.Linear(w.shape[0], w.shape[1])
                fc.weight.data.copy_(w.t())
                fc.bias.data.copy_(read(nd['bias']))
                self.layers[_safe(nd['name'])] = fc
            elif nd['op'] == 'maxpool':
                self.layers[_safe(nd['name'])] = nn.MaxPool2d(nd['size'], nd['stride'])
            elif nd['op'] == 'relu':
                self.layers[_safe(nd['name'])] = nn.ReLU()
        shapes = {}  # channel counts, for slices (the graph does not carry them)
        with torch.no_grad():
            export.run_graph(doc, weights, torch.zeros(1, doc['input']['channels'], doc['input']['height'],
                                                        doc['input']['width']), outputs=shapes)
        self.channels = {k: v.shape[1] for k, v in shapes.items()}
        # nodes whose output went through an nn.Identity the export dropped (a ResNet shortcut; torch
        # observes the identity's output again with its input's observer): the identity put back
        self.identities = set(doc.get('quant', {}).get('identities', []))
        for name in self.identities:
            self.layers[_safe(name) + '_identity'] = nn.Identity()

    def forward(self, x):
        env = {}
        for nd in self.nodes:
            a = [env[i] for i in nd['inputs']]
            op = nd['op']
            if op == 'input':
                y = x
            elif op in ('conv2d', 'dense', 'maxpool', 'relu'):
                y = self.layers[_safe(nd['name'])](a[0])
            elif op == 'slice':
                y = _slice(a[0], self.channels[nd['inputs'][0]], nd['begin'], nd['size'])
            elif op == 'shuffle':
                y = models.channel_shuffle(a[0], nd['groups'])
            elif op == 'permute':
                y = a[0][:, nd['perm']]
            elif op == 'add':
                y = a[0] + a[1]
            elif op == 'concat':
                y = torch.cat(a, 1)
            elif op == 'gap':
                y = torch.flatten(F.adaptive_avg_pool2d(a[0], 1), 1)
            else:
                raise ValueError(f'unknown op {op}')
            env[nd['name']] = self.layers[_safe(nd['name']) + '_identity'](y) if nd['name'] in self.identities else y
        return env[self.output]


def placement(module, doc, weights):
    """export.record_placement of a rebuilt module, with the identities it put back listed as the
    export recorded them (its own identity modules follow their node, so torch observes them in order)."""
    q = export.record_placement(module, doc, weights)
    return {**q, 'identities': doc['quant']['identities']} if module.identities else q


def _slice(x, channels, begin, size):
    """A channel slice as x.chunk(n)[k] where it is one piece of an even split (ShuffleNetV2's, the form
    the exporter read it from), else as indexing."""
    if channels % size or begin % size:
        return x[:, begin:begin + size]
    return x.chunk(channels // size, 1)[begin // size]


def prepared_model(doc, weights, example, w_bits, a_bits):
    """prepare_fx with the paper's qconfig on the rebuilt model; also its activation observers' module
    names in torch's call order (the order of model.json's observer indices)."""
    prepared = export.prepare(ExportedModule(doc, weights).eval(), example, w_bits, a_bits)
    return prepared, observer_names(prepared, example)


def observer_names(prepared, x):
    """The activation observers' module names in the order torch first calls them, found on a copy
    (a call feeds the observers)."""
    twin = copy.deepcopy(prepared)
    names, hooks = [], []
    for name, m in twin.named_modules():
        if isinstance(m, ObserverBase) and 'activation_post_process' in name:
            hooks.append(m.register_forward_pre_hook(lambda mod, inp, name=name: names.append(name) if name not in names else None))
    with torch.no_grad():
        twin(x)
    for h in hooks:
        h.remove()
    return names


def calibrated(doc, weights, calib, w_bits, a_bits):
    """torch's own calibration: (prepared model after one forward per batch, observer names in order)."""
    prepared, names = prepared_model(doc, weights, calib[0], w_bits, a_bits)
    with torch.no_grad():
        for xb in calib:
            prepared(xb)
    return prepared, names
