#!/usr/bin/env bash
# resources.sh - synthesize the engine for Zynq UltraScale+ with Yosys and count what it uses.
#
#   rtl/synth/resources.sh OUT.md ARCH...     e.g. rtl/synth/resources.sh docs/resources.md b1024 b4096
#
# For every arch: `synth_xilinx -family xcup` of odpu_top with that arch's generated include
# (build/gen/ARCH/odpu_arch_params.vh) and the package build/gen/isa/odpu_pkg.sv (`make gen`),
# keeping the module hierarchy, so each module and parameterization is synthesized once
# however often it is instantiated (the 1024 odpu_mac_pair of b4096 are two: chain heads and
# the rest), and `stat` multiplies the counts out. From it:
# LUTs, flip-flops, DSP48E2, block RAM and UltraRAM next to the budgets of the two boards the
# project targets, where the DSPs go, and which buffer got which memory. Logs and the full
# `stat` go to build/synth/ARCH.{log,stat}. Yosys's numbers are pre-place-and-route estimates.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:?usage: rtl/synth/resources.sh OUT.md ARCH...}
shift
[ $# -ge 1 ] || { echo "resources.sh: name at least one arch" >&2; exit 2; }
command -v yosys >/dev/null || { echo "resources.sh: yosys is not installed (make deps)" >&2; exit 1; }

# Device budgets (AMD Zynq UltraScale+ product tables): LUT FF DSP48E2 BRAM36 URAM288.
zcu104="230400 460800 1728 312 96"  # XCZU7EV on the ZCU104
kv260="117120 234240 1248 144 64"   # XCK26 on the KV260

# Six-input LUTs a LUT-RAM or SRL cell occupies (UltraScale+ SLICEM): a RAM32M16/RAM64M8 is a
# whole SLICEM (8 LUTs), RAM32M/RAM64M half of one, the single-bit RAMs one per 64 bits.
lutram_luts='RAM32M16 8 RAM64M8 8 RAM32M 4 RAM64M 4 RAM32X1D 2 RAM64X1D 2 RAM128X1D 4
RAM256X1D 8 RAM32X1S 1 RAM64X1S 1 RAM128X1S 2 RAM256X1S 4 RAM512X1S 8 SRL16E 1 SRLC32E 1'

# The flags every arch is synthesized with. -uram lets large memories go to URAM288;
# -widemux 5 uses MUXF7/F8 for wide multiplexers as Vivado does; -noiopad because the engine
# is an IP block behind the processing system's AXI ports, not a chip with pins.
synth_cmd="synth_xilinx -family xcup -top odpu_top -uram -widemux 5 -noiopad"

logdir=build/synth
mkdir -p "$logdir"
# The engine: the generated package, then rtl/rtl.f (the one list of its sources).
rtl_srcs="build/gen/isa/odpu_pkg.sv $(sed -e 's,//.*,,' rtl/rtl.f | tr '\n' ' ')"

param() {  # param ARCH NAME: a localparam int of the arch's generated include
    awk -v n="$2" '$1 == "localparam" && $3 == n {gsub(";", "", $5); print $5; exit}' \
        "build/gen/$1/odpu_arch_params.vh"
}

# summarize ARCH SECONDS: the per-arch facts as "key value" lines, from the stat and the log.
summarize() {
    local arch=$1 secs=$2 facts=$logdir/$1.cells
    awk -f rtl/synth/cells.awk "$logdir/$arch.stat" > "$facts"
    awk -v luts="$lutram_luts" '
        BEGIN { n = split(luts, a, /[ \n]+/); for (i = 1; i < n; i += 2) w[a[i]] = a[i + 1] }
        $1 != "total" { next }
        $2 ~ /^LUT[1-6]$/ { lut += $3 }
        $2 in w { lutram += $3 * w[$2] }
        $2 ~ /^FD[RSCP]E$/ { ff += $3 }
        $2 ~ /^CARRY[48]$/ { carry += $3 }
        $2 == "DSP48E2" { dsp += $3 }
        $2 == "RAMB36E2" { b36 += $3 }
        $2 == "RAMB18E2" { b18 += $3 }
        $2 == "URAM288" { uram += $3 }
        END {
            printf "lut %d\nlutram %d\nff %d\ncarry %d\ndsp %d\n", lut, lutram, ff, carry, dsp
            printf "bram %g\nuram %d\n", b36 + b18 / 2, uram
        }' "$facts"
    echo "secs $secs"
}

# synth ARCH: synthesize one arch into build/synth/ARCH.{log,stat,secs}.
synth() {
    local arch=$1 inc=build/gen/$1 start
    start=$(date +%s)
    yosys -q -l "$logdir/$arch.log" \
        -p "read_verilog -sv -Irtl -I$inc $rtl_srcs; $synth_cmd; tee -q -o $logdir/$arch.stat stat -top odpu_top" \
        >/dev/null 2>"$logdir/$arch.err" || { cat "$logdir/$arch.err" >&2; return 1; }
    echo $(( $(date +%s) - start )) > "$logdir/$arch.secs"
}

for arch in "$@"; do
    [ -f "build/gen/$arch/odpu_arch_params.vh" ] ||
        { echo "resources.sh: build/gen/$arch/odpu_arch_params.vh missing (make gen)" >&2; exit 1; }
done
# The archs are synthesized in parallel (one Yosys process each: Yosys is single-threaded).
# RESOURCES_REUSE=1 only rewrites OUT.md from the logs of an earlier run.
if [ "${RESOURCES_REUSE:-0}" != 1 ]; then
    pids=()
    for arch in "$@"; do
        echo "resources.sh: synthesizing $arch (log: $logdir/$arch.log)" >&2
        rm -f "$logdir/$arch.secs"
        synth "$arch" & pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ $failed = 0 ] || { echo "resources.sh: synthesis failed" >&2; exit 1; }
fi

version=$(yosys -V | awk '{print $2}')
declare -A fact
archs=()
for arch in "$@"; do
    [ -f "$logdir/$arch.secs" ] || { echo "resources.sh: no finished run of $arch in $logdir" >&2; exit 1; }
    secs=$(cat "$logdir/$arch.secs")
    # Yosys's own CPU time (the wall time depends on what else the machine runs).
    cpu=$(awk '/^End of script/ {for (i = 1; i < NF; i++) if ($i == "user") {v = $(i + 1); sub(/s,?$/, "", v)}} END {printf "%.0f", v}' "$logdir/$arch.log")
    while read -r key value; do fact[$arch.$key]=$value; done < <(summarize "$arch" "$secs")
    fact[$arch.cpu]=$cpu
    fact[$arch.macs]=$(param "$arch" Macs)
    archs+=("$arch")
    echo "resources.sh: $arch took ${secs} s (${cpu} s CPU)" >&2
done

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f %%", 100 * a / b}'; }

# The source module of a Yosys module name: "$paramod\NAME\P=V..." or "$paramod$HASH\NAME".
module_name_awk='function module_name(n,   a) {
    if (n ~ /^\$paramod\\/) { split(n, a, "\\"); return a[2] }
    sub(/^.*\\/, "", n); return n
}'

# dsp_rows ARCH: "| module | instances | DSP48E2 each | total |" for every module with DSPs.
dsp_rows() {
    awk "$module_name_awk"'
         $1 == "module" && $4 == "DSP48E2" && $3 > 0 {
            printf "| %s | %d | %d | %d |\n", module_name($2), $3, $5, $3 * $5
         }' "$logdir/$1.cells" | sort -t'|' -k5 -rn
}

# lut_rows ARCH: the modules with the most LUTs (all parameterizations and instances of a
# source module together): "| module | LUT | share | FF |", largest first.
lut_rows() {
    awk "$module_name_awk"'
         $1 == "total" && $2 ~ /^LUT[1-6]$/ { all += $3 }
         $1 == "module" && $4 ~ /^LUT[1-6]$/ { lut[module_name($2)] += $3 * $5 }
         $1 == "module" && $4 ~ /^FD[RSCP]E$/ { ff[module_name($2)] += $3 * $5 }
         END {
            for (m in lut) printf "| %s | %d | %.1f %% | %d |\n", m, lut[m], 100 * lut[m] / all, ff[m]
         }' "$logdir/$1.cells" | sort -t'|' -k3 -rn | head -12
}

# buffer_rows ARCH: per buffer, its RAM's shape and memory cells (odpu_buf_ram). The
# derived module of each parameterization is found by its parameters in the log.
buffer_rows() {
    local arch=$1 b name depth bytes banks mod
    for b in Ibuf Obuf Wbuf Pbuf Abuf; do
        name=$(echo "$b" | tr '[:lower:]' '[:upper:]')
        depth=$(param "$arch" "${b}Depth"); bytes=$(param "$arch" "${b}WordBytes")
        banks=$(param "$arch" "${b}Banks")
        # WBUF's RAM holds port-wide pieces, WeightLoadCycles per weight word.
        if [ "$b" = Wbuf ]; then
            depth=$(param "$arch" WbufPortDepth); bytes=$(param "$arch" WbufPortBytes)
        fi
        mod=$(awk -v d="$depth" -v w="$bytes" -v k="$banks" '
            /Parameter \\Depth = / { pd = $NF }
            /Parameter \\WordBytes = / { pw = $NF }
            /Parameter \\Banks = / { pk = $NF }
            /Generating RTLIL representation for module .*odpu_buf_ram/ {
                if (pd == d && pw == w && pk == k) { m = $NF; gsub(/[`'"'"'.]/, "", m); print m; exit }
            }' "$logdir/$arch.log")
        awk -v m="$mod" -v luts="$lutram_luts" -v n="$name" -v d="$depth" -v w="$bytes" -v k="$banks" '
            BEGIN { c = split(luts, a, /[ \n]+/); for (i = 1; i < c; i += 2) wt[a[i]] = a[i + 1] }
            $1 == "module" && $2 == m {
                if ($4 == "RAMB36E2") b36 += $5
                if ($4 == "RAMB18E2") b18 += $5
                if ($4 == "URAM288") u += $5
                if ($4 in wt) lr += $5 * wt[$4]
                if ($4 ~ /^FD[RSCP]E$/) ff += $5
            }
            END {
                printf "| %s | %d KiB | %d x %d bits, %d bank%s of %d words | %g | %d | %d | %d |\n",
                    n, d * w / 1024, d, w * 8, k, (k == 1 ? "" : "s"), d / k, b36 + b18 / 2, u, lr, ff
            }' "$logdir/$arch.cells"
    done
}

# notes: what the numbers mean; the same for every run (the numbers are in the tables).
notes() {
    cat <<'EOF'

## Reading these numbers

* **Pre-place-and-route estimates.** Yosys maps to UltraScale+ cells with its own rules
  (ABC for LUTs, `memory_libmap` for memories); Vivado on the same RTL would differ. It
  usually needs fewer LUTs: it optimizes across module boundaries (here the hierarchy is
  kept, so a constant on a module port, e.g. compute's all-ones write strobes, is not
  propagated into the module), and it packs two small functions into one LUT6 (LUT6_2),
  which Yosys counts as two cells. Flip-flop and DSP counts are close to what Vivado
  reports; block RAM can differ where Vivado picks another aspect ratio or cascades.
  Nothing here checks timing (the 300 MHz of the b configs) or routability.
* **Hierarchical synthesis.** `synth_xilinx` of Yosys 0.23 does not flatten unless asked,
  and every distinct module/parameterization is synthesized once (`odpu_mac_pair` once
  for all its instances); `stat -top odpu_top` multiplies each module's cells by its
  instance count. The DSP tables are that product per module; they add up to the total.
* **DSP48E2.** `odpu_mac_pair` holds two INT8 MACs in one DSP48E2 (AMD WP486 packing), so
  the array is exactly MACs / 2 DSPs. It is instantiated as the primitive, because the
  column sums run through the DSPs' post-adders and cascade (`odpu_mac_chain`), which Yosys
  would not infer. It has two rows in the table, one per parameterization: the chains' first
  DSPs and the others. The output stage (`odpu_srdhm`, two per lane of
  `Rows` lanes, two 27 x 18 products each) adds 4 per lane; the rest are address and
  footprint multipliers of the control path that Yosys also puts in DSPs. "DSP per MAC"
  divides the whole total by the array's MACs, so it is above 0.5 by the non-array part.
* **LUTs.** "LUT (logic)" counts LUT1 to LUT6 cells; the MUXF7/F8/F9 and CARRY cells that
  Yosys also uses sit beside the LUTs in a slice and are not counted. `odpu_adder` is the
  MAC array's column-sum trees over the chain sums (one instance per tree node), `odpu_srdhm`,
  `odpu_requant` and `odpu_rdbpot` the output stage's `Rows` lanes.
* **Memories.** Each buffer bank is one simple-dual-port memory with byte enables, so a
  bank needs its word width in memory primitives side by side however shallow it is (about
  64 bits per BRAM36, 64 to 72 per URAM288 as Yosys packs them). Yosys's cost model sends
  big banks to URAM288 (`-uram`), medium ones to BRAM36 and shallow ones to LUT-RAM
  (RAM32M16, one byte per cell because of the byte enables). WBUF's RAM holds port-wide
  pieces of the weight words (`array.weight_load_cycles`, docs/arch.md "Weight loading"),
  so its shape is the port's, not the word's.
EOF
}

{
    echo "# FPGA resources (Yosys estimate)"
    echo
    echo "Generated by \`make resources\` (rtl/synth/resources.sh) with Yosys $version:"
    echo "\`read_verilog -sv\` of rtl/*.sv with the arch's include, then \`$synth_cmd\`"
    echo "(hierarchy kept), \`stat -top odpu_top\`. Full logs: build/synth/ARCH.{log,stat}."
    echo
    echo "| arch | MACs | LUT (logic) | LUT as RAM/SRL | FF | CARRY4/8 | DSP48E2 | DSP per MAC | BRAM36 | URAM288 | synth time (CPU) |"
    echo "|------|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|"
    for a in "${archs[@]}"; do
        dpm=$(awk -v d="${fact[$a.dsp]}" -v m="${fact[$a.macs]}" 'BEGIN {printf "%.3f", d / m}')
        echo "| $a | ${fact[$a.macs]} | ${fact[$a.lut]} | ${fact[$a.lutram]} | ${fact[$a.ff]} | ${fact[$a.carry]} | ${fact[$a.dsp]} | $dpm | ${fact[$a.bram]} | ${fact[$a.uram]} | ${fact[$a.secs]} s (${fact[$a.cpu]} s) |"
    done
    echo
    echo "\"LUT as RAM/SRL\" is the six-input LUTs that LUT-RAM and shift-register cells occupy"
    echo "(a RAM32M16 is 8). BRAM36 counts two RAMB18E2 as one."
    echo
    echo "## Against the boards"
    echo
    read -r zl zf zd zb zu <<<"$zcu104"
    read -r kl kf kd kb ku <<<"$kv260"
    echo "Budgets: ZCU104 (XCZU7EV) $zl LUT, $zf FF, $zd DSP48E2, $zb BRAM36, $zu URAM288;"
    echo "KV260 (XCK26) $kl LUT, $kf FF, $kd DSP48E2, $kb BRAM36, $ku URAM288."
    echo
    echo "| arch | board | LUT (logic + RAM) | FF | DSP48E2 | BRAM36 | URAM288 |"
    echo "|------|-------|-----:|-----:|-----:|-----:|-----:|"
    for a in "${archs[@]}"; do
        luts=$(( ${fact[$a.lut]} + ${fact[$a.lutram]} ))
        echo "| $a | ZCU104 | $(pct $luts $zl) | $(pct "${fact[$a.ff]}" $zf) | $(pct "${fact[$a.dsp]}" $zd) | $(pct "${fact[$a.bram]}" $zb) | $(pct "${fact[$a.uram]}" $zu) |"
        echo "| $a | KV260 | $(pct $luts $kl) | $(pct "${fact[$a.ff]}" $kf) | $(pct "${fact[$a.dsp]}" $kd) | $(pct "${fact[$a.bram]}" $kb) | $(pct "${fact[$a.uram]}" $ku) |"
    done
    for a in "${archs[@]}"; do
        echo
        echo "## $a: where the DSP48E2, the LUTs and the memories go"
        echo
        echo "| module | instances | DSP48E2 each | DSP48E2 |"
        echo "|--------|-----:|-----:|-----:|"
        dsp_rows "$a"
        echo
        echo "| module (largest LUT users) | LUT | share | FF |"
        echo "|--------|-----:|-----:|-----:|"
        lut_rows "$a"
        echo
        echo "| buffer | size | RAM words x width, banks | BRAM36 | URAM288 | LUT as RAM | FF |"
        echo "|--------|-----:|------|-----:|-----:|-----:|-----:|"
        buffer_rows "$a"
    done
    echo
    echo "## Does it fit"
    echo
    for a in "${archs[@]}"; do
        for board in "ZCU104:$zcu104" "KV260:$kv260"; do
            read -r bl bf bd bb bu <<<"${board#*:}"
            over=$(awk -v l=$(( ${fact[$a.lut]} + ${fact[$a.lutram]} )) -v f="${fact[$a.ff]}" \
                       -v d="${fact[$a.dsp]}" -v b="${fact[$a.bram]}" -v u="${fact[$a.uram]}" \
                       -v bl="$bl" -v bf="$bf" -v bd="$bd" -v bb="$bb" -v bu="$bu" 'BEGIN {
                s = ""
                if (l > bl) s = s sprintf(", LUT %d of %d", l, bl)
                if (f > bf) s = s sprintf(", FF %d of %d", f, bf)
                if (d > bd) s = s sprintf(", DSP48E2 %d of %d", d, bd)
                if (b > bb) s = s sprintf(", BRAM36 %g of %d", b, bb)
                if (u > bu) s = s sprintf(", URAM288 %d of %d", u, bu)
                print substr(s, 3) }')
            if [ -z "$over" ]; then
                echo "* $a on the ${board%%:*}: every count is within the device (before place and route)."
            else
                echo "* $a on the ${board%%:*}: **does not fit**: $over."
            fi
        done
    done
    notes
} > "$out"
echo "resources.sh: wrote $out" >&2
