#!/usr/bin/env bash
# One command for a new machine: install dependencies, build, start Kira on the embedded
# defaults with the demo shop (data in ./kira-data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
exec ./build/kira serve "$@"
