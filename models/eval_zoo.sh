#!/usr/bin/env bash
# eval_zoo.sh - FP32 and INT8 top-1 of every trained zoo model on the full Fashion-MNIST test
# set, beside PyTorch's FX INT8 baseline from each model.yaml. The main job of `make demo`
# until the accelerator table (cycles, FPS) lands.
# Usage: models/eval_zoo.sh [opendpu eval options...]   e.g. --arch arch/b1024.yaml --limit 1000
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${ODPU_CLI:-build/opendpu}
MODELS=${ZOO_MODELS:-"mnist_cnn customnet resnet_style mobilenet_style lcrm_parent lcrm"}

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
for m in $MODELS; do
  echo "== $m"
  out=$("$CLI" eval "models/$m/$m.onnx" --data fashion-mnist:test "$@")
  echo "$out"
  fp32=$(awk '/^ *FP32 \(/ {print $5}' <<<"$out")
  int8=$(awk '/^ *INT8 \(/ {print $4}' <<<"$out")
  n=$(awk '/^ *INT8 \(/ {print $8}' <<<"$out")
  fx=$(sed -n 's/.*fx_int8_top1: *\([0-9.]*\|null\).*/\1/p' "models/$m/model.yaml")
  printf '%s %s %s %s %s\n' "$m" "$fp32" "$int8" "$fx" "$n" >>"$summary"
done

echo
echo "Fashion-MNIST test top-1 (%), our INT8 on the golden-model engine (bit-exact definition"
echo "of the accelerator's result) vs PyTorch FX PTQ (fbgemm qconfig, per-channel)"
printf '%-16s %8s %8s %8s %10s %8s\n' model FP32 INT8 delta "FX INT8" images
while read -r m fp32 int8 fx n; do
  delta=$(awk -v a="$int8" -v b="$fp32" 'BEGIN {printf "%+.2f", a - b}')
  printf '%-16s %8s %8s %8s %10s %8s\n' "$m" "$fp32" "$int8" "$delta" "$fx" "$n"
done <"$summary"
