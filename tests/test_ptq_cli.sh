#!/usr/bin/env bash
# test_ptq_cli.sh - `opendpu quantize` as a user meets it: a float model quantized to a QDQ
# file with each calibration method, and the usage and data errors.
set -u
CLI=${ODPU_CLI:-build/opendpu}
MODEL=models/mnist_cnn/mnist_cnn.onnx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN -- CMD...: exit status and a pattern in stdout+stderr.
expect() {
  local want=$1 pattern=$2
  shift 3
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" -ne "$want" ]; then
    bad "'$*' exited $status, expected $want; output: $(echo "$out" | head -5)"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    bad "'$*' output lacks /$pattern/: $(echo "$out" | head -5)"
  else
    ok
  fi
}

# Quantize: a QDQ file; every method and switch is accepted.
expect 0 "mse calibration over 50 images of fashion-mnist:train@50, CLE, bias correction" -- \
  "$CLI" quantize "$MODEL" --calib fashion-mnist:train@50 --calib-method mse -o "$tmp/q.onnx"
[ -s "$tmp/q.onnx" ] && ok || bad "quantize wrote no file"
for m in minmax percentile entropy mse; do
  expect 0 "^[^,]*$m( 99.99)? calibration over 20 images[^,]*$" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@20 \
    --calib-method "$m" --no-cle --no-bias-correction -o "$tmp/$m.onnx"
done
expect 0 "percentile 99.9 calibration" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@20 \
  --calib-method percentile --percentile 99.9 -o "$tmp/p.onnx"

# Usage and data errors name what is wrong.
expect 2 "--calib DATA is required" -- "$CLI" quantize "$MODEL" -o "$tmp/x.onnx"
expect 2 "-o OUT.onnx is required" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5
expect 2 "unknown calibration method 'kl'" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --calib-method kl -o "$tmp/x.onnx"
expect 2 "--percentile '150'" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --percentile 150 -o "$tmp/x.onnx"
expect 2 "unknown option '--bogus'" -- "$CLI" quantize "$MODEL" --bogus
expect 1 "nosuch.onnx" -- "$CLI" quantize "$tmp/nosuch.onnx" --calib fashion-mnist:train@5 -o "$tmp/x.onnx"
expect 1 "/nonexistent" -- "$CLI" quantize "$MODEL" --calib idx:/nonexistent/i,/nonexistent/l -o "$tmp/x.onnx"
expect 1 "nosuch.yaml" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --meta "$tmp/nosuch.yaml" -o "$tmp/x.onnx"
head -c 300 "$tmp/q.onnx" > "$tmp/trunc.onnx"
expect 1 "trunc.onnx" -- "$CLI" quantize "$tmp/trunc.onnx" --calib fashion-mnist:train@5 -o "$tmp/x.onnx"

echo "ptq cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
