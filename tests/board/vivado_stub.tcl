# vivado_stub.tcl - stand-ins for the Vivado commands boards/tcl/ calls, for tclsh
# (tests/test_board_files.sh). Each records its call in ::calls and returns a plausible object
# name; set_property keeps the values so get_property can answer. Only the commands listed
# here exist: a misspelt command in our flow fails as "invalid command name". CONFIG
# properties set on the PS must be among the zynq_ultra_ps_e names listed below (PG201), so a
# misspelt property fails too. add_files refuses a file that does not exist.

set ::calls {}
array set ::props {}
array set ::cells {}

# The PS properties our flow may set or read (zynq_ultra_ps_e, PG201 / UG1085).
set ::ps_properties {
    PSU__USE__M_AXI_GP0 PSU__MAXIGP0__DATA_WIDTH PSU__USE__M_AXI_GP1 PSU__USE__M_AXI_GP2
    PSU__USE__S_AXI_GP0 PSU__SAXIGP0__DATA_WIDTH PSU__USE__S_AXI_GP2 PSU__SAXIGP2__DATA_WIDTH
    PSU__USE__IRQ0 PSU__FPGA_PL0_ENABLE PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ
    PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ
}

proc stub_record {args} {
    lappend ::calls $args
}

proc stub_set {name value obj} {
    if {[info exists ::cells($obj)] && [string match xilinx.com:ip:zynq_ultra_ps_e* $::cells($obj)] &&
        [string match CONFIG.* $name] && [string range $name 7 end] ni $::ps_properties} {
        error "vivado_stub: $obj has no property $name"
    }
    set ::props($obj,$name) $value
    # The PS reaches the requested PL clock exactly in this stand-in.
    if {$name eq "CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ"} {
        set ::props($obj,CONFIG.PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ) $value
    }
}

proc set_property {args} {
    stub_record set_property {*}$args
    if {[lindex $args 0] eq "-dict"} {
        foreach obj [lindex $args 2] {
            foreach {k v} [lindex $args 1] {
                stub_set $k $v $obj
            }
        }
        return
    }
    lassign $args name value objs
    foreach obj $objs {
        stub_set $name $value $obj
    }
}

proc get_property {name obj} {
    if {[info exists ::props($obj,$name)]} {
        return $::props($obj,$name)
    }
    switch -- $name {
        PROGRESS { return 100% }
        STATUS { return "write_bitstream Complete!" }
        STATS.WNS { return 0.042 }
        DIRECTORY { return $::stub_run_dir }
        name { return [lindex [split $obj :] end] }
    }
    error "vivado_stub: no property $name on $obj"
}

proc create_project {args} { stub_record create_project {*}$args; return [lindex $args 0] }
proc current_project {args} { return project }
proc current_fileset {args} { return sources_1 }
proc close_project {args} { stub_record close_project {*}$args }
proc update_compile_order {args} { stub_record update_compile_order {*}$args }
proc add_files {args} {
    stub_record add_files {*}$args
    foreach f [lindex $args end] {
        if {![file exists $f]} {
            error "vivado_stub: add_files: $f does not exist"
        }
    }
}
proc get_files {args} { return [lindex $args end] }
proc update_ip_catalog {args} { stub_record update_ip_catalog {*}$args }

namespace eval ipx {
    proc package_project {args} { ::stub_record ipx::package_project {*}$args }
    proc open_core {path} { ::stub_record ipx::open_core $path; return core }
    proc get_bus_interfaces {args} {
        if {[lindex $args 0] eq "-of_objects"} {
            return {core:auto_inferred}
        }
        return "core:[lindex $args 0]"
    }
    proc remove_bus_interface {name core} { ::stub_record ipx::remove_bus_interface $name $core }
    proc add_bus_interface {name core} { ::stub_record ipx::add_bus_interface $name; return "core:$name" }
    proc add_port_map {logical intf} { ::stub_record ipx::add_port_map $logical $intf; return "map:$intf:$logical" }
    proc add_bus_parameter {name intf} { ::stub_record ipx::add_bus_parameter $name $intf; return "param:$intf:$name" }
    proc get_bus_parameters {name args} { return "param:[lindex $args end]:$name" }
    proc add_memory_map {name core} { ::stub_record ipx::add_memory_map $name; return "memmap:$name" }
    proc add_address_block {name map} { ::stub_record ipx::add_address_block $name $map; return "block:$name" }
    proc add_address_space {name core} { ::stub_record ipx::add_address_space $name; return "space:$name" }
    proc create_xgui_files {core} { ::stub_record ipx::create_xgui_files }
    proc update_checksums {core} { ::stub_record ipx::update_checksums }
    proc check_integrity {core} { ::stub_record ipx::check_integrity }
    proc save_core {core} { ::stub_record ipx::save_core }
}

proc create_bd_design {name} { stub_record create_bd_design $name }
proc create_bd_cell {args} {
    stub_record create_bd_cell {*}$args
    set name [lindex $args end]
    set ::cells($name) [lindex $args [expr {[lsearch $args -vlnv] + 1}]]
    return $name
}
proc apply_bd_automation {args} { stub_record apply_bd_automation {*}$args }
proc get_bd_intf_pins {path} { return $path }
proc get_bd_pins {args} {
    if {[lindex $args 0] eq "-of_objects"} {
        # The engine's pins by type, as the IP packaging mapped them.
        set type [lindex [lindex $args 3] 2]
        array set by_type {clk clk_i rst rst_ni intr irq_o}
        return "[lindex $args 1]/$by_type($type)"
    }
    return [lindex $args 0]
}
proc connect_bd_intf_net {a b} { stub_record connect_bd_intf_net $a $b }
proc connect_bd_net {args} { stub_record connect_bd_net {*}$args }
proc get_bd_addr_spaces {path} { return $path }
proc get_bd_addr_segs {path} { return $path }
proc assign_bd_address {args} { stub_record assign_bd_address {*}$args }
proc validate_bd_design {args} { stub_record validate_bd_design }
proc save_bd_design {args} { stub_record save_bd_design }
proc make_wrapper {args} {
    stub_record make_wrapper {*}$args
    set path [file join $::stub_run_dir system_wrapper.v]
    close [open $path w]
    return $path
}

proc launch_runs {args} { stub_record launch_runs {*}$args }
proc wait_on_run {run} { stub_record wait_on_run $run }
proc get_runs {run} { return $run }
proc open_run {run} { stub_record open_run $run }
proc report_utilization {args} { stub_record report_utilization {*}$args }
proc report_timing_summary {args} { stub_record report_timing_summary {*}$args }
proc write_hw_platform {args} { stub_record write_hw_platform {*}$args }
