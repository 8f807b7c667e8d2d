#!/bin/bash
# test_rtl_requant.sh - odpu_requant (LeakyReLU, MBQM / POT, zero point, clamp) against
# isa/arith.h on random and edge vectors, with random pipeline stalls.
. tests/rtl/rtl_lib.sh
COUNT=200000 # every shift in [-31, 31] about 3000 times, every pair of edge values
build_gen gen_requant_vectors
build_tb tb_requant tiny tests/rtl/tb_requant.sv
vec=$RTL_OUT/requant_vectors.hex
"$RTL_OUT/gen_requant_vectors" 1 "$COUNT" "$vec" || { echo "FAIL: gen_requant_vectors"; exit 1; }
"$RTL_OUT/tb_requant_tiny/tb" +vectors="$vec" +count="$COUNT" | grep -E "PASS|FAIL|MISMATCH"
exit "${PIPESTATUS[0]}"
