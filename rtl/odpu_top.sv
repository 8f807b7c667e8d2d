// odpu_top - the opendpu engine: registers, control, AXI master, the load, compute and
// store engines and the on-chip buffers, wired as docs/rtl.md describes. The port list is
// the contract with sim/ and a board's block design; it does not change per arch.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_top (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // AXI4-Lite slave: control and status registers (isa/regs.def)
  input  logic                     s_axil_awvalid_i,
  output logic                     s_axil_awready_o,
  input  logic [odpu_pkg::RegAddrBits-1:0] s_axil_awaddr_i,
  input  logic                     s_axil_wvalid_i,
  output logic                     s_axil_wready_o,
  input  logic [31:0]              s_axil_wdata_i,
  input  logic [3:0]               s_axil_wstrb_i,
  output logic                     s_axil_bvalid_o,
  input  logic                     s_axil_bready_i,
  output logic [1:0]               s_axil_bresp_o,
  input  logic                     s_axil_arvalid_i,
  output logic                     s_axil_arready_o,
  input  logic [odpu_pkg::RegAddrBits-1:0] s_axil_araddr_i,
  output logic                     s_axil_rvalid_o,
  input  logic                     s_axil_rready_i,
  output logic [31:0]              s_axil_rdata_o,
  output logic [1:0]               s_axil_rresp_o,
  // AXI4 master to DDR
  output logic                     m_axi_arvalid_o,
  input  logic                     m_axi_arready_i,
  output logic [1:0]               m_axi_arid_o,
  output logic [63:0]              m_axi_araddr_o,
  output logic [7:0]               m_axi_arlen_o,
  output logic [2:0]               m_axi_arsize_o,
  output logic [1:0]               m_axi_arburst_o,
  input  logic                     m_axi_rvalid_i,
  output logic                     m_axi_rready_o,
  input  logic [1:0]               m_axi_rid_i,
  input  logic [AxiDataBits-1:0]   m_axi_rdata_i,
  input  logic [1:0]               m_axi_rresp_i,
  input  logic                     m_axi_rlast_i,
  output logic                     m_axi_awvalid_o,
  input  logic                     m_axi_awready_i,
  output logic [1:0]               m_axi_awid_o,
  output logic [63:0]              m_axi_awaddr_o,
  output logic [7:0]               m_axi_awlen_o,
  output logic [2:0]               m_axi_awsize_o,
  output logic [1:0]               m_axi_awburst_o,
  output logic                     m_axi_wvalid_o,
  input  logic                     m_axi_wready_i,
  output logic [AxiDataBits-1:0]   m_axi_wdata_o,
  output logic [AxiDataBits/8-1:0] m_axi_wstrb_o,
  output logic                     m_axi_wlast_o,
  input  logic                     m_axi_bvalid_i,
  output logic                     m_axi_bready_o,
  input  logic [1:0]               m_axi_bid_i,
  input  logic [1:0]               m_axi_bresp_i,
  // Interrupt (ap_ctrl_hs): GIE & (ISR.ap_done | ISR.ap_ready)
  output logic                     irq_o,
  // Observation port for the simulator's profiler (lane e at e*32: 0 load, 1 compute,
  // 2 store), valid in the cycle an instruction retires.
  output logic [2:0]               trace_retire_o,
  output logic [3*32-1:0]          trace_index_o,
  output logic [3*32-1:0]          trace_start_o,
  output logic [3*32-1:0]          trace_dep_wait_o,
  output logic [3*32-1:0]          trace_ddr_stall_o
);
  localparam int IbufAddrBits = $clog2(IbufDepth);
  localparam int ObufAddrBits = $clog2(ObufDepth);
  // WBUF's port is one piece of a weight word wide (weight_load_cycles pieces a word).
  localparam int WbufAddrBits = $clog2(WbufPortDepth);
  localparam int PbufAddrBits = $clog2(PbufDepth);
  localparam int AbufAddrBits = $clog2(AbufDepth);
  localparam int IbufWordBits = IbufWordBytes * 8;
  localparam int ObufWordBits = ObufWordBytes * 8;
  localparam int WbufWordBits = WbufPortBytes * 8;
  localparam int PbufWordBits = PbufWordBytes * 8;
  localparam int AbufWordBits = AbufWordBytes * 8;
  localparam int BeatBytes    = AxiDataBits / 8;

  // ---- Registers <-> control -------------------------------------------------------------
  logic        start, abort, finish;
  logic [63:0] insn_base, ddr_base, ddr_size, run_ddr_base, run_ddr_size, cycles;
  logic [31:0] insn_count, watchdog, err_code, err_index, insn_done;
  logic [31:0] busy_load, busy_compute, busy_store, stall_dep, stall_ddr;
  logic        clear;

  odpu_regs u_regs (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .s_axil_awvalid_i(s_axil_awvalid_i),
    .s_axil_awready_o(s_axil_awready_o),
    .s_axil_awaddr_i (s_axil_awaddr_i),
    .s_axil_wvalid_i (s_axil_wvalid_i),
    .s_axil_wready_o (s_axil_wready_o),
    .s_axil_wdata_i  (s_axil_wdata_i),
    .s_axil_wstrb_i  (s_axil_wstrb_i),
    .s_axil_bvalid_o (s_axil_bvalid_o),
    .s_axil_bready_i (s_axil_bready_i),
    .s_axil_bresp_o  (s_axil_bresp_o),
    .s_axil_arvalid_i(s_axil_arvalid_i),
    .s_axil_arready_o(s_axil_arready_o),
    .s_axil_araddr_i (s_axil_araddr_i),
    .s_axil_rvalid_o (s_axil_rvalid_o),
    .s_axil_rready_i (s_axil_rready_i),
    .s_axil_rdata_o  (s_axil_rdata_o),
    .s_axil_rresp_o  (s_axil_rresp_o),
    .irq_o           (irq_o),
    .start_o         (start),
    .insn_base_o     (insn_base),
    .insn_count_o    (insn_count),
    .ddr_base_o      (ddr_base),
    .ddr_size_o      (ddr_size),
    .watchdog_o      (watchdog),
    .abort_o         (abort),
    .finish_i        (finish),
    .err_code_i      (err_code),
    .err_index_i     (err_index),
    .cycles_i        (cycles),
    .busy_load_i     (busy_load),
    .busy_compute_i  (busy_compute),
    .busy_store_i    (busy_store),
    .stall_dep_i     (stall_dep),
    .stall_ddr_i     (stall_ddr),
    .insn_done_i     (insn_done)
  );

  // ---- AXI clients -----------------------------------------------------------------------
  logic                   f_rq_valid, f_rq_ready, f_rd_valid, f_rd_ready, f_rd_last;
  logic [63:0]            f_rq_addr;
  logic [4:0]             f_rq_beats;
  logic [AxiDataBits-1:0] f_rd_data;
  logic                   l_rq_valid, l_rq_ready, l_rd_valid, l_rd_ready, l_rd_last;
  logic [63:0]            l_rq_addr;
  logic [4:0]             l_rq_beats;
  logic [AxiDataBits-1:0] l_rd_data;
  logic                   s_wq_valid, s_wq_ready, s_wd_valid, s_wd_ready, s_wd_last, s_wb_done;
  logic [63:0]            s_wq_addr;
  logic [4:0]             s_wq_beats;
  logic [AxiDataBits-1:0] s_wd_data;
  logic [BeatBytes-1:0]   s_wd_strb;
  logic                   axi_err_ddr_bounds, axi_err_resp, axi_idle, axi_activity;
  logic [1:0]             axi_err_client;

  // Any handshake on the DDR port is progress for the watchdog.
  assign axi_activity = (m_axi_arvalid_o && m_axi_arready_i) || (m_axi_rvalid_i && m_axi_rready_o) ||
                        (m_axi_awvalid_o && m_axi_awready_i) || (m_axi_wvalid_o && m_axi_wready_i) ||
                        (m_axi_bvalid_i && m_axi_bready_o);

  // ---- Engine cores <-> control ----------------------------------------------------------
  logic                ld_start, ld_done, ld_busy, ld_stall_ddr;
  logic                cp_start, cp_done, cp_busy, cp_stall_ddr;
  logic                st_start, st_done, st_busy, st_stall_ddr;
  logic [odpu_pkg::InsnBits-1:0] ld_insn, cp_insn, st_insn;

  odpu_ctrl u_ctrl (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .start_i             (start),
    .insn_base_i         (insn_base),
    .insn_count_i        (insn_count),
    .ddr_base_i          (ddr_base),
    .ddr_size_i          (ddr_size),
    .watchdog_i          (watchdog),
    .abort_i             (abort),
    .finish_o            (finish),
    .err_code_o          (err_code),
    .err_index_o         (err_index),
    .cycles_o            (cycles),
    .busy_load_o         (busy_load),
    .busy_compute_o      (busy_compute),
    .busy_store_o        (busy_store),
    .stall_dep_o         (stall_dep),
    .stall_ddr_o         (stall_ddr),
    .insn_done_o         (insn_done),
    .ddr_base_o          (run_ddr_base),
    .ddr_size_o          (run_ddr_size),
    .clear_o             (clear),
    .f_rq_valid_o        (f_rq_valid),
    .f_rq_ready_i        (f_rq_ready),
    .f_rq_addr_o         (f_rq_addr),
    .f_rq_beats_o        (f_rq_beats),
    .f_rd_valid_i        (f_rd_valid),
    .f_rd_ready_o        (f_rd_ready),
    .f_rd_data_i         (f_rd_data),
    .f_rd_last_i         (f_rd_last),
    .axi_err_ddr_bounds_i(axi_err_ddr_bounds),
    .axi_err_resp_i      (axi_err_resp),
    .axi_err_client_i    (axi_err_client),
    .axi_idle_i          (axi_idle),
    .axi_activity_i      (axi_activity),
    .ld_start_o          (ld_start),
    .ld_insn_o           (ld_insn),
    .ld_done_i           (ld_done),
    .ld_busy_i           (ld_busy),
    .ld_stall_ddr_i      (ld_stall_ddr),
    .cp_start_o          (cp_start),
    .cp_insn_o           (cp_insn),
    .cp_done_i           (cp_done),
    .cp_busy_i           (cp_busy),
    .cp_stall_ddr_i      (cp_stall_ddr),
    .st_start_o          (st_start),
    .st_insn_o           (st_insn),
    .st_done_i           (st_done),
    .st_busy_i           (st_busy),
    .st_stall_ddr_i      (st_stall_ddr),
    .trace_retire_o      (trace_retire_o),
    .trace_index_o       (trace_index_o),
    .trace_start_o       (trace_start_o),
    .trace_dep_wait_o    (trace_dep_wait_o),
    .trace_ddr_stall_o   (trace_ddr_stall_o)
  );

  odpu_axi_master u_axi (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .clear_i         (clear),
    .ddr_base_i      (run_ddr_base),
    .ddr_size_i      (run_ddr_size),
    .f_rq_valid_i    (f_rq_valid),
    .f_rq_ready_o    (f_rq_ready),
    .f_rq_addr_i     (f_rq_addr),
    .f_rq_beats_i    (f_rq_beats),
    .f_rd_valid_o    (f_rd_valid),
    .f_rd_ready_i    (f_rd_ready),
    .f_rd_data_o     (f_rd_data),
    .f_rd_last_o     (f_rd_last),
    .l_rq_valid_i    (l_rq_valid),
    .l_rq_ready_o    (l_rq_ready),
    .l_rq_addr_i     (l_rq_addr),
    .l_rq_beats_i    (l_rq_beats),
    .l_rd_valid_o    (l_rd_valid),
    .l_rd_ready_i    (l_rd_ready),
    .l_rd_data_o     (l_rd_data),
    .l_rd_last_o     (l_rd_last),
    .s_wq_valid_i    (s_wq_valid),
    .s_wq_ready_o    (s_wq_ready),
    .s_wq_addr_i     (s_wq_addr),
    .s_wq_beats_i    (s_wq_beats),
    .s_wd_valid_i    (s_wd_valid),
    .s_wd_ready_o    (s_wd_ready),
    .s_wd_data_i     (s_wd_data),
    .s_wd_strb_i     (s_wd_strb),
    .s_wd_last_i     (s_wd_last),
    .s_wb_done_o     (s_wb_done),
    .err_ddr_bounds_o(axi_err_ddr_bounds),
    .err_axi_resp_o  (axi_err_resp),
    .err_client_o    (axi_err_client),
    .idle_o          (axi_idle),
    .m_axi_arvalid_o (m_axi_arvalid_o),
    .m_axi_arready_i (m_axi_arready_i),
    .m_axi_arid_o    (m_axi_arid_o),
    .m_axi_araddr_o  (m_axi_araddr_o),
    .m_axi_arlen_o   (m_axi_arlen_o),
    .m_axi_arsize_o  (m_axi_arsize_o),
    .m_axi_arburst_o (m_axi_arburst_o),
    .m_axi_rvalid_i  (m_axi_rvalid_i),
    .m_axi_rready_o  (m_axi_rready_o),
    .m_axi_rid_i     (m_axi_rid_i),
    .m_axi_rdata_i   (m_axi_rdata_i),
    .m_axi_rresp_i   (m_axi_rresp_i),
    .m_axi_rlast_i   (m_axi_rlast_i),
    .m_axi_awvalid_o (m_axi_awvalid_o),
    .m_axi_awready_i (m_axi_awready_i),
    .m_axi_awid_o    (m_axi_awid_o),
    .m_axi_awaddr_o  (m_axi_awaddr_o),
    .m_axi_awlen_o   (m_axi_awlen_o),
    .m_axi_awsize_o  (m_axi_awsize_o),
    .m_axi_awburst_o (m_axi_awburst_o),
    .m_axi_wvalid_o  (m_axi_wvalid_o),
    .m_axi_wready_i  (m_axi_wready_i),
    .m_axi_wdata_o   (m_axi_wdata_o),
    .m_axi_wstrb_o   (m_axi_wstrb_o),
    .m_axi_wlast_o   (m_axi_wlast_o),
    .m_axi_bvalid_i  (m_axi_bvalid_i),
    .m_axi_bready_o  (m_axi_bready_o),
    .m_axi_bid_i     (m_axi_bid_i),
    .m_axi_bresp_i   (m_axi_bresp_i)
  );

  // ---- Buffer clients --------------------------------------------------------------------
  logic ld_ibuf_wr_valid;
  logic ld_ibuf_wr_ready;
  logic [IbufAddrBits-1:0] ld_ibuf_wr_addr;
  logic [IbufWordBits-1:0] ld_ibuf_wr_data;
  logic [IbufWordBytes-1:0] ld_ibuf_wr_strb;
  logic ld_obuf_wr_valid;
  logic ld_obuf_wr_ready;
  logic [ObufAddrBits-1:0] ld_obuf_wr_addr;
  logic [ObufWordBits-1:0] ld_obuf_wr_data;
  logic [ObufWordBytes-1:0] ld_obuf_wr_strb;
  logic ld_wbuf_wr_valid;
  logic ld_wbuf_wr_ready;
  logic [WbufAddrBits-1:0] ld_wbuf_wr_addr;
  logic [WbufWordBits-1:0] ld_wbuf_wr_data;
  logic [WbufPortBytes-1:0] ld_wbuf_wr_strb;
  logic ld_pbuf_wr_valid;
  logic ld_pbuf_wr_ready;
  logic [PbufAddrBits-1:0] ld_pbuf_wr_addr;
  logic [PbufWordBits-1:0] ld_pbuf_wr_data;
  logic [PbufWordBytes-1:0] ld_pbuf_wr_strb;
  logic cp_ibuf_rd_valid;
  logic cp_ibuf_rd_ready;
  logic [IbufAddrBits-1:0] cp_ibuf_rd_addr;
  logic cp_ibuf_rd_rvalid;
  logic [IbufWordBits-1:0] cp_ibuf_rd_rdata;
  logic cp_obuf_rd_valid;
  logic cp_obuf_rd_ready;
  logic [ObufAddrBits-1:0] cp_obuf_rd_addr;
  logic cp_obuf_rd_rvalid;
  logic [ObufWordBits-1:0] cp_obuf_rd_rdata;
  logic cp_obuf_wr_valid;
  logic cp_obuf_wr_ready;
  logic [ObufAddrBits-1:0] cp_obuf_wr_addr;
  logic [ObufWordBits-1:0] cp_obuf_wr_data;
  logic [ObufWordBytes-1:0] cp_obuf_wr_strb;
  logic cp_wbuf_rd_valid;
  logic cp_wbuf_rd_ready;
  logic [WbufAddrBits-1:0] cp_wbuf_rd_addr;
  logic cp_wbuf_rd_rvalid;
  logic [WbufWordBits-1:0] cp_wbuf_rd_rdata;
  logic cp_pbuf_rd_valid;
  logic cp_pbuf_rd_ready;
  logic [PbufAddrBits-1:0] cp_pbuf_rd_addr;
  logic cp_pbuf_rd_rvalid;
  logic [PbufWordBits-1:0] cp_pbuf_rd_rdata;
  logic cp_abuf_rd_valid;
  logic cp_abuf_rd_ready;
  logic [AbufAddrBits-1:0] cp_abuf_rd_addr;
  logic cp_abuf_rd_rvalid;
  logic [AbufWordBits-1:0] cp_abuf_rd_rdata;
  logic cp_abuf_wr_valid;
  logic cp_abuf_wr_ready;
  logic [AbufAddrBits-1:0] cp_abuf_wr_addr;
  logic [AbufWordBits-1:0] cp_abuf_wr_data;
  logic [AbufWordBytes-1:0] cp_abuf_wr_strb;
  logic st_ibuf_rd_valid;
  logic st_ibuf_rd_ready;
  logic [IbufAddrBits-1:0] st_ibuf_rd_addr;
  logic st_ibuf_rd_rvalid;
  logic [IbufWordBits-1:0] st_ibuf_rd_rdata;
  logic st_obuf_rd_valid;
  logic st_obuf_rd_ready;
  logic [ObufAddrBits-1:0] st_obuf_rd_addr;
  logic st_obuf_rd_rvalid;
  logic [ObufWordBits-1:0] st_obuf_rd_rdata;

  odpu_load u_load (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .start_i      (ld_start),
    .insn_i       (ld_insn),
    .done_o       (ld_done),
    .busy_o       (ld_busy),
    .stall_ddr_o  (ld_stall_ddr),
    .l_rq_valid_o (l_rq_valid),
    .l_rq_ready_i (l_rq_ready),
    .l_rq_addr_o  (l_rq_addr),
    .l_rq_beats_o (l_rq_beats),
    .l_rd_valid_i (l_rd_valid),
    .l_rd_ready_o (l_rd_ready),
    .l_rd_data_i  (l_rd_data),
    .l_rd_last_i  (l_rd_last),
    .ld_ibuf_wr_valid_o (ld_ibuf_wr_valid),
    .ld_ibuf_wr_ready_i (ld_ibuf_wr_ready),
    .ld_ibuf_wr_addr_o (ld_ibuf_wr_addr),
    .ld_ibuf_wr_data_o (ld_ibuf_wr_data),
    .ld_ibuf_wr_strb_o (ld_ibuf_wr_strb),
    .ld_obuf_wr_valid_o (ld_obuf_wr_valid),
    .ld_obuf_wr_ready_i (ld_obuf_wr_ready),
    .ld_obuf_wr_addr_o (ld_obuf_wr_addr),
    .ld_obuf_wr_data_o (ld_obuf_wr_data),
    .ld_obuf_wr_strb_o (ld_obuf_wr_strb),
    .ld_wbuf_wr_valid_o (ld_wbuf_wr_valid),
    .ld_wbuf_wr_ready_i (ld_wbuf_wr_ready),
    .ld_wbuf_wr_addr_o (ld_wbuf_wr_addr),
    .ld_wbuf_wr_data_o (ld_wbuf_wr_data),
    .ld_wbuf_wr_strb_o (ld_wbuf_wr_strb),
    .ld_pbuf_wr_valid_o (ld_pbuf_wr_valid),
    .ld_pbuf_wr_ready_i (ld_pbuf_wr_ready),
    .ld_pbuf_wr_addr_o (ld_pbuf_wr_addr),
    .ld_pbuf_wr_data_o (ld_pbuf_wr_data),
    .ld_pbuf_wr_strb_o (ld_pbuf_wr_strb)
  );

  odpu_compute u_compute (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .start_i      (cp_start),
    .insn_i       (cp_insn),
    .done_o       (cp_done),
    .busy_o       (cp_busy),
    .stall_ddr_o  (cp_stall_ddr),
    .cp_ibuf_rd_valid_o (cp_ibuf_rd_valid),
    .cp_ibuf_rd_ready_i (cp_ibuf_rd_ready),
    .cp_ibuf_rd_addr_o (cp_ibuf_rd_addr),
    .cp_ibuf_rd_rvalid_i (cp_ibuf_rd_rvalid),
    .cp_ibuf_rd_rdata_i (cp_ibuf_rd_rdata),
    .cp_obuf_rd_valid_o (cp_obuf_rd_valid),
    .cp_obuf_rd_ready_i (cp_obuf_rd_ready),
    .cp_obuf_rd_addr_o (cp_obuf_rd_addr),
    .cp_obuf_rd_rvalid_i (cp_obuf_rd_rvalid),
    .cp_obuf_rd_rdata_i (cp_obuf_rd_rdata),
    .cp_obuf_wr_valid_o (cp_obuf_wr_valid),
    .cp_obuf_wr_ready_i (cp_obuf_wr_ready),
    .cp_obuf_wr_addr_o (cp_obuf_wr_addr),
    .cp_obuf_wr_data_o (cp_obuf_wr_data),
    .cp_obuf_wr_strb_o (cp_obuf_wr_strb),
    .cp_wbuf_rd_valid_o (cp_wbuf_rd_valid),
    .cp_wbuf_rd_ready_i (cp_wbuf_rd_ready),
    .cp_wbuf_rd_addr_o (cp_wbuf_rd_addr),
    .cp_wbuf_rd_rvalid_i (cp_wbuf_rd_rvalid),
    .cp_wbuf_rd_rdata_i (cp_wbuf_rd_rdata),
    .cp_pbuf_rd_valid_o (cp_pbuf_rd_valid),
    .cp_pbuf_rd_ready_i (cp_pbuf_rd_ready),
    .cp_pbuf_rd_addr_o (cp_pbuf_rd_addr),
    .cp_pbuf_rd_rvalid_i (cp_pbuf_rd_rvalid),
    .cp_pbuf_rd_rdata_i (cp_pbuf_rd_rdata),
    .cp_abuf_rd_valid_o (cp_abuf_rd_valid),
    .cp_abuf_rd_ready_i (cp_abuf_rd_ready),
    .cp_abuf_rd_addr_o (cp_abuf_rd_addr),
    .cp_abuf_rd_rvalid_i (cp_abuf_rd_rvalid),
    .cp_abuf_rd_rdata_i (cp_abuf_rd_rdata),
    .cp_abuf_wr_valid_o (cp_abuf_wr_valid),
    .cp_abuf_wr_ready_i (cp_abuf_wr_ready),
    .cp_abuf_wr_addr_o (cp_abuf_wr_addr),
    .cp_abuf_wr_data_o (cp_abuf_wr_data),
    .cp_abuf_wr_strb_o (cp_abuf_wr_strb)
  );

  odpu_store u_store (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .start_i      (st_start),
    .insn_i       (st_insn),
    .done_o       (st_done),
    .busy_o       (st_busy),
    .stall_ddr_o  (st_stall_ddr),
    .s_wq_valid_o (s_wq_valid),
    .s_wq_ready_i (s_wq_ready),
    .s_wq_addr_o  (s_wq_addr),
    .s_wq_beats_o (s_wq_beats),
    .s_wd_valid_o (s_wd_valid),
    .s_wd_ready_i (s_wd_ready),
    .s_wd_data_o  (s_wd_data),
    .s_wd_strb_o  (s_wd_strb),
    .s_wd_last_o  (s_wd_last),
    .s_wb_done_i  (s_wb_done),
    .st_ibuf_rd_valid_o (st_ibuf_rd_valid),
    .st_ibuf_rd_ready_i (st_ibuf_rd_ready),
    .st_ibuf_rd_addr_o (st_ibuf_rd_addr),
    .st_ibuf_rd_rvalid_i (st_ibuf_rd_rvalid),
    .st_ibuf_rd_rdata_i (st_ibuf_rd_rdata),
    .st_obuf_rd_valid_o (st_obuf_rd_valid),
    .st_obuf_rd_ready_i (st_obuf_rd_ready),
    .st_obuf_rd_addr_o (st_obuf_rd_addr),
    .st_obuf_rd_rvalid_i (st_obuf_rd_rvalid),
    .st_obuf_rd_rdata_i (st_obuf_rd_rdata)
  );

  odpu_bufs u_bufs (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .ld_ibuf_wr_valid_i (ld_ibuf_wr_valid),
    .ld_ibuf_wr_ready_o (ld_ibuf_wr_ready),
    .ld_ibuf_wr_addr_i (ld_ibuf_wr_addr),
    .ld_ibuf_wr_data_i (ld_ibuf_wr_data),
    .ld_ibuf_wr_strb_i (ld_ibuf_wr_strb),
    .ld_obuf_wr_valid_i (ld_obuf_wr_valid),
    .ld_obuf_wr_ready_o (ld_obuf_wr_ready),
    .ld_obuf_wr_addr_i (ld_obuf_wr_addr),
    .ld_obuf_wr_data_i (ld_obuf_wr_data),
    .ld_obuf_wr_strb_i (ld_obuf_wr_strb),
    .ld_wbuf_wr_valid_i (ld_wbuf_wr_valid),
    .ld_wbuf_wr_ready_o (ld_wbuf_wr_ready),
    .ld_wbuf_wr_addr_i (ld_wbuf_wr_addr),
    .ld_wbuf_wr_data_i (ld_wbuf_wr_data),
    .ld_wbuf_wr_strb_i (ld_wbuf_wr_strb),
    .ld_pbuf_wr_valid_i (ld_pbuf_wr_valid),
    .ld_pbuf_wr_ready_o (ld_pbuf_wr_ready),
    .ld_pbuf_wr_addr_i (ld_pbuf_wr_addr),
    .ld_pbuf_wr_data_i (ld_pbuf_wr_data),
    .ld_pbuf_wr_strb_i (ld_pbuf_wr_strb),
    .cp_ibuf_rd_valid_i (cp_ibuf_rd_valid),
    .cp_ibuf_rd_ready_o (cp_ibuf_rd_ready),
    .cp_ibuf_rd_addr_i (cp_ibuf_rd_addr),
    .cp_ibuf_rd_rvalid_o (cp_ibuf_rd_rvalid),
    .cp_ibuf_rd_rdata_o (cp_ibuf_rd_rdata),
    .cp_obuf_rd_valid_i (cp_obuf_rd_valid),
    .cp_obuf_rd_ready_o (cp_obuf_rd_ready),
    .cp_obuf_rd_addr_i (cp_obuf_rd_addr),
    .cp_obuf_rd_rvalid_o (cp_obuf_rd_rvalid),
    .cp_obuf_rd_rdata_o (cp_obuf_rd_rdata),
    .cp_obuf_wr_valid_i (cp_obuf_wr_valid),
    .cp_obuf_wr_ready_o (cp_obuf_wr_ready),
    .cp_obuf_wr_addr_i (cp_obuf_wr_addr),
    .cp_obuf_wr_data_i (cp_obuf_wr_data),
    .cp_obuf_wr_strb_i (cp_obuf_wr_strb),
    .cp_wbuf_rd_valid_i (cp_wbuf_rd_valid),
    .cp_wbuf_rd_ready_o (cp_wbuf_rd_ready),
    .cp_wbuf_rd_addr_i (cp_wbuf_rd_addr),
    .cp_wbuf_rd_rvalid_o (cp_wbuf_rd_rvalid),
    .cp_wbuf_rd_rdata_o (cp_wbuf_rd_rdata),
    .cp_pbuf_rd_valid_i (cp_pbuf_rd_valid),
    .cp_pbuf_rd_ready_o (cp_pbuf_rd_ready),
    .cp_pbuf_rd_addr_i (cp_pbuf_rd_addr),
    .cp_pbuf_rd_rvalid_o (cp_pbuf_rd_rvalid),
    .cp_pbuf_rd_rdata_o (cp_pbuf_rd_rdata),
    .cp_abuf_rd_valid_i (cp_abuf_rd_valid),
    .cp_abuf_rd_ready_o (cp_abuf_rd_ready),
    .cp_abuf_rd_addr_i (cp_abuf_rd_addr),
    .cp_abuf_rd_rvalid_o (cp_abuf_rd_rvalid),
    .cp_abuf_rd_rdata_o (cp_abuf_rd_rdata),
    .cp_abuf_wr_valid_i (cp_abuf_wr_valid),
    .cp_abuf_wr_ready_o (cp_abuf_wr_ready),
    .cp_abuf_wr_addr_i (cp_abuf_wr_addr),
    .cp_abuf_wr_data_i (cp_abuf_wr_data),
    .cp_abuf_wr_strb_i (cp_abuf_wr_strb),
    .st_ibuf_rd_valid_i (st_ibuf_rd_valid),
    .st_ibuf_rd_ready_o (st_ibuf_rd_ready),
    .st_ibuf_rd_addr_i (st_ibuf_rd_addr),
    .st_ibuf_rd_rvalid_o (st_ibuf_rd_rvalid),
    .st_ibuf_rd_rdata_o (st_ibuf_rd_rdata),
    .st_obuf_rd_valid_i (st_obuf_rd_valid),
    .st_obuf_rd_ready_o (st_obuf_rd_ready),
    .st_obuf_rd_addr_i (st_obuf_rd_addr),
    .st_obuf_rd_rvalid_o (st_obuf_rd_rvalid),
    .st_obuf_rd_rdata_o (st_obuf_rd_rdata)
  );
endmodule
`default_nettype wire
