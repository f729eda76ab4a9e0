#!/usr/bin/env bash
# Writes golden/out/: what the unit tests compare with, from the independent references (numpy,
# PyTorch 1.13 from Debian's python3-torch). `npm run goldens`; scripts/test.sh sources it and counts
# each writer as one check. About 5 minutes on a quiet 2-core machine.
PY=${PY:-/usr/bin/python3}

# name|command, in the order the writers depend on each other (golden_ptq reads golden_models' random models)
GOLDEN_WRITERS=(
  "golden calibration metrics (numpy)|$PY training/reference/golden_calibration.py"
  "official-format fixtures (tarfile, numpy)|$PY training/reference/make_fixtures.py"
  "golden observer qparams (torch.ao.quantization)|$PY training/reference/golden_quant.py"
  "golden logits of shipped and random models (PyTorch)|$PY training/reference/golden_models.py"
  "golden PTQ of shipped and random models (PyTorch)|$PY training/reference/golden_ptq.py"
  "golden per-tensor SQNR of the RetinaMNIST models (PyTorch numeric suite)|$PY training/reference/golden_sqnr.py"
  "golden PTQ in exact arithmetic of shipped models (PyTorch)|$PY training/reference/golden_exact.py"
  "golden int8 logits of shipped models (PyTorch, oneDNN)|$PY training/reference/golden_int8.py"
  "import PathMNIST-layout fixture (CLI)|npm run -s import -- golden/out/fixtures/pathmnist.npz --out golden/out/pathmnist-bundle --force"
)

# Runs every writer through `check NAME CMD...` (the caller's, or a plain one that stops at the first failure).
write_goldens() {
  local entry
  for entry in "${GOLDEN_WRITERS[@]}"; do
    # shellcheck disable=SC2086  # the command is a word list on purpose
    check "${entry%%|*}" ${entry#*|}
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  cd "$(dirname "$0")/.."
  $PY -c 'import torch, numpy' 2>/dev/null || {
    echo "the goldens need Debian's python3-torch and python3-numpy: sudo apt-get install -y python3-torch python3-numpy"
    exit 1
  }
  check() { echo "=== $1"; shift; "$@" || { echo "FAILED"; exit 1; }; }
  write_goldens
  echo "golden/out/ written"
fi
