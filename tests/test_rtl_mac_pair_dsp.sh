#!/bin/bash
# test_rtl_mac_pair_dsp.sh - odpu_mac_pair's DSP48E2 primitive body, the one synthesis maps to
# the FPGA, simulated with our model of the primitive (tests/rtl/models/DSP48E2.sv): it must
# equal the written-out body in P and PCOUT, cycle by cycle, on random and corner stimulus in
# chains as odpu_mac_chain builds them (tb_mac_pair_dsp). Then tb_mac_chain (every int8 triple
# in every lane) runs once with the primitive as every odpu_mac_pair's body.
. tests/rtl/rtl_lib.sh
MODEL=tests/rtl/models/DSP48E2.sv

build_tb tb_mac_pair_dsp tiny tests/rtl/tb_mac_pair_dsp.sv "$MODEL"
"$RTL_OUT/tb_mac_pair_dsp_tiny/tb" | grep -E "PASS|FAIL|MISMATCH"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1

# ODPU_DSP48E2_MODEL makes the primitive odpu_mac_pair's default body. build_tb names its
# directory after the testbench and the arch, so this build goes to a directory of its own,
# beside tests/test_rtl_mac_chain.sh's build of the same testbench with the written-out body.
RTL_OUT=$BUILD/rtl/dsp48e2_model
mkdir -p "$RTL_OUT"
build_tb tb_mac_chain tiny +define+ODPU_DSP48E2_MODEL tests/rtl/tb_mac_chain.sv "$MODEL"
"$RTL_OUT/tb_mac_chain_tiny/tb" | grep -E "PASS|FAIL|MISMATCH" | sed 's/^tb_mac_chain:/tb_mac_chain (DSP48E2 primitive on the model):/'
exit "${PIPESTATUS[0]}"
