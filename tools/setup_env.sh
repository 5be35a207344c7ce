#!/usr/bin/env bash
# Create (or reuse) the virtual environment at <repo>/.venv and install the
# pinned dependencies plus this package (editable). Idempotent: when the
# requirement files have not changed since the last install, it does nothing.
#   bash tools/setup_env.sh
# Env: PYTHON_BOOTSTRAP (interpreter that creates the venv; default python3).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${ROOT}/.venv"
BOOT="${PYTHON_BOOTSTRAP:-python3}"
STAMP="${VENV}/.ga2clip-installed"
WANT="$(cat "${ROOT}/requirements/"*.txt "${ROOT}/setup.py" | sha256sum | cut -d' ' -f1)"

if [ ! -x "${VENV}/bin/python" ]; then
    echo "[setup] creating ${VENV}"
    "${BOOT}" -m venv "${VENV}"
fi
if [ -f "${STAMP}" ] && [ "$(cat "${STAMP}")" = "${WANT}" ]; then
    echo "[setup] ${VENV} is up to date"
    exit 0
fi
echo "[setup] installing pinned requirements into ${VENV} (first time: a few minutes)"
PIP=("${VENV}/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q -r "${ROOT}/requirements/runtime.txt" -r "${ROOT}/requirements/tests.txt" 2>&1 \
    | grep -v "^WARNING: Location '" || true
# pip's exit status is lost in the pipe above: check the install really worked.
"${PIP[@]}" install -q --no-build-isolation --no-deps -e "${ROOT}" 2>&1 \
    | grep -v "^WARNING: Location '" || true
"${VENV}/bin/python" -c "import torch, torchvision, mmengine, mmcv, mmaction, mmpretrain, decord, open_clip, cv2, pytest, ga2clip" \
    || { echo "[setup] error: the environment in ${VENV} is incomplete (see pip output above); delete ${VENV} and retry" >&2; exit 1; }
echo "${WANT}" > "${STAMP}"
echo "[setup] done"
