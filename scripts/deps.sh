#!/usr/bin/env bash
# Installs everything Kira needs to build, test and serve on Debian 12, from Debian's packages
# only. `deps.sh --list` prints the package names (the deps_check test reads them).
set -euo pipefail
PKGS=(
  # build
  build-essential cmake ninja-build ccache pkg-config git clang-format
  clang libclang-rt-14-dev libfuzzer-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libsqlite3-dev sqlite3 libpq-dev libyaml-cpp-dev nlohmann-json3-dev libxml2-dev
  libfasttext-dev libstemmer-dev libphonenumber-dev libicu-dev libhunspell-dev hunspell-ru
  libre-dev libspandsp-dev libwebrtc-audio-processing-dev libspeexdsp-dev
  libpocketsphinx-dev pocketsphinx-en-us libespeak-ng-dev espeak-ng flite1-dev flite
  libcpp-httplib-dev libsodium-dev libssl-dev zlib1g-dev libxlsxwriter-dev libcurl4-openssl-dev
  # run time: the tz database (a bare Debian root has none; Kira refuses unknown zones)
  tzdata
  # test peers and tools: SIP peers, the PostgreSQL server, audio, the browser test (Debian's Chromium + node)
  baresip baresip-core sip-tester kamailio postgresql sox libsox-fmt-all iproute2 curl unzip
  chromium nodejs
  # the manager alerts' e-mail test: a real SMTP server (STARTTLS) and its self-signed certificate
  python3-aiosmtpd openssl
)
# Commands another installed package may already provide: installed only when missing
# (NodeSource's nodejs ships its own npm and conflicts with Debian's).
TOOLS=(npm:npm)

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${PKGS[@]}"
  for t in "${TOOLS[@]}"; do echo "${t#*:}"; done
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
for t in "${TOOLS[@]}"; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
