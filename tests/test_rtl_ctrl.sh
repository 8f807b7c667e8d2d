#!/usr/bin/env bash
# test_rtl_ctrl.sh - testbenches of the control path of rtl/ (odpu_regs, odpu_check,
# odpu_ctrl) in Verilator: the register file on tiny, the checker against the golden model's
# verdicts on every arch, the controller on tiny and on tiny with a 512-bit AXI bus.
. tests/rtl/rtl_lib.sh
fail=0

# run_tb NAME INCDIR [PLUSARGS...]: run a built testbench; it prints "NAME: N checks passed"
# when every check held.
run_tb() {
  local name=$1 inc=$2
  shift 2
  local log="$RTL_OUT/$name-$(basename "$inc").log"
  "$RTL_OUT/${name}_$(basename "$inc")/tb" "$@" >"$log" 2>&1
  if grep -q "^$name: [0-9]* checks passed" "$log" && ! grep -q FAIL "$log"; then
    echo "ok $(grep "^$name:" "$log") ($(basename "$inc"))"
  else
    grep -m 20 FAIL "$log"
    echo "FAIL: $name ($(basename "$inc")), log in $log"
    fail=1
  fi
}

# Vectors per arch for the checker: about half valid, the rest breaking every rule.
VECTORS=5000
SEED=20261122
gen="$BUILD/tests/rtl/gen_check_vectors"
[ -x "$gen" ] || { echo "FAIL: $gen is not built (make all)"; exit 1; }

build_tb tb_odpu_regs tiny tests/rtl/tb_odpu_regs.sv
run_tb tb_odpu_regs tiny

for arch in tiny b512 b1024 b4096; do
  [ -f "$GEN/$arch/odpu_arch_params.vh" ] || { echo "FAIL: no include for $arch (make gen)"; fail=1; continue; }
  if "$gen" "arch/$arch.yaml" "$VECTORS" "$SEED" "$RTL_OUT/check_vectors-$arch.hex" >"$RTL_OUT/check_vectors-$arch.txt"; then
    build_tb tb_odpu_check "$arch" tests/rtl/tb_odpu_check.sv
    run_tb tb_odpu_check "$arch" "+vectors=$RTL_OUT/check_vectors-$arch.hex"
  else
    echo "FAIL: gen_check_vectors for $arch"
    fail=1
  fi
done

# The controller: random token-correct streams, NO_END, illegal instructions, deadlock, DMA
# errors. On tiny (64-bit AXI: four beats per instruction) and on tiny with a 512-bit AXI
# (two instructions per beat, streams starting mid-beat), an include no shipped arch has but
# the fetch must handle.
wide_inc="$RTL_OUT/inc_tiny_axi512"
mkdir -p "$wide_inc"
sed 's/localparam int AxiDataBits = [0-9]*;/localparam int AxiDataBits = 512;/' \
  "$GEN/tiny/odpu_arch_params.vh" >"$wide_inc/odpu_arch_params.vh.tmp"
cmp -s "$wide_inc/odpu_arch_params.vh.tmp" "$wide_inc/odpu_arch_params.vh" ||
  mv "$wide_inc/odpu_arch_params.vh.tmp" "$wide_inc/odpu_arch_params.vh"
rm -f "$wide_inc/odpu_arch_params.vh.tmp"

for inc in "$GEN/tiny" "$wide_inc"; do
  build_tb tb_odpu_ctrl "$inc" tests/rtl/tb_odpu_ctrl.sv
  run_tb tb_odpu_ctrl "$inc"
done

[ $fail -eq 0 ] && echo "rtl ctrl: all passed"
exit $fail
