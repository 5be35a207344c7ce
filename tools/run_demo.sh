#!/usr/bin/env bash
# README command 1: set up .venv (if needed) and run the main job on the
# embedded default (synthetic world, tiny CLIP; the comparison on
# base-to-novel and the temporal split, ~9.5 min on 2 CPU cores). Extra
# args go to tools/demo.py.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "${ROOT}/tools/setup_env.sh"
cd "${ROOT}"
exec "${ROOT}/.venv/bin/python" tools/demo.py "$@"
