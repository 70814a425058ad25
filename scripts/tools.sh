# Sourced by the test scripts. need_tool CMD WHY: returns 0 when CMD exists; when it
# does not, fails under CI=true and otherwise prints a skip reason and returns 1.
need_tool() {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $1 not found ($2); CI=true requires it: run scripts/install-system-deps.sh" >&2
    exit 1
  fi
  echo "SKIP: $1 not found, so $2 is skipped (scripts/install-system-deps.sh installs it)" >&2
  return 1
}
