#!/usr/bin/env bash
# test_cli.sh - the opendpu command line as a user meets it: listings, exit codes, and
# error messages that name what is wrong and where. Run by `make test` from the repo root.
set -u
. "$(dirname "$0")/cli_lib.sh"

# The backends of this build, each with its timing kind; a waveform only where there are signals.
expect 0 "^ref +none +no +no +no +the golden model" -- "$CLI" backends
case ",${ODPU_TEST_BACKENDS:-ref}," in
  *,sim,*) expect 0 "^sim +simulated +yes +yes +no " -- "$CLI" backends ;;
esac
expect 0 '"backend": "ref", "timing": "none"' -- "$CLI" backends --format json
expect 2 "unknown argument '--bogus'" -- "$CLI" backends --bogus
# A waveform asked of a backend without signals is refused, naming both.
expect 1 "'ref' has no signals to write a waveform of \('$tmp/w.fst'\)" -- \
  "$CLI" profile models/mnist_cnn/mnist_cnn.onnx --backend ref --arch arch/tiny.yaml --trace "$tmp/w.fst"

# The end-to-end demo: a float CNN with random weights through PTQ and the compiler, every
# engine output equal to the INT8 graph reference; it writes the compiled model file.
expect 0 "20/20 outputs equal the INT8 graph reference" -- "$CLI" demo --images 20 -o "$tmp/demo.odpu"
expect 0 "^ *0 .*LOAD" -- "$CLI" disasm "$tmp/demo.odpu"
listing=$("$CLI" disasm "$tmp/demo.odpu" 2>&1)
for op in LOAD CONV POOL SAVE NOP END; do
  grep -q "$op" <<<"$listing" && ok || bad "disasm listing has no $op"
done
# On tiny every Conv fits the buffers whole: one CONV each, the MaxPool inside the first.
n_conv=$(grep -c "CONV" <<<"$listing")
[ "$n_conv" -eq 3 ] && ok || bad "demo listing shows $n_conv CONV lines, expected 3 (one per Conv layer)"
grep -q "CONV .*maxpool 2x2" <<<"$listing" && ok || bad "demo listing has no CONV with the fused max pool"
expect 0 "valid" -- "$CLI" validate "$tmp/demo.odpu" --arch arch/tiny.yaml
# info: header, tensors and the compiler's per-layer table (shapes, MACs and weights follow
# from the network alone, whatever the seed).
expect 0 "arch 'tiny'.*fingerprint" -- "$CLI" info "$tmp/demo.odpu"
expect 0 "conv1 +Conv +16x16x3 +16x16x8 +55296 +216 " -- "$CLI" info "$tmp/demo.odpu"
expect 0 "pool1 +MaxPool +16x16x8 +8x8x8 .*fused into 'conv1'" -- "$CLI" info "$tmp/demo.odpu"
expect 0 "gap +GlobalAveragePool +8x8x16 +1x1x16 " -- "$CLI" info "$tmp/demo.odpu"
expect 0 "classifier +Conv +1x1x16 +1x1x10 +160 +160 " -- "$CLI" info "$tmp/demo.odpu"
expect 0 "total +129.2k +1528 " -- "$CLI" info "$tmp/demo.odpu"
# --seed: the same seed is the same network and images on any run, another seed another.
scores() { "$CLI" demo --images 3 "$@" | grep "scores of the last image"; }
s7=$(scores --seed 7); s7_again=$(scores --seed 7); s8=$(scores --seed 8)
[ -n "$s7" ] && [ "$s7" = "$s7_again" ] && ok || bad "demo --seed 7 twice: '$s7' vs '$s7_again'"
[ "$s7" != "$s8" ] && ok || bad "demo --seed 7 and --seed 8 give the same scores: '$s7'"
# The defaults --help states are the ones the demo uses.
expect 0 "Defaults: --arch arch/tiny.yaml --backend ref --images 1000 --seed 1" -- "$CLI" demo --help
expect 0 "arch 'tiny'" -- "$CLI" demo --images 1
expect 0 "ran 1000 random images on backend 'ref': 1000/1000 outputs equal" -- "$CLI" demo
[ "$(scores)" = "$(scores --seed 1)" ] && ok || bad "demo without --seed is not --seed 1"
expect 2 "--images wants a positive number" -- "$CLI" demo --images 0
expect 1 "missing.odpu" -- "$CLI" info "$tmp/missing.odpu"
expect 2 "usage: opendpu info" -- "$CLI" info
# A compiled model carries the compiler's per-layer table: shapes, MACs, tile plans, totals.
expect 0 "instructions for tiny" -- "$CLI" compile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml \
  --calib fashion-mnist:train@20 -o "$tmp/mnist.odpu"
expect 0 "Conv +28x28x1 +26x26x25 +152.1k +225 .*rows [0-9]+x[0-9]+, oc" -- "$CLI" info "$tmp/mnist.odpu"
expect 0 "MaxPool +26x26x25 +13x13x25 .*fused into" -- "$CLI" info "$tmp/mnist.odpu"
expect 0 "maxpool 2x2" -- "$CLI" disasm "$tmp/mnist.odpu"
# --no-fused-pool keeps the pool a POOL layer of its own.
expect 0 "instructions for tiny" -- "$CLI" compile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml \
  --calib fashion-mnist:train@20 --no-fused-pool -o "$tmp/mnist_nofuse.odpu"
expect 0 "MaxPool +26x26x25 +13x13x25 .*rows" -- "$CLI" info "$tmp/mnist_nofuse.odpu"
if "$CLI" disasm "$tmp/mnist_nofuse.odpu" | grep -q "maxpool"; then bad "--no-fused-pool still pools in a CONV"; else ok; fi
expect 0 "total +1942.6k +70241" -- "$CLI" info "$tmp/mnist.odpu"
expect 0 "valid" -- "$CLI" validate "$tmp/mnist.odpu" --arch arch/tiny.yaml

# The same demo on the larger configs (buffers and word sizes change with the arch).
for a in b512 b1024 b4096; do
  expect 0 "20/20 outputs equal" -- "$CLI" demo --images 20 --arch "arch/$a.yaml"
done

# Wrong arch: the message says which config the model was built for and how to rebuild.
expect 1 "tiny.*b4096|b4096.*tiny" -- "$CLI" validate "$tmp/demo.odpu" --arch arch/b4096.yaml
expect 1 "opendpu compile" -- "$CLI" validate "$tmp/demo.odpu" --arch arch/b4096.yaml

# A raw stream: a corrupted copy of the model's stream is listed with the reason.
head -c 100 /dev/urandom > "$tmp/garbage.bin"
expect 1 "multiple of 32|garbage.bin" -- "$CLI" disasm "$tmp/garbage.bin"
printf 'ODPU%s' "$(head -c 60 /dev/zero | tr '\0' 'x')" > "$tmp/trunc.odpu"
expect 1 "trunc.odpu" -- "$CLI" disasm "$tmp/trunc.odpu"
expect 1 "missing.odpu" -- "$CLI" disasm "$tmp/missing.odpu"

# archgen: generated files, summary, and errors with file:line:key.
expect 0 "2048" -- "$CLI" archgen arch/b4096.yaml --print
expect 0 "" -- "$CLI" archgen arch/tiny.yaml --c-header "$tmp/p.h" --verilog "$tmp/p.vh"
[ -s "$tmp/p.h" ] && [ -s "$tmp/p.vh" ] && ok || bad "archgen wrote no files"
sed 's/rows: 4/rows: 3/' arch/tiny.yaml > "$tmp/bad.yaml"
expect 1 "bad.yaml:[0-9]+.*rows" -- "$CLI" archgen "$tmp/bad.yaml" --print

# Usage errors.
expect 2 "usage" -- "$CLI" nosuchcommand
expect 2 "usage|unknown" -- "$CLI" demo --bogus

finish cli
