#!/usr/bin/env bash
# Fails when a tracked C++ file differs from the repository's .clang-format style.
set -euo pipefail
cd "$1"
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (apt-get install clang-format)"; exit 1
fi
files=$(git ls-files '*.cpp' '*.h' 2>/dev/null || find src tests bench -name '*.cpp' -o -name '*.h')
clang-format --dry-run --Werror $files
echo "format: $(echo "$files" | wc -w) files checked"
