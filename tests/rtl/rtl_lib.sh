# rtl_lib.sh - shared by the tests/test_rtl_*.sh scripts (sourced, not run): builds the C
# vector generators against the library and the SystemVerilog testbenches with
# `verilator --binary`, into $ODPU_BUILD/rtl/, rebuilding only what is older than its sources.
set -u
BUILD=${ODPU_BUILD:-build}
GEN=${ODPU_GEN:-build/gen}
RTL_OUT=$BUILD/rtl
# The engine's sources: the generated package, then the one list rtl/rtl.f.
RTL_FILES="$GEN/isa/odpu_pkg.sv $(sed -e 's,//.*,,' rtl/rtl.f | tr '\n' ' ')"
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
      -Wstrict-prototypes -Wmissing-prototypes -Wvla -I. -I"$BUILD/gen" -I"$GEN" $SAN_FLAGS \
      "tests/rtl/$name.c" "$BUILD/tests/testutil.o" "$BUILD/libodpu.a" $CHECK_LIBS $LIBS \
      -o "$out" || { echo "FAIL: building $name"; exit 1; }
  fi
}

# build_tb TOP INCDIR FILES...: a Verilator binary $RTL_OUT/TOP_<name of INCDIR>/tb of
# testbench TOP from FILES and the whole engine (only TOP's hierarchy is elaborated), with the
# arch include of INCDIR (an arch name stands for $GEN/ARCH). A testbench is SystemVerilog
# only, the same for every host build: it is built once under build/ and the sanitized build
# links to it, as the sim backend shares build/sim.
build_tb() {
  local top=$1 inc=$2
  shift 2
  [ -d "$inc" ] || inc=$GEN/$inc
  local name=${top}_$(basename "$inc")
  local shared=build/${RTL_OUT#"$BUILD"/}
  local dir=$shared/$name
  mkdir -p "$shared"
  if [ "$shared" != "$RTL_OUT" ]; then
    [ -L "$RTL_OUT/$name" ] || rm -rf "${RTL_OUT:?}/$name" "$RTL_OUT/$name.log" # a copy of an older layout
    ln -sfn "$(realpath "$shared")/$name" "$RTL_OUT/$name"
  fi
  # shellcheck disable=SC2086
  if stale "$dir/tb" "$@" $RTL_FILES rtl/rtl.f rtl/odpu_assert.svh "$inc/odpu_arch_params.vh"; then
    # -O1 for the C++: the testbenches run for seconds, compiling them at -O3 takes longer.
    # shellcheck disable=SC2086
    verilator --binary --assert -Wno-fatal -Wno-lint -Wno-style -Irtl -I"$inc" --top-module "$top" \
      -Mdir "$dir" -CFLAGS -O1 -o tb $RTL_FILES "$@" >"$dir.log" 2>&1 ||
      { echo "FAIL: verilator $top ($inc), see $dir.log"; tail -20 "$dir.log"; exit 1; }
  fi
}
