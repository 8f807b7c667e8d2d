#!/bin/sh
# package.sh - the packaging step of `make board` (boards/boards.mk, docs/boards.md): in OUT_DIR,
# written by tools/odpu_board, compile the overlay (any dtc warning fails the build), turn the
# bitstream into <app>.bit.bin with bootgen if Vivado has written one, and lay out the KV260 app
# folder app/<app>/ (the contents of /lib/firmware/xilinx/<app>/ on the board).
# usage: boards/package.sh OUT_DIR
set -eu
out=${1:?usage: boards/package.sh OUT_DIR}
[ -f "$out/params.tcl" ] || { echo "package.sh: $out/params.tcl missing: run tools/odpu_board first" >&2; exit 1; }
app=$(sed -n 's/^set odpu(app) //p' "$out/params.tcl")
[ -n "$app" ] || { echo "package.sh: $out/params.tcl: no odpu(app)" >&2; exit 1; }

command -v dtc >/dev/null || { echo "package.sh: dtc missing (Debian package device-tree-compiler)" >&2; exit 1; }
dtc -@ -I dts -O dtb -o "$out/$app.dtbo" "$out/opendpu.dtso" 2>"$out/dtc.log" || {
    cat "$out/dtc.log" >&2; echo "package.sh: dtc failed on $out/opendpu.dtso" >&2; exit 1; }
if [ -s "$out/dtc.log" ]; then
    cat "$out/dtc.log" >&2
    echo "package.sh: dtc warned about $out/opendpu.dtso (above); the overlay must compile cleanly" >&2
    rm -f "$out/$app.dtbo"
    exit 1
fi

pkg="$out/app/$app"
mkdir -p "$pkg"
cp "$out/shell.json" "$out/$app.xclbin" "$pkg/"
cp "$out/$app.dtbo" "$pkg/$app.dtbo"

if [ -f "$out/$app.bit" ]; then
    command -v bootgen >/dev/null || { echo "package.sh: bootgen missing (Debian package xilinx-bootgen)" >&2; exit 1; }
    (cd "$out" && bootgen -image "$app.bif" -arch zynqmp -process_bitstream bin -w on >bootgen.log 2>&1) || {
        cat "$out/bootgen.log" >&2; echo "package.sh: bootgen failed on $out/$app.bit" >&2; exit 1; }
    cp "$out/$app.bit.bin" "$pkg/"
    echo "package.sh: $pkg is the complete app (bitstream included)"
else
    echo "package.sh: no $out/$app.bit yet: the app lacks $app.bit.bin (see $out/NEXT_STEPS.txt)"
fi
