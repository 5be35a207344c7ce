#!/usr/bin/env bash
# Train on a Slurm cluster; a preempted or timed-out job continues by itself.
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SIGNAL_SECS=180] \
#   [SBATCH_ARGS=...] [SRUN_ARGS=...] [INTERACTIVE=1] \
#   bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [WORK_DIR] [train.py args...]
#
# Submits a batch job (sbatch) with
#   --requeue                    preemption puts the job back in the queue;
#   --signal=USR1@SIGNAL_SECS    SIGUSR1 to the training tasks that many
#                                seconds before the time limit.
# On SIGUSR1 or SIGTERM (what Slurm sends on preemption) tools/train.py saves
# WORK_DIR/iter_N.pth at the next iteration boundary and exits with status 75;
# this script then requeues the job (`scontrol requeue`). Every start runs
# train.py with --resume auto: the first starts fresh, the next ones continue
# from the newest checkpoint (same weights as an uninterrupted run; see
# docs/inference.md, "Resume guarantees"). Slurm's output goes to
# WORK_DIR/slurm-<jobid>.out (appended across requeues). Keep GraceTime /
# SIGNAL_SECS above one iteration plus one checkpoint write.
# INTERACTIVE=1: run srun in the foreground instead (checkpoint and exit 75 on
# the signal, no requeue).
set -euo pipefail
if [ -n "${GA2CLIP_SLURM_TOOLS:-}" ]; then
    TOOLS=${GA2CLIP_SLURM_TOOLS}  # inside the job: sbatch ran a spooled copy
else
    TOOLS="$(cd "$(dirname "$0")" && pwd)"
fi
source "${TOOLS}/_python.sh"
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=${4:-work_dirs/${JOB_NAME}}
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SIGNAL_SECS=${SIGNAL_SECS:-180}
SRUN_ARGS=${SRUN_ARGS:-""}
SBATCH_ARGS=${SBATCH_ARGS:-""}
PY_ARGS=("${@:5}")
PREEMPTED=75  # ga2clip.engine.resume.PREEMPTED_EXIT_CODE

TRAIN=("$PYTHON" -u "${TOOLS}/train.py" "${CONFIG}" --work-dir="${WORK_DIR}"
       --launcher=slurm --resume auto "${PY_ARGS[@]}")

if [ "${INTERACTIVE:-0}" = 1 ]; then
    # shellcheck disable=SC2086
    exec srun -p "${PARTITION}" --job-name="${JOB_NAME}" \
        --gres=gpu:"${GPUS_PER_NODE}" --ntasks="${GPUS}" \
        --ntasks-per-node="${GPUS_PER_NODE}" --cpus-per-task="${CPUS_PER_TASK}" \
        --kill-on-bad-exit=1 --signal=USR1@"${SIGNAL_SECS}" ${SRUN_ARGS} \
        "${TRAIN[@]}"
fi

if [ -z "${SLURM_JOB_ID:-}" ] || [ -z "${GA2CLIP_SLURM_TOOLS:-}" ]; then
    mkdir -p "${WORK_DIR}"
    # shellcheck disable=SC2086
    exec sbatch -p "${PARTITION}" --job-name="${JOB_NAME}" \
        --gres=gpu:"${GPUS_PER_NODE}" --ntasks="${GPUS}" \
        --ntasks-per-node="${GPUS_PER_NODE}" --cpus-per-task="${CPUS_PER_TASK}" \
        --requeue --signal=USR1@"${SIGNAL_SECS}" --open-mode=append \
        --output="${WORK_DIR}/slurm-%j.out" \
        --export=ALL,GA2CLIP_SLURM_TOOLS="${TOOLS}" ${SBATCH_ARGS} \
        "${TOOLS}/slurm_train.sh" "$@"
fi

# Inside the batch job. The shell survives SIGTERM (a trap, not an ignore,
# so srun and train.py keep the default handling) and waits for srun.
trap 'echo "slurm_train.sh: SIGTERM, waiting for the checkpoint"' TERM
set +e
# shellcheck disable=SC2086
srun --kill-on-bad-exit=1 ${SRUN_ARGS} "${TRAIN[@]}"
rc=$?
set -e
if [ "$rc" -eq "$PREEMPTED" ]; then
    echo "slurm_train.sh: checkpoint saved after a signal; requeueing job ${SLURM_JOB_ID}"
    scontrol requeue "${SLURM_JOB_ID}" || true  # already requeued on preemption
    exit 0
fi
exit "$rc"
