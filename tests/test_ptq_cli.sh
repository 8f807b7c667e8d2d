#!/usr/bin/env bash
# test_ptq_cli.sh - `opendpu quantize` and `opendpu compile` as a user meets them: a float
# model quantized to a QDQ file with each calibration method, that file compiled without
# calibration data (its parameters are kept), the float model compiled directly, and the
# usage and data errors.
set -u
. "$(dirname "$0")/cli_lib.sh"
MODEL=models/mnist_cnn/mnist_cnn.onnx

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

# Compile the QDQ file (no calibration data needed) and the float model directly.
expect 0 "parameters from the QDQ file, [0-9]+ instructions for b4096" -- "$CLI" compile "$tmp/q.onnx" --arch arch/b4096.yaml -o "$tmp/q.odpu"
expect 0 "valid" -- "$CLI" validate "$tmp/q.odpu" --arch arch/b4096.yaml
expect 0 "quantization=parameters from the QDQ file" -- strings "$tmp/q.odpu"
expect 0 "not used" -- "$CLI" compile "$tmp/q.onnx" --arch arch/b4096.yaml --calib fashion-mnist:train@5 -o "$tmp/q2.odpu"
expect 0 "minmax calibration over 20 images.*instructions for b1024" -- "$CLI" compile "$MODEL" --arch arch/b1024.yaml \
  --calib fashion-mnist:train@20 --calib-method minmax -o "$tmp/f.odpu"
expect 0 "valid" -- "$CLI" validate "$tmp/f.odpu" --arch arch/b1024.yaml
# The compiled model carries model.yaml's preprocessing and labels.
expect 0 "Ankle boot" -- strings "$tmp/f.odpu"

# Usage and data errors name what is wrong.
expect 2 "--calib DATA is required" -- "$CLI" quantize "$MODEL" -o "$tmp/x.onnx"
expect 2 "-o OUT.onnx is required" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5
expect 2 "unknown calibration method 'kl'" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --calib-method kl -o "$tmp/x.onnx"
expect 2 "--percentile '150'" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --percentile 150 -o "$tmp/x.onnx"
expect 2 "unknown option '--bogus'" -- "$CLI" quantize "$MODEL" --bogus
expect 2 "unknown option '--bogus'" -- "$CLI" compile "$MODEL" --bogus
expect 2 "--arch ARCH.yaml is required" -- "$CLI" compile "$MODEL" -o "$tmp/x.odpu"
expect 1 "needs calibration data" -- "$CLI" compile "$MODEL" --arch arch/b4096.yaml -o "$tmp/x.odpu"
expect 1 "x_DQ" -- "$CLI" compile tests/data/qdq/mismatch.onnx --arch arch/b4096.yaml -o "$tmp/x.odpu"
expect 1 "nosuch.yaml" -- "$CLI" compile "$MODEL" --arch arch/nosuch.yaml --calib fashion-mnist:train@5 -o "$tmp/x.odpu"
expect 1 "nosuch.onnx" -- "$CLI" quantize "$tmp/nosuch.onnx" --calib fashion-mnist:train@5 -o "$tmp/x.onnx"
expect 1 "/nonexistent" -- "$CLI" quantize "$MODEL" --calib idx:/nonexistent/i,/nonexistent/l -o "$tmp/x.onnx"
expect 1 "nosuch.yaml" -- "$CLI" quantize "$MODEL" --calib fashion-mnist:train@5 --meta "$tmp/nosuch.yaml" -o "$tmp/x.onnx"
head -c 300 "$tmp/q.onnx" > "$tmp/trunc.onnx"
expect 1 "trunc.onnx" -- "$CLI" quantize "$tmp/trunc.onnx" --calib fashion-mnist:train@5 -o "$tmp/x.onnx"

finish "ptq cli"
