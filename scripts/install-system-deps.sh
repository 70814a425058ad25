#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (native tests, arm64 cross build
# and emulation, fuzzing, shell tests). Safe to run more than once.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

pkgs=(
  build-essential cmake python3
  g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user
  clang libclang-rt-14-dev
  libdeflate-dev libdeflate-dev:arm64
  dash shellcheck jq zip unzip
)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}"
