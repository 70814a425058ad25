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
  bsdutils  # script(1): the progress tests run the CLI on a pseudo-terminal
  chromium  # the HTML report tests drive it with playwright-core
  libssl3:arm64  # OpenSSL for the arm64 .NET test program under qemu (test/dotnet)
  awscli  # the AWS CLI v2 at /usr/bin/aws: deploy-layer.sh is tested with v2 and with python's v1
)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}"

# The Lambda tests run against moto's server and the deploy script's tests use the AWS
# CLI; both come with this machine's python3 (PyPI is not reachable from CI).
if ! python3 -c 'import moto, flask' >/dev/null 2>&1; then
  echo "install-system-deps: python3 lacks moto 5 with its server extras (pip install 'moto[server]>=5')" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
if ! python3 -c 'import awscli' >/dev/null 2>&1; then
  echo "install-system-deps: python3 lacks the AWS CLI v1 (pip install awscli); deploy-layer.sh is tested with v1 and v2" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
# The .NET tests (test/dotnet) build their stand-ins with the .NET SDK, which this
# machine kind has on PATH; NuGet packages come from its configured source.
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-system-deps: the .NET SDK (dotnet) is missing; the .NET tests need it (docs/dotnet.md)" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
