#!/usr/bin/env bash
# Refreshes the committed prebuilds (npm run prebuild):
#   prebuilds/linux-x64/net-profiler.node    native g++, prebuildify --napi --strip
#   prebuilds/linux-arm64/net-profiler.node  Debian's aarch64-linux-gnu-g++, stripped with
#                                            aarch64-linux-gnu-strip (the host strip can't)
# Each embeds the hash of the native sources (scripts/source-hash.js); test/prebuilds.test.ts
# fails when a committed prebuild is stale. Needs scripts/install-system-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
# prebuildify spawns node-gyp from PATH: npm run puts npm's own node-gyp there.
prebuildify=(node node_modules/prebuildify/bin.js)

echo "== linux-x64"
rm -rf prebuilds/linux-x64
"${prebuildify[@]}" --napi --strip --arch x64

echo "== linux-arm64 (cross)"
rm -rf prebuilds/linux-arm64
CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
  "${prebuildify[@]}" --napi --arch arm64
for f in prebuilds/linux-arm64/*.node; do aarch64-linux-gnu-strip --strip-all "$f"; done

# The arm64 build leaves arm64 objects in build/; remove them so the loader does not find them.
rm -rf build
ls -l prebuilds/*/
node -e "console.log('source hash', require('./scripts/source-hash.js').sourceHash())"
