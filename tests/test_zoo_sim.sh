#!/usr/bin/env bash
# test_zoo_sim.sh - the correctness ladder's top rung on real workloads: every zoo model,
# compiled for the tiny arch, runs on the Verilator engine (sim) and on the golden model (ref)
# image by image, and the int8 outputs must be equal byte for byte (`opendpu compare`, which
# narrows any difference down to a layer and a byte). Also `opendpu profile` on sim.
# ODPU_ZOO_SIM_IMAGES sets the images per model (default 100, the issue's bar).
set -u
. "$(dirname "$0")/cli_lib.sh"
IMAGES=${ODPU_ZOO_SIM_IMAGES:-100}
CALIB=fashion-mnist:train@50
MODELS="mnist_cnn customnet resnet_style mobilenet_style lcrm_parent lcrm"

for m in $MODELS; do
  expect 0 "equal byte for byte on $IMAGES of $IMAGES images" -- \
    "$CLI" compare "models/$m/$m.onnx" --data fashion-mnist:test --limit "$IMAGES" \
    --backends ref,sim --arch arch/tiny.yaml --calib "$CALIB"
done

# The per-layer profile of one frame: labelled simulated, every layer listed, a utilization.
out=$("$CLI" profile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" 2>&1); status=$?
if [ "$status" -ne 0 ]; then
  bad "profile exited $status: $(echo "$out" | tail -3)"
else
  grep -q "SIMULATED timing: 200 MHz clock, DDR model 8 bytes/cycle" <<<"$out" && ok || bad "profile lacks the simulation label: $out"
  grep -qE "^  cycles per frame +[1-9][0-9]*$" <<<"$out" && ok || bad "profile lacks the frame's cycles: $out"
  grep -qE "^  MAC utilization +[0-9]+\.[0-9] %" <<<"$out" && ok || bad "profile lacks the utilization: $out"
  layers=$("$CLI" compile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" -o "$tmp/m.odpu" \
           >/dev/null 2>&1 && "$CLI" info "$tmp/m.odpu" | grep -cE "^[0-9]+ ")
  rows=$(grep -cE "^[0-9]+ +[^ ]+ +(Conv|MaxPool|AveragePool|GlobalAveragePool|Add|Concat|Copy) " <<<"$out")
  [ -n "$layers" ] && [ "$rows" -eq "$layers" ] && ok || bad "profile lists $rows layers, the model has $layers"
fi
expect 1 "ref.*records no per-instruction events" -- "$CLI" profile models/mnist_cnn/mnist_cnn.onnx \
  --arch arch/tiny.yaml --calib "$CALIB" --backend ref

finish "zoo on sim"
