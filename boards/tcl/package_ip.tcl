# package_ip.tcl - the engine as a Vivado IP (boards/tcl/odpu_flow.tcl, docs/boards.md).
# IP rtl: rtl/ (the files of rtl/rtl.f, the generated package and the arch's include) packaged
# with the IP packager, its ports mapped to the interfaces a Vitis kernel has: the AXI4-Lite
# slave s_axi_control, the AXI4 master m_axi_gmem, the interrupt, the clock and the active-low
# reset. IP hls: the Vitis HLS export (an IP catalog archive) with the same interface names and
# the same register map (isa/regs.def), added to the catalog. Either way the block design sees
# the same IP.

# The engine's sources in compile order: the package, then rtl/rtl.f (the one file list).
proc odpu_rtl_sources {odpu_name} {
    upvar $odpu_name odpu
    set files [list [file join $odpu(gen_dir) isa odpu_pkg.sv]]
    set f [open [file join $odpu(repo) rtl rtl.f] r]
    foreach line [split [read $f] "\n"] {
        regsub {//.*$} $line {} line
        set line [string trim $line]
        if {$line ne ""} {
            lappend files [file join $odpu(repo) $line]
        }
    }
    close $f
    return $files
}

# The headers the sources include: the arch's parameters and the assertion macros.
proc odpu_rtl_headers {odpu_name} {
    upvar $odpu_name odpu
    return [list [file join $odpu(gen_dir) $odpu(arch) odpu_arch_params.vh] \
                [file join $odpu(repo) rtl odpu_assert.svh]]
}

# Map the engine's ports (rtl/odpu_top.sv) onto an interface: pairs of AXI signal and port.
proc odpu_map_ports {core intf pairs} {
    foreach {logical physical} $pairs {
        set_property physical_name $physical [ipx::add_port_map $logical [ipx::get_bus_interfaces $intf -of_objects $core]]
    }
}

proc odpu_add_interface {core name bus mode} {
    set intf [ipx::add_bus_interface $name $core]
    set_property abstraction_type_vlnv xilinx.com:interface:${bus}_rtl:1.0 $intf
    set_property bus_type_vlnv xilinx.com:interface:${bus}:1.0 $intf
    set_property interface_mode $mode $intf
    return $intf
}

proc odpu_package_rtl {odpu_name ip_dir} {
    upvar $odpu_name odpu
    create_project ip_pkg [file join $odpu(out_dir) ip_pkg] -part $odpu(part) -force
    set sources [odpu_rtl_sources odpu]
    set headers [odpu_rtl_headers odpu]
    add_files -norecurse [concat $sources $headers]
    set_property file_type SystemVerilog [get_files $sources]
    set_property file_type {Verilog Header} [get_files $headers]
    set_property include_dirs [lsort -unique [lmap h $headers {file dirname $h}]] [current_fileset]
    set_property top odpu_top [current_fileset]
    update_compile_order -fileset sources_1

    # -import_files copies every source into the IP, so the headers sit beside the modules.
    ipx::package_project -root_dir $ip_dir -vendor $odpu(ip_vendor) -library opendpu -taxonomy /UserIP \
        -import_files -set_current false
    set core [ipx::open_core [file join $ip_dir component.xml]]
    set_property name $odpu(kernel) $core
    set_property display_name "opendpu engine ($odpu(arch))" $core
    set_property version $odpu(ip_version) $core
    set_property description "opendpu INT8 CNN engine, arch $odpu(arch), fingerprint $odpu(fingerprint)" $core
    set_property supported_families {zynquplus Production} $core

    # The packager infers interfaces from port names; ours end in _i/_o, so map them by hand.
    foreach intf [ipx::get_bus_interfaces -of_objects $core] {
        ipx::remove_bus_interface [get_property name $intf] $core
    }

    odpu_add_interface $core $odpu(ctrl_intf) aximm slave
    odpu_map_ports $core $odpu(ctrl_intf) {
        AWADDR s_axil_awaddr_i AWVALID s_axil_awvalid_i AWREADY s_axil_awready_o
        WDATA s_axil_wdata_i WSTRB s_axil_wstrb_i WVALID s_axil_wvalid_i WREADY s_axil_wready_o
        BRESP s_axil_bresp_o BVALID s_axil_bvalid_o BREADY s_axil_bready_i
        ARADDR s_axil_araddr_i ARVALID s_axil_arvalid_i ARREADY s_axil_arready_o
        RDATA s_axil_rdata_o RRESP s_axil_rresp_o RVALID s_axil_rvalid_o RREADY s_axil_rready_i
    }
    odpu_add_interface $core $odpu(mem_intf) aximm master
    odpu_map_ports $core $odpu(mem_intf) {
        ARID m_axi_arid_o ARADDR m_axi_araddr_o ARLEN m_axi_arlen_o ARSIZE m_axi_arsize_o
        ARBURST m_axi_arburst_o ARVALID m_axi_arvalid_o ARREADY m_axi_arready_i
        RID m_axi_rid_i RDATA m_axi_rdata_i RRESP m_axi_rresp_i RLAST m_axi_rlast_i
        RVALID m_axi_rvalid_i RREADY m_axi_rready_o
        AWID m_axi_awid_o AWADDR m_axi_awaddr_o AWLEN m_axi_awlen_o AWSIZE m_axi_awsize_o
        AWBURST m_axi_awburst_o AWVALID m_axi_awvalid_o AWREADY m_axi_awready_i
        WDATA m_axi_wdata_o WSTRB m_axi_wstrb_o WLAST m_axi_wlast_o WVALID m_axi_wvalid_o WREADY m_axi_wready_i
        BID m_axi_bid_i BRESP m_axi_bresp_i BVALID m_axi_bvalid_i BREADY m_axi_bready_o
    }
    odpu_add_interface $core interrupt interrupt master
    odpu_map_ports $core interrupt {INTERRUPT irq_o}
    ipx::add_bus_parameter SENSITIVITY [ipx::get_bus_interfaces interrupt -of_objects $core]
    set_property value LEVEL_HIGH [ipx::get_bus_parameters SENSITIVITY \
        -of_objects [ipx::get_bus_interfaces interrupt -of_objects $core]]

    odpu_add_interface $core rst_n reset slave
    odpu_map_ports $core rst_n {RST rst_ni}
    ipx::add_bus_parameter POLARITY [ipx::get_bus_interfaces rst_n -of_objects $core]
    set_property value ACTIVE_LOW [ipx::get_bus_parameters POLARITY -of_objects [ipx::get_bus_interfaces rst_n -of_objects $core]]

    odpu_add_interface $core clk clock slave
    odpu_map_ports $core clk {CLK clk_i}
    set clk [ipx::get_bus_interfaces clk -of_objects $core]
    ipx::add_bus_parameter ASSOCIATED_BUSIF $clk
    set_property value "$odpu(ctrl_intf):$odpu(mem_intf)" [ipx::get_bus_parameters ASSOCIATED_BUSIF -of_objects $clk]
    ipx::add_bus_parameter ASSOCIATED_RESET $clk
    set_property value rst_ni [ipx::get_bus_parameters ASSOCIATED_RESET -of_objects $clk]

    # The register window and the master's address space (64-bit addresses).
    set map [ipx::add_memory_map $odpu(ctrl_intf) $core]
    set_property slave_memory_map_ref $odpu(ctrl_intf) [ipx::get_bus_interfaces $odpu(ctrl_intf) -of_objects $core]
    set block [ipx::add_address_block reg0 $map]
    set_property range 4096 $block
    set_property width 32 $block
    set space [ipx::add_address_space $odpu(mem_intf) $core]
    set_property master_address_space_ref $odpu(mem_intf) [ipx::get_bus_interfaces $odpu(mem_intf) -of_objects $core]
    set_property range 16E $space
    set_property width $odpu(axi_data_bits) $space

    # The trace_* observation outputs stay in the IP as plain ports; the block design leaves
    # them unconnected and synthesis removes the logic that only feeds them.
    ipx::create_xgui_files $core
    ipx::update_checksums $core
    ipx::check_integrity $core
    ipx::save_core $core
    close_project
}

# Make the engine IP available in the current project's catalog; returns its VLNV.
proc odpu_engine_ip {odpu_name} {
    upvar $odpu_name odpu
    set repo_dir [file join $odpu(out_dir) ip_repo]
    set vlnv "$odpu(ip_vendor):opendpu:$odpu(kernel):$odpu(ip_version)"
    if {$odpu(ip) eq "rtl"} {
        odpu_package_rtl odpu [file join $repo_dir $odpu(kernel)]
    } else {
        # The Vitis HLS export (issue "HLS IP"): export_design -format ip_catalog -vendor
        # opendpu.org -library hls -ipname odpu_engine -version <ISA version>, the interfaces
        # s_axi_control, m_axi_gmem and interrupt, the same register map (isa/regs.def).
        set zip [file join $odpu(repo) build hls $odpu(arch) $odpu(kernel).zip]
        if {![file exists $zip]} {
            error "odpu_flow: IP=hls expects the Vitis HLS IP catalog archive $zip (built by the HLS issue); use IP=rtl until then"
        }
        set vlnv "$odpu(ip_vendor):hls:$odpu(kernel):$odpu(ip_version)"
        file mkdir $repo_dir
        set odpu(hls_zip) $zip
    }
    set odpu(ip_repo) $repo_dir
    return $vlnv
}
