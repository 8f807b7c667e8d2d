#!/usr/bin/env bash
# test_rtl_ctrl.sh - testbenches of the control path of rtl/ (odpu_regs, odpu_check,
# odpu_ctrl) under Icarus Verilog, for every arch whose include `make gen` wrote.
set -u
BUILD=${ODPU_BUILD:-build}
out="$BUILD/rtl_tests"
mkdir -p "$out"
fail=0

if ! command -v iverilog >/dev/null; then
  echo "FAIL: iverilog is not installed (make deps)"
  exit 1
fi

# run NAME ARCH SOURCES... : compile tests/rtl/NAME.sv with SOURCES and run it; the bench
# prints "NAME: N checks passed" when every check held.
run() {
  local name=$1 arch=$2
  shift 2
  local vvp="$out/$name-$arch.vvp" log="$out/$name-$arch.log"
  # Icarus' "sorry" notes (unique-case qualities it ignores) are not errors.
  if ! iverilog -g2012 -I"$BUILD/gen/$arch" -o "$vvp" "tests/rtl/$name.sv" "$@" 2>"$log.build"; then
    cat "$log.build"
    echo "FAIL: $name ($arch) does not compile"
    fail=1
    return
  fi
  vvp -n "$vvp" "+vectors=$out/check_vectors-$arch.hex" >"$log" 2>&1
  if grep -q "^$name: [0-9]* checks passed" "$log" && ! grep -q FAIL "$log"; then
    echo "ok $(grep "^$name:" "$log") ($arch)"
  else
    grep -m 20 FAIL "$log"
    echo "FAIL: $name ($arch), log in $log"
    fail=1
  fi
}

# Vectors per arch for the checker: about half valid, the rest breaking every rule.
VECTORS=5000
SEED=20261122
gen="$BUILD/tests/rtl/gen_check_vectors"
[ -x "$gen" ] || { echo "FAIL: $gen is not built (make all)"; exit 1; }

for arch in tiny b512 b1024 b4096; do
  [ -f "$BUILD/gen/$arch/odpu_arch_params.vh" ] || { echo "FAIL: no include for $arch (make gen)"; fail=1; continue; }
  run tb_odpu_regs "$arch" rtl/odpu_regs.sv
  if "$gen" "arch/$arch.yaml" "$VECTORS" "$SEED" "$out/check_vectors-$arch.hex" >"$out/check_vectors-$arch.txt"; then
    run tb_odpu_check "$arch" rtl/odpu_check.sv rtl/odpu_pool_div.sv
  else
    echo "FAIL: gen_check_vectors for $arch"
    fail=1
  fi
done

# The controller under Verilator (Icarus 11 stalls in zero-delay re-evaluation of its
# always_comb blocks, which Verilator shows free of loops):
# random token-correct streams, NO_END, illegal instructions, deadlock, DMA errors. On tiny
# (64-bit AXI: four beats per instruction) and on tiny with a 512-bit AXI (two instructions
# per beat, streams starting mid-beat), an include no shipped arch has but the fetch must
# handle.
. tests/rtl/rtl_lib.sh
CTRL_RTL="rtl/odpu_ctrl.sv rtl/odpu_fetch.sv rtl/odpu_fifo.sv rtl/odpu_check.sv rtl/odpu_pool_div.sv
  rtl/odpu_engine_seq.sv rtl/odpu_watchdog.sv"
wide_inc="$RTL_OUT/inc_tiny_axi512"
mkdir -p "$wide_inc"
sed 's/localparam int AxiDataBits = [0-9]*;/localparam int AxiDataBits = 512;/' \
  "$BUILD/gen/tiny/odpu_arch_params.vh" >"$wide_inc/odpu_arch_params.vh.tmp"
cmp -s "$wide_inc/odpu_arch_params.vh.tmp" "$wide_inc/odpu_arch_params.vh" ||
  mv "$wide_inc/odpu_arch_params.vh.tmp" "$wide_inc/odpu_arch_params.vh"
rm -f "$wide_inc/odpu_arch_params.vh.tmp"

for variant in tiny:"$BUILD/gen/tiny" tiny_axi512:"$wide_inc"; do
  name=${variant%%:*} inc=${variant#*:}
  dir="$RTL_OUT/tb_odpu_ctrl_$name"
  if stale "$dir/tb" tests/rtl/tb_odpu_ctrl.sv $CTRL_RTL "$inc/odpu_arch_params.vh"; then
    verilator --binary -Wno-fatal -Wno-lint -Wno-style -I"$inc" --top-module tb_odpu_ctrl \
      -Mdir "$dir" -CFLAGS -O1 -o tb tests/rtl/tb_odpu_ctrl.sv $CTRL_RTL >"$dir.build.log" 2>&1 ||
      { tail -20 "$dir.build.log"; echo "FAIL: verilator tb_odpu_ctrl ($name)"; fail=1; continue; }
  fi
  log="$RTL_OUT/tb_odpu_ctrl-$name.log"
  "$dir/tb" >"$log" 2>&1
  if grep -q "^tb_odpu_ctrl: [0-9]* checks passed" "$log" && ! grep -q FAIL "$log"; then
    echo "ok $(grep "^tb_odpu_ctrl:" "$log") ($name)"
  else
    grep -m 20 FAIL "$log"
    echo "FAIL: tb_odpu_ctrl ($name), log in $log"
    fail=1
  fi
done

[ $fail -eq 0 ] && echo "rtl ctrl: all passed"
exit $fail
