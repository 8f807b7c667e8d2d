#!/usr/bin/env bash
# cross_bytes.sh - run by `make CROSS=aarch64-linux-gnu- test`: the host built for the board's
# Cortex-A53 (ODPU_CLI, run under qemu-user through ODPU_TARGET_RUN) makes the same bytes as
# this machine's build (ODPU_HOST_CLI): a zoo model compiled by each is the same file, and on
# the ref engine each gives the same prediction for every image and the same scores.
set -u
. "$(dirname "$0")/cli_lib.sh"
HOST_CLI=${ODPU_HOST_CLI:-build/opendpu}
read -r -a TARGET <<<"${ODPU_TARGET_RUN:-}"
IMAGES=${ODPU_CROSS_IMAGES:-200}
MODEL=models/mnist_cnn/mnist_cnn.onnx
PNG=tests/data/dataset/fashion_test0_ankle_boot.png
ARGS=(--arch arch/b1024.yaml --calib fashion-mnist:train@300)

if [ ! -x "$HOST_CLI" ]; then
  echo "cross_bytes: no host build at $HOST_CLI to compare with: run make all first"
  exit 1
fi

"${TARGET[@]}" "$CLI" compile "$MODEL" "${ARGS[@]}" -o "$tmp/target.odpu" >/dev/null 2>"$tmp/err" ||
  bad "the target's compile failed: $(cat "$tmp/err")"
"$HOST_CLI" compile "$MODEL" "${ARGS[@]}" -o "$tmp/host.odpu" >/dev/null 2>"$tmp/err" ||
  bad "the host's compile failed: $(cat "$tmp/err")"
cmp -s "$tmp/target.odpu" "$tmp/host.odpu" && ok || bad "the model files differ: $(cmp "$tmp/target.odpu" "$tmp/host.odpu")"

for who in target host; do
  if [ $who = target ]; then cli=("${TARGET[@]}" "$CLI"); else cli=("$HOST_CLI"); fi
  "${cli[@]}" eval "$tmp/host.odpu" --data fashion-mnist:test --limit "$IMAGES" --threads 1 \
    --predictions "$tmp/$who.csv" >"$tmp/$who.eval" 2>&1 || bad "$who eval failed: $(tail -3 "$tmp/$who.eval")"
  "${cli[@]}" run "$tmp/host.odpu" --input "$PNG" >"$tmp/$who.run" 2>&1 || bad "$who run failed: $(cat "$tmp/$who.run")"
done
[ -s "$tmp/host.csv" ] && cmp -s "$tmp/target.csv" "$tmp/host.csv" && ok ||
  bad "the predictions differ: $(diff "$tmp/target.csv" "$tmp/host.csv" | head -3)"
cmp -s "$tmp/target.run" "$tmp/host.run" && ok || bad "run's scores differ: $(diff "$tmp/target.run" "$tmp/host.run")"
expect 0 "Ankle boot" -- cat "$tmp/target.run"

finish "cross bytes"
