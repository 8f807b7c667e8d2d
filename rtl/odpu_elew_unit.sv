// odpu_elew_unit.sv - ELEW add of the compute engine (docs/isa.md sections 5 and 6,
// add_output): per lane a' = MBQM((a - a_zp) * 2^left_shift, a_mult, a_shift), b' likewise,
// out = clamp(MBQM(sat(a' + b'), out_mult, out_shift) + out_zp, act_min, act_max), all Rows
// lanes of each word (padding lanes too). Word i of a and b is read (a and b on different
// buffers: both in the same cycle; on the same buffer: alternately) into small FIFOs, then
// goes through the shared output stage as two items (odpu_out_stage: MBQM1 of a, MBQM1 of
// b, add, MBQM2, zero point, clamp); results are written to OBUF in order. A
// word is read before its result is written, so out_addr = a_addr or b_addr (in place) works.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_elew_unit (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic                         start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  output logic                         done_o,
  output logic                         ibuf_rd_valid_o,
  input  logic                         ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0] ibuf_rd_addr_o,
  input  logic [IbufWordBytes*8-1:0]   ibuf_rd_rdata_i,
  output logic                         obuf_rd_valid_o,
  input  logic                         obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_rd_addr_o,
  input  logic [ObufWordBytes*8-1:0]   obuf_rd_rdata_i,
  // Items of the shared output stage (odpu_out_stage): per word an a item (MBQM1 with the
  // a parameters, kept) and a b item (MBQM1 with the b parameters, added, MBQM2, written)
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic                         out_is_b_o,
  output logic [Rows*32-1:0]           out_x_o,
  output logic [$clog2(ObufDepth)-1:0] out_addr_o,
  input  logic                         out_idle_i
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_elew_t elew;
  /* verilator lint_on UNUSEDSIGNAL */
  assign elew = insn_i;
  localparam int XBits = Rows * 8;
  localparam int QDepth = 4;

  // ---- Fields
  logic               f_a_obuf, f_b_obuf;
  logic signed [7:0]  f_a_zp, f_b_zp;
  logic [4:0]         f_left_shift;
  logic [31:0]        f_a_addr, f_b_addr, f_out_addr, f_len;

  assign f_a_obuf     = elew.a_buf;
  assign f_b_obuf     = elew.b_buf;
  assign f_a_zp       = elew.a_zp;
  assign f_b_zp       = elew.b_zp;
  assign f_left_shift = elew.left_shift;
  assign f_a_addr     = 32'(elew.a_addr);
  assign f_b_addr     = 32'(elew.b_addr);
  assign f_out_addr   = 32'(elew.out_addr);
  assign f_len        = 32'(elew.len);

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

  assign done_o = active_q && wcount_q == f_len && out_idle_i;

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
  logic             aq_push, bq_push, pop;

  assign aq_push = (i_pend_q && !i_pend_b_q) || (o_pend_q && !o_pend_b_q);
  assign bq_push = (i_pend_q && i_pend_b_q) || (o_pend_q && o_pend_b_q);
  assign aq_wdata = (i_pend_q && !i_pend_b_q) ? ibuf_rd_rdata_i : obuf_rd_rdata_i;
  assign bq_wdata = (i_pend_q && i_pend_b_q) ? ibuf_rd_rdata_i : obuf_rd_rdata_i;

  odpu_count_fifo #(.Width(XBits), .Depth(QDepth)) u_aq (
    .clk_i, .rst_ni, .clear_i,
    .push_i (aq_push), .wdata_i (aq_wdata), .pop_i (pop), .rdata_o (aq_head), .count_o (aq_count)
  );
  odpu_count_fifo #(.Width(XBits), .Depth(QDepth)) u_bq (
    .clk_i, .rst_ni, .clear_i,
    .push_i (bq_push), .wdata_i (bq_wdata), .pop_i (pop), .rdata_o (bq_head), .count_o (bq_count)
  );

  // ---- Items: word i goes to the output stage as its a item, then its b item.
  logic is_b_q;
  assign out_valid_o = aq_count != '0 && bq_count != '0;
  assign out_is_b_o = is_b_q;
  assign pop = out_valid_o && out_ready_i && is_b_q;
  assign out_addr_o = $clog2(ObufDepth)'(f_out_addr + wcount_q);

  logic signed [7:0] zp_sel;
  assign zp_sel = is_b_q ? f_b_zp : f_a_zp;
  for (genvar l = 0; l < Rows; l++) begin : g_lane
    logic signed [7:0] v;
    assign v = is_b_q ? bq_head[l*8 +: 8] : aq_head[l*8 +: 8];
    // |x - zp| <= 255 and left_shift <= 22 (rule field): the shifted value fits int32.
    assign out_x_o[l*32 +: 32] = (32'(v) - 32'(zp_sel)) <<< f_left_shift;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      is_b_q <= 1'b0;
      wcount_q <= '0;
    end else begin
      if (out_valid_o && out_ready_i) begin
        is_b_q <= !is_b_q;
      end
      if (start_i) begin
        wcount_q <= '0;
      end else if (pop) begin
        wcount_q <= wcount_q + 1;
      end
    end
  end

  // ---- Assertions (docs/rtl.md "Assertions"): an operand word stays offered to the
  // output stage until taken.
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i, {out_is_b_o, out_x_o, out_addr_o},
      clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
