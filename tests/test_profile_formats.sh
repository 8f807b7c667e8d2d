#!/usr/bin/env bash
# test_profile_formats.sh - `opendpu profile --format`: the same frame (mnist_cnn on tiny, sim)
# as text, Markdown, CSV and JSON carries the same numbers: JSON and CSV parse (Python's json
# and csv), have one row per layer plus the END row, and their cycles equal the text report's.
# --roofline draws the same layers as points of an SVG (Python's XML parser).
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
grep -q "simulated timing (cycles at the clock with the DDR model)" <<<"$md" && grep -q "^|---:|---|---|---:|" <<<"$md" &&
  [ "$(grep -c '^| [0-9-]' <<<"$md")" -ge "$rows" ] && ok || bad "md report: $(head -5 <<<"$md")"

# The roofline of the same frame: valid SVG, one point per layer with MACs, cycles and DDR
# bytes (counted from the JSON layer table of the same run), the roof, the simulation label.
run --format json --roofline "$tmp/r.svg" >"$tmp/r.json" || bad "profile --roofline failed"
check=$("$PY" - "$tmp/r.svg" "$tmp/r.json" <<'PYEOF' 2>&1
import json, sys, xml.etree.ElementTree as ET
svg = ET.parse(sys.argv[1]).getroot()
ns = {"s": "http://www.w3.org/2000/svg"}
layers = json.load(open(sys.argv[2]))["layers"]
want = sum(1 for l in layers if l["MACs"] and l["cycles"] and (l["DDR rd"] + l["DDR wr"]))
got = len(svg.findall(".//s:circle", ns))
assert want >= 3 and got == want, (got, want)
assert svg.find(".//s:polyline[@id='roof']", ns) is not None
text = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
assert "mnist_cnn.onnx on tiny" in text and "simulated: cycles at 200 MHz" in text, text
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "roofline: $check"
expect 1 "$tmp/none/r.svg: cannot create the roofline plot" -- run --roofline "$tmp/none/r.svg"

expect 2 "format 'xml' is not one of text, md, csv, json" -- run --format xml
finish test_profile_formats
