# rtl_lib.sh - shared by the tests/test_rtl_*.sh scripts (sourced, not run): builds the C
# vector generators against the library and the SystemVerilog testbenches with
# `verilator --binary`, into $ODPU_BUILD/rtl/, rebuilding only what is older than its sources.
set -u
BUILD=${ODPU_BUILD:-build}
RTL_OUT=$BUILD/rtl
mkdir -p "$RTL_OUT"
command -v verilator >/dev/null || { echo "verilator not found (make deps installs it)"; exit 1; }

# The sanitizer build's library needs the sanitizer runtime in whatever links it.
SAN_FLAGS=
case "$BUILD" in *san*) SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
CHECK_LIBS=$(pkg-config --libs check 2>/dev/null || echo "-lcheck -lsubunit -lm -lrt -pthread")
LIBS="$(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml) -lprotobuf-c -lz -lm"

# stale TARGET SOURCES...: true if TARGET is missing or older than a source.
stale() {
  local target=$1 s
  shift
  [ -e "$target" ] || return 0
  for s in "$@"; do [ "$s" -nt "$target" ] && return 0; done
  return 1
}

# build_gen NAME: tests/rtl/NAME.c -> $RTL_OUT/NAME (linked with libodpu and the test rng).
build_gen() {
  local name=$1 out=$RTL_OUT/$1
  if stale "$out" "tests/rtl/$name.c" "$BUILD/libodpu.a"; then
    gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -Werror -Wshadow \
      -Wstrict-prototypes -Wmissing-prototypes -Wvla -I. -I"$BUILD/gen" $SAN_FLAGS \
      "tests/rtl/$name.c" "$BUILD/tests/testutil.o" "$BUILD/libodpu.a" $CHECK_LIBS $LIBS \
      -o "$out" || { echo "FAIL: building $name"; exit 1; }
  fi
}

# build_tb TOP ARCH FILES...: a Verilator binary $RTL_OUT/TOP_ARCH/tb of testbench TOP.
build_tb() {
  local top=$1 arch=$2
  shift 2
  local dir=$RTL_OUT/${top}_$arch
  if stale "$dir/tb" "$@" "$BUILD/gen/$arch/odpu_arch_params.vh"; then
    # -O1 for the C++: the testbenches run for seconds, compiling them at -O3 takes longer.
    verilator --binary -Wno-fatal -Wno-lint -Wno-style -I"$BUILD/gen/$arch" --top-module "$top" \
      -Mdir "$dir" -CFLAGS -O1 -o tb "$@" >"$dir.log" 2>&1 ||
      { echo "FAIL: verilator $top ($arch), see $dir.log"; tail -20 "$dir.log"; exit 1; }
  fi
}

# The compute engine's RTL files.
COMPUTE_RTL="rtl/odpu_compute.sv rtl/odpu_conv_unit.sv rtl/odpu_conv_agu.sv rtl/odpu_pool_div.sv rtl/odpu_mac_array.sv rtl/odpu_adder.sv
  rtl/odpu_mac_chain.sv rtl/odpu_mac_pair.sv rtl/odpu_requant.sv rtl/odpu_srdhm.sv rtl/odpu_rdbpot.sv rtl/odpu_out_stage.sv rtl/odpu_pool_merge.sv rtl/odpu_count_fifo.sv
  rtl/odpu_pool_unit.sv rtl/odpu_elew_unit.sv"
