#!/usr/bin/env bash
# Builds the stand-in profiler release and the .NET test programs from test/dotnet/
# (docs/dotnet.md) into .cache/dotnet/<hash>/, where <hash> covers every source file,
# this script and the SDK's version: an unchanged tree re-uses the folder (CI keeps
# .cache/ between runs). Prints the folder as the last line of stdout.
#
#   <hash>/release/                     a profiler release tree (docs/layer.md "Inputs")
#     manifest.json, native/linux-{x64,arm64}/libnet_profiler.so,
#     agent/{net8.0,net10.0}/…, settings/lambda/settings.yaml
#   <hash>/userhook/UserHook.dll        a user's own startup hook
#   <hash>/demo/net10.0/                the test program, framework-dependent (.NET 10)
#   <hash>/demo/net8.0/                 the test program for .NET 8: framework-dependent
#                                       when this machine has an 8.0 runtime, else a
#                                       self-contained linux-x64 publish (8.0 runtime pack)
#   <hash>/demo/net10.0-linux-arm64/    self-contained linux-arm64 publish (for qemu)
#   <hash>/host/load_host-{x64,arm64}   a C host that loads a profiler library
#
# Nothing built here is committed. Restores come from the NuGet source the machine is
# configured with. Several callers at once are serialised with flock.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
src=test/dotnet
cache=${NP_DOTNET_CACHE:-$root/.cache/dotnet}

for tool in dotnet gcc aarch64-linux-gnu-gcc flock sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-dotnet-standins: $tool not found; run scripts/install-system-deps.sh" >&2
    exit 1
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

sdk=$(dotnet --version)
hash=$(
  {
    echo "sdk $sdk"
    sha256sum scripts/build-dotnet-standins.sh
    find "$src" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.c' -o -name '*.props' -o -name '*.yaml' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
out=$cache/$hash
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ -f "$out/.complete" ]; then
  echo "build-dotnet-standins: up to date ($out)" >&2
  echo "$out"
  exit 0
fi

work=$cache/$hash.work
stage=$cache/$hash.stage
rm -rf "$work" "$stage"
trap 'rm -rf "$work" "$stage"' EXIT
mkdir -p "$work" "$stage"
# Build from a copy, so no bin/ or obj/ ever lands in the source tree.
cp -R "$src/." "$work/"

log=$work/build.log
dn() {
  if ! dotnet "$@" -c Release -nologo -p:UseSharedCompilation=false -p:SuppressTfmSupportBuildWarnings=true >>"$log" 2>&1; then
    grep -E 'error|Unable to find' "$log" | sort -u | head -20 >&2 || true
    echo "build-dotnet-standins: dotnet $* failed (full log above)" >&2
    exit 1
  fi
}

echo "build-dotnet-standins: building into $out (SDK $sdk)" >&2
rel=$stage/release
mkdir -p "$rel/native/linux-x64" "$rel/native/linux-arm64" "$rel/settings/lambda" "$stage/host" "$stage/userhook"

# Native stand-in profiler and the C host, for both arches.
cflags=(-O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror -Wl,-z,noexecstack)
gcc "${cflags[@]}" -shared -o "$rel/native/linux-x64/libnet_profiler.so" "$work/native/standin_profiler.c"
aarch64-linux-gnu-gcc "${cflags[@]}" -shared -o "$rel/native/linux-arm64/libnet_profiler.so" "$work/native/standin_profiler.c"
gcc -O2 -Wall -Wextra -Werror -o "$stage/host/load_host-x64" "$work/native/load_host.c" -ldl
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -o "$stage/host/load_host-arm64" "$work/native/load_host.c" -ldl

# The managed agent: the startup hook and the agent with its dependencies, per runtime.
for tfm in net8.0 net10.0; do
  dn publish "$work/AgentCore/NetProfiler.Agent.csproj" -f "$tfm" -o "$rel/agent/$tfm"
  dn publish "$work/StartupHook/NetProfiler.Agent.StartupHook.csproj" -f "$tfm" -o "$rel/agent/$tfm"
  rm -f "$rel/agent/$tfm"/*.pdb
done
dn build "$work/UserHook/UserHook.csproj" -o "$stage/userhook"

cat >"$rel/manifest.json" <<'JSON'
{
  "version": "1.4.0",
  "clsid": "{3C8F5B0E-6A1D-4E27-9B4C-D1E2F3A4B5C6}",
  "startupHook": "NetProfiler.Agent.StartupHook.dll"
}
JSON
cat >"$rel/settings/lambda/settings.yaml" <<'YAML'
# Default settings of the stand-in release (test/dotnet).
General:
  Enabled: true
  Provider: otlp
  Type: awslambda

Connection:
  EndpointUrl: http://localhost:4318
  Type: http

Monitoring:
  ServiceName: lambda-profiler-demo
  Enabled: true
  Special:
    - AWS
  Metrics:
    Enabled: false
YAML

# The test program, for each runtime it is started on.
dn publish "$work/Demo/LambdaProfilerDemo.csproj" -f net10.0 -o "$stage/demo/net10.0"
if dotnet --list-runtimes | grep -q '^Microsoft.NETCore.App 8\.'; then
  dn publish "$work/Demo/LambdaProfilerDemo.csproj" -f net8.0 -o "$stage/demo/net8.0"
else
  dn publish "$work/Demo/LambdaProfilerDemo.csproj" -f net8.0 -r linux-x64 --self-contained -o "$stage/demo/net8.0"
fi
# Only net10.0 for arm64: the NuGet source serves no 8.0 linux-arm64 runtime pack.
dn publish "$work/Demo/LambdaProfilerDemo.csproj" -p:TargetFrameworks=net10.0 -f net10.0 -r linux-arm64 --self-contained \
  -o "$stage/demo/net10.0-linux-arm64"
rm -f "$stage/demo"/*/*.pdb

printf '%s\n' "$sdk" >"$stage/.complete"
# Keep only this build: older hashes are stale.
find "$cache" -mindepth 1 -maxdepth 1 -type d -not -name "$hash.stage" -not -name "$hash.work" -exec rm -rf {} +
mv "$stage" "$out"
echo "build-dotnet-standins: done" >&2
echo "$out"
