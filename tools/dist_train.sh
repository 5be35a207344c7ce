#!/usr/bin/env bash
# Distributed training with torchrun on one node (GPUs, or CPU processes with gloo).
#   bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
# Env: PYTHON (interpreter; default: .venv/bin/python if present), NNODES,
#      NODE_RANK, MASTER_ADDR, PORT.
# SIGTERM/SIGUSR1 to the training processes: they save iter_N.pth at the next
# iteration and exit with status 75; rerun with --resume auto to continue
# (docs/inference.md, "Resume guarantees").
set -euo pipefail
source "$(dirname "$0")/_python.sh"
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
"$PYTHON" -m torch.distributed.run --nnodes="$NNODES" --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" --nproc_per_node="$GPUS" --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
