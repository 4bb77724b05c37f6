#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: unit and e2e in parallel, then the
# timing-sensitive sip, load, cluster and browser labels one at a time, then the unit tests of the
# sanitizer (ASan+UBSan) build, then every libFuzzer target for $KIRA_FUZZ_SECONDS (default 60)
# seconds, two at a time, in the clang build (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
status=0
(cd build && ctest --output-on-failure -j2 -L 'unit|e2e') || status=1
(cd build && ctest --output-on-failure -LE 'unit|e2e') || status=1
if [ "${KIRA_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DKIRA_SANITIZE=ON -DKIRA_BENCH=OFF -DKIRA_VOICE=OFF \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-asan
  (cd build-asan && ctest --output-on-failure -j2 -L unit) || status=1
fi
if [ "${KIRA_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/fuzz.sh "${KIRA_FUZZ_SECONDS:-60}" || status=1
fi
exit $status
