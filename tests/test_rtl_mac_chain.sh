#!/bin/bash
# test_rtl_mac_chain.sh - odpu_mac_chain (a DSP48E2 cascade of two-weight MACs) exact for all
# 2^24 (x, w_a, w_b) int8 triples in every lane, at the low field's bounds, and on the
# systolic schedule the array drives it with.
. tests/rtl/rtl_lib.sh
build_tb tb_mac_chain tiny tests/rtl/tb_mac_chain.sv
"$RTL_OUT/tb_mac_chain_tiny/tb" | grep -E "PASS|FAIL|MISMATCH"
exit "${PIPESTATUS[0]}"
