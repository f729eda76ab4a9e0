#!/usr/bin/env bash
# Sets up and runs every test: lint, types, golden files regenerated from numpy/PyTorch, vitest,
# the Python tests, bundle reproducibility, the production build and Playwright in Debian's chromium.
# Ends with one line "N passed, N failed" counting every test and check it ran.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
mkdir -p test-results
passed=0
failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
took() { echo "--- $1: $(( SECONDS - $2 )) s"; }
check() { # one named check counts as one test
  local name=$1 t0=$SECONDS; shift
  echo "=== $name"
  if "$@"; then count 1 0; else count 0 1; echo "FAILED: $name"; fi
  took "$name" "$t0"
}
# CI logs are read as text: no colour codes
[ -n "${CI:-}" ] && export NO_COLOR=1 FORCE_COLOR=0

# --- setup: system packages (root only), then the exact npm tree
# Mesa's EGL and llvmpipe give Dawn (the webgpu package) an adapter, so the WebGPU backend is tested in Node
PKGS="python3-torch python3-numpy libopenblas0-pthread chromium libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"
if ! $PY -c 'import torch, numpy' 2>/dev/null || [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libEGL_mesa; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null
  else
    echo "need Debian's packages: sudo apt-get install -y $PKGS"
    exit 1
  fi
fi
[ "${QCAL_SKIP_NPM_CI:-}" = 1 ] || npm ci --no-audit --no-fund || exit 1

# --- golden files and fixtures from the independent references
source scripts/goldens.sh
write_goldens
check "torch's own prepare_fx/convert_to_reference_fx/convert_fx equal the replay (PyTorch)" \
  $PY training/reference/golden_fx.py --test-images 64 --calibration-images 64 --int8-precisions w4a4

check "eslint" npx eslint .
check "prettier (npm run format)" npm run -s format:check
check "tsc" npx tsc --noEmit

echo "=== vitest"
t0=$SECONDS
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
read -r p f < <(node -e "const r=require('./test-results/vitest.json'); console.log(r.numPassedTests, r.numFailedTests + (r.success || r.numFailedTests ? 0 : 1))" 2>/dev/null || echo "0 1")
count "$p" "$f"
# skipped tests count neither way; the log says how many and why each one was (its title)
node -e "const r=require('./test-results/vitest.json'); const s=r.testResults.flatMap((f)=>f.assertionResults).filter((a)=>a.status==='skipped'||a.status==='pending'); console.log('vitest: '+s.length+' skipped'); for (const a of s) console.log('  skipped: '+a.fullName)" 2>/dev/null
took vitest "$t0"

echo "=== python tests"
t0=$SECONDS
read -r p f < <(cd training && $PY -c "
import sys, unittest
r = unittest.TextTestRunner(verbosity=2, stream=sys.stderr).run(unittest.defaultTestLoader.discover('tests'))
bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
print(r.testsRun - bad - len(r.skipped), bad + len(r.skipped))" || echo "0 1")
count "$p" "$f"
took "python tests" "$t0"

if [ -d ../shared/data ]; then
  rebuild() {
    local tmp; tmp=$(mktemp -d)
    npm run -s bundles -- --out "$tmp" >/dev/null && diff -r "$tmp" public/data && rm -rf "$tmp"
  }
  check "public/data bundles rebuild byte-identically from ../shared/data" rebuild
fi

check "production build" npm run -s build
echo "=== playwright"
t0=$SECONDS
PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json
read -r p f < <(node -e "const s=require('./test-results/playwright.json').stats; console.log(s.expected, s.unexpected + s.flaky + s.skipped)" 2>/dev/null || echo "0 1")
count "$p" "$f"
took playwright "$t0"

echo "--- total: ${SECONDS} s"
echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
