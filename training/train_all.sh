#!/usr/bin/env bash
# Trains the nine shipped models one after another (two cores: one job at a time), resuming each from
# its last epoch checkpoint. Run in the background: nohup bash training/train_all.sh > /var/tmp/qcal-train.log &
set -euo pipefail
cd "$(dirname "$0")"
for ds in retinamnist pneumoniamnist cifar10; do
  for arch in shufflenetv2 mobileone_s0 ghostnet_vgg; do
    if [ -f "/var/tmp/qcal-runs/$ds-$arch/final.pt" ]; then echo "have $ds-$arch"; continue; fi
    echo "training $ds-$arch"
    /usr/bin/python3 train.py --dataset "$ds" --arch "$arch"
  done
done
