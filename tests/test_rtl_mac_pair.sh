#!/bin/bash
# test_rtl_mac_pair.sh - odpu_mac_pair (two INT8 products in one multiplier) exact for all
# 2^24 (x, w_a, w_b) int8 triples.
. tests/rtl/rtl_lib.sh
build_tb tb_mac_pair tiny tests/rtl/tb_mac_pair.sv rtl/odpu_mac_pair.sv
"$RTL_OUT/tb_mac_pair_tiny/tb" | grep -E "PASS|FAIL|MISMATCH"
exit "${PIPESTATUS[0]}"
