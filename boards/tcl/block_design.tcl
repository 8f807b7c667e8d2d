# block_design.tcl - the block design of a board build (boards/tcl/odpu_flow.tcl, docs/boards.md):
# the Zynq UltraScale+ PS with the board's preset; its M_AXI_HPM0_FPD through a SmartConnect to
# the engine's control port at the fixed control address; the engine's AXI4 master through a
# SmartConnect to the memory port (HP0, or HPC0 for coherent access) at the arch's data width,
# with the PS DDR mapped for it; the engine's interrupt on pl_ps_irq0; everything on pl_clk0 at
# the arch's clock, reset by a proc_sys_reset from pl_resetn0.
# PS properties: the zynq_ultra_ps_e product guide (PG201) and UG1085 name the ports
# (S_AXI_GP2 = HP0, S_AXI_GP0 = HPC0, M_AXI_GP0 = HPM0_FPD, M_AXI_GP1 = HPM1_FPD,
# M_AXI_GP2 = HPM0_LPD).

# The PS settings the design needs on top of the board preset, as a CONFIG dictionary.
proc odpu_ps_config {odpu_name} {
    upvar $odpu_name odpu
    return [list \
        CONFIG.PSU__USE__M_AXI_GP0 1 \
        CONFIG.PSU__MAXIGP0__DATA_WIDTH 32 \
        CONFIG.PSU__USE__M_AXI_GP1 0 \
        CONFIG.PSU__USE__M_AXI_GP2 0 \
        CONFIG.$odpu(ps_mem_use) 1 \
        CONFIG.$odpu(ps_mem_width) $odpu(axi_data_bits) \
        CONFIG.PSU__USE__IRQ0 1 \
        CONFIG.PSU__FPGA_PL0_ENABLE 1 \
        CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ $odpu(clock_mhz)]
}

# The one pin of a cell with a given type (clk, rst, intr): the RTL and the HLS IP name their
# clock, reset and interrupt differently, the types are the same.
proc odpu_pin_of_type {cell type} {
    set pins [get_bd_pins -of_objects $cell -filter "TYPE == $type"]
    if {[llength $pins] != 1} {
        error "odpu_flow: $cell has [llength $pins] pins of type $type, expected one"
    }
    return $pins
}

proc odpu_smartconnect {name} {
    set cell [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect $name]
    set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1] $cell
    return $cell
}

# pl_clk0 runs at what its PLL divisors give; the engine's timing figures assume the arch's clock.
proc odpu_check_clock {odpu_name ps} {
    upvar $odpu_name odpu
    set actual [get_property CONFIG.PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ $ps]
    if {abs($actual - $odpu(clock_mhz)) > 0.01 * $odpu(clock_mhz)} {
        error "odpu_flow: pl_clk0 runs at $actual MHz, not the arch's $odpu(clock_mhz) MHz: pick a clock_mhz the PS PLLs reach"
    }
    puts "odpu_flow: pl_clk0 at $actual MHz (arch $odpu(clock_mhz) MHz)"
}

proc odpu_block_design {odpu_name vlnv} {
    upvar $odpu_name odpu
    create_project $odpu(app) [file join $odpu(out_dir) vivado] -part $odpu(part) -force
    set_property board_part $odpu(board_part) [current_project]
    if {$odpu(board_connections) ne ""} {
        set_property board_connections $odpu(board_connections) [current_project]
    }
    set_property ip_repo_paths [list $odpu(ip_repo)] [current_project]
    update_ip_catalog
    if {[info exists odpu(hls_zip)]} {
        update_ip_catalog -add_ip $odpu(hls_zip) -repo_path $odpu(ip_repo)
    }

    create_bd_design system
    set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:zynq_ultra_ps_e ps]
    apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset "1"} $ps
    set_property -dict [odpu_ps_config odpu] $ps
    odpu_check_clock odpu $ps

    set engine [create_bd_cell -type ip -vlnv $vlnv engine]
    set ctrl_smc [odpu_smartconnect ctrl_smc]
    set mem_smc [odpu_smartconnect mem_smc]
    set rst [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset rst]

    # Control: HPM0_FPD -> SmartConnect -> s_axi_control. Memory: m_axi_gmem -> SmartConnect -> HP0/HPC0.
    connect_bd_intf_net [get_bd_intf_pins ps/M_AXI_HPM0_FPD] [get_bd_intf_pins ctrl_smc/S00_AXI]
    connect_bd_intf_net [get_bd_intf_pins ctrl_smc/M00_AXI] [get_bd_intf_pins engine/$odpu(ctrl_intf)]
    connect_bd_intf_net [get_bd_intf_pins engine/$odpu(mem_intf)] [get_bd_intf_pins mem_smc/S00_AXI]
    connect_bd_intf_net [get_bd_intf_pins mem_smc/M00_AXI] [get_bd_intf_pins ps/$odpu(ps_mem_intf)]

    # One clock, one reset, one interrupt.
    connect_bd_net [get_bd_pins ps/pl_clk0] [get_bd_pins ps/maxihpm0_fpd_aclk] [get_bd_pins ps/$odpu(ps_mem_aclk)] \
        [get_bd_pins ctrl_smc/aclk] [get_bd_pins mem_smc/aclk] [get_bd_pins rst/slowest_sync_clk] \
        [odpu_pin_of_type $engine clk]
    connect_bd_net [get_bd_pins ps/pl_resetn0] [get_bd_pins rst/ext_reset_in]
    connect_bd_net [get_bd_pins rst/peripheral_aresetn] [get_bd_pins ctrl_smc/aresetn] [get_bd_pins mem_smc/aresetn] \
        [odpu_pin_of_type $engine rst]
    connect_bd_net [odpu_pin_of_type $engine intr] [get_bd_pins ps/pl_ps_irq0]

    # Addresses: the registers at the fixed control address; the PS DDR for the engine's master.
    assign_bd_address -target_address_space [get_bd_addr_spaces ps/Data] -offset $odpu(ctrl_base) \
        -range $odpu(ctrl_range) [get_bd_addr_segs engine/$odpu(ctrl_intf)/*]
    foreach seg $odpu(ps_mem_segs) {
        assign_bd_address -target_address_space [get_bd_addr_spaces engine/$odpu(mem_intf)] [get_bd_addr_segs ps/$seg]
    }

    validate_bd_design
    save_bd_design
    set wrapper [make_wrapper -files [get_files system.bd] -top]
    add_files -norecurse $wrapper
    set_property top system_wrapper [current_fileset]
    update_compile_order -fileset sources_1
}
