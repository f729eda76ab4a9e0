"""The three architectures of the study, adapted to 32x32 inputs.

Choices the paper leaves open, and why:
- All three take 32x32 RGB. MedMNIST's 28x28 images are zero-padded by 2 pixels per side (after
  normalisation, see data.py) so that GhostNet-VGG's five 2x2 max-pools divide evenly, and the same
  padding is done by the lab before inference (src/core/data/preprocess.ts).
- ShuffleNetV2 1.0x follows AugShuffleNet's CIFAR variant: 3x3 stem at stride 1, no max-pool.
- GhostNet-VGG keeps BatchNorm + ReLU inside each Ghost module after both the primary and the
  cheap conv (as in the official GhostModule with relu=True); the classifier is global average
  pooling + one linear layer (the common CIFAR VGG head, no dropout: dropout confounds calibration).
- MobileOne-S0 reduced: widths 48/96/192/384, depths 2/4/6/1, k=4 branches, stem at stride 1; the
  first block of every stage has stride 2 (32 -> 16 -> 8 -> 4 -> 2), no SE, ReLU.
- Convs before BatchNorm have no bias (BatchNorm folding adds it at export).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, k, s=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout))


def conv_bn_relu(cin, cout, k, s=1, groups=1):
    return nn.Sequential(*conv_bn(cin, cout, k, s, groups), nn.ReLU(inplace=True))


# ----------------------------------------------------------------------------- ShuffleNetV2

def channel_shuffle(x, groups):
    B, C, H, W = x.size(0), x.size(1), x.size(2), x.size(3)  # traceable by torch.fx, unlike unpacking x.shape
    return x.view(B, groups, C // groups, H, W).transpose(1, 2).reshape(B, C, H, W)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        mid = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(conv_bn(cin, cin, 3, stride, groups=cin),
                                         conv_bn_relu(cin, mid, 1))
        b2_in = cin if stride > 1 else mid
        self.branch2 = nn.Sequential(conv_bn_relu(b2_in, mid, 1),
                                     conv_bn(mid, mid, 3, stride, groups=mid),
                                     conv_bn_relu(mid, mid, 1))

    def forward(self, x):
        if self.stride == 1:
            halves = x.chunk(2, dim=1)  # indexed, not unpacked, so torch.fx can trace it
            out = torch.cat((halves[0], self.branch2(halves[1])), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, num_classes, widths=(116, 232, 464), repeats=(4, 8, 4), stem=24, last=1024):
        super().__init__()
        self.stem = conv_bn_relu(3, stem, 3, 1)
        layers, cin = [], stem
        for w, n in zip(widths, repeats):
            layers += [ShuffleUnit(cin, w, 2)] + [ShuffleUnit(w, w, 1) for _ in range(n - 1)]
            cin = w
        self.stages = nn.Sequential(*layers)
        self.head = conv_bn_relu(cin, last, 1)
        self.fc = nn.Linear(last, num_classes)

    def forward(self, x):
        x = self.head(self.stages(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ----------------------------------------------------------------------------- GhostNet-VGG

VGG16 = (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M')


class GhostModule(nn.Module):
    """A 3x3 conv replaced by: primary 3x3 conv to cout/2, cheap depthwise 3x3 to the other cout/2."""

    def __init__(self, cin, cout):
        super().__init__()
        init = cout // 2
        self.primary = conv_bn_relu(cin, init, 3)
        self.cheap = conv_bn_relu(init, cout - init, 3, groups=init)

    def forward(self, x):
        x1 = self.primary(x)
        return torch.cat((x1, self.cheap(x1)), dim=1)


class GhostVGG(nn.Module):
    def __init__(self, num_classes, cfg=VGG16):
        super().__init__()
        layers, cin = [], 3
        for v in cfg:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers.append(GhostModule(cin, v))
                cin = v
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.features(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ----------------------------------------------------------------------------- MobileOne

class MobileOneBlock(nn.Module):
    """k over-parameterised conv+BN branches (+ a 1x1 scale branch for 3x3 kernels, + a BN identity
    when shapes allow), summed, then ReLU. reparameterize() turns it into a single conv with bias."""

    def __init__(self, cin, cout, k_size, stride, groups, k=4):
        super().__init__()
        self.cin, self.cout, self.k_size, self.stride, self.groups = cin, cout, k_size, stride, groups
        self.branches = nn.ModuleList([conv_bn(cin, cout, k_size, stride, groups) for _ in range(k)])
        self.scale = conv_bn(cin, cout, 1, stride, groups) if k_size > 1 else None
        self.identity = nn.BatchNorm2d(cout) if cin == cout and stride == 1 else None
        self.fused = None

    def forward(self, x):
        if self.fused is not None:
            return F.relu(self.fused(x))
        out = sum(b(x) for b in self.branches)
        if self.scale is not None:
            out = out + self.scale(x)
        if self.identity is not None:
            out = out + self.identity(x)
        return F.relu(out)

    def _identity_kernel(self):
        per_group = self.cin // self.groups
        w = torch.zeros(self.cout, per_group, self.k_size, self.k_size)
        c = self.k_size // 2
        for i in range(self.cout):
            w[i, i % per_group, c, c] = 1.0
        return w

    @torch.no_grad()
    def reparameterize(self):
        """Replaces the branches by one conv computing the same function (eval-mode BN). Summed in
        float64 so the only rounding left is the final cast to float32."""
        W = torch.zeros(self.cout, self.cin // self.groups, self.k_size, self.k_size, dtype=torch.float64)
        b = torch.zeros(self.cout, dtype=torch.float64)
        parts = [(br[0].weight, br[1]) for br in self.branches]
        if self.scale is not None:
            p = (self.k_size - 1) // 2
            parts.append((F.pad(self.scale[0].weight, [p, p, p, p]), self.scale[1]))
        if self.identity is not None:
            parts.append((self._identity_kernel(), self.identity))
        for w, bn in parts:
            wf, bf = fold_bn(w.double(), None, bn, dtype=torch.float64)
            W += wf
            b += bf
        self.fused = nn.Conv2d(self.cin, self.cout, self.k_size, self.stride, self.k_size // 2,
                               groups=self.groups, bias=True)
        self.fused.weight.copy_(W.float())
        self.fused.bias.copy_(b.float())
        del self.branches, self.scale, self.identity
        self.branches, self.scale, self.identity = nn.ModuleList(), None, None


class MobileOne(nn.Module):
    def __init__(self, num_classes, widths=(48, 96, 192, 384), depths=(2, 4, 6, 1), stem=48, k=4):
        super().__init__()
        blocks = [MobileOneBlock(3, stem, 3, 1, 1, k)]
        cin = stem
        for w, d in zip(widths, depths):
            for i in range(d):
                s = 2 if i == 0 else 1
                blocks.append(MobileOneBlock(cin, cin, 3, s, cin, k))  # depthwise
                blocks.append(MobileOneBlock(cin, w, 1, 1, 1, k))      # pointwise
                cin = w
        self.features = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.features(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    def reparameterize(self):
        for m in self.modules():
            if isinstance(m, MobileOneBlock):
                m.reparameterize()
        return self


# ----------------------------------------------------------------------------- shared helpers

def fold_bn(w, b, bn, dtype=None):
    """Eval-mode BN(conv(x)) == conv'(x) with w' = w * g/sqrt(v+eps) per output channel. torch's own
    folding (the one prepare_fx uses), so weight observers see the same bits here and in torch."""
    from torch.nn.utils.fusion import fuse_conv_bn_weights
    c = (lambda t: t.to(dtype)) if dtype else (lambda t: t)
    wf, bf = fuse_conv_bn_weights(w, None if b is None else c(b), c(bn.running_mean), c(bn.running_var), bn.eps,
                                  c(bn.weight), c(bn.bias))
    return wf.detach(), bf.detach()


def randomise_bn(model, gen, mean=1.0, bias=0.5):
    """Random BatchNorm statistics and affine terms, so that folding them is tested (tests, goldens)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-mean, mean, generator=gen)
            m.running_var.uniform_(0.5, 2, generator=gen)
            m.weight.data.uniform_(0.5, 1.5, generator=gen)
            m.bias.data.uniform_(-bias, bias, generator=gen)


ARCHS = {'shufflenetv2': ShuffleNetV2, 'ghostnet_vgg': GhostVGG, 'mobileone_s0': MobileOne}


def build(arch, num_classes):
    if arch not in ARCHS:
        raise ValueError(f'unknown architecture {arch!r}; valid: {", ".join(ARCHS)}')
    model = ARCHS[arch](num_classes)
    for m in model.modules():  # He initialisation, as the paper's recipe asks
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        elif isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            nn.init.zeros_(m.bias)
    return model


def count_macs(model, size=32):
    """Multiply-adds of convs and linears for one image of size x size."""
    macs = 0

    def hook(m, inp, out):
        nonlocal macs
        if isinstance(m, nn.Conv2d):
            macs += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs += m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, size, size))
    for h in hs:
        h.remove()
    return macs
