#!/usr/bin/env bash
# readme_test (label e2e): runs the README's "Try it" commands literally, in order, on a new
# data dir, the way a new user types them. Fails naming the first line that fails, and checks
# that the commands left what they say (a lead with the caller's phone, Vera's task, imports).
#   readme_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A folder that looks like the repository's: the README's paths are relative to it.
ln -s "$src/data" "$work/data"
ln -s "$build" "$work/build"
cd "$work"

mapfile -t lines < <(awk '/^## Try it/{on=1; next} /^## /{on=0} on && /^    /{sub(/^    /, ""); print}' \
  "$src/README.md")
[ ${#lines[@]} -ge 10 ] || {
  echo "readme_test: found only ${#lines[@]} commands under '## Try it' in README.md" >&2
  exit 1
}
n=0
for line in "${lines[@]}"; do
  n=$((n + 1))
  echo "\$ $line"
  # Interactive commands read stdin: a new user's terminal is replaced by an empty one (EOF).
  if ! out=$(bash -c "$line" </dev/null 2>&1); then
    echo "$out"
    echo "readme_test: README command $n failed: $line" >&2
    exit 1
  fi
  echo "$out" | head -c 2000
  echo
  case "$line" in
  *"leads --json"*) grep -q '+79161234567' <<<"$out" || {
    echo "readme_test: 'leads --json' does not show the caller's lead" >&2
    exit 1
  } ;;
  *"tasks assign"*) grep -qE '^[0-9]+$' <<<"$out" || {
    echo "readme_test: 'tasks assign' printed no task id: $out" >&2
    exit 1
  } ;;
  *"--version"*) grep -qE '^kira [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || {
    echo "readme_test: --version printed: $out" >&2
    exit 1
  } ;;
  *"kira help"*) for c in chat serve import leads tasks dialer nlu users; do
    grep -qE "^  $c " <<<"$out" || {
      echo "readme_test: 'kira help' does not list $c" >&2
      exit 1
    }
  done ;;
  esac
done
# `kira` alone lists the commands too.
./build/kira | grep -qE '^  chat ' || {
  echo "readme_test: 'kira' with no command does not list the commands" >&2
  exit 1
}
[ -f kira-data/kira.db ] || ls kira-data
echo "readme_test: $n README commands ran in order"
