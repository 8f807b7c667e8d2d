#!/usr/bin/env bash
# test_progress.sh - eval's progress line on stderr: absent by default when stderr is a file
# (logs and CI output never carry it) and with ODPU_PROGRESS=never; with ODPU_PROGRESS=always
# (what a terminal gets) every phase reaches N / N, the line is erased afterwards, and stdout's
# report is the same.
set -u
. "$(dirname "$0")/cli_lib.sh"
N=200
cmd=("$CLI" eval models/mnist_cnn/mnist_cnn.onnx --data "fashion-mnist:test@$N" --threads 2)

for mode in "" never; do
  ODPU_PROGRESS=$mode "${cmd[@]}" >"$tmp/out_$mode.txt" 2>"$tmp/err.txt"; status=$?
  [ "$status" -eq 0 ] && grep -q "^ *INT8 (ref engine)" "$tmp/out_$mode.txt" && ok || bad "eval exited $status"
  [ ! -s "$tmp/err.txt" ] && ok ||
    bad "ODPU_PROGRESS='$mode', stderr a file, yet it got: $(head -c 120 "$tmp/err.txt" | od -c | head -2)"
done

ODPU_PROGRESS=always "${cmd[@]}" >"$tmp/out_always.txt" 2>"$tmp/err.txt"; status=$?
[ "$status" -eq 0 ] && ok || bad "eval with ODPU_PROGRESS=always exited $status"
lines=$(tr '\r' '\n' <"$tmp/err.txt")
for phase in FP32 INT8; do
  grep -qE "^$phase \[#{30}\] 100\.0 % \($N / $N\)" <<<"$lines" && ok ||
    bad "no finished $phase line: $(grep "$phase" <<<"$lines" | tail -2)"
done
grep -q $'\033\[K' "$tmp/err.txt" && ok || bad "the progress line is not erased"
# The accuracy lines (not the host speed) of the report are the same with and without it.
acc() { grep -E "^ *(FP32|INT8) \(" "$1" | awk '{print $1, $2, $3, $4, $5, $6, $7}'; }
[ "$(acc "$tmp/out_always.txt")" = "$(acc "$tmp/out_.txt")" ] && ok || bad "the report changed with the progress line"
finish test_progress
