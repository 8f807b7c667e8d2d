#!/bin/bash
# test_rtl_compute.sh - odpu_compute against the golden model: random valid CONV (standard,
# depthwise, grouped), POOL (4 modes) and ELEW instructions on random buffer contents, every
# buffer word compared after each case; on tiny and b512, with and without busy ports. About a
# third of the random CONVs fuse max pooling; the q runs pair a CONV without and with pooling
# and require the pooled one to take at most a few cycles more.
. tests/rtl/rtl_lib.sh
build_gen gen_compute_vectors
status=0
# run ARCH SEED CASES STALL_PERCENT [OPS]
run() {
  local arch=$1 seed=$2 cases=$3 stall=$4 ops=${5:-cpe} vec=$RTL_OUT/compute_$1_$2.txt
  "$RTL_OUT/gen_compute_vectors" "arch/$arch.yaml" "$seed" "$cases" "$vec" "$ops" ||
    { echo "FAIL: gen_compute_vectors $arch"; status=1; return; }
  echo "$arch, seed $seed, $cases cases ($ops), ports busy $stall %:"
  "$RTL_OUT/tb_compute_$arch/tb" +vectors="$vec" +stall="$stall" +seed="$seed" |
    grep -E "PASS|FAIL|MISMATCH|SLOW|TIMEOUT|tb_compute:|  [A-Z]BUF"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  rm -f "$vec"
}
for arch in tiny b512; do
  build_tb tb_compute "$arch" tests/rtl/tb_compute.sv
done
run tiny 1 600 0
run tiny 2 600 30
run b512 3 240 0
run b512 4 240 20
run tiny 5 80 0 q
run b512 6 40 0 q
exit $status
