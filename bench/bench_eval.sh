#!/usr/bin/env bash
# bench_eval.sh - the speed target of issue 3: the full 10,000-image INT8 evaluation of
# mnist_cnn on the ref engine in under 10 s (2-core machine). Compiles the model once (not
# timed), then times `opendpu eval` of the compiled model over the whole Fashion-MNIST test
# set with the default 2 worker threads, end to end (dataset loading included).
# Usage: bench/bench_eval.sh [THREADS]    (run from the repo root; `make bench` runs it)
set -eu
CLI=${ODPU_CLI:-build/opendpu}
MODEL=models/mnist_cnn/mnist_cnn.onnx
THREADS=${1:-2}
TARGET_SECONDS=10
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$CLI" compile "$MODEL" --arch arch/b4096.yaml --calib fashion-mnist:train@300 -o "$tmp/mnist_cnn.odpu" >/dev/null
start=$(date +%s.%N)
"$CLI" eval "$tmp/mnist_cnn.odpu" --data fashion-mnist:test --backend ref --threads "$THREADS"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v t="$TARGET_SECONDS" -v n="$THREADS" 'BEGIN {
  d = e - s
  printf "bench_eval: 10000 INT8 images of mnist_cnn on ref, %d threads: %.2f s wall for the whole command (target < %d s): %s\n",
         n, d, t, d < t ? "met" : "MISSED"
  exit !(d < t)
}'
