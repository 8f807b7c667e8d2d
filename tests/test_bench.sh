#!/usr/bin/env bash
# test_bench.sh - the reduced demo: `opendpu bench` on two zoo models and two archs (tiny and
# b512 on the sim engine), small limits. Checks the table's contents, not that it printed:
#   - the shape columns against the ONNX files, read with Debian's Python onnx (Conv, Gemm
#     nodes; weight and bias elements) and against model.yaml's PyTorch MAC count;
#   - FP32 / INT8 top-1 against `opendpu eval` on the same images and arch;
#   - the accelerator's top-1 on its subset against eval's INT8 top-1 on that subset (the
#     engines are bit-exact, so they must agree), and bit-exact 100 %;
#   - cycles, MACs run, latency, FPS, GOPS and util against `opendpu profile --format json`;
#   - the bar: the report's DPU row first, then one row per model row with its FPS;
#   - the sweep's scaling table: FPS and util per arch, the FPS ratio;
#   - the same numbers in text, Markdown and CSV; an untrained model's accuracy cells empty;
#   - errors: usage (exit 2), a missing arch and an untimed engine (exit 1), named.
set -u
. "$(dirname "$0")/cli_lib.sh"
PY=/usr/bin/python3
CALIB=fashion-mnist:train@50
LIMIT=300
SIM=6
MODELS="models/mnist_cnn/mnist_cnn.onnx models/lcrm/lcrm.onnx"
ARCHS=arch/tiny.yaml,arch/b512.yaml
bench() { "$CLI" bench $MODELS --arch "$ARCHS" --calib "$CALIB" --limit "$LIMIT" --sim-images "$SIM" "$@"; }

bench --format json >"$tmp/b.json" 2>"$tmp/b.err" || bad "bench --format json failed: $(tail -3 "$tmp/b.err")"

# The reference figures, each from the command the docs give for it.
: >"$tmp/ref.txt"
for a in tiny b512; do
  for m in $MODELS; do
    name=$(basename "$m" .onnx)
    out=$("$CLI" eval "$m" --data fashion-mnist:test --limit "$LIMIT" --arch "arch/$a.yaml" --calib "$CALIB")
    fp32=$(awk '/^ *FP32 \(/ {print $5}' <<<"$out")
    int8=$(awk '/^ *INT8 \(/ {print $4}' <<<"$out")
    sub=$("$CLI" eval "$m" --data fashion-mnist:test --limit "$SIM" --arch "arch/$a.yaml" --calib "$CALIB" |
          awk '/^ *INT8 \(/ {print $4}')
    "$CLI" profile "$m" --arch "arch/$a.yaml" --calib "$CALIB" --format json >"$tmp/p_${name}_$a.json" ||
      bad "profile $name on $a failed"
    echo "$name $a $fp32 $int8 $sub" >>"$tmp/ref.txt"
  done
done

check=$("$PY" - "$tmp" "$LIMIT" "$SIM" $MODELS <<'PYEOF' 2>&1
import json, sys, onnx, re
from onnx import numpy_helper
tmp, limit, sim, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
d = json.load(open(f"{tmp}/b.json"))
rows, bar = d["models"], d["bar"]
cols = ["model", "arch", "input", "conv", "FC", "weights", "MACs", "MACs run", "FP32 %", "INT8 %", "images",
        "accel %", "accel images", "bit-exact %", "cycles", "latency ms", "FPS", "GOPS", "util %"]
assert all(list(r) == cols for r in rows), list(rows[0])
names = [m.split("/")[-1][:-5] for m in models]
assert [(r["arch"], r["model"]) for r in rows] == [(a, n) for a in ("tiny", "b512") for n in names], rows

def onnx_shape(path):
    g = onnx.load(path).graph
    init = {i.name: numpy_helper.to_array(i).size for i in g.initializer}
    nodes = [n for n in g.node if n.op_type in ("Conv", "Gemm")]
    return (sum(n.op_type == "Conv" for n in nodes), sum(n.op_type == "Gemm" for n in nodes),
            sum(init.get(x, 0) for n in nodes for x in n.input[1:]))

def meta(path, key):
    y = open(re.sub(r"[^/]+$", "model.yaml", path)).read()
    return int(re.search(rf"^{key}: *(\d+)", y, re.M).group(1))

ref = {}
for line in open(f"{tmp}/ref.txt"):
    n, a, fp32, int8, sub = line.split()
    ref[(n, a)] = (float(fp32), float(int8), float(sub))
for r in rows:
    n, a = r["model"], r["arch"]
    path = models[names.index(n)]
    assert r["input"] == "1×28×28", r
    assert (r["conv"], r["FC"], r["weights"]) == onnx_shape(path), (n, r, onnx_shape(path))
    assert r["MACs"] == meta(path, "macs"), (n, r["MACs"])
    fp32, int8, sub = ref[(n, a)]
    assert (r["FP32 %"], r["INT8 %"], r["images"]) == (fp32, int8, limit), (n, a, r, ref[(n, a)])
    assert (r["accel %"], r["accel images"], r["bit-exact %"]) == (sub, sim, 100.0), (n, a, r, sub)
    p = json.load(open(f"{tmp}/p_{n}_{a}.json"))
    f = p["frame"][0]
    assert r["cycles"] == f["cycles"] and r["MACs run"] == f["MACs"], (n, a, r["cycles"], f["cycles"])
    assert r["MACs run"] == sum(l["MACs"] or 0 for l in p["layers"])
    assert (r["latency ms"], r["FPS"], r["GOPS"], r["util %"]) == (f["latency ms"], f["FPS"], f["GOPS"],
                                                                   f["util %"]), (n, a, r, f)
    mhz = f["clock MHz"]
    assert abs(r["FPS"] - mhz * 1e6 / r["cycles"]) < 0.06, (r["FPS"], mhz, r["cycles"])
assert bar[0]["system"].startswith("report's DPU") and bar[0]["FPS"] == "480-604" and bar[0]["arch"] == "B4096"
assert len(bar) == len(rows) + 1
for b, r in zip(bar[1:], rows):
    assert (b["system"], b["model"], b["arch"]) == ("opendpu", r["model"], r["arch"]), b
    assert float(b["FPS"]) == round(r["FPS"]), (b, r["FPS"])
    assert b["accelerator top-1 vs INT8"] == f"+0.00 points ({sim} images)", b
# The sweep's scaling table: each model's FPS and util per arch, b512's FPS over tiny's.
sc = d["scaling"]
assert [s["model"] for s in sc] == names, sc
by = {(r["model"], r["arch"]): r for r in rows}
for s in sc:
    t, b = by[(s["model"], "tiny")], by[(s["model"], "b512")]
    assert (s["tiny FPS"], s["tiny util %"], s["b512 FPS"], s["b512 util %"]) == (t["FPS"], t["util %"], b["FPS"],
                                                                                  b["util %"]), s
    assert abs(s["b512 speedup (8.00x MACs)"] - b["FPS"] / t["FPS"]) < 0.006, s
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "json table: $check"

# Text and Markdown: the same cells, the timing labelled simulated, the notes, the bar.
text=$(bench 2>&1) || bad "bench (text) failed: $(tail -3 <<<"$text")"
fps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["models"][0]["FPS"])' "$tmp/b.json")
grep -qE "^mnist_cnn +tiny +1×28×28 +3 +3 +70500 +2245028 .* $fps " <<<"$text" && ok ||
  bad "text: mnist_cnn's tiny row lacks its cells (FPS $fps): $(grep mnist_cnn <<<"$text" | head -1)"
grep -q "timing simulated" <<<"$text" && grep -q "arch tiny: 200 MHz clock" <<<"$text" &&
  grep -qE "^mnist_cnn +$fps +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$" <<<"$(sed -n '/^Scaling with the array/,/speedup:/p' <<<"$text")" &&
  grep -qE "^report's DPU \(Vitis AI\) +CustomNet +B4096 +480-604" <<<"$text" && ok ||
  bad "text: notes or bar missing: $(tail -12 <<<"$text")"
md=$(bench --format md 2>&1)
[ "$(grep -cE '^\| mnist_cnn \| (tiny|b512) \| ' <<<"$md")" -eq 2 ] && grep -q "^### Model table" <<<"$md" &&
  grep -q "^### Scaling with the array" <<<"$md" &&
  grep -q "^- .*timing simulated" <<<"$md" && ok || bad "md: $(head -8 <<<"$md")"
bench --format csv >"$tmp/b.csv" 2>/dev/null
check=$("$PY" - "$tmp/b.csv" "$tmp/b.json" <<'PYEOF' 2>&1
import csv, json, sys
c = list(csv.DictReader(open(sys.argv[1], newline="")))
j = json.load(open(sys.argv[2]))["models"]
assert len(c) == len(j) == 4 and all(float(a["cycles"]) == b["cycles"] for a, b in zip(c, j)), c
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "csv: $check"

# A model whose model.yaml records no FP32 top-1 (untrained): no accuracy, still bit-exactness.
sed '/^accuracy:/d' models/mnist_cnn/model.yaml >"$tmp/untrained.yaml"
"$CLI" bench models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --meta "$tmp/untrained.yaml" --calib "$CALIB" \
  --sim-images 2 --format json >"$tmp/u.json" 2>&1 || bad "bench of an untrained model failed: $(tail -2 "$tmp/u.json")"
check=$("$PY" - "$tmp/u.json" <<'PYEOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))["models"][0]
assert [r[k] for k in ("FP32 %", "INT8 %", "images", "accel %")] == [None] * 4, r
assert r["accel images"] == 2 and r["bit-exact %"] == 100.0 and r["cycles"] > 0, r
print("ok")
PYEOF
)
[ "$check" = ok ] && ok || bad "untrained model: $check"

# Bad input: named, non-zero, no table.
expect 2 "no model given" -- "$CLI" bench
expect 2 "bench wants the float model, an .onnx file" -- "$CLI" bench models/mnist_cnn/model.yaml
expect 2 "'xml'" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --format xml
expect 2 "--sim-images wants a positive number, got '0'" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --sim-images 0
expect 2 "--arch: an empty name" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml,
expect 1 "arch/nope.yaml" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --arch arch/nope.yaml
expect 1 "'ref' engine counts no cycles" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml \
  --calib "$CALIB" --limit 5 --sim-images 2 --backend ref
expect 1 "no-such-model.onnx" -- "$CLI" bench "$tmp/no-such-model.onnx" --arch arch/tiny.yaml

finish test_bench
