#!/usr/bin/env bash
# PLACEHOLDER until issue 6 lands: publishes the layer ZIP in this folder and attaches it
# to a function. Usage: ./deploy-layer.sh LAYER_NAME FUNCTION_NAME REGION
set -euo pipefail
echo "deploy-layer.sh: not implemented yet" >&2
exit 1
