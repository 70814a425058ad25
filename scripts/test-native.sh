#!/usr/bin/env bash
# The native core's own tests, through CMake (driven by cmake-js):
#   1. the C++ unit tests (native/tests), optimised build;
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang);
#   3. every libFuzzer target in native/fuzz, ASan+UBSan, first over its committed corpus
#      (test/corpus/<target>/, regressions) and then fuzzing for NP_FUZZ_SECONDS (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh

out=build-native
# cmake-js wants Node headers; use the installed ones rather than downloading (offline machines).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
cmakejs=(node node_modules/cmake-js/bin/cmake-js)

echo "== native unit tests (x64)"
"${cmakejs[@]}" build -d native -O "$out/x64" --log-level warn >/dev/null
"$out/x64/np_native_tests"

if need_tool clang++ "the ASan/UBSan build and the fuzz targets"; then
  echo "== native unit tests under ASan+UBSan"
  CC=clang CXX=clang++ "${cmakejs[@]}" build -d native -O "$out/asan" --CDNP_SANITIZE=ON --log-level warn >/dev/null
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$out/asan/np_native_tests"

  targets=$(node scripts/native-sources.js fuzz)
  if [ -n "$targets" ]; then
    echo "== fuzz targets (ASan+UBSan, ${NP_FUZZ_SECONDS:-20}s each)"
    CC=clang CXX=clang++ "${cmakejs[@]}" build -d native -O "$out/fuzz" --CDNP_FUZZ=ON --log-level warn >/dev/null
    for src in $targets; do
      name=$(basename "$src" .cc)
      corpus="test/corpus/$name"
      if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
        echo "FAIL: fuzz target $name has no committed corpus in $corpus" >&2
        exit 1
      fi
      work=$(mktemp -d)
      artifacts="$out/fuzz-artifacts/$name"
      mkdir -p "$artifacts"
      echo "-- $name: replaying $(ls "$corpus" | wc -l) corpus inputs"
      "$out/fuzz/$name" -runs=0 "$corpus" 2>&1 | tail -n 2
      echo "-- $name: fuzzing"
      "$out/fuzz/$name" -max_total_time="${NP_FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 \
        -max_len=262144 -print_final_stats=0 -artifact_prefix="$PWD/$artifacts/" "$work" "$corpus" 2>&1 | tail -n 3
      rm -rf "$work"
    done
  fi
fi
