#!/usr/bin/env bash
# One epoch of tiny-shakespeare as a user runs it, timed from process start to exit: ours
# (./charrnn train, default config, final validation and checkpoint included) against the PyTorch
# peer (../shared/peers/torch_charrnn.py --max_iters 423 --skip_val, 1 and 2 threads), alternating.
# Usage: scripts/epoch-vs-peer.sh [ROUNDS]   (needs data/tinyshakespeare/input.txt and python3-torch)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
peer=../shared/peers/torch_charrnn.py
[[ -f data/tinyshakespeare/input.txt ]] || { echo "data/tinyshakespeare/input.txt is missing" >&2; exit 2; }
[[ -f "$peer" ]] || { echo "$peer is missing" >&2; exit 2; }
./charrnn --help > /dev/null  # build first, outside the timing
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for i in $(seq "$rounds"); do
  rm -rf "$run_dir/run"
  ours=$(seconds ./charrnn train configs/tinyshakespeare.yaml --set train.max_epochs=1 \
    --set train.checkpoint_dir="$run_dir/run" --set sample.every=0 --set train.print_every=1000)
  best_peer=""
  for threads in 1 2; do
    t=$(seconds env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=$threads \
      OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$peer" --max_iters 423 --skip_val --threads "$threads" \
      --data data/tinyshakespeare/input.txt)
    echo "round $i: PyTorch, $threads thread(s): ${t} s"
    if [[ -z "$best_peer" ]] || (( $(echo "$t < $best_peer" | bc) )); then best_peer=$t; fi
  done
  echo "round $i: ours ${ours} s; best PyTorch ${best_peer} s; ratio $(echo "scale=2; $best_peer / $ours" | bc)"
done
