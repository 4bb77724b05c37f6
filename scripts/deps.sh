#!/usr/bin/env bash
# Installs everything Kira needs to build and test on Debian 12, from Debian's packages only.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  clang libclang-rt-14-dev libfuzzer-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libyaml-cpp-dev nlohmann-json3-dev libxml2-dev
  libfasttext-dev libstemmer-dev libphonenumber-dev
  libre-dev libspandsp-dev libwebrtc-audio-processing-dev libspeexdsp-dev
  libpocketsphinx-dev pocketsphinx-en-us libespeak-ng-dev espeak-ng flite1-dev flite
  libcpp-httplib-dev libsodium-dev libssl-dev zlib1g-dev libcli11-dev
  libhunspell-dev hunspell-ru
  baresip baresip-core sip-tester kamailio sox libsox-fmt-all
  chromium
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
