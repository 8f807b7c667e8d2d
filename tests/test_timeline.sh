#!/usr/bin/env bash
# test_timeline.sh - `opendpu profile --timeline`: the Chrome trace of a real sim frame
# (mnist_cnn on tiny) parses as JSON, has one slice per retired instruction of the stream on
# its engine's track, an engine's slices follow the stream order one at a time (sharing at most
# the cycle one retires and the next starts), times are cycles at the arch's clock and the last
# slice ends inside the frame. A path that cannot be written is an error naming it.
set -u
. "$(dirname "$0")/cli_lib.sh"
CALIB=fashion-mnist:train@50
PY=/usr/bin/python3

out=$("$CLI" profile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" \
      --timeline "$tmp/t.json" 2>&1); status=$?
if [ "$status" -ne 0 ]; then
  bad "profile --timeline exited $status: $(echo "$out" | tail -3)"
else
  ok
  cycles=$(awk '/^  cycles per frame/ {print $4}' <<<"$out")
  insns=$("$CLI" compile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" \
          -o "$tmp/m.odpu" >/dev/null 2>&1 && "$CLI" disasm "$tmp/m.odpu" | grep -cE '^ *[0-9]+ ')
  check=$("$PY" - "$tmp/t.json" "$cycles" "$insns" <<'PYEOF'
import json, sys
trace = json.load(open(sys.argv[1]))
cycles, insns = int(sys.argv[2]), int(sys.argv[3])
clock = trace["otherData"]["clock_mhz"]
assert trace["otherData"]["timing"] == "simulated" and clock == 200, trace["otherData"]
slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
names = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
         if e["ph"] == "M" and e["name"] == "thread_name"}
assert names == {0: "load", 1: "compute", 2: "store"}, names
idx = sorted(e["args"]["insn"] for e in slices)
# Every instruction but END (the fetch unit's) retires on an engine exactly once.
assert idx == list(range(insns - 1)), (len(idx), insns)
# An engine takes its instructions in stream order, one at a time: the next starts at the
# earliest in the cycle the previous one retires (that cycle is in both slices).
for tid in names:
    spans = sorted((e["args"]["start_cycle"], e["args"]["end_cycle"], e["args"]["insn"])
                   for e in slices if e["tid"] == tid)
    assert spans, tid
    for (s0, e0, i0), (s1, e1, i1) in zip(spans, spans[1:]):
        assert i0 < i1 and s1 >= e0 - 1, (tid, s0, e0, i0, s1, e1, i1)
for e in slices:
    a = e["args"]
    assert abs(e["ts"] - a["start_cycle"] / clock) < 1e-5 and abs(e["dur"] - (a["end_cycle"] - a["start_cycle"]) / clock) < 1e-5, e
    assert a["layer"] and e["name"].split(" #")[0] in ("LOAD", "SAVE", "CONV", "POOL", "ELEW", "NOP"), e
end = max(e["args"]["end_cycle"] for e in slices)
assert 0.9 * cycles <= end <= cycles, (end, cycles)
print("ok", len(slices))
PYEOF
  )
  [[ "$check" == ok* ]] && ok || bad "timeline check: $check"
fi

expect 1 "$tmp/no/such/dir/t.json: cannot create the timeline" -- \
  "$CLI" profile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" \
  --timeline "$tmp/no/such/dir/t.json"
expect 2 "--timeline needs a value" -- "$CLI" profile models/mnist_cnn/mnist_cnn.onnx --timeline

finish test_timeline
