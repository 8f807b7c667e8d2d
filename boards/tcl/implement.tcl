# implement.tcl - synthesis, implementation, bitstream and hardware platform of a board build
# (boards/tcl/odpu_flow.tcl, docs/boards.md). Writes, in the output directory, reports/
# (utilization, timing) and, only when timing is met, <app>.bit and <app>.xsa
# (write_hw_platform -fixed -include_bit, for PetaLinux or a Vitis platform).

# Parallel jobs for the runs: ODPU_VIVADO_JOBS, else the machine's cores.
proc odpu_jobs {} {
    if {[info exists ::env(ODPU_VIVADO_JOBS)]} {
        return $::env(ODPU_VIVADO_JOBS)
    }
    if {[catch {exec nproc} n]} {
        return 2
    }
    return $n
}

proc odpu_check_run {run} {
    if {[get_property PROGRESS [get_runs $run]] ne "100%"} {
        error "odpu_flow: $run failed ([get_property STATUS [get_runs $run]]): see [get_property DIRECTORY [get_runs $run]]/runme.log"
    }
}

proc odpu_implement {odpu_name} {
    upvar $odpu_name odpu
    set jobs [odpu_jobs]
    launch_runs synth_1 -jobs $jobs
    wait_on_run synth_1
    odpu_check_run synth_1
    launch_runs impl_1 -to_step write_bitstream -jobs $jobs
    wait_on_run impl_1
    odpu_check_run impl_1

    open_run impl_1
    set reports [file join $odpu(out_dir) reports]
    file mkdir $reports
    report_utilization -hierarchical -file [file join $reports utilization.rpt]
    report_timing_summary -file [file join $reports timing.rpt]

    set wns [get_property STATS.WNS [get_runs impl_1]]
    if {$wns < 0} {
        error "odpu_flow: timing not met at $odpu(clock_mhz) MHz (WNS $wns ns, reports/timing.rpt): no $odpu(app).bit written; lower the arch's clock_mhz"
    }
    set bits [glob -nocomplain [file join [get_property DIRECTORY [get_runs impl_1]] *.bit]]
    if {[llength $bits] != 1} {
        error "odpu_flow: impl_1 wrote [llength $bits] bitstreams, expected one"
    }
    write_hw_platform -fixed -include_bit -force -file [file join $odpu(out_dir) $odpu(app).xsa]
    file copy -force [lindex $bits 0] [file join $odpu(out_dir) $odpu(app).bit]
    puts "odpu_flow: $odpu(app).bit and $odpu(app).xsa written (WNS $wns ns)"
}
