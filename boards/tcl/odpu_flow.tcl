# odpu_flow.tcl - the Vivado batch flow of a board build (docs/boards.md, "The Vivado flow").
# Run from the build's output directory, which tools/odpu_board filled:
#   vivado -mode batch -source <repo>/boards/tcl/odpu_flow.tcl -tclargs params.tcl [STEP]
# STEP is ip, bd or all (default): ip packages the engine, bd also builds and validates the
# block design, all also synthesizes, implements and writes the bitstream and the XSA.
# Every value comes from params.tcl (the board description and the arch config); the procs
# live in the files sourced below and take the odpu array, so the test sources them in plain
# tclsh with stand-ins for the Vivado commands (tests/test_board_files.sh).

set odpu_tcl_dir [file dirname [file normalize [info script]]]
source [file join $odpu_tcl_dir package_ip.tcl]
source [file join $odpu_tcl_dir block_design.tcl]
source [file join $odpu_tcl_dir implement.tcl]

# The keys every step reads; a params.tcl without one of them is refused before Vivado works.
set odpu_required_keys {board arch fingerprint part board_part board_connections clock_mhz axi_data_bits
    ctrl_base ctrl_range mem_port ps_mem_intf ps_mem_use ps_mem_width ps_mem_aclk ps_mem_segs ip kernel
    ctrl_intf mem_intf ip_vendor ip_version repo gen_dir out_dir app}

proc odpu_load_params {path} {
    global odpu_required_keys
    if {![file exists $path]} {
        error "odpu_flow: $path does not exist: run `make board` first"
    }
    uplevel #0 [list source $path]
    upvar #0 odpu odpu
    foreach key $odpu_required_keys {
        if {![info exists odpu($key)]} {
            error "odpu_flow: $path: odpu($key) is not set (regenerate it with `make board`)"
        }
    }
    if {$odpu(ip) ni {rtl hls}} {
        error "odpu_flow: $path: odpu(ip) is '$odpu(ip)', not rtl or hls"
    }
}

proc odpu_main {argv} {
    if {[llength $argv] < 1 || [llength $argv] > 2} {
        error "usage: vivado -mode batch -source odpu_flow.tcl -tclargs params.tcl \[ip|bd|all\]"
    }
    set step [expr {[llength $argv] == 2 ? [lindex $argv 1] : "all"}]
    if {$step ni {ip bd all}} {
        error "odpu_flow: step '$step' is not ip, bd or all"
    }
    odpu_load_params [lindex $argv 0]
    upvar #0 odpu odpu
    puts "odpu_flow: board $odpu(board), arch $odpu(arch) (fingerprint $odpu(fingerprint)), IP $odpu(ip), step $step"
    set vlnv [odpu_engine_ip odpu]
    if {$step eq "ip"} {
        return
    }
    odpu_block_design odpu $vlnv
    if {$step eq "bd"} {
        return
    }
    odpu_implement odpu
}

# Sourced by Vivado with -tclargs: run. Sourced by the test (odpu_flow_no_main set): define only.
if {![info exists odpu_flow_no_main]} {
    odpu_main $argv
}
