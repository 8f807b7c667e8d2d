#!/usr/bin/env bash
# test_board_files.sh - the board files that need no Vivado (docs/boards.md): `make board` for
# the KV260 and the ZCU104 into a scratch folder, then the overlay read back with fdtget, the
# xclbin with XRT's parser (and xclbinutil where it works), shell.json with a JSON parser, and
# the Vivado Tcl flow run in plain tclsh against stand-ins that record every Vivado call
# (tests/board/check_flow.tcl). Bad input must fail with a message naming it. Run by
# `make test` from the repo root.
set -u
. "$(dirname "$0")/cli_lib.sh"
TOOLS=${ODPU_TOOLS:-build/tools}
GEN=${ODPU_GEN:-build/gen}
MAKE_BOARD=(make -s --no-print-directory SIM=0 GEN_DIR="$GEN" TOOLS_DIR="$TOOLS" board)

for t in dtc fdtget tclsh python3 "$TOOLS/odpu_board" "$TOOLS/xclbin_read"; do
  command -v "$t" >/dev/null || { echo "test_board_files: $t missing (make deps; make)"; exit 1; }
done

# libxrt1 loads its core library from $XILINX_XRT/lib; Debian installs it in the multiarch
# folder, so point XILINX_XRT at a folder of links to it.
xrt_root="$tmp/xrt"
mkdir -p "$xrt_root/lib"
ln -s /usr/lib/*-linux-gnu/libxrt_core*.so* "$xrt_root/lib/" 2>/dev/null

arch_value() { sed -n "s/^ *$2: *\([0-9]*\).*/\1/p" "$1"; }
# fdtget of a property as hex cells, or as a string.
prop() { fdtget -t "$1" "$2" "$3" "$4" 2>&1; }

# check_board BOARD ARCH_NAME PS_PORT: make board with the board's default arch, then every file.
check_board() {
  local board=$1 arch=$2 ps_port=$3 out="$tmp/$1" app="opendpu-$2"
  expect 0 "no $out/$app.bit yet" -- "${MAKE_BOARD[@]}" BOARD="$board" BOARD_OUT="$out"
  for f in params.tcl opendpu.dtso "$app.dtbo" "$app.xclbin" shell.json "$app.bif" NEXT_STEPS.txt \
           "app/$app/shell.json" "app/$app/$app.dtbo" "app/$app/$app.xclbin"; do
    [ -s "$out/$f" ] && ok || bad "$board: $out/$f missing or empty"
  done

  # The overlay: firmware, the UIO node, its registers and interrupt, the clock, the DMA buffer.
  local dtbo="$out/$app.dtbo" uio=/fragment@1/__overlay__/opendpu@a0000000
  local buf=/fragment@2/__overlay__/udmabuf-opendpu clock_hz
  clock_hz=$(( $(arch_value "arch/$arch.yaml" clock_mhz) * 1000000 ))
  [ "$(prop s "$dtbo" /fragment@0/__overlay__ firmware-name)" = "$app.bit.bin" ] && ok || bad "$board: firmware-name"
  [ "$(prop s "$dtbo" $uio compatible)" = "generic-uio" ] && ok || bad "$board: uio compatible"
  [ "$(prop x "$dtbo" $uio reg)" = "0 a0000000 0 10000" ] && ok || bad "$board: uio reg $(prop x "$dtbo" $uio reg)"
  [ "$(prop u "$dtbo" $uio interrupts)" = "0 89 4" ] && ok || bad "$board: interrupts $(prop u "$dtbo" $uio interrupts)"
  [ "$(prop u "$dtbo" /fragment@1/__overlay__/opendpu-clk assigned-clock-rates)" = "$clock_hz" ] && ok ||
    bad "$board: pl_clk0 rate is not the arch's $clock_hz Hz"
  [ "$(prop s "$dtbo" $buf compatible)" = "ikwzm,u-dma-buf" ] && ok || bad "$board: u-dma-buf compatible"
  [ "$(prop s "$dtbo" $buf device-name)" = "udmabuf-opendpu" ] && ok || bad "$board: u-dma-buf device-name"
  [ "$(prop x "$dtbo" $buf size)" = "4000000" ] && ok || bad "$board: u-dma-buf size $(prop x "$dtbo" $buf size)"
  if [ "$ps_port" = S_AXI_HPC0_FPD ]; then
    fdtget -l "$dtbo" $buf >/dev/null && fdtget "$dtbo" $buf dma-coherent >/dev/null 2>&1 && ok ||
      bad "$board: a coherent port without dma-coherent"
  else
    fdtget "$dtbo" $buf dma-coherent >/dev/null 2>&1 && bad "$board: dma-coherent on a non-coherent port" || ok
  fi
  # The labels the board's base tree must resolve (dtc -@ records them as fixups).
  local fixups
  fixups=$(fdtget -p "$dtbo" /__fixups__ 2>&1 | sort | tr '\n' ' ')
  [ "$fixups" = "amba fpga_full gic zynqmp_clk " ] && ok || bad "$board: overlay fixups '$fixups'"

  # The xclbin through XRT's parser, then section by section.
  local info meta="$tmp/$board.meta.xml"
  info=$(XILINX_XRT=$xrt_root "$TOOLS/xclbin_read" "$out/$app.xclbin" "$meta" 2>/dev/null)
  grep -q "^xrt kernels=1 cus=1 xsa=opendpu:$board:$arch:1.0$" <<<"$info" && ok || bad "$board: XRT reads: $info"
  grep -q "^ip odpu_engine:odpu_engine_1 base=0xa0000000 control=ap_ctrl_hs interrupt=1$" <<<"$info" && ok ||
    bad "$board: IP_LAYOUT: $info"
  grep -q "^mem ${ps_port:6:3}.* used=1 base=0x0 size_kb=2097152$" <<<"$info" && ok || bad "$board: MEM_TOPOLOGY: $info"
  # Arguments: the xclbin's are kernel.xml's (offsets from isa/regs.def), pointers connected.
  local args_xml args_bin ptrs conns
  args_xml=$(sed -n 's/^ *\(<arg [^>]*>\).*/\1/p' "$GEN/$arch/kernel.xml")
  args_bin=$(sed -n 's/^ *\(<arg [^>]*>\).*/\1/p' "$meta")
  [ -n "$args_xml" ] && [ "$args_xml" = "$args_bin" ] && ok || bad "$board: xclbin arguments differ from kernel.xml"
  grep -q 'name="magic".*offset="0x4c"' <<<"$args_bin" && ok || bad "$board: MAGIC is not at 0x4c (isa/regs.def)"
  ptrs=$(sed -n 's/.*addressQualifier="1" id="\([0-9]*\)".*/\1/p' <<<"$args_bin" | tr '\n' ' ')
  conns=$(sed -n 's/^conn arg=\([0-9]*\) ip=0 mem=0$/\1/p' <<<"$info" | tr '\n' ' ')
  [ -n "$ptrs" ] && [ "$ptrs" = "$conns" ] && ok || bad "$board: connections '$conns', pointer arguments '$ptrs'"
  # Debian 12's xclbinutil is a wrapper whose program is missing (docs/boards.md); use a working one.
  if xclbinutil --version 2>&1 | grep -qi "build version"; then
    expect 0 "odpu_engine" -- xclbinutil --info -i "$out/$app.xclbin"
  fi

  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d != {"shell_type": "XRT_FLAT", "num_slots": "1"})' \
    "$out/shell.json" && ok || bad "$board: shell.json"
  grep -q "^"$'\t'"$app.bit$" "$out/$app.bif" && ok || bad "$board: the .bif does not name $app.bit"

  # The Vivado flow in tclsh with stand-ins.
  local run="$tmp/$board.run" flow
  mkdir -p "$run"
  flow=$(tclsh tests/board/check_flow.tcl "$PWD" "$out/params.tcl" "$run" \
           "$(sed -n 's/^part: *//p' "boards/$board/board.yaml")" "$(arch_value "arch/$arch.yaml" clock_mhz)" \
           "$(arch_value "arch/$arch.yaml" data_bits)" "$ps_port" 2>&1)
  if [ $? -eq 0 ] && grep -q "ok: bitstream copied" <<<"$flow"; then ok; else bad "$board: Tcl flow: $(grep FAIL <<<"$flow")"; fi
}

case "$tmp" in /*) ;; *) tmp="$PWD/$tmp" ;; esac
check_board kv260 b1024 S_AXI_HP0_FPD
check_board zcu104 b4096 S_AXI_HP0_FPD

# A coherent variant of the KV260: HPC0 in the block design, dma-coherent in the overlay.
mkdir -p "$tmp/boards/kv260hpc"
sed -e 's/^name: kv260/name: kv260hpc/' -e 's/^memory_port: hp0/memory_port: hpc0/' boards/kv260/board.yaml \
  >"$tmp/boards/kv260hpc/board.yaml"
expect 0 "" -- "$TOOLS/odpu_board" "$tmp/boards/kv260hpc/board.yaml" arch/b1024.yaml rtl "$PWD" "$PWD/$GEN" "$tmp/hpc"
expect 0 "" -- boards/package.sh "$tmp/hpc"
fdtget "$tmp/hpc/opendpu-b1024.dtbo" /fragment@2/__overlay__/udmabuf-opendpu dma-coherent >/dev/null 2>&1 && ok ||
  bad "hpc0: no dma-coherent"
mkdir -p "$tmp/hpc.run"
expect 0 "ok: memory: SmartConnect to S_AXI_HPC0_FPD" -- tclsh tests/board/check_flow.tcl "$PWD" "$tmp/hpc/params.tcl" \
  "$tmp/hpc.run" xck26-sfvc784-2LV-c 300 128 S_AXI_HPC0_FPD

# Bad input: what and where.
expect 2 "BOARD=nosuch: no boards/nosuch/board.yaml \(boards: kv260 zcu104\)" -- "${MAKE_BOARD[@]}" BOARD=nosuch
expect 2 "arch 'b4096' does not fit the kv260 \(boards/kv260/board.yaml lists tiny, b512, b1024" -- \
  "${MAKE_BOARD[@]}" BOARD=kv260 ARCH=arch/b4096.yaml BOARD_OUT="$tmp/nofit"
[ ! -e "$tmp/nofit" ] && ok || bad "a refused arch left $tmp/nofit behind"
expect 1 "IP=vhdl: the engine IP is rtl" -- "$TOOLS/odpu_board" boards/kv260/board.yaml arch/b1024.yaml vhdl . "$GEN" "$tmp/x"
bad_yaml() { # bad_yaml SED_EXPR PATTERN: a board description with one change is refused.
  sed -e "$1" boards/kv260/board.yaml >"$tmp/bad.yaml"
  expect 1 "$2" -- "$TOOLS/odpu_board" "$tmp/bad.yaml" arch/b1024.yaml rtl . "$GEN" "$tmp/x"
}
bad_yaml 's/^memory_port: hp0/memory_port: hp2/' "bad.yaml:11: memory_port: 'hp2' is not one of hp0, hpc0"
bad_yaml 's/^irq_spi: 89/irq_spi: 90/' "bad.yaml:14: irq_spi: 90 is not 89"
bad_yaml 's/^control_base: 0xA0000000/control_base: 0x80000000/' "bad.yaml:12: control_base: 0x80000000 is not aligned"
bad_yaml 's/^udmabuf_mib:/udmabuf_mb:/' "bad.yaml:15: unknown key 'udmabuf_mb'"
bad_yaml '/^part:/d' "bad.yaml: missing key 'part'"
bad_yaml 's/^default_arch: b1024/default_arch: b4096/' "bad.yaml:10: default_arch: b4096 is not in archs"
bad_yaml 's/^name: kv260/name: kv 260;/' "bad.yaml:4: name: 'kv 260;' has characters outside"

# A dtc warning fails the packaging (a node with a unit address but no reg).
cp -r "$tmp/kv260" "$tmp/warn"
sed -i 's/udmabuf-opendpu {/udmabuf-opendpu@0 {/' "$tmp/warn/opendpu.dtso"
expect 1 "dtc warned about" -- boards/package.sh "$tmp/warn"

# The flow refuses a params.tcl without a key, and IP=hls without the HLS archive.
grep -v '^set odpu(ctrl_base)' "$tmp/kv260/params.tcl" >"$tmp/short.tcl"
expect 1 "odpu\(ctrl_base\) is not set" -- tclsh boards/tcl/odpu_flow.tcl "$tmp/short.tcl" ip
sed 's/^set odpu(ip) rtl/set odpu(ip) hls/' "$tmp/kv260/params.tcl" >"$tmp/hls.tcl"
expect 1 "IP=hls expects the Vitis HLS IP catalog archive .*odpu_engine.zip" -- \
  tclsh boards/tcl/odpu_flow.tcl "$tmp/hls.tcl" ip

finish test_board_files
