# Sourced by the tools/*.sh scripts: pick the Python interpreter.
# ${PYTHON} if set, else the repository's .venv if it exists, else `python`.
_GA2CLIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "${_GA2CLIP_ROOT}/.venv/bin/python" ]; then
        PYTHON="${_GA2CLIP_ROOT}/.venv/bin/python"
    else
        PYTHON=python
    fi
fi
export PYTHONPATH="${_GA2CLIP_ROOT}/projects/ga2clip${PYTHONPATH:+:${PYTHONPATH}}"
