// odpu_axi_master.sv - the engine's one AXI4 master port to DDR, shared by instruction fetch
// (read, ID 0), load (read, ID 1) and store (write): window check, bursts, response errors.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_axi_master (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     clear_i,      // START: forget the last run's reads
  input  logic [63:0]              ddr_base_i,   // DDR_BASE: physical address of window byte 0
  input  logic [63:0]              ddr_size_i,   // DDR_SIZE: window bytes
  // Read client f (fetch): physical addresses, not window-checked.
  input  logic                     f_rq_valid_i,
  output logic                     f_rq_ready_o,
  input  logic [63:0]              f_rq_addr_i,
  input  logic [4:0]               f_rq_beats_i,
  output logic                     f_rd_valid_o,
  input  logic                     f_rd_ready_i,
  output logic [AxiDataBits-1:0]   f_rd_data_o,
  output logic                     f_rd_last_o,
  // Read client l (load): DDR-window byte offsets.
  input  logic                     l_rq_valid_i,
  output logic                     l_rq_ready_o,
  input  logic [63:0]              l_rq_addr_i,
  input  logic [4:0]               l_rq_beats_i,
  output logic                     l_rd_valid_o,
  input  logic                     l_rd_ready_i,
  output logic [AxiDataBits-1:0]   l_rd_data_o,
  output logic                     l_rd_last_o,
  // Write client s (store): DDR-window byte offsets.
  input  logic                     s_wq_valid_i,
  output logic                     s_wq_ready_o,
  input  logic [63:0]              s_wq_addr_i,
  input  logic [4:0]               s_wq_beats_i,
  input  logic                     s_wd_valid_i,
  output logic                     s_wd_ready_o,
  input  logic [AxiDataBits-1:0]   s_wd_data_i,
  input  logic [AxiDataBits/8-1:0] s_wd_strb_i,
  input  logic                     s_wd_last_i,
  output logic                     s_wb_done_o,  // pulse per burst acknowledged (B)
  // Errors: one-cycle pulses, at most one per cycle; err_client_o names the client.
  output logic                     err_ddr_bounds_o,
  output logic                     err_axi_resp_o,
  output logic [1:0]               err_client_o, // 0 fetch, 1 load, 2 store
  // No burst in flight: every issued AR has handed its last beat to its client, every
  // issued AW has had its W beats sent and its B received (the error stop waits for it).
  output logic                     idle_o,
  // AXI4 master
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
  input  logic [1:0]               m_axi_bresp_i
);
  localparam int BeatBytes = AxiDataBits / 8;
  localparam int BeatShift = $clog2(BeatBytes);
  localparam int BeatLow = BeatBytes - 1;
  localparam logic [64:0] BeatLowMask = 65'(BeatLow);  // offset bits inside a beat
  // Read data buffering per client, in beats. A burst is only requested when its beats
  // have room reserved here, so R is never back-pressured (a slow client cannot stall
  // the other's data) and the load engine can keep enough bursts in flight to cover the
  // DDR latency (docs/arch.md: up to 120 cycles at one beat per cycle).
  localparam int FetchBufBeats = 32;   // two bursts: fetch reads 32-byte instructions
  localparam int LoadBufBeats  = 256;  // 16 bursts of 16 beats
  localparam int CredBits      = 9;    // holds 0 .. LoadBufBeats
  localparam logic [1:0] AxiBurstIncr  = 2'b01;
  localparam logic [1:0] AxiRespSlvErr = 2'b10;
  localparam logic [1:0] AxiRespDecErr = 2'b11;
  localparam logic [1:0] ClientFetch = 2'd0;
  localparam logic [1:0] ClientLoad  = 2'd1;
  localparam logic [1:0] ClientStore = 2'd2;

  // ---- Window check (l and s): [addr, addr + beats * BeatBytes) inside DDR_SIZE rounded
  // up to whole beats. 65-bit sums so that no address wraps around into the window.
  logic [64:0] win_limit, l_end, s_end;
  logic        l_in_win, s_in_win;

  assign win_limit = ({1'b0, ddr_size_i} + BeatLowMask) & ~BeatLowMask;
  assign l_end     = {1'b0, l_rq_addr_i} + (65'(l_rq_beats_i) << BeatShift);
  assign s_end     = {1'b0, s_wq_addr_i} + (65'(s_wq_beats_i) << BeatShift);
  assign l_in_win  = l_end <= win_limit;
  assign s_in_win  = s_end <= win_limit;

  // A refused burst is never issued and reported once; the client waits until the
  // controller's clear at the next START (docs/rtl.md "AXI clients").
  logic refused_l_q, refused_s_q, bounds_l, bounds_s;
  assign bounds_l = l_rq_valid_i && !l_in_win && !refused_l_q;
  assign bounds_s = s_wq_valid_i && !s_in_win && !refused_s_q;

  // ---- Read requests: round-robin between f and l into the AR register ----------------
  logic                 ar_valid_q;
  logic [1:0]           ar_id_q;
  logic [63:0]          ar_addr_q;
  logic [7:0]           ar_len_q;
  logic                 ar_free;
  logic [CredBits-1:0]  cred_f_q, cred_l_q;
  logic [1:0]           ar_req, ar_gnt;

  assign ar_free   = !ar_valid_q || m_axi_arready_i;
  assign ar_req[0] = f_rq_valid_i && (cred_f_q >= CredBits'(f_rq_beats_i));
  assign ar_req[1] = l_rq_valid_i && l_in_win && !refused_l_q &&
                     (cred_l_q >= CredBits'(l_rq_beats_i));

  odpu_rr_arb #(.N(2)) u_ar_arb (
    .clk_i, .rst_ni,
    .req_i (ar_req),
    .en_i  (ar_free && !clear_i),
    .gnt_o (ar_gnt)
  );
  assign f_rq_ready_o = ar_gnt[0];
  assign l_rq_ready_o = ar_gnt[1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ar_valid_q <= 1'b0;
      ar_id_q    <= '0;
      ar_addr_q  <= '0;
      ar_len_q   <= '0;
    end else if (ar_free) begin
      ar_valid_q <= |ar_gnt;
      if (ar_gnt[0]) begin
        ar_id_q   <= ClientFetch;
        ar_addr_q <= f_rq_addr_i;
        ar_len_q  <= 8'(f_rq_beats_i) - 8'd1;
      end else if (ar_gnt[1]) begin
        ar_id_q   <= ClientLoad;
        ar_addr_q <= ddr_base_i + l_rq_addr_i;
        ar_len_q  <= 8'(l_rq_beats_i) - 8'd1;
      end
    end
  end

  assign m_axi_arvalid_o = ar_valid_q;
  assign m_axi_arid_o    = ar_id_q;
  assign m_axi_araddr_o  = ar_addr_q;
  assign m_axi_arlen_o   = ar_len_q;
  assign m_axi_arsize_o  = 3'(BeatShift);
  assign m_axi_arburst_o = AxiBurstIncr;

  // ---- Read data: routed by RID into each client's buffer ------------------------------
  assign m_axi_rready_o = 1'b1;  // room is reserved by the credits

  logic rbeat_f, rbeat_l;
  assign rbeat_f = m_axi_rvalid_i && (m_axi_rid_i == ClientFetch);
  assign rbeat_l = m_axi_rvalid_i && (m_axi_rid_i != ClientFetch);

  logic rerr_f, rerr_l, idle_f, idle_l;

  odpu_axi_rd_buf #(.Depth(FetchBufBeats), .CredBits(CredBits)) u_f_buf (
    .clk_i, .rst_ni, .clear_i,
    .issue_i      (ar_gnt[0]),
    .issue_beats_i(f_rq_beats_i),
    .beat_i       (rbeat_f),
    .beat_data_i  (m_axi_rdata_i),
    .beat_last_i  (m_axi_rlast_i),
    .beat_resp_i  (m_axi_rresp_i),
    .credits_o    (cred_f_q),
    .idle_o       (idle_f),
    .err_resp_o   (rerr_f),
    .rd_valid_o   (f_rd_valid_o),
    .rd_ready_i   (f_rd_ready_i),
    .rd_data_o    (f_rd_data_o),
    .rd_last_o    (f_rd_last_o)
  );
  odpu_axi_rd_buf #(.Depth(LoadBufBeats), .CredBits(CredBits)) u_l_buf (
    .clk_i, .rst_ni, .clear_i,
    .issue_i      (ar_gnt[1]),
    .issue_beats_i(l_rq_beats_i),
    .beat_i       (rbeat_l),
    .beat_data_i  (m_axi_rdata_i),
    .beat_last_i  (m_axi_rlast_i),
    .beat_resp_i  (m_axi_rresp_i),
    .credits_o    (cred_l_q),
    .idle_o       (idle_l),
    .err_resp_o   (rerr_l),
    .rd_valid_o   (l_rd_valid_o),
    .rd_ready_i   (l_rd_ready_i),
    .rd_data_o    (l_rd_data_o),
    .rd_last_o    (l_rd_last_o)
  );

  // ---- Writes: AW register, W passed through for accepted bursts only, B acknowledged --
  logic        aw_valid_q, aw_free, aw_take;
  logic [63:0] aw_addr_q;
  logic [7:0]  aw_len_q;
  logic [5:0]  wpend_q, wpend_d;  // bursts accepted whose last W beat has not passed
  logic [5:0]  bpend_q, bpend_d;  // bursts accepted whose B has not arrived
  logic        w_open, w_fire;

  assign aw_free      = !aw_valid_q || m_axi_awready_i;
  // The counters must not wrap: at most 63 bursts without their B.
  assign aw_take      = s_wq_valid_i && s_in_win && !refused_s_q && aw_free && !clear_i &&
                        (bpend_q != '1);
  assign s_wq_ready_o = aw_take;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      aw_valid_q <= 1'b0;
      aw_addr_q  <= '0;
      aw_len_q   <= '0;
    end else if (aw_free) begin
      aw_valid_q <= aw_take;
      if (aw_take) begin
        aw_addr_q <= ddr_base_i + s_wq_addr_i;
        aw_len_q  <= 8'(s_wq_beats_i) - 8'd1;
      end
    end
  end

  assign m_axi_awvalid_o = aw_valid_q;
  assign m_axi_awid_o    = '0;
  assign m_axi_awaddr_o  = aw_addr_q;
  assign m_axi_awlen_o   = aw_len_q;
  assign m_axi_awsize_o  = 3'(BeatShift);
  assign m_axi_awburst_o = AxiBurstIncr;

  // W beats of a refused burst never reach the bus: data passes only for bursts whose AW
  // was accepted (the AXI master may send W before the slave takes AW).
  assign w_open         = wpend_q != '0;
  assign m_axi_wvalid_o = s_wd_valid_i && w_open;
  assign s_wd_ready_o   = m_axi_wready_i && w_open;
  assign m_axi_wdata_o  = s_wd_data_i;
  assign m_axi_wstrb_o  = s_wd_strb_i;
  assign m_axi_wlast_o  = s_wd_last_i;
  assign w_fire         = m_axi_wvalid_o && m_axi_wready_i && s_wd_last_i;
  assign wpend_d        = wpend_q + 6'(aw_take) - 6'(w_fire);
  assign bpend_d        = bpend_q + 6'(aw_take) - 6'(m_axi_bvalid_i);

  assign m_axi_bready_o = 1'b1;
  assign s_wb_done_o    = m_axi_bvalid_i;

  logic berr;
  assign berr = m_axi_bvalid_i &&
                ((m_axi_bresp_i == AxiRespSlvErr) || (m_axi_bresp_i == AxiRespDecErr));

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wpend_q     <= '0;
      bpend_q     <= '0;
      refused_l_q <= 1'b0;
      refused_s_q <= 1'b0;
    end else begin
      wpend_q     <= wpend_d;
      bpend_q     <= bpend_d;
      refused_l_q <= clear_i ? 1'b0 : (refused_l_q || bounds_l);
      refused_s_q <= clear_i ? 1'b0 : (refused_s_q || bounds_s);
    end
  end

  // ---- Errors: the controller reports the first one, so one per cycle is enough --------
  always_comb begin
    err_ddr_bounds_o = 1'b0;
    err_axi_resp_o   = 1'b0;
    err_client_o     = ClientFetch;
    if (bounds_l) begin
      err_ddr_bounds_o = 1'b1;
      err_client_o     = ClientLoad;
    end else if (bounds_s) begin
      err_ddr_bounds_o = 1'b1;
      err_client_o     = ClientStore;
    end else if (rerr_f) begin
      err_axi_resp_o = 1'b1;
      err_client_o   = ClientFetch;
    end else if (rerr_l) begin
      err_axi_resp_o = 1'b1;
      err_client_o   = ClientLoad;
    end else if (berr) begin
      err_axi_resp_o = 1'b1;
      err_client_o   = ClientStore;
    end
  end

  assign idle_o = !ar_valid_q && idle_f && idle_l && !aw_valid_q && (bpend_q == '0);

  // The write ID is always 0 and only one read ID per client is used.
  logic unused_axi;
  assign unused_axi = ^m_axi_bid_i;

  // ---- Assertions (docs/rtl.md "Assertions"): AXI4 keeps every channel's valid and
  // payload until the handshake, on both sides of the bus; the clients do as well until
  // START clears them.
  `ODPU_ASSERT_HANDSHAKE(a_ar_stable, m_axi_arvalid_o, m_axi_arready_i,
      {m_axi_arid_o, m_axi_araddr_o, m_axi_arlen_o, m_axi_arsize_o, m_axi_arburst_o},
      clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_aw_stable, m_axi_awvalid_o, m_axi_awready_i,
      {m_axi_awid_o, m_axi_awaddr_o, m_axi_awlen_o, m_axi_awsize_o, m_axi_awburst_o},
      clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_w_stable, m_axi_wvalid_o, m_axi_wready_i,
      {m_axi_wdata_o, m_axi_wstrb_o, m_axi_wlast_o}, clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_r_stable, m_axi_rvalid_i, m_axi_rready_o,
      {m_axi_rid_i, m_axi_rdata_i, m_axi_rresp_i, m_axi_rlast_i}, clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_b_stable, m_axi_bvalid_i, m_axi_bready_o,
      {m_axi_bid_i, m_axi_bresp_i}, clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_f_rq_stable, f_rq_valid_i, f_rq_ready_o,
      {f_rq_addr_i, f_rq_beats_i}, clk_i, !rst_ni || clear_i)
  `ODPU_ASSERT_HANDSHAKE(a_l_rq_stable, l_rq_valid_i, l_rq_ready_o,
      {l_rq_addr_i, l_rq_beats_i}, clk_i, !rst_ni || clear_i)
  `ODPU_ASSERT_HANDSHAKE(a_s_wq_stable, s_wq_valid_i, s_wq_ready_o,
      {s_wq_addr_i, s_wq_beats_i}, clk_i, !rst_ni || clear_i)
  `ODPU_ASSERT_HANDSHAKE(a_s_wd_stable, s_wd_valid_i, s_wd_ready_o,
      {s_wd_data_i, s_wd_strb_i, s_wd_last_i}, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
