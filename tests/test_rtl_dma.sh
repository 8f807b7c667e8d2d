#!/usr/bin/env bash
# test_rtl_dma.sh - the RTL memory side (AXI master, load and store engines, buffers):
# lint of its files on every arch, then tests/rtl/tb_dma.sv in Verilator against a
# behavioural DDR. Run by `make test` from the repo root, after `make` generated the includes.
# ODPU_RTL_ARCHS picks the archs the testbench runs on (default: the two geometry extremes,
# tiny with words narrower than an AXI beat and b4096 with words wider than one).
. "$(dirname "$0")/rtl/rtl_lib.sh"
archs=${ODPU_RTL_ARCHS:-tiny b4096}
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

for a in tiny b512 b1024 b4096; do
  for t in odpu_axi_master odpu_load odpu_store odpu_bufs; do
    # shellcheck disable=SC2086
    if out=$(verilator --lint-only -Wall -Irtl -I"$GEN/$a" --top-module "$t" $RTL_FILES 2>&1); then
      ok
    else
      bad "lint of $t on $a: $(echo "$out" | head -5)"
    fi
  done
done

# Random steps per arch: a few seconds each (wider words make every cycle dearer).
steps_for() { case $1 in tiny) echo 300 ;; b512|b1024) echo 100 ;; *) echo 40 ;; esac; }
# Random overlapping LOADs per arch (each followed by a readback of the whole buffer).
overlap_for() { case $1 in tiny) echo 150 ;; b512|b1024) echo 60 ;; *) echo 30 ;; esac; }

for a in $archs; do
  build_tb tb_dma "$a" tests/rtl/tb_dma.sv
  out=$("$RTL_OUT/tb_dma_$a/tb" +steps="$(steps_for "$a")" +overlap="$(overlap_for "$a")" +seed=1 2>&1)
  status=$?
  if [ $status -eq 0 ] && grep -q "tb_dma PASS" <<<"$out"; then
    echo "ok $a: $(grep 'tb_dma PASS' <<<"$out")"
    ok
  else
    bad "tb_dma on $a (exit $status): $(grep -m10 -E 'ERROR|Error|FAIL' <<<"$out")"
  fi
done

echo "test_rtl_dma: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
