#!/usr/bin/env bash
# test_eval.sh - `opendpu eval` and `opendpu run` on the zoo's mnist_cnn: both accuracy columns
# on a slice of the Fashion-MNIST test set, INT8 close to FP32, results independent of the
# thread count, the .odpu path, top-5 output of run, and clean errors for bad input.
# Run by `make test` from the repo root; small slices keep it fast under the sanitizers.
set -u
. "$(dirname "$0")/cli_lib.sh"
MODEL=models/mnist_cnn/mnist_cnn.onnx
PNG=tests/data/dataset/fashion_test0_ankle_boot.png
CALIB=fashion-mnist:train@100
MAX_GAP=3   # points INT8 top-1 may trail FP32 on 200 images (one image is 0.5 points)

# top-1 percentage of a table row ("  FP32 (C float executor)   89.50 %  ...")
top1() { grep -E "^  $1" <<<"$2" | grep -oE '[0-9]+\.[0-9]+ %' | head -1 | cut -d' ' -f1; }

# Both columns on 200 test images, with per-image predictions for the thread check.
out=$("$CLI" eval "$MODEL" --data fashion-mnist:test@200 --calib "$CALIB" --threads 1 \
      --predictions "$tmp/p1.csv" 2>&1); status=$?
if [ "$status" -ne 0 ]; then
  bad "eval exited $status: $(echo "$out" | tail -3)"
else
  fp32=$(top1 "FP32" "$out"); int8=$(top1 "INT8" "$out")
  if [ -z "$fp32" ] || [ -z "$int8" ]; then
    bad "eval table lacks a column: $out"
  else
    ok
    awk -v a="$fp32" -v b="$int8" -v g="$MAX_GAP" 'BEGIN { exit !(a - b <= g && b - a <= g) }' \
      && ok || bad "INT8 top-1 $int8 % is more than $MAX_GAP points from FP32 $fp32 %"
    awk -v a="$fp32" 'BEGIN { exit !(a >= 80) }' && ok || bad "FP32 top-1 $fp32 % on mnist_cnn is implausibly low"
  fi
  grep -q "200 images" <<<"$out" && ok || bad "eval does not state the image count"
  grep -q "agreement" <<<"$out" && ok || bad "eval does not print the FP32/INT8 agreement"
  grep -q "not accelerator FPS" <<<"$out" && ok || bad "eval does not say what its images/s means"
fi

# The same with 3 threads: identical predictions, image by image.
"$CLI" eval "$MODEL" --data fashion-mnist:test@200 --calib "$CALIB" --threads 3 \
  --predictions "$tmp/p3.csv" >/dev/null 2>&1 || bad "eval --threads 3 failed"
[ -s "$tmp/p1.csv" ] && [ "$(wc -l < "$tmp/p1.csv")" -eq 201 ] && ok || bad "predictions file incomplete"
cmp -s "$tmp/p1.csv" "$tmp/p3.csv" && ok || bad "predictions differ between 1 and 3 threads"

# A compiled model: INT8 only, or with --onnx the FP32 column too; run prints the top 5.
if "$CLI" compile "$MODEL" --arch arch/b4096.yaml --calib "$CALIB" -o "$tmp/m.odpu" >/dev/null 2>&1; then
  ok
  out=$("$CLI" eval "$tmp/m.odpu" --data fashion-mnist:test@200 --predictions "$tmp/podpu.csv" 2>&1)
  grep -qE "^  INT8" <<<"$out" && ! grep -qE "^  FP32" <<<"$out" && ok || bad "eval of .odpu: $out"
  cut -d, -f4 "$tmp/p1.csv" > "$tmp/i1"; cut -d, -f4 "$tmp/podpu.csv" > "$tmp/i2"
  cmp -s "$tmp/i1" "$tmp/i2" && ok || bad "INT8 predictions of the .odpu differ from the in-memory compile"
  expect 0 "^  FP32" -- "$CLI" eval "$tmp/m.odpu" --onnx "$MODEL" --data fashion-mnist:test@20
  out=$("$CLI" run "$tmp/m.odpu" --input "$PNG" 2>&1); status=$?
  [ "$status" -eq 0 ] && ok || bad "run exited $status: $out"
  [ "$(grep -cE '^  [1-5]\. ' <<<"$out")" -eq 5 ] && ok || bad "run does not print 5 labels: $out"
  grep -qE '^  1\. Ankle boot' <<<"$out" && ok || bad "run's top label for an ankle boot: $out"
  expect 0 "^  3\. " -- "$CLI" run "$tmp/m.odpu" --input "$PNG" --top 3
  expect 1 "fashion_test0_rgb56.png.*56x56.*28x28" -- "$CLI" run "$tmp/m.odpu" --input tests/data/dataset/fashion_test0_rgb56.png
  expect 1 "b512" -- "$CLI" eval "$tmp/m.odpu" --data fashion-mnist:test@5 --arch arch/b512.yaml
else
  bad "opendpu compile failed: $("$CLI" compile "$MODEL" --arch arch/b4096.yaml --calib "$CALIB" -o "$tmp/m.odpu" 2>&1 | tail -2)"
fi

# An image folder named after the labels holding the first 20 test images: matched by name
# (the folders' sorted order is not the label order), the same predictions as the IDX set.
FOLDER=tests/data/dataset/fashion_folder
out=$("$CLI" eval "$MODEL" --data "$FOLDER" --calib "$CALIB" --predictions "$tmp/pf.csv" 2>&1)
grep -q "20 images; classes matched to the model's labels by name" <<<"$out" && ok || bad "folder eval: $out"
"$CLI" eval "$MODEL" --data fashion-mnist:test@20 --calib "$CALIB" --predictions "$tmp/pi.csv" >/dev/null 2>&1
same_predictions() { cmp -s <(tail -n +2 "$1" | cut -d, -f2- | sort) <(tail -n +2 "$2" | cut -d, -f2- | sort); }
same_predictions "$tmp/pf.csv" "$tmp/pi.csv" && ok || bad "folder and IDX predictions of the same images differ"
# Folders named by class number: taken by position, the same result.
mkdir "$tmp/numbered"
for d in "$FOLDER"/*/; do
  name=$(basename "$d"); k=0
  for l in T-shirt_top Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag "Ankle boot"; do
    [ "$l" = "$name" ] && cp -r "$d" "$tmp/numbered/class$k"; k=$((k + 1))
  done
done
out=$("$CLI" eval "$MODEL" --data "$tmp/numbered" --calib "$CALIB" --predictions "$tmp/pn.csv" 2>&1)
grep -q "classes taken by position" <<<"$out" && ok || bad "numbered folder eval: $out"
same_predictions "$tmp/pn.csv" "$tmp/pi.csv" && ok || bad "numbered folder predictions differ from the IDX set's"
# Some folders named after labels, one not: an error naming it.
cp -r "$FOLDER" "$tmp/mixed" && mv "$tmp/mixed/Bag" "$tmp/mixed/Handbag"
expect 1 "Handbag.*not one of the model's labels" -- "$CLI" eval "$MODEL" --data "$tmp/mixed" --calib "$CALIB"

# run on the .onnx directly (compiled in memory).
expect 0 "^  1\. Ankle boot" -- "$CLI" run "$MODEL" --input "$PNG" --calib "$CALIB"

# Bad input: clean messages, exit 1; usage errors exit 2.
expect 1 "fashion-mnist:val.*train or test" -- "$CLI" eval "$MODEL" --data fashion-mnist:val
expect 1 "nosuchdir.*not a dataset" -- "$CLI" eval "$MODEL" --data nosuchdir
expect 1 "idx:IMAGES,LABELS" -- "$CLI" eval "$MODEL" --data idx:onlyone
expect 1 "missing.onnx" -- "$CLI" eval "$tmp/missing.onnx" --data fashion-mnist:test@5 --calib "$CALIB"
expect 1 "model.yaml" -- "$CLI" eval "$tmp/missing.onnx" --data fashion-mnist:test@5
expect 1 "\.onnx or \.odpu" -- "$CLI" eval "$PNG" --data fashion-mnist:test@5
expect 1 "nosuch.png" -- "$CLI" run "$MODEL" --input "$tmp/nosuch.png"
expect 2 "entropy|minmax" -- "$CLI" eval "$MODEL" --data fashion-mnist:test@5 --calib "$CALIB" --calib-method magic
expect 2 "--data DATA is required" -- "$CLI" eval "$MODEL"
expect 2 "--threads" -- "$CLI" eval "$MODEL" --data fashion-mnist:test --threads 0
expect 2 "--limit" -- "$CLI" eval "$MODEL" --data fashion-mnist:test --limit x
expect 2 "--input IMAGE is required" -- "$CLI" run "$MODEL"
expect 2 "unknown option" -- "$CLI" run "$MODEL" --input "$PNG" --bogus

finish eval
