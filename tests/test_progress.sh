#!/usr/bin/env bash
# test_progress.sh - eval's progress line: drawn on stderr when stderr is a terminal (under a
# pseudo-terminal from util-linux's `script`), with every phase reaching N / N and the line
# erased afterwards; absent when stderr is a file, so logs and CI output never carry it.
set -u
. "$(dirname "$0")/cli_lib.sh"
N=200
cmd=("$CLI" eval models/mnist_cnn/mnist_cnn.onnx --data "fashion-mnist:test@$N" --threads 2)

"${cmd[@]}" >"$tmp/out.txt" 2>"$tmp/err.txt"; status=$?
[ "$status" -eq 0 ] && grep -q "^ *INT8 (ref engine)" "$tmp/out.txt" && ok || bad "eval exited $status"
[ ! -s "$tmp/err.txt" ] && ok || bad "stderr is a file, yet it got: $(head -c 200 "$tmp/err.txt" | od -c | head -3)"

if ! command -v script >/dev/null; then
  bad "util-linux's script is missing"
else
  script -q -e -c "${cmd[*]} >/dev/null" "$tmp/tty.txt" >/dev/null 2>&1; status=$?
  lines=$(tr '\r' '\n' <"$tmp/tty.txt")
  [ "$status" -eq 0 ] && ok || bad "eval under a terminal exited $status"
  for phase in FP32 INT8; do
    grep -qE "^$phase \[#{30}\] 100\.0 % \($N / $N\)" <<<"$lines" && ok ||
      bad "no finished $phase line: $(grep "$phase" <<<"$lines" | tail -2)"
  done
  grep -q $'\033\[K' "$tmp/tty.txt" && ok || bad "the progress line is not erased"
fi
finish test_progress
