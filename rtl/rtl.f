// rtl.f - the engine's sources, the one list every tool reads (Verilator -f format: one path
// per line from the repository root). The generated package $(GEN_DIR)/isa/odpu_pkg.sv
// comes before them; odpu_top is the top. Testbench-only models live in tests/rtl/.
rtl/odpu_adder.sv
rtl/odpu_axi_master.sv
rtl/odpu_axi_rd_buf.sv
rtl/odpu_buf_port.sv
rtl/odpu_buf_ram.sv
rtl/odpu_bufs.sv
rtl/odpu_byte_align.sv
rtl/odpu_check.sv
rtl/odpu_compute.sv
rtl/odpu_conv_agu.sv
rtl/odpu_conv_unit.sv
rtl/odpu_count_fifo.sv
rtl/odpu_ctrl.sv
rtl/odpu_dma_walker.sv
rtl/odpu_elew_unit.sv
rtl/odpu_engine_seq.sv
rtl/odpu_fetch.sv
rtl/odpu_fifo.sv
rtl/odpu_load.sv
rtl/odpu_load_stage.sv
rtl/odpu_mac_array.sv
rtl/odpu_mac_chain.sv
rtl/odpu_mac_pair.sv
rtl/odpu_out_stage.sv
rtl/odpu_pool_div.sv
rtl/odpu_pool_merge.sv
rtl/odpu_pool_unit.sv
rtl/odpu_rdbpot.sv
rtl/odpu_regs.sv
rtl/odpu_requant.sv
rtl/odpu_rr_arb.sv
rtl/odpu_srdhm.sv
rtl/odpu_store.sv
rtl/odpu_top.sv
rtl/odpu_watchdog.sv
