#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into ./build-fuzz and runs them (CTest label fuzz).
#   bash scripts/fuzz.sh [SECONDS] [REGEX]
# SECONDS per target (default 600; scripts/test.sh runs 60), REGEX selects targets by name.
# Two targets run at a time (-j2) at nice 10. Each run appends a line with its executions to
# build-fuzz/fuzz-runs/<target>/history.txt; a crash input lands in
# build-fuzz/fuzz-runs/<target>/artifacts/
# (fuzz/README.md says how to turn it into a regression test).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
regex=${2:-.}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DKIRA_FUZZ=ON -DKIRA_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice -n 5 cmake --build build-fuzz --target fuzzers
cd build-fuzz
KIRA_FUZZ_SECONDS=$secs nice -n 10 ctest --output-on-failure -j2 -L fuzz -R "$regex"
