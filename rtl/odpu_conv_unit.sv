// odpu_conv_unit.sv - CONV of the compute engine: odpu_conv_agu's pixel tokens read IBUF
// (or stand for padding) and ABUF (read-modify-write), odpu_mac_array accumulates one
// output pixel per cycle, every pass writes its ABUF words back and the last pass of an
// output block also goes to OBUF through the shared output stage (odpu_out_stage, one word
// of Rows lanes per cycle). docs/rtl.md "Compute engine" describes the dataflow.
//
// Buffer reads return one cycle after their handshake and cannot wait, so each read stream
// lands in a small FIFO (X: IBUF data with the token, A: ABUF data) that is never issued
// into without room; the array pops X and A together, and its results wait in FIFOs for the
// ABUF and OBUF write ports. A pixel's ABUF read in a later pass of the same output block
// waits until its previous pass wrote it back: at most a chunk's pixel count of tokens are
// in flight between a token's issue and its ABUF write.
//
// Fused max pooling: output items carry the address of their pooled OBUF word and where the
// pixel sits in its pool_h x pool_w window; odpu_pool_merge (in the output stage) merges
// them. Items leave in the same order and at the same rate as without pooling.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_conv_unit #(
  parameter int LaneBits = Rows > 1 ? $clog2(Rows) : 1,  // bits of a lane index
  parameter int WordIdxBits = 1                          // bits of an item's word of a pixel
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic                         start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  output logic                         done_o,
  output logic                         idle_o,
  // IBUF read
  output logic                         ibuf_rd_valid_o,
  input  logic                         ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0] ibuf_rd_addr_o,
  input  logic                         ibuf_rd_rvalid_i,
  input  logic [IbufWordBytes*8-1:0]   ibuf_rd_rdata_i,
  // WBUF read
  output logic                         wbuf_rd_valid_o,
  input  logic                         wbuf_rd_ready_i,
  output logic [$clog2(WbufPortDepth)-1:0] wbuf_rd_addr_o,  // a port-wide piece
  input  logic                         wbuf_rd_rvalid_i,
  input  logic [WbufPortBytes*8-1:0]   wbuf_rd_rdata_i,
  // PBUF read
  output logic                         pbuf_rd_valid_o,
  input  logic                         pbuf_rd_ready_i,
  output logic [$clog2(PbufDepth)-1:0] pbuf_rd_addr_o,
  input  logic                         pbuf_rd_rvalid_i,
  input  logic [PbufWordBytes*8-1:0]   pbuf_rd_rdata_i,
  // ABUF read and write
  output logic                         abuf_rd_valid_o,
  input  logic                         abuf_rd_ready_i,
  output logic [$clog2(AbufDepth)-1:0] abuf_rd_addr_o,
  input  logic                         abuf_rd_rvalid_i,
  input  logic [AbufWordBytes*8-1:0]   abuf_rd_rdata_i,
  output logic                         abuf_wr_valid_o,
  input  logic                         abuf_wr_ready_i,
  output logic [$clog2(AbufDepth)-1:0] abuf_wr_addr_o,
  output logic [AbufWordBytes*8-1:0]   abuf_wr_data_o,
  // Items of the shared output stage (odpu_out_stage), one per OBUF word
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [Rows*32-1:0]           out_x_o,
  output logic [Rows-1:0]              out_apply1_o,
  output logic [Rows*32-1:0]           out_m1_o,
  output logic [Rows*32-1:0]           out_m2_o,
  output logic [Rows*6-1:0]            out_s2_o,
  output logic [$clog2(ObufDepth)-1:0] out_addr_o,
  output logic [Rows-1:0]              out_mask_o,
  output logic [WordIdxBits-1:0]       out_word_o,     // word k of the pixel
  output logic                         out_first_h_o,  // ox mod pool_w = 0
  output logic                         out_last_h_o,   // ox mod pool_w = pool_w - 1
  output logic                         out_first_v_o,  // oy mod pool_h = 0
  input  logic                         out_idle_i
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_conv_t conv;
  /* verilator lint_on UNUSEDSIGNAL */
  assign conv = insn_i;
  localparam int XBits = Rows * 8;
  localparam int AccBits = Cols * 32;
  localparam int AbufAddrBits = $clog2(AbufDepth);
  localparam int XDepth = 4;
  localparam int ADepth = 4;
  // The MAC array is a pipeline of ArrayLatency steps (odpu_mac_array); the ABUF write FIFO
  // holds every step in it plus two, so a full pipeline keeps running while the write port
  // keeps up.
  localparam int ChainRows = Rows < 8 ? Rows : 8;
  localparam int ArrayLatency = ChainRows + 2;
  localparam int WDepth = 1 << $clog2(ArrayLatency + 2);
  // The output stage writes Cols/Rows OBUF words per pixel: its FIFO holds the backlog a
  // chunk's last pass builds up (half a chunk when Cols = 2 Rows) while the next chunk's
  // passes run, 16 items besides the steps in the array (32 entries cost the same LUT RAM).
  localparam int ODepth = 1 << $clog2(16 + ArrayLatency);
  localparam int CntBits = 7;             // holds every FIFO depth above, plus one bit
  localparam int OutWords = Cols / Rows;  // OBUF words per ABUF word

  // ---- Instruction fields used here
  logic               f_leaky;
  logic signed [7:0]  f_in_zp;
  assign f_leaky   = conv.leaky;
  assign f_in_zp   = conv.in_zp;

  // ---- Sequencer
  logic                     pipe_idle;
  logic [Cols-1:0]          col_valid;
  logic [31:0]              obuf_base, obuf_words, pixels;
  logic [31:0]              out_w, pool_cols, opix;
  logic [2:0]               pool_h, pool_w;
  logic                     wld_valid, wld_ready, wld_dw;
  logic [31:0]              wld_addr;
  logic [LaneBits-1:0]      wld_off, wld_tap;
  logic [Rows-1:0]          wld_lane_en;
  logic [Cols-1:0]          wld_col_en;
  logic [Cols*LaneBits-1:0] wld_col_lane;
  logic                     tok_valid, tok_ready, tok_pad, tok_use_bias, tok_last_pass, tok_pass_end;
  logic [31:0]              tok_ibuf_addr, tok_abuf_addr, tok_pixel, tok_chunk_len;

  odpu_conv_agu #(.LaneBits(LaneBits)) u_agu (
    .clk_i, .rst_ni, .clear_i, .start_i, .insn_i,
    .pipe_idle_i     (pipe_idle),
    .done_o,
    .pbuf_rd_valid_o, .pbuf_rd_ready_i, .pbuf_rd_addr_o,
    .ob_col_valid_o  (col_valid),
    .ob_obuf_base_o  (obuf_base),
    .ob_obuf_words_o (obuf_words),
    .pixels_o        (pixels),
    .out_w_o         (out_w),
    .pool_h_o        (pool_h),
    .pool_w_o        (pool_w),
    .pool_cols_o     (pool_cols),
    .opix_o          (opix),
    .wld_valid_o     (wld_valid),
    .wld_ready_i     (wld_ready),
    .wld_addr_o      (wld_addr),
    .wld_dw_o        (wld_dw),
    .wld_off_o       (wld_off),
    .wld_tap_o       (wld_tap),
    .wld_lane_en_o   (wld_lane_en),
    .wld_col_en_o    (wld_col_en),
    .wld_col_lane_o  (wld_col_lane),
    .tok_valid_o     (tok_valid),
    .tok_ready_i     (tok_ready),
    .tok_pad_o       (tok_pad),
    .tok_ibuf_addr_o (tok_ibuf_addr),
    .tok_abuf_addr_o (tok_abuf_addr),
    .tok_pixel_o     (tok_pixel),
    .tok_use_bias_o  (tok_use_bias),
    .tok_last_pass_o (tok_last_pass),
    .tok_pass_end_o  (tok_pass_end),
    .tok_chunk_len_o (tok_chunk_len)
  );

  // ---- Parameters of the output block (PBUF word), taken when its read returns
  logic [PbufWordBytes*8-1:0] params_q;
  always_ff @(posedge clk_i) begin
    if (pbuf_rd_rvalid_i) begin
      params_q <= pbuf_rd_rdata_i;
    end
  end

  // ---- Weight loads: a pass's WBUF word goes into the array's shadow register in
  // WeightLoadCycles reads of one port-wide piece each (pieces A*WeightLoadCycles + p); the
  // sequencer's request is taken with the last piece. The shadow is refilled only after its
  // weights moved on (swap), so a pass of at least WeightLoadCycles steps hides the load.
  localparam int PieceBits = WeightLoadCycles > 1 ? $clog2(WeightLoadCycles) : 1;
  logic                     shadow_valid_q, act_valid_q, last_pend_q;
  logic [PieceBits-1:0]     piece_q, rpiece_q;
  logic                     xf_dw_q;
  logic [LaneBits-1:0]      xf_off_q, xf_tap_q;
  logic [Rows-1:0]          xf_lane_en_q;
  logic [Cols-1:0]          xf_col_en_q;
  logic [Cols*LaneBits-1:0] xf_col_lane_q;
  logic                     piece_last, shadow_free, wld_fire, swap, pop, pop_pass_end;
  logic [$clog2(ChainRows+1)-1:0] swap_gap_q;  // cycles until the next swap may happen

  assign piece_last = 32'(piece_q) == WeightLoadCycles - 1;
  assign shadow_free = !shadow_valid_q && !last_pend_q;
  assign wbuf_rd_valid_o = wld_valid && shadow_free;
  assign wbuf_rd_addr_o = $clog2(WbufPortDepth)'((wld_addr << $clog2(WeightLoadCycles)) +
                                                 32'(piece_q));
  assign wld_ready = wbuf_rd_ready_i && shadow_free && piece_last;
  assign wld_fire = wbuf_rd_valid_o && wbuf_rd_ready_i;  // one piece
  // The active weights belong to the pass of the token at the X FIFO head; they move on
  // with the pass's last token, at least ChainRows cycles after the last swap (the array's
  // DSP chains take new weights one lane per cycle).
  assign swap = shadow_valid_q && swap_gap_q == '0 && (!act_valid_q || pop_pass_end);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      shadow_valid_q <= 1'b0;
      act_valid_q <= 1'b0;
      last_pend_q <= 1'b0;
      piece_q <= '0;
      swap_gap_q <= '0;
    end else begin
      if (swap) begin
        swap_gap_q <= $bits(swap_gap_q)'(ChainRows - 1);
      end else if (swap_gap_q != '0) begin
        swap_gap_q <= swap_gap_q - 1'b1;
      end
      if (wld_fire) begin
        piece_q <= piece_last ? '0 : piece_q + 1'b1;
      end
      if (wld_fire && piece_last) begin
        last_pend_q <= 1'b1;
      end else if (wbuf_rd_rvalid_i) begin
        last_pend_q <= 1'b0;
      end
      if (wbuf_rd_rvalid_i && 32'(rpiece_q) == WeightLoadCycles - 1) begin
        shadow_valid_q <= 1'b1;
      end else if (swap) begin
        shadow_valid_q <= 1'b0;
      end
      if (swap) begin
        act_valid_q <= 1'b1;
      end else if (pop_pass_end) begin
        act_valid_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (wld_fire) begin
      rpiece_q <= piece_q;
      xf_dw_q <= wld_dw;
      xf_off_q <= wld_off;
      xf_tap_q <= wld_tap;
      xf_lane_en_q <= wld_lane_en;
      xf_col_en_q <= wld_col_en;
      xf_col_lane_q <= wld_col_lane;
    end
  end

  // ---- Token issue: the IBUF part and the ABUF part complete independently
  // X FIFO entry: {x, use_bias, last_pass, pass_end, pixel, abuf_addr}
  localparam int XMetaBits = 3 + 32 + AbufAddrBits;
  localparam int XEntBits = XBits + XMetaBits;
  logic                 i_done_q, a_done_q, x_pend_q, a_pend_q, x_pad_q;
  logic [XMetaBits-1:0] x_meta_q, tok_meta;
  logic [CntBits-1:0]   xq_count, aq_count, wq_count, oq_count;
  logic [XEntBits-1:0]  xq_head;
  logic [AccBits-1:0]   aq_head;
  logic [31:0]          in_flight_q;
  logic                 need_i, need_a, can_x, can_a, hazard_ok, i_pad_go, i_fire, a_fire;
  logic                 i_complete, a_complete, tok_fire, abuf_wr_fire;

  assign need_i = !tok_pad;
  assign need_a = !tok_use_bias;
  assign can_x = 32'(xq_count) + 32'(x_pend_q) < XDepth;
  assign can_a = 32'(aq_count) + 32'(a_pend_q) < ADepth;
  assign hazard_ok = in_flight_q < tok_chunk_len;

  assign ibuf_rd_valid_o = tok_valid && need_i && !i_done_q && can_x;
  assign ibuf_rd_addr_o = $clog2(IbufDepth)'(tok_ibuf_addr);
  assign i_fire = ibuf_rd_valid_o && ibuf_rd_ready_i;
  assign i_pad_go = tok_valid && !need_i && !i_done_q && can_x;
  assign i_complete = i_done_q || i_fire || i_pad_go;

  assign abuf_rd_valid_o = tok_valid && need_a && !a_done_q && can_a && hazard_ok;
  assign abuf_rd_addr_o = AbufAddrBits'(tok_abuf_addr);
  assign a_fire = abuf_rd_valid_o && abuf_rd_ready_i;
  assign a_complete = a_done_q || !need_a || a_fire;

  assign tok_ready = i_complete && a_complete;
  assign tok_fire = tok_valid && tok_ready;
  assign tok_meta = {tok_use_bias, tok_last_pass, tok_pass_end, tok_pixel,
                     AbufAddrBits'(tok_abuf_addr)};

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      i_done_q <= 1'b0;
      a_done_q <= 1'b0;
      x_pend_q <= 1'b0;
      a_pend_q <= 1'b0;
      in_flight_q <= '0;
    end else begin
      i_done_q <= tok_fire ? 1'b0 : i_done_q || i_fire || i_pad_go;
      a_done_q <= tok_fire ? 1'b0 : a_done_q || a_fire;
      x_pend_q <= i_fire || i_pad_go;
      a_pend_q <= a_fire;
      in_flight_q <= in_flight_q + 32'(tok_fire) - 32'(abuf_wr_fire);
    end
  end

  always_ff @(posedge clk_i) begin
    if (i_fire || i_pad_go) begin
      x_meta_q <= tok_meta;
      x_pad_q <= !need_i;
    end
  end

  // The IBUF data (or the zero point for padding) joins its token's metadata.
  logic [XEntBits-1:0] xq_wdata;
  assign xq_wdata = {x_pad_q ? {Rows{f_in_zp}} : ibuf_rd_rdata_i, x_meta_q};

  logic xq_pop, aq_pop, wq_push, wq_pop, oq_push, oq_pop;

  odpu_count_fifo #(.Width(XEntBits), .Depth(XDepth)) u_xq (
    .clk_i, .rst_ni, .clear_i,
    .push_i  (x_pend_q),
    .wdata_i (xq_wdata),
    .pop_i   (xq_pop),
    .rdata_o (xq_head),
    .count_o (xq_count[$clog2(XDepth):0])
  );
  assign xq_count[CntBits-1:$clog2(XDepth)+1] = '0;

  odpu_count_fifo #(.Width(AccBits), .Depth(ADepth)) u_aq (
    .clk_i, .rst_ni, .clear_i,
    .push_i  (a_pend_q),
    .wdata_i (abuf_rd_rdata_i),
    .pop_i   (aq_pop),
    .rdata_o (aq_head),
    .count_o (aq_count[$clog2(ADepth):0])
  );
  assign aq_count[CntBits-1:$clog2(ADepth)+1] = '0;

  // ---- Array step: pop a token with its ABUF data (or the bias) when results have room
  logic [XBits-1:0]        h_x;
  logic                    h_use_bias, h_last_pass, h_pass_end;
  logic [31:0]             h_pixel;
  logic [AbufAddrBits-1:0] h_abuf_addr;
  assign {h_x, h_use_bias, h_last_pass, h_pass_end, h_pixel, h_abuf_addr} = xq_head;

  // The steps in the array: valid and last-pass bits per stage and how many of each.
  localparam int StepMetaBits = 1 + 32 + AbufAddrBits;  // last_pass, pixel, abuf_addr
  logic [ArrayLatency-1:0] st_valid_q;
  logic [StepMetaBits-1:0] st_meta_q [ArrayLatency];
  logic [CntBits-1:0]      st_count_q, st_last_count_q;
  logic                    r_valid, r_last;
  logic [31:0]             r_pixel;
  logic [AbufAddrBits-1:0] r_abuf_addr;
  logic [AccBits-1:0]      bias_vec, a_start, sum;

  for (genvar j = 0; j < Cols; j++) begin : g_bias
    assign bias_vec[j*32 +: 32] = params_q[j*odpu_pkg::ParamEntryBytes*8 +: 32];
  end

  assign pop = xq_count != '0 && (h_use_bias || aq_count != '0) && act_valid_q &&
               32'(wq_count) + 32'(st_count_q) < WDepth &&
               (!h_last_pass || 32'(oq_count) + 32'(st_last_count_q) < ODepth);
  assign pop_pass_end = pop && h_pass_end;
  assign xq_pop = pop;
  assign aq_pop = pop && !h_use_bias;
  assign a_start = h_use_bias ? bias_vec : aq_head;

  odpu_mac_array #(.LaneBits(LaneBits), .PieceBits(PieceBits), .ChainRows(ChainRows),
                   .ArrayLatency(ArrayLatency)) u_array (
    .clk_i,
    .rst_ni,
    .wld_i         (wbuf_rd_rvalid_i),
    .wpiece_i      (rpiece_q),
    .wraw_i        (wbuf_rd_rdata_i),
    .xf_dw_i       (xf_dw_q),
    .xf_off_i      (xf_off_q),
    .xf_tap_i      (xf_tap_q),
    .xf_lane_en_i  (xf_lane_en_q),
    .xf_col_en_i   (xf_col_en_q),
    .xf_col_lane_i (xf_col_lane_q),
    .swap_i        (swap),
    .x_i           (h_x),
    .a_i           (a_start),
    .sum_o         (sum)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      st_valid_q <= '0;
      st_count_q <= '0;
      st_last_count_q <= '0;
    end else begin
      st_valid_q <= ArrayLatency'({st_valid_q, pop});
      st_count_q <= st_count_q + CntBits'(pop) - CntBits'(r_valid);
      st_last_count_q <= st_last_count_q + CntBits'(pop && h_last_pass) -
                         CntBits'(r_valid && r_last);
    end
  end
  // The metadata shift register has no reset: only stages with their valid bit are used.
  always_ff @(posedge clk_i) begin
    st_meta_q[0] <= {h_last_pass, h_pixel, h_abuf_addr};
    for (int d = 1; d < ArrayLatency; d++) begin
      st_meta_q[d] <= st_meta_q[d-1];
    end
  end
  assign r_valid = st_valid_q[ArrayLatency-1];
  assign {r_last, r_pixel, r_abuf_addr} = st_meta_q[ArrayLatency-1];

  // ---- Results: ABUF write-back (padding lanes 0) and, for the last pass, the output stage
  logic [AccBits-1:0] sum_masked;
  for (genvar j = 0; j < Cols; j++) begin : g_mask
    assign sum_masked[j*32 +: 32] = col_valid[j] ? sum[j*32 +: 32] : 32'd0;
  end

  localparam int WEntBits = AccBits + AbufAddrBits;
  localparam int OEntBits = AccBits + 32;
  logic [WEntBits-1:0] wq_head;
  logic [OEntBits-1:0] oq_head;

  assign wq_push = r_valid;
  assign oq_push = r_valid && r_last;

  odpu_count_fifo #(.Width(WEntBits), .Depth(WDepth)) u_wq (
    .clk_i, .rst_ni, .clear_i,
    .push_i  (wq_push),
    .wdata_i ({sum_masked, r_abuf_addr}),
    .pop_i   (wq_pop),
    .rdata_o (wq_head),
    .count_o (wq_count[$clog2(WDepth):0])
  );
  assign wq_count[CntBits-1:$clog2(WDepth)+1] = '0;

  assign abuf_wr_valid_o = wq_count != '0;
  assign {abuf_wr_data_o, abuf_wr_addr_o} = wq_head;
  assign abuf_wr_fire = abuf_wr_valid_o && abuf_wr_ready_i;
  assign wq_pop = abuf_wr_fire;

  odpu_count_fifo #(.Width(OEntBits), .Depth(ODepth)) u_oq (
    .clk_i, .rst_ni, .clear_i,
    .push_i  (oq_push),
    .wdata_i ({sum, r_pixel}),
    .pop_i   (oq_pop),
    .rdata_o (oq_head),
    .count_o (oq_count[$clog2(ODepth):0])
  );
  assign oq_count[CntBits-1:$clog2(ODepth)+1] = '0;

  // ---- Output items: OBUF word k of a pixel = lanes k*R .. k*R+R-1 of its accumulators,
  // with their channels' PBUF parameters; the shared odpu_out_stage requantizes them.
  // Pixels of a block leave in raster order, so their place in the pooled tile is counted:
  // (ox, ox mod pool_w, px) along the row, (oy mod pool_h, py * out_w / pool_w) down the
  // tile; pooled word k of pooled pixel (py, px) is obuf_base + k * opix + py * cols + px.
  // Without pooling (1 x 1) that is obuf_base + k * pixels + pixel, as before.
  logic [AccBits-1:0] o_acc;
  logic [31:0]        o_pixel;
  logic [31:0]        k_q, kp_q;          // word of the pixel, k * opix
  logic [31:0]        ox_q, pcol_q, prow_q;
  logic [2:0]         fx_q, fy_q;
  logic               out_fire;
  assign {o_acc, o_pixel} = oq_head;

  assign out_valid_o = oq_count != '0;
  assign out_fire = out_valid_o && out_ready_i;
  assign oq_pop = out_fire && (k_q + 1 == obuf_words);
  assign out_addr_o = $clog2(ObufDepth)'(obuf_base + kp_q + prow_q + pcol_q);
  // Word k_q's Rows accumulators, channel masks and parameter entries, picked from the
  // OutWords groups by a loop over constant slices: a variable part-select such as
  // o_acc[(k_q*Rows + l)*32 +: 32] would be a barrel shifter over all of o_acc per lane.
  localparam int EntryBits = odpu_pkg::ParamEntryBytes * 8;
  logic [Rows*32-1:0]        k_acc;
  logic [Rows*EntryBits-1:0] k_params;
  logic [Rows-1:0]           k_mask;
  always_comb begin
    k_acc = o_acc[0 +: Rows*32];
    k_params = params_q[0 +: Rows*EntryBits];
    k_mask = col_valid[0 +: Rows];
    for (int k = 1; k < OutWords; k++) begin
      if (k_q == 32'(k)) begin
        k_acc = o_acc[k*Rows*32 +: Rows*32];
        k_params = params_q[k*Rows*EntryBits +: Rows*EntryBits];
        k_mask = col_valid[k*Rows +: Rows];
      end
    end
  end

  assign out_mask_o = k_mask;
  assign out_word_o = WordIdxBits'(k_q);
  assign out_first_h_o = fx_q == '0;
  assign out_last_h_o = fx_q + 3'd1 == pool_w;
  assign out_first_v_o = fy_q == '0;

  for (genvar l = 0; l < Rows; l++) begin : g_item
    logic signed [31:0] x, shift32;
    assign x = k_acc[l*32 +: 32];
    // LeakyReLU is MBQM1 by leaky_mult with shift 0, for a negative accumulator only.
    assign out_x_o[l*32 +: 32] = x;
    assign out_apply1_o[l] = f_leaky && x[31];
    assign out_m1_o[l*32 +: 32] = k_params[l*EntryBits + 96 +: 32];
    assign out_m2_o[l*32 +: 32] = k_params[l*EntryBits + 32 +: 32];
    // PBUF is data no rule checks: its shift is used clamped to [-31, 31].
    assign shift32 = k_params[l*EntryBits + 64 +: 32];
    assign out_s2_o[l*6 +: 6] = shift32 > 31 ? 6'sd31 : shift32 < -31 ? -6'sd31 : 6'(shift32);
    // The entry's bias started the accumulation (bias_vec); it is not needed here.
    logic unused_bias;
    assign unused_bias = ^k_params[l*EntryBits +: 32];
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      k_q <= '0;
      kp_q <= '0;
    end else if (out_fire) begin
      if (oq_pop) begin
        k_q <= '0;
        kp_q <= '0;
      end else begin
        k_q <= k_q + 1;
        kp_q <= kp_q + opix;
      end
    end
  end

  // The block's last pixel returns the position to the tile's origin for the next block.
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      ox_q <= '0;
      fx_q <= '0;
      pcol_q <= '0;
      fy_q <= '0;
      prow_q <= '0;
    end else if (oq_pop) begin
      if (o_pixel + 1 == pixels) begin
        ox_q <= '0;
        fx_q <= '0;
        pcol_q <= '0;
        fy_q <= '0;
        prow_q <= '0;
      end else if (ox_q + 1 < out_w) begin
        ox_q <= ox_q + 1;
        fx_q <= out_last_h_o ? 3'd0 : fx_q + 3'd1;
        pcol_q <= pcol_q + 32'(out_last_h_o);
      end else begin
        ox_q <= '0;
        fx_q <= '0;
        pcol_q <= '0;
        fy_q <= fy_q + 3'd1 == pool_h ? 3'd0 : fy_q + 3'd1;
        prow_q <= prow_q + (fy_q + 3'd1 == pool_h ? pool_cols : 32'd0);
      end
    end
  end

  assign pipe_idle = !tok_valid && !i_done_q && !a_done_q && !x_pend_q && !a_pend_q &&
                     xq_count == '0 && aq_count == '0 && st_valid_q == '0 && wq_count == '0 &&
                     oq_count == '0 && out_idle_i && in_flight_q == '0 && !last_pend_q &&
                     piece_q == '0 && !shadow_valid_q;
  assign idle_o = pipe_idle;

  logic unused_conv;
  // Read data arrives exactly one cycle after the handshake (docs/rtl.md), so the rvalid
  // inputs are implied; addresses are 32-bit in the sequencer and cut to the buffer depth.
  assign unused_conv = ^{ibuf_rd_rvalid_i, abuf_rd_rvalid_i, OutWords, wld_addr,
                         tok_ibuf_addr, tok_abuf_addr};

  // ---- Assertions (docs/rtl.md "Assertions"): an accumulator word stays offered to
  // the output stage until taken.
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i,
      {out_x_o, out_apply1_o, out_m1_o, out_m2_o, out_s2_o, out_addr_o, out_mask_o, out_word_o,
       out_first_h_o, out_last_h_o, out_first_v_o}, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
