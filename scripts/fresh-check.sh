#!/usr/bin/env bash
# fresh-check: proves the README on a new Debian 12 machine. Builds a clean bookworm root from
# Debian's packages (mmdebstrap, variant "apt": essential packages and apt, nothing else),
# copies a clean clone of this repository in, and there runs the README's two commands:
# `bash scripts/run.sh` (until the web workspace answers) and `bash scripts/test.sh`.
# Anything installed by hand on this machine is absent there, so a package missing from
# scripts/deps.sh fails the check.
#
#   sudo bash scripts/fresh-check.sh [--ccache] [--keep] [--no-tests]
#
#   --ccache    reuse this machine's compiler cache (a cold build takes 40+ minutes on two
#               cores). It cannot hide a missing package: a missing header fails the
#               preprocessor, which ccache runs whenever an included file is not as recorded.
#   --keep      keep the root (in $FRESH_ROOT, default /var/tmp/kira-fresh) afterwards
#   --no-tests  only run.sh (install, build, serve answers), not test.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
root=${FRESH_ROOT:-/var/tmp/kira-fresh}
use_ccache=0 keep=0 tests=1
for a in "$@"; do
  case "$a" in
  --ccache) use_ccache=1 ;;
  --keep) keep=1 ;;
  --no-tests) tests=0 ;;
  *)
    echo "fresh-check: unknown option $a" >&2
    exit 2
    ;;
  esac
done
[ "$(id -u)" = 0 ] || {
  echo "fresh-check: run as root (it builds a chroot)" >&2
  exit 2
}
command -v mmdebstrap >/dev/null || {
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap
}

mounts=()
cleanup() {
  if declare -F stop_root_processes >/dev/null; then stop_root_processes; fi
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  if [ $keep = 0 ]; then rm -rf "$root"; fi
}
trap cleanup EXIT
bind() { # bind SRC DST
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
}

start=$(date +%s)
rm -rf "$root"
# The same Debian mirror this machine uses.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v '^ *#' |
  grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian*}/debian-security
echo "fresh-check: building a clean Debian 12 root in $root from $mirror"
mmdebstrap --variant=apt --include=ca-certificates bookworm "$root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main"
t_root=$(($(date +%s) - start))

git clone -q --no-local "$src" "$root/root/kira"
git -C "$root/root/kira" log --oneline -1
cp /etc/resolv.conf "$root/etc/resolv.conf"
bind /proc "$root/proc"
bind /sys "$root/sys"
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm" 2>/dev/null && mounts+=("$root/dev/shm") || true
env_vars=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 CI=true)
# This workplace reaches the package registries through a TLS proxy whose certificate the host
# trusts (/usr/local/share/ca-certificates): the root gets the same trust anchors, and Node (npm)
# is pointed at the system store. A machine on the open internet needs neither.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
  env_vars+=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi
if [ $use_ccache = 1 ] && [ -d /root/.cache/ccache ]; then
  bind /root/.cache/ccache "$root/root/.cache/ccache"
fi

in_root() { chroot "$root" /usr/bin/env -i "${env_vars[@]}" bash -c "$1"; }

# 1. `bash scripts/run.sh`: installs, builds, serves; the web page must answer.
t0=$(date +%s)
if [ $use_ccache = 1 ]; then
  # ccache keys on the compiler's mtime: give the root's g++ this machine's (same package).
  in_root "cd /root/kira && bash scripts/deps.sh" >"$root/root/deps.log" 2>&1 || {
    tail -30 "$root/root/deps.log"
    echo "fresh-check: FAILED: scripts/deps.sh" >&2
    exit 1
  }
  for f in /usr/bin/x86_64-linux-gnu-g++-12 /usr/bin/x86_64-linux-gnu-gcc-12; do
    [ -f "$root$f" ] && touch -r "$f" "$root$f"
  done
fi
in_root "cd /root/kira && exec bash scripts/run.sh --no-dialer" >"$root/root/run.log" 2>&1 &
run_pid=$!
ok=0
for _ in $(seq 1 7200); do
  if curl -fsS -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; then
    ok=1
    break
  fi
  kill -0 $run_pid 2>/dev/null || break
  sleep 1
done
t_run=$(($(date +%s) - t0))
kill $run_pid 2>/dev/null || true
wait $run_pid 2>/dev/null || true
# run.sh starts `kira serve` as its child, so it outlives run.sh: stop every process still
# running inside the root (it would keep port 8080 from the tests and from this machine's CI).
stop_root_processes() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill "${p#/proc/}" 2>/dev/null
  done
  return 0
}
stop_root_processes
if [ $ok != 1 ]; then
  tail -40 "$root/root/run.log"
  echo "fresh-check: FAILED: scripts/run.sh did not bring up the web workspace ($t_run s)" >&2
  exit 1
fi
echo "fresh-check: scripts/run.sh: web workspace answered after $t_run s"

# 2. `bash scripts/test.sh`.
if [ $tests = 1 ]; then
  t0=$(date +%s)
  set +e
  in_root "cd /root/kira && bash scripts/test.sh" >"$root/root/test.log" 2>&1
  rc=$?
  set -e
  t_test=$(($(date +%s) - t0))
  grep -E 'tests passed|tests failed|Failed|\*\*\*' "$root/root/test.log" | tail -20
  if [ $rc != 0 ]; then
    echo "fresh-check: FAILED: scripts/test.sh exited $rc after $t_test s (log: $root/root/test.log)" >&2
    keep=1
    exit 1
  fi
  echo "fresh-check: scripts/test.sh passed in $t_test s"
fi
echo "fresh-check: PASSED (root $t_root s, run.sh $t_run s, total $(($(date +%s) - start)) s)"
