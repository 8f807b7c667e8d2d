#!/usr/bin/env bash
# test_profile_formats.sh - `opendpu profile --format`: the same frame (mnist_cnn on tiny, sim)
# as text, Markdown, CSV and JSON carries the same numbers: JSON and CSV parse (Python's json
# and csv), have one row per layer plus the END row, and their cycles equal the text report's.
set -u
. "$(dirname "$0")/cli_lib.sh"
CALIB=fashion-mnist:train@50
PY=/usr/bin/python3
run() { "$CLI" profile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" "$@" 2>&1; }

text=$(run) || bad "profile (text) failed: $(tail -3 <<<"$text")"
cycles=$(awk '/^  cycles per frame/ {print $4}' <<<"$text")
# Layer rows, plus the END row after them.
rows=$(( $(grep -cE "^[0-9]+ +[^ ]+ +[A-Za-z]+ +[0-9]+ " <<<"$text") + 1 ))
grep -qE "^- +\(after the last layer\) +END +[0-9]+ " <<<"$text" && [ "$rows" -ge 3 ] && ok ||
  bad "text report: $rows rows, END row missing?"

run --format json >"$tmp/p.json" || bad "profile --format json failed"
check=$("$PY" - "$tmp/p.json" "$cycles" "$rows" <<'PYEOF' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
cycles, rows = int(sys.argv[2]), int(sys.argv[3])
f = d["frame"][0]
assert f["timing"] == "simulated" and f["clock MHz"] == 200 and f["cycles"] == cycles, f
assert len(d["layers"]) == rows, (len(d["layers"]), rows)
assert sum(l["cycles"] for l in d["layers"]) == cycles, "layer cycles do not add up to the frame"
assert d["layers"][-1]["op"] == "END" and d["layers"][-1]["MACs"] is None
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "json: $check"

run --format csv >"$tmp/p.csv" || bad "profile --format csv failed"
check=$("$PY" - "$tmp/p.csv" "$rows" <<'PYEOF' 2>&1
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(r) == int(sys.argv[2]) and r[0]["#"] == "0" and r[0]["op"], r[:1]
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "csv: $check"

md=$(run --format md)
grep -q "SIMULATED timing" <<<"$md" && grep -q "^|---:|---|---|---:|" <<<"$md" &&
  [ "$(grep -c '^| [0-9-]' <<<"$md")" -ge "$rows" ] && ok || bad "md report: $(head -5 <<<"$md")"

expect 2 "format 'xml' is not one of text, md, csv, json" -- run --format xml
finish test_profile_formats
