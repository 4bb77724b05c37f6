#!/usr/bin/env bash
# deps_check_guard (label unit): deps_check must fail, naming the package, when a package the
# build needs (libcli11-dev: CLI/CLI.hpp) or a tool the tests run (sip-tester: sipp) is taken out
# of scripts/deps.sh — the failure that once passed CI on a hand-installed machine.
#   deps_check_guard.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for case in "libcli11-dev:CLI/CLI.hpp" "sip-tester:sipp"; do
  pkg=${case%%:*}
  what=${case#*:}
  grep -qw -- "$pkg" "$src/scripts/deps.sh" || {
    echo "deps_check_guard: $pkg is not in scripts/deps.sh to begin with" >&2
    status=1
    continue
  }
  sed -E "s/(^|[[:space:]])$pkg([[:space:]]|$)/\1\2/" "$src/scripts/deps.sh" >"$tmp/deps.sh"
  if out=$(bash "$src/cmake/deps_check.sh" "$src" "$build" "$tmp/deps.sh" 2>&1); then
    echo "deps_check_guard: deps_check passed without $pkg in deps.sh" >&2
    status=1
  elif ! grep -q "$what" <<<"$out" || ! grep -q "$pkg" <<<"$out"; then
    echo "deps_check_guard: without $pkg, deps_check failed but did not name $what and $pkg:" >&2
    echo "$out" >&2
    status=1
  else
    echo "without $pkg: $out"
  fi
done
exit $status
