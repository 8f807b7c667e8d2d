// odpu_elew_unit.sv - ELEW add of the compute engine (docs/isa.md sections 5 and 6,
// add_output): per lane a' = MBQM((a - a_zp) * 2^left_shift, a_mult, a_shift), b' likewise,
// out = clamp(MBQM(sat(a' + b'), out_mult, out_shift) + out_zp, act_min, act_max), all Rows
// lanes of each word (padding lanes too). Word i of a and b is read (a and b on different
// buffers: both in the same cycle; on the same buffer: alternately) into small FIFOs, then
// goes through two odpu_requant stages in a row; results are written to OBUF in order. A
// word is read before its result is written, so out_addr = a_addr or b_addr (in place) works.
`include "odpu_arch_params.vh"

module odpu_elew_unit (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic                         start_i,
  input  logic [InsnBits-1:0]          insn_i,
  output logic                         done_o,
  output logic                         ibuf_rd_valid_o,
  input  logic                         ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0] ibuf_rd_addr_o,
  input  logic [IbufWordBytes*8-1:0]   ibuf_rd_rdata_i,
  output logic                         obuf_rd_valid_o,
  input  logic                         obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_rd_addr_o,
  input  logic [ObufWordBytes*8-1:0]   obuf_rd_rdata_i,
  output logic                         obuf_wr_valid_o,
  input  logic                         obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]   obuf_wr_data_o
);
  localparam int XBits = Rows * 8;
  localparam int QDepth = 4;
  localparam int RqStages = 3;            // odpu_requant latency
  localparam int Stages = 2 * RqStages;   // input rescale, then output requantization
  localparam logic signed [32:0] Int32Max = 33'sh0_7fff_ffff;
  localparam logic signed [32:0] Int32Min = -33'sh0_8000_0000;

  // ---- Fields
  logic               f_a_obuf, f_b_obuf;
  logic signed [7:0]  f_a_zp, f_b_zp, f_out_zp, f_act_min, f_act_max;
  logic signed [5:0]  f_a_shift, f_b_shift, f_out_shift;
  logic [4:0]         f_left_shift;
  logic signed [31:0] f_a_mult, f_b_mult, f_out_mult;
  logic [31:0]        f_a_addr, f_b_addr, f_out_addr, f_len;

  assign f_a_obuf     = insn_i[ElewABufLsb];
  assign f_b_obuf     = insn_i[ElewBBufLsb];
  assign f_a_zp       = insn_i[ElewAZpLsb +: ElewAZpWidth];
  assign f_b_zp       = insn_i[ElewBZpLsb +: ElewBZpWidth];
  assign f_out_zp     = insn_i[ElewOutZpLsb +: ElewOutZpWidth];
  assign f_act_min    = insn_i[ElewActMinLsb +: ElewActMinWidth];
  assign f_act_max    = insn_i[ElewActMaxLsb +: ElewActMaxWidth];
  assign f_a_shift    = insn_i[ElewAShiftLsb +: ElewAShiftWidth];
  assign f_b_shift    = insn_i[ElewBShiftLsb +: ElewBShiftWidth];
  assign f_out_shift  = insn_i[ElewOutShiftLsb +: ElewOutShiftWidth];
  assign f_left_shift = insn_i[ElewLeftShiftLsb +: ElewLeftShiftWidth];
  assign f_a_mult     = insn_i[ElewAMultLsb +: ElewAMultWidth];
  assign f_b_mult     = insn_i[ElewBMultLsb +: ElewBMultWidth];
  assign f_out_mult   = insn_i[ElewOutMultLsb +: ElewOutMultWidth];
  assign f_a_addr     = 32'(insn_i[ElewAAddrLsb +: ElewAAddrWidth]);
  assign f_b_addr     = 32'(insn_i[ElewBAddrLsb +: ElewBAddrWidth]);
  assign f_out_addr   = 32'(insn_i[ElewOutAddrLsb +: ElewOutAddrWidth]);
  assign f_len        = 32'(insn_i[ElewLenLsb +: ElewLenWidth]);

  // ---- Reads
  logic        active_q;
  logic [31:0] ra_q, rb_q, wcount_q;
  logic        want_a, want_b, a_turn, same_buf;
  logic        a_on_i, a_on_o, b_on_i, b_on_o;   // which port serves a and b now
  logic        i_fire, o_fire, i_tag_b, o_tag_b; // tag: the read is for b
  logic        i_pend_q, o_pend_q, i_pend_b_q, o_pend_b_q;
  logic [$clog2(QDepth):0] aq_count, bq_count;
  logic        a_room, b_room;
  logic [31:0] a_pending, b_pending;

  // Reads in flight (data next cycle) count against the FIFO room.
  assign a_pending = 32'(i_pend_q && !i_pend_b_q) + 32'(o_pend_q && !o_pend_b_q);
  assign b_pending = 32'(i_pend_q && i_pend_b_q) + 32'(o_pend_q && o_pend_b_q);
  assign a_room = 32'(aq_count) + a_pending < QDepth;
  assign b_room = 32'(bq_count) + b_pending < QDepth;
  assign want_a = active_q && ra_q < f_len && a_room;
  assign want_b = active_q && rb_q < f_len && b_room;
  assign same_buf = f_a_obuf == f_b_obuf;
  // On one shared port a and b alternate, a first; the turn changes only with a transfer.
  assign a_turn = !same_buf || ra_q == rb_q;
  assign a_on_i = want_a && a_turn && !f_a_obuf;
  assign a_on_o = want_a && a_turn && f_a_obuf;
  assign b_on_i = want_b && (!same_buf || !a_turn) && !f_b_obuf;
  assign b_on_o = want_b && (!same_buf || !a_turn) && f_b_obuf;

  assign ibuf_rd_valid_o = a_on_i || b_on_i;
  assign i_tag_b = !a_on_i;
  assign ibuf_rd_addr_o = $clog2(IbufDepth)'(i_tag_b ? f_b_addr + rb_q : f_a_addr + ra_q);
  assign obuf_rd_valid_o = a_on_o || b_on_o;
  assign o_tag_b = !a_on_o;
  assign obuf_rd_addr_o = $clog2(ObufDepth)'(o_tag_b ? f_b_addr + rb_q : f_a_addr + ra_q);
  assign i_fire = ibuf_rd_valid_o && ibuf_rd_ready_i;
  assign o_fire = obuf_rd_valid_o && obuf_rd_ready_i;

  assign done_o = active_q && wcount_q == f_len;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      active_q <= 1'b0;
      i_pend_q <= 1'b0;
      o_pend_q <= 1'b0;
    end else begin
      if (start_i) begin
        active_q <= 1'b1;
        ra_q <= '0;
        rb_q <= '0;
      end else if (done_o) begin
        active_q <= 1'b0;
      end else begin
        ra_q <= ra_q + 32'((i_fire && !i_tag_b) || (o_fire && !o_tag_b));
        rb_q <= rb_q + 32'((i_fire && i_tag_b) || (o_fire && o_tag_b));
      end
      i_pend_q <= i_fire;
      o_pend_q <= o_fire;
      if (i_fire) i_pend_b_q <= i_tag_b;
      if (o_fire) o_pend_b_q <= o_tag_b;
    end
  end

  // ---- Operand FIFOs (read data arrives the cycle after the handshake)
  logic [XBits-1:0] aq_head, bq_head, aq_wdata, bq_wdata;
  logic             aq_push, bq_push, pop, en;
  logic             out_valid;

  assign aq_push = (i_pend_q && !i_pend_b_q) || (o_pend_q && !o_pend_b_q);
  assign bq_push = (i_pend_q && i_pend_b_q) || (o_pend_q && o_pend_b_q);
  assign aq_wdata = (i_pend_q && !i_pend_b_q) ? ibuf_rd_rdata_i : obuf_rd_rdata_i;
  assign bq_wdata = (i_pend_q && i_pend_b_q) ? ibuf_rd_rdata_i : obuf_rd_rdata_i;

  odpu_cp_fifo #(.Width(XBits), .Depth(QDepth)) u_aq (
    .clk_i, .rst_ni, .clear_i,
    .push_i (aq_push), .wdata_i (aq_wdata), .pop_i (pop), .rdata_o (aq_head), .count_o (aq_count)
  );
  odpu_cp_fifo #(.Width(XBits), .Depth(QDepth)) u_bq (
    .clk_i, .rst_ni, .clear_i,
    .push_i (bq_push), .wdata_i (bq_wdata), .pop_i (pop), .rdata_o (bq_head), .count_o (bq_count)
  );

  // ---- Arithmetic pipeline: all stages advance together unless the output waits.
  logic [Stages-1:0] v_q;
  assign out_valid = v_q[Stages-1];
  assign en = !out_valid || obuf_wr_ready_i;
  assign pop = en && aq_count != '0 && bq_count != '0;

  for (genvar l = 0; l < Rows; l++) begin : g_lane
    logic signed [31:0] xa, xb, ra32, rb32, xo;
    logic signed [32:0] s;
    logic signed [7:0]  r8, r8a_unused, r8b_unused;
    logic signed [31:0] r32o_unused;
    // |x - zp| <= 255 and left_shift <= 22 (rule field): the shifted value fits int32.
    assign xa = (32'($signed(aq_head[l*8 +: 8])) - 32'(f_a_zp)) <<< f_left_shift;
    assign xb = (32'($signed(bq_head[l*8 +: 8])) - 32'(f_b_zp)) <<< f_left_shift;
    odpu_requant u_rq_a (
      .clk_i, .en_i (en), .x_i (xa), .mult_i (f_a_mult), .shift_i (f_a_shift),
      .leaky_mult_i ('0), .leaky_i (1'b0), .pot_i (1'b0), .zp_i ('0), .min_i (-8'sd128),
      .max_i (8'sd127), .r32_o (ra32), .r8_o (r8a_unused)
    );
    odpu_requant u_rq_b (
      .clk_i, .en_i (en), .x_i (xb), .mult_i (f_b_mult), .shift_i (f_b_shift),
      .leaky_mult_i ('0), .leaky_i (1'b0), .pot_i (1'b0), .zp_i ('0), .min_i (-8'sd128),
      .max_i (8'sd127), .r32_o (rb32), .r8_o (r8b_unused)
    );
    assign s = 33'(ra32) + 33'(rb32);
    assign xo = s > Int32Max ? 32'sh7fff_ffff : s < Int32Min ? 32'sh8000_0000 : 32'(s);
    odpu_requant u_rq_o (
      .clk_i, .en_i (en), .x_i (xo), .mult_i (f_out_mult), .shift_i (f_out_shift),
      .leaky_mult_i ('0), .leaky_i (1'b0), .pot_i (1'b0), .zp_i (f_out_zp), .min_i (f_act_min),
      .max_i (f_act_max), .r32_o (r32o_unused), .r8_o (r8)
    );
    assign obuf_wr_data_o[l*8 +: 8] = r8;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      v_q <= '0;
      wcount_q <= '0;
    end else begin
      if (en) begin
        v_q <= {v_q[Stages-2:0], pop};
      end
      if (start_i) begin
        wcount_q <= '0;
      end else if (out_valid && obuf_wr_ready_i) begin
        wcount_q <= wcount_q + 1;
      end
    end
  end

  assign obuf_wr_valid_o = out_valid;
  assign obuf_wr_addr_o = $clog2(ObufDepth)'(f_out_addr + wcount_q);
endmodule
