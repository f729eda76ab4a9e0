"""Train one FP32 model with the paper's recipe, cut to what two CPU cores allow.

  /usr/bin/python3 training/train.py --dataset retinamnist --arch shufflenetv2

  /usr/bin/python3 training/train.py --dataset path/to/bundle --arch mobileone_s0 --epochs 5 --out DIR

Checkpoints every epoch to --ckpt (outside the repo) and resumes from there after a stop. Writes
<out>/<dataset>-<arch>/final.pt (eval-mode state dict + normalisation, the dataset's name and where its
data came from: a bundle's absolute path and manifest sha256, or the built-in name) and log.json (the
same record; per epoch: loss, train and validation accuracy, seconds).
"""
import argparse
import json
import os
import time
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F

import data
import models


@dataclass
class Config:
    dataset: str = 'retinamnist'  # built-in name or a bundle folder
    arch: str = 'shufflenetv2'
    epochs: int = 0           # 0: 30 for CIFAR-10 (end of SGDR cycle 2), 70 otherwise (end of cycle 3)
    batch_size: int = 32      # the paper's batch size
    lr: float = 0.1           # SGDR peak learning rate
    momentum: float = 0.9
    weight_decay: float = 1e-4
    t0: int = 10              # SGDR first cycle, epochs
    t_mult: int = 2           # SGDR cycle growth
    warmup: int = 0           # epochs of linear lr warm-up (GhostNet-VGG diverges at lr 0.1 from step one without it)
    seed: int = 0
    limit: int = 0            # >0: train on only this many images (smoke tests)
    threads: int = 2          # this machine has 2 cores
    device: str = 'cpu'       # 'cuda' trains on a GPU; a checkpoint resumes on either
    compile: int = 0          # 1: torch.compile the training forward (torch 2; fewer kernel launches on a GPU)
    graphs: int = 0           # 1: replay each full training batch's forward and backward as CUDA graphs
    ckpt: str = '/var/tmp/qcal-ckpt'
    out: str = '/var/tmp/qcal-runs'  # outside the repo: a new work tree keeps what was trained


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for f in fields(Config):
        p.add_argument('--' + f.name.replace('_', '-'), type=type(f.default), default=f.default)
    return Config(**vars(p.parse_args(argv)))


# Where and how fast a run goes, not what it learns: a checkpoint resumes under other values of these.
PLACE_FIELDS = ('threads', 'device', 'compile', 'graphs', 'ckpt', 'out')


def on_cpu(obj):
    """A state dict (nested dicts and lists of tensors) with every tensor copied to the CPU, so that a
    checkpoint made on a GPU loads on a machine without one."""
    if torch.is_tensor(obj):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: on_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(on_cpu(v) for v in obj)
    return obj


def graphed_forward(model, batch_shape, dev):
    """The training forward with full batches' forward and backward replayed as CUDA graphs: at batch 32
    these CNNs spend most of an eager GPU step launching about a thousand small kernels. A graph replays
    one shape, so the short last batch of an epoch runs eagerly. The capture's warm-up passes move
    BatchNorm's running statistics; they are put back in place (the graphs hold their addresses).
    If the capture fails, training goes on eagerly: the same steps, only slower."""
    eager = model.forward
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    try:
        torch.cuda.make_graphed_callables(
            model, (torch.randn(batch_shape, device=dev).contiguous(memory_format=torch.channels_last),))
    except Exception as e:  # noqa: BLE001 - any failure leaves the eager step, which is correct
        print(f'CUDA graph capture failed, training eagerly: {e!r}', flush=True)
        model.__dict__.pop('forward', None)
        return model
    finally:
        with torch.no_grad():
            for k, v in model.state_dict().items():
                v.copy_(saved[k])
    graphed = model.forward
    return lambda x: graphed(x) if x.shape[0] == batch_shape[0] else eager(x)


def config_changes(saved, cfg):
    """(field, saved value, value now) of each field of the recipe that differs from a checkpoint's config;
    fields added to Config after the checkpoint was made count as their defaults."""
    defaults = asdict(Config())
    return [(k, saved.get(k, defaults[k]), v) for k, v in asdict(cfg).items()
            if k not in PLACE_FIELDS and saved.get(k, defaults[k]) != v]


def run_name(cfg):
    return f'{os.path.basename(os.path.normpath(cfg.dataset))}-{cfg.arch}'


@torch.no_grad()
def evaluate(model, x, y, batch=256):
    model.eval()
    logits = torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])
    return (logits.argmax(1) == y).float().mean().item(), logits


def train(cfg):
    torch.set_num_threads(cfg.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(cfg.seed)
    dev = torch.device(cfg.device)
    torch.backends.cudnn.benchmark = dev.type == 'cuda'
    ds = data.load(cfg.dataset)
    epochs = cfg.epochs or (30 if ds.name == 'cifar10' else 70)
    Xtr, Ytr = ds.splits['train']
    if cfg.limit:
        Xtr, Ytr = Xtr[:cfg.limit], Ytr[:cfg.limit]
    mean, std = data.channel_stats(ds.splits['train'][0])
    xtr, ytr = data.to_input(Xtr, mean, std).to(dev), torch.from_numpy(Ytr).to(dev)
    xva, yva = data.to_input(ds.splits['val'][0], mean, std).to(dev), torch.from_numpy(ds.splits['val'][1]).to(dev)

    model = models.build(cfg.arch, len(ds.classes)).to(dev, memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=cfg.t0, T_mult=cfg.t_mult)
    gen = torch.Generator().manual_seed(cfg.seed)
    log, start = [], 0
    ck = os.path.join(cfg.ckpt, run_name(cfg) + '.pt')
    if os.path.exists(ck):
        s = torch.load(ck, map_location='cpu')
        changes = config_changes(s['config'], cfg)
        if changes:
            said = ', '.join(f"--{k.replace('_', '-')} {old!r} there, {new!r} now" for k, old, new in changes)
            raise SystemExit(f'{ck} was made with another config ({said}); delete it to start over, '
                             'or give another --ckpt folder')
        model.load_state_dict(s['model']); opt.load_state_dict(s['opt']); sched.load_state_dict(s['sched'])
        gen.set_state(s['gen']); torch.set_rng_state(s['rng']); log, start = s['log'], s['epoch']
        print(f'resumed {run_name(cfg)} at epoch {start}', flush=True)

    if cfg.compile and not hasattr(torch, 'compile'):
        raise SystemExit(f'--compile needs torch 2 (this is {torch.__version__})')
    if cfg.graphs and (dev.type != 'cuda' or cfg.compile):
        raise SystemExit('--graphs 1 needs --device cuda and no --compile')
    # The compiled or graphed wrapper only runs training steps; model itself stays the module that is
    # evaluated and saved (a graphed module's own forward runs eagerly in eval mode).
    forward = torch.compile(model) if cfg.compile else model
    if cfg.graphs:
        forward = graphed_forward(model, (cfg.batch_size, 3, data.INPUT_SIZE, data.INPUT_SIZE), dev)
    steps = (len(ytr) + cfg.batch_size - 1) // cfg.batch_size
    for epoch in range(start, epochs):
        t = time.time()
        model.train()
        perm = torch.randperm(len(ytr), generator=gen)
        loss_sum = torch.zeros((), device=dev)  # summed on the device: no sync per step
        correct = torch.zeros((), dtype=torch.long, device=dev)
        for i in range(steps):
            idx = perm[i * cfg.batch_size:(i + 1) * cfg.batch_size].to(dev)
            if epoch < cfg.warmup:
                for g, lr in zip(opt.param_groups, sched.get_last_lr()):
                    g['lr'] = lr * (epoch * steps + i + 1) / (cfg.warmup * steps)
            xb = data.augment(xtr[idx], gen, ds.flip).contiguous(memory_format=torch.channels_last)
            out = forward(xb)
            loss = F.cross_entropy(out, ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step(epoch + (i + 1) / steps)  # SGDR anneals per iteration
            loss_sum += loss.detach() * len(idx)
            correct += (out.argmax(1) == ytr[idx]).sum()
        val_acc, _ = evaluate(model, xva, yva)
        log.append(dict(epoch=epoch + 1, loss=loss_sum.item() / len(ytr), train_acc=correct.item() / len(ytr),
                        val_acc=val_acc, lr=opt.param_groups[0]['lr'], seconds=time.time() - t,
                        device=dev.type))  # a run may move between machines; epochs logged without it ran on a CPU
        print(json.dumps(log[-1]), flush=True)
        os.makedirs(cfg.ckpt, exist_ok=True)
        torch.save(dict(config=asdict(cfg), model=on_cpu(model.state_dict()), opt=on_cpu(opt.state_dict()),
                        sched=sched.state_dict(), gen=gen.get_state(), rng=torch.get_rng_state(),
                        log=log, epoch=epoch + 1), ck + '.tmp')
        os.replace(ck + '.tmp', ck)  # a stop mid-write leaves the previous epoch intact

    out = os.path.join(cfg.out, run_name(cfg))
    os.makedirs(out, exist_ok=True)
    model = model.to('cpu', memory_format=torch.contiguous_format).eval()
    source = dict(zip(('data', 'data_sha256'), data.source_of(cfg.dataset)))  # export finds the data from here
    torch.save(dict(arch=cfg.arch, dataset=ds.name, classes=ds.classes, mean=mean, std=std, **source,
                    model=model.state_dict()), os.path.join(out, 'final.pt'))
    with open(os.path.join(out, 'log.json'), 'w') as f:
        json.dump(dict(config=asdict(cfg), dataset=ds.name, **source, epochs=epochs, log=log), f, indent=1)
    return model


if __name__ == '__main__':
    train(parse_args())
