# check_flow.tcl - runs boards/tcl/odpu_flow.tcl in plain tclsh with the stand-ins of
# vivado_stub.tcl and checks what it asked Vivado to do (tests/test_board_files.sh).
# usage: tclsh check_flow.tcl REPO PARAMS.tcl RUN_DIR EXPECT_PART EXPECT_CLOCK_MHZ EXPECT_AXI_BITS EXPECT_PS_PORT
# RUN_DIR stands for Vivado's run directory (a .bit is put there); the flow's out_dir is moved
# into it so nothing lands in the build tree. Prints "ok: ..." per check; exits 1 on the first failure.
lassign $argv repo params run_dir part clock bits ps_port
set ::stub_run_dir $run_dir
set odpu_flow_no_main 1
source [file join $repo tests board vivado_stub.tcl]
source [file join $repo boards tcl odpu_flow.tcl]

proc check {what cond} {
    if {![uplevel 1 [list expr $cond]]} {
        puts stderr "FAIL: $what"
        exit 1
    }
    puts "ok: $what"
}

# Calls whose words match a glob pattern list (word by word, a prefix of the call).
proc calls_matching {pattern} {
    set found {}
    foreach c $::calls {
        set ok [expr {[llength $c] >= [llength $pattern]}]
        for {set i 0} {$ok && $i < [llength $pattern]} {incr i} {
            set ok [string match [lindex $pattern $i] [lindex $c $i]]
        }
        if {$ok} {
            lappend found $c
        }
    }
    return $found
}

# The params with out_dir moved to the run directory.
set moved [file join $run_dir params.tcl]
set f [open $moved w]
puts $f "source {$params}"
puts $f "set odpu(out_dir) {$run_dir}"
close $f
close [open [file join $run_dir impl.bit] w]

if {[catch {odpu_main [list $moved all]} msg]} {
    puts stderr "FAIL: the flow stopped: $msg"
    exit 1
}

check "project on part $part" {[llength [calls_matching [list create_project * * -part $part -force]]] == 2}
check "board part set" {[llength [calls_matching [list set_property board_part $odpu(board_part) project]]] == 1}

# Packaging: every AXI port of odpu_top mapped once, no trace port mapped.
set f [open [file join $repo rtl odpu_top.sv] r]
set top [read $f]
close $f
set axi_ports [lsort -unique [regexp -all -inline {\m[sm]_axil?_[a-z]+_[io]\M} $top]]
set mapped {}
foreach c [calls_matching {set_property physical_name}] {
    lappend mapped [lindex $c 2]
}
check "[llength $axi_ports] AXI ports of odpu_top found" {[llength $axi_ports] > 40}
foreach p $axi_ports {
    if {[llength [lsearch -all -exact $mapped $p]] != 1} {
        check "port $p mapped exactly once" 0
    }
}
check "every AXI port mapped once" 1
check "no trace port mapped" {[lsearch -glob $mapped trace_*] < 0}
check "clk_i, rst_ni, irq_o mapped" {"clk_i" in $mapped && "rst_ni" in $mapped && "irq_o" in $mapped}
check "reset active low" {[get_property value param:core:rst_n:POLARITY] eq "ACTIVE_LOW"}
check "clock associated with both AXI interfaces" {[get_property value param:core:clk:ASSOCIATED_BUSIF] eq "s_axi_control:m_axi_gmem"}
check "clock associated with the reset" {[get_property value param:core:clk:ASSOCIATED_RESET] eq "rst_ni"}
check "master address space $bits bits wide" {[get_property width space:m_axi_gmem] == $bits}
check "the IP is checked and saved" {[llength [calls_matching {ipx::check_integrity}]] == 1 && [llength [calls_matching {ipx::save_core}]] == 1}

# The block design.
check "PS with the board preset" {[llength [calls_matching {apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset "1"} ps}]] == 1}
set want [list PSU__USE__M_AXI_GP0 1 PSU__USE__IRQ0 1 PSU__FPGA_PL0_ENABLE 1 PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ $clock]
if {$ps_port eq "S_AXI_HP0_FPD"} {
    lappend want PSU__USE__S_AXI_GP2 1 PSU__SAXIGP2__DATA_WIDTH $bits
} else {
    lappend want PSU__USE__S_AXI_GP0 1 PSU__SAXIGP0__DATA_WIDTH $bits
}
foreach {k v} $want {
    check "PS CONFIG.$k = $v" {[info exists ::props(ps,CONFIG.$k)] && $::props(ps,CONFIG.$k) eq $v}
}
check "control: HPM0_FPD to the SmartConnect" {[llength [calls_matching {connect_bd_intf_net ps/M_AXI_HPM0_FPD ctrl_smc/S00_AXI}]] == 1}
check "control: SmartConnect to s_axi_control" {[llength [calls_matching {connect_bd_intf_net ctrl_smc/M00_AXI engine/s_axi_control}]] == 1}
check "memory: m_axi_gmem to the SmartConnect" {[llength [calls_matching {connect_bd_intf_net engine/m_axi_gmem mem_smc/S00_AXI}]] == 1}
check "memory: SmartConnect to $ps_port" {[llength [calls_matching [list connect_bd_intf_net mem_smc/M00_AXI ps/$ps_port]]] == 1}
set clk_net [lindex [calls_matching {connect_bd_net ps/pl_clk0}] 0]
check "pl_clk0 drives the engine, both SmartConnects and both PS ports" {
    "engine/clk_i" in $clk_net && "ctrl_smc/aclk" in $clk_net && "mem_smc/aclk" in $clk_net &&
    "ps/maxihpm0_fpd_aclk" in $clk_net && [llength [lsearch -all -glob $clk_net ps/saxihp*_fpd_aclk]] == 1}
check "the reset block's peripheral reset drives the engine" {"engine/rst_ni" in [lindex [calls_matching {connect_bd_net rst/peripheral_aresetn}] 0]}
check "the interrupt goes to pl_ps_irq0" {[llength [calls_matching {connect_bd_net engine/irq_o ps/pl_ps_irq0}]] == 1}
check "registers at $odpu(ctrl_base), $odpu(ctrl_range)" {[llength [calls_matching [list assign_bd_address -target_address_space ps/Data -offset $odpu(ctrl_base) -range $odpu(ctrl_range) engine/s_axi_control/*]]] == 1}
check "DDR low and high mapped for the engine" {[llength [calls_matching {assign_bd_address -target_address_space engine/m_axi_gmem ps/SAXIGP*_DDR_*}]] == 2}
check "validated, wrapped" {[llength [calls_matching validate_bd_design]] == 1 && [llength [calls_matching {make_wrapper -files system.bd -top}]] == 1}

# Implementation.
check "synthesis and implementation to the bitstream" {[llength [calls_matching {launch_runs synth_1}]] == 1 && [llength [calls_matching {launch_runs impl_1 -to_step write_bitstream}]] == 1}
check "XSA with the bitstream" {[llength [calls_matching [list write_hw_platform -fixed -include_bit -force -file [file join $run_dir $odpu(app).xsa]]]] == 1}
check "bitstream copied as $odpu(app).bit" {[file exists [file join $run_dir $odpu(app).bit]]}
exit 0
