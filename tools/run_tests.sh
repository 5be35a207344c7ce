#!/usr/bin/env bash
# README command 2: set up .venv (if needed) and run the whole test suite.
#   bash tools/run_tests.sh [pytest args...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "${ROOT}/tools/setup_env.sh"
cd "${ROOT}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec "${ROOT}/.venv/bin/python" -m pytest tests -q -p no:cacheprovider --durations=15 "$@"
