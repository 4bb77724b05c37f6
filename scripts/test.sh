#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: unit, e2e, sip, load and browser labels,
# then the sanitizer (ASan+UBSan) build's unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j2)
if [ "${KIRA_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DKIRA_SANITIZE=ON -DKIRA_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-asan
  (cd build-asan && ctest --output-on-failure -j2 -L unit)
fi
