#!/usr/bin/env bash
# test_vboard.sh - the board driver (the uio backend) against the virtual board (`opendpu
# vboard`, docs/boards.md): the HAL contract suite and the runtime tests, every zoo model byte
# for byte equal to ref (`opendpu compare --backends ref,uio --device DIR`), and the fault
# cases: a second process, a lost interrupt, a board that stops answering, one that goes away,
# a DMA buffer too small for the model, a driver killed in the middle of a run.
# ODPU_ZOO_VBOARD_IMAGES sets the images per model (default 20).
set -u
. "$(dirname "$0")/cli_lib.sh"
BUILD=${ODPU_BUILD:-build}
IMAGES=${ODPU_ZOO_VBOARD_IMAGES:-20}
CALIB=fashion-mnist:train@50
MODELS="mnist_cnn customnet resnet_style mobilenet_style lcrm_parent lcrm"
PNG=tests/data/dataset/fashion_test0_ankle_boot.png
READY_TRIES=100 # tenths of a second a virtual board may take to come up

if ! "$CLI" backends | grep -q '^uio ' || ! "$CLI" backends | grep -q '^sim '; then
  echo "test_vboard: needs the uio and sim backends (a Linux build with Verilator); this build lacks one"
  exit 1
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_vboard DIR ARGS...: a virtual board in the background, back when its socket is up.
start_vboard() {
  local dir=$1
  shift
  "$CLI" vboard --arch arch/tiny.yaml --root "$dir" "$@" >"$dir.log" 2>&1 &
  vb_pid=$!
  pids+=("$vb_pid")
  for _ in $(seq $READY_TRIES); do
    [ -S "$dir/dev/uio1" ] && return 0
    kill -0 "$vb_pid" 2>/dev/null || break
    sleep 0.1
  done
  bad "virtual board at $dir did not come up: $(cat "$dir.log")"
  return 1
}

vb=$tmp/vb
start_vboard "$vb" || { finish "vboard"; exit 1; }
board_pid=$vb_pid

# ---- The HAL's contract and the runtime, as on every engine ----
for t in test_hal_contract test_runtime; do
  out=$(ODPU_TEST_BACKENDS=uio ODPU_TEST_DEVICE_UIO="$vb" CK_DEFAULT_TIMEOUT=120 "$BUILD/tests/$t" 2>&1) &&
    grep -qE "100%: Checks: [1-9]" <<<"$out" && ok || bad "$t on uio: $(echo "$out" | tail -5)"
done

# ---- The zoo, byte for byte ----
"$CLI" compile models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml --calib "$CALIB" -o "$tmp/m.odpu" >/dev/null 2>&1 ||
  bad "compile mnist_cnn for tiny"
for m in $MODELS; do
  expect 0 "equal byte for byte on $IMAGES of $IMAGES images" -- \
    "$CLI" compare "models/$m/$m.onnx" --data fashion-mnist:test --limit "$IMAGES" \
    --backends ref,uio --device "$vb" --arch arch/tiny.yaml --calib "$CALIB"
done

# The reports say how the board's cycles were obtained: on a virtual board, simulated.
expect 0 "^uio +measured .* yes " -- "$CLI" backends
expect 0 "of the simulated uio model" -- \
  "$CLI" eval "$tmp/m.odpu" --data fashion-mnist:test --limit 5 --backend uio --device "$vb"
expect 0 "simulated on 'uio', 200 MHz" -- "$CLI" bench models/mnist_cnn/mnist_cnn.onnx --arch arch/tiny.yaml \
  --calib "$CALIB" --limit 5 --sim-images 3 --backend uio --device "$vb"

# ---- A second process is refused while the first holds the engine ----
# The holder's lock is an open-file-description lock on the DMA buffer (/proc/locks: OFDLCK).
"$CLI" eval "$tmp/m.odpu" --data fashion-mnist:test --backend uio --device "$vb" >"$tmp/holder.log" 2>&1 &
holder=$!
pids+=("$holder")
inode=$(stat -c %i "$vb/dev/udmabuf-opendpu")
for _ in $(seq $READY_TRIES); do
  grep -qE "OFDLCK +ADVISORY +WRITE .*:$inode " /proc/locks && break
  sleep 0.1
done
expect 1 "udmabuf-opendpu is in use by another opendpu process" -- \
  "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "$vb"
kill -0 "$holder" 2>/dev/null && ok || bad "the holder ended early: $(cat "$tmp/holder.log")"
# The holder dies in the middle of a run: the next process finds the engine busy and settles it.
kill -KILL "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect 0 "equal byte for byte on 5 of 5 images" -- "$CLI" compare "$tmp/m.odpu" --data fashion-mnist:test \
  --limit 5 --backends ref,uio --device "$vb"

# ---- A board that stops answering: a clear error within the answer time, no hang ----
kill -STOP "$board_pid"
start=$(date +%s)
expect 1 "MAGIC.*did not answer" -- "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "root=$vb,answer-ms=500"
[ $(($(date +%s) - start)) -le 5 ] && ok || bad "a silent board took more than 5 s to report"
kill -CONT "$board_pid"
expect 0 "Ankle boot" -- "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "$vb"

# ---- Wrong or missing devices are named ----
expect 1 "no UIO device named 'nosuch'.*found: .*'opendpu'" -- \
  "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "root=$vb,name=nosuch"
expect 1 "no u-dma-buf named 'nosuch'" -- \
  "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "root=$vb,udmabuf=nosuch"
expect 1 "unknown device option 'colour=red'" -- \
  "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "root=$vb,colour=red"

# ---- The board goes away ----
kill "$board_pid"
wait "$board_pid" 2>/dev/null
[ ! -e "$vb/dev/uio1" ] && ok || bad "the virtual board left its socket behind"
expect 1 "device file is missing|cannot connect" -- "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "$vb"

# ---- The interrupt never reaches the CPU: a timeout that says so ----
lost=$tmp/lost
if start_vboard "$lost" --fault irq-lost; then
  expect 1 "ISR.ap_done set.*no interrupt reached the CPU within 2000 ms" -- \
    "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "$lost" --timeout 2000
  kill "$vb_pid"
fi

# ---- A DMA buffer too small for the model ----
small=$tmp/small
if start_vboard "$small" --udmabuf-size 64K; then
  expect 1 "no room for a [0-9]+-byte DMA buffer in its 65536 bytes" -- \
    "$CLI" run "$tmp/m.odpu" --input "$PNG" --backend uio --device "$small"
  kill "$vb_pid"
fi

# ---- A coherent buffer (an HPC port): no cache syncs, the same bytes ----
coh=$tmp/coh
if start_vboard "$coh" --coherent; then
  expect 0 "equal byte for byte on 5 of 5 images" -- "$CLI" compare "$tmp/m.odpu" --data fashion-mnist:test \
    --limit 5 --backends ref,uio --device "$coh"
  kill "$vb_pid"
fi

finish "vboard"
