#!/usr/bin/env bash
# Makes examples/release/: a small stand-in profiler release (docs/layer.md, "Release inputs"), from
# tools on these machines, so `net-profiler layer build examples/release --arch arm64`
# works on a fresh clone. Real ELF shared objects for both arches (gcc and
# aarch64-linux-gnu-gcc) and real CLI assemblies (scripts/make-cli-assembly.js; no IL
# code, there is no .NET SDK here). The result is committed; re-run only to change it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=examples/release
version=1.4.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$out"
mkdir -p "$out/native/linux-x64" "$out/native/linux-arm64" "$out/agent/net8.0" "$out/agent/net10.0" "$out/settings/lambda"

cat > "$tmp/profiler.c" <<'C'
/* Stand-in for libnet_profiler.so: exports the COM entry point a CLR profiler has. */
#include <stdint.h>
__attribute__((visibility("default"))) int32_t DllGetClassObject(const void* clsid, const void* iid, void** out) {
  (void)clsid; (void)iid;
  if (out) *out = 0;
  return (int32_t)0x80040111; /* CLASS_E_CLASSNOTAVAILABLE: a stand-in profiles nothing */
}
__attribute__((visibility("default"))) const char* net_profiler_version(void) { return "1.4.0-example"; }
C
flags=(-shared -Wl,-z,max-page-size=0x1000 -fPIC -O2 -s -fvisibility=hidden -Wl,--build-id=none -Wl,-z,noexecstack "-ffile-prefix-map=$tmp=.")
gcc "${flags[@]}" -o "$out/native/linux-x64/libnet_profiler.so" "$tmp/profiler.c"
aarch64-linux-gnu-gcc "${flags[@]}" -o "$out/native/linux-arm64/libnet_profiler.so" "$tmp/profiler.c"

for tfm in net8.0 net10.0; do
  node scripts/make-cli-assembly.js "$out/agent/$tfm/NetProfiler.Agent.StartupHook.dll" NetProfiler.Agent.StartupHook "$version"
  node scripts/make-cli-assembly.js "$out/agent/$tfm/NetProfiler.Agent.dll" NetProfiler.Agent "$version"
done
printf '{\n  "runtimeOptions": {\n    "tfm": "%s"\n  }\n}\n' net8.0 > "$out/agent/net8.0/NetProfiler.Agent.runtimeconfig.json"
printf '{\n  "runtimeOptions": {\n    "tfm": "%s"\n  }\n}\n' net10.0 > "$out/agent/net10.0/NetProfiler.Agent.runtimeconfig.json"

cat > "$out/manifest.json" <<JSON
{
  "version": "$version",
  "clsid": "{9E2B38F2-7355-4C61-A54F-434B7AC266C0}",
  "startupHook": "NetProfiler.Agent.StartupHook.dll"
}
JSON

cat > "$out/settings/lambda/settings.yaml" <<'YAML'
# Default settings of the net-profiler Lambda layer.
# Edit layer/profiler/settings/lambda/settings.yaml in the layer package, then run
#   npx net-profiler layer rebuild <package folder>
General:
  Enabled: true
  Provider: otlp
  Type: awslambda

Connection:
  # An OpenTelemetry collector extension layer listens here inside the Lambda sandbox.
  EndpointUrl: http://localhost:4318
  Type: http

Monitoring:
  Enabled: true
  Special:
    - HttpClient
  Metrics:
    Enabled: false
YAML
chmod -R u=rwX,go=rX "$out"
echo "wrote $out:"
find "$out" -type f | sort | while read -r f; do printf '  %8d  %s\n' "$(stat -c %s "$f")" "$f"; done
