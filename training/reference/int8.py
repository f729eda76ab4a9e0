"""The exported graph run with PyTorch's int8 kernels (QNNPACK or oneDNN, the engines Debian's torch
1.13 has on x86; ENGINE): what convert_fx lowers a prepare_fx model to, built here straight from the
graph and the qparams the fake-quant replay calibrated, so both use the very same ranges.

Each node observed by torch's placement (model.json's quant.events) outputs a quint8 tensor with its
observer's qparams: the input is quantized, convs (with their fused ReLU), linear layers, adds (one
whose only user is an observed ReLU as prepare_fx's fused add_relu) and concats run as quantized ops
with integer accumulation and requantization; views, max-pool and the global average pool stay in the
quantized domain with their input's qparams. Where torch's placement
leaves a tensor unobserved (ShuffleNetV2's concats of inputs on different grids, and the convs they
feed), the ops run in float on dequantized values, as convert_fx leaves them, up to the next observed
node. Weights are quantized
per output channel (qint8, symmetric); at 4 bits first rounded into [-8, 7] as the fake-quant does,
since qint8 itself would allow 8. At A < 8 bits every quantized output is clamped to [0, 2^A - 1]:
the int8 kernels saturate only at the dtype's [0, 255]. With clamp='dtype' neither happens, which is
what torch's own convert_fx builds (golden_fx.py: the same logits, bit for bit, on both engines).
"""

import torch
from torch.ao.quantization.observer import PerChannelMinMaxObserver

import os  # noqa: E402
import sys  # noqa: E402
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # training/: data, export, models, bundle
import export

ENGINE = 'qnnpack'  # or 'onednn'


CLAMPS = ('bits', 'dtype')


def clamp_range(bits, signed, clamp='bits'):
    """The integers a b-bit tensor may take: its own b-bit range ('bits'), or the 8-bit dtype's ('dtype'):
    torch 1.13's convert_fx and convert_to_reference_fx quantize with the observer's b-bit scale but
    clamp only where qint8 and quint8 end, so their "4-bit" models keep 8-bit integer ranges."""
    if clamp not in CLAMPS:
        raise ValueError(f'clamp must be one of {CLAMPS}, got {clamp!r}')
    b = bits if clamp == 'bits' else 8
    return (-2 ** (b - 1), 2 ** (b - 1) - 1) if signed else (0, 2 ** b - 1)


def fake_quant_weight(w, bits, clamp='bits'):
    """Weights (output channels first) fake-quantized per channel, symmetric, with torch's observer;
    also the scales and zero points."""
    qmin, qmax = -2 ** (bits - 1), 2 ** (bits - 1) - 1
    obs = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric, quant_min=qmin, quant_max=qmax)
    obs(w)
    scale, zp = obs.calculate_qparams()
    return torch.fake_quantize_per_channel_affine(w, scale, zp.int(), 0, *clamp_range(bits, True, clamp)), scale, zp


def weight_qparams(w, bits, clamp='bits'):
    """The weights as a qint8 tensor on the fake quant's grid."""
    fq, scale, zp = fake_quant_weight(w, bits, clamp)
    return torch.quantize_per_channel(fq, scale.double(), zp.long(), 0, torch.qint8)


def run_int8(doc, weights, qparams, x, w_bits, a_bits, outputs=None, clamp='bits'):
    """Dequantized logits of the int8 model on x (NCHW float); outputs, a dict, receives every node's
    output (dequantized), as export.run_graph's does; clamp: see clamp_range."""
    torch.backends.quantized.engine = ENGINE
    arr = export.weight_reader(weights)
    by_node = export.observers_by_node(doc)
    amax = clamp_range(a_bits, False, clamp)[1]

    def requant(nd, y):
        """y with the node's last observer's qparams; an unobserved node passes on what it computed."""
        if not by_node[nd['name']]:
            return y
        s, z = qparams[by_node[nd['name']][-1]]
        if not y.is_quantized or y.q_scale() != s or y.q_zero_point() != z:
            y = torch.quantize_per_tensor(y.dequantize() if y.is_quantized else y, s, z, torch.quint8)
        if amax < 255:  # on the integers: torch 1.13's QNNPACK clamp scrambles channels-last tensors
            y = torch._make_per_tensor_quantized_tensor(y.int_repr().clamp(0, amax), y.q_scale(), y.q_zero_point())
        return y

    fused_relu = {nd['inputs'][0]: nd['name'] for nd in doc['nodes'] if nd['op'] == 'relu' and by_node[nd['name']]
                  and not by_node[nd['inputs'][0]] and sum(nd['inputs'][0] in m['inputs'] for m in doc['nodes']) == 1}
    env = {}
    with torch.no_grad():
        for nd in doc['nodes']:
            a = [env[i] for i in nd['inputs']]
            op = nd['op']
            out = qparams[by_node[nd['name']][-1]] if by_node[nd['name']] else None
            if op == 'input':
                y = x
            elif op == 'conv2d':
                g = nd['groups']
                w = export.conv_weight(arr(nd['weight']), g)
                t, b_, l, r = nd['padding']
                if t != b_ or l != r:
                    raise ValueError(f"node {nd['name']}: asymmetric padding has no quantized conv")
                wq = weight_qparams(w, w_bits, clamp)
                if a[0].is_quantized:
                    packed = torch.ops.quantized.conv2d_prepack(wq, arr(nd['bias']), nd['stride'], [t, l], [1, 1], g)
                    conv = torch.ops.quantized.conv2d_relu if nd['relu'] else torch.ops.quantized.conv2d
                    y = conv(a[0], packed, out[0], out[1])
                else:  # torch's placement leaves this input unobserved: convert_fx runs the conv in float
                    y = torch.nn.functional.conv2d(a[0], wq.dequantize(), arr(nd['bias']), nd['stride'], [t, l], 1, g)
                    y = torch.relu(y) if nd['relu'] else y
            elif op == 'dense':
                packed = torch.ops.quantized.linear_prepack(weight_qparams(arr(nd['weight']).t().contiguous(), w_bits, clamp), arr(nd['bias']))
                y = torch.ops.quantized.linear(a[0], packed, out[0], out[1])
            elif op == 'add':
                relu = fused_relu.get(nd['name'])  # prepare_fx fuses add + relu, observed after the relu
                if relu:
                    y = torch.ops.quantized.add_relu(a[0], a[1], *qparams[by_node[relu][-1]])
                else:
                    y = torch.ops.quantized.add(a[0], a[1], out[0], out[1])
            elif op == 'concat':
                if out:
                    y = torch.ops.quantized.cat(a, 1, out[0], out[1])
                elif all(t.is_quantized for t in a) and len({(t.q_scale(), t.q_zero_point()) for t in a}) == 1:
                    y = torch.cat(a, 1)
                else:  # unobserved, inputs on different grids: convert_fx leaves such a cat in float
                    y = torch.cat([t.dequantize() if t.is_quantized else t for t in a], 1)
            elif op in export.MOVES:
                y = export.MOVES[op](nd, a[0])
            elif op == 'gap':
                y = torch.nn.functional.adaptive_avg_pool2d(a[0], 1).flatten(1)
            else:
                raise ValueError(f'unknown op {op}')
            env[nd['name']] = requant(nd, y)
    if outputs is not None:
        outputs.update({k: v.dequantize() if v.is_quantized else v for k, v in env.items()})
    y = env[doc['output']]
    return y.dequantize() if y.is_quantized else y


def pair_sum_probe(engine, x=255, w=127):
    """What the engine's conv makes of two input channels of x (quint8) times weights w (qint8): exactly
    2*x*w, or 32,767 where it sums u8 x s8 pairs in a saturating int16 (vpmaddubsw on x86 CPUs without
    VNNI: why torch's x86 qconfigs use 7-bit activations, reduce_range)."""
    torch.backends.quantized.engine = engine
    xq = torch.quantize_per_tensor(torch.full((1, 2, 1, 1), float(x)), 1.0, 0, torch.quint8)
    wq = torch.quantize_per_channel(torch.full((1, 2, 1, 1), float(w)), torch.tensor([1.0], dtype=torch.double), torch.tensor([0]), 0, torch.qint8)
    packed = torch.ops.quantized.conv2d_prepack(wq, None, [1, 1], [0, 0], [1, 1], 1)
    return torch.ops.quantized.conv2d(xq, packed, 512.0, 0).dequantize().item()  # output steps of 512: 2*255*127 fits

