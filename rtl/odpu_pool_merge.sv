// odpu_pool_merge.sv - the OBUF side of the output stage: writes the requantized words of
// odpu_out_stage to OBUF and, for a CONV with fused max pooling (docs/isa.md, CONV pool_h,
// pool_w), max-merges them into the pooled tile. docs/rtl.md "Fused max pooling".
//
// Words arrive in the CONV's output order: pixels of a block in raster order, the OBUF words
// k of a pixel one after the other. Each carries the address of its pooled word and three
// flags: first_h (ox mod pool_w = 0), last_h (ox mod pool_w = pool_w - 1) and first_v
// (oy mod pool_h = 0). Unpooled words (every POOL and ELEW word) have all three set.
//   * Horizontal: one running-max register per word k of a pixel (Cols / Rows of them); a
//     first_h word starts it, the others merge into it, and the last_h word leaves it as a
//     row word, so only one word in pool_w goes further.
//   * Vertical: a row word with first_v is written as it is; any other one is merged with
//     the pooled word already in OBUF (a read-modify-write). Row words go through a small
//     in-order write queue; a row word whose pooled word is still in the queue (tiny tiles:
//     out_w = pool_w, one channel block) takes the youngest queued value instead of reading
//     OBUF, so a read never misses a write that is on its way, and such words still follow
//     each other at one per cycle. A read's data returns the next cycle (docs/rtl.md
//     "Buffer client ports") and completes its entry in the queue, which may be written in
//     that same cycle.
// The read request depends only on registers and the incoming word, never on a ready.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_pool_merge #(
  parameter int WordIdxBits = 1   // bits of k, the OBUF word of a pixel (Cols / Rows of them)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  // Requantized words (padding lanes already 0)
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [Rows*8-1:0]            in_data_i,
  input  logic [$clog2(ObufDepth)-1:0] in_addr_i,
  input  logic [WordIdxBits-1:0]       in_word_i,
  input  logic                         in_first_h_i,
  input  logic                         in_last_h_i,
  input  logic                         in_first_v_i,
  output logic                         idle_o,       // nothing queued
  // OBUF read (pooled words of earlier rows) and write
  output logic                         obuf_rd_valid_o,
  input  logic                         obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_rd_addr_o,
  input  logic [ObufWordBytes*8-1:0]   obuf_rd_rdata_i,
  output logic                         obuf_wr_valid_o,
  input  logic                         obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]   obuf_wr_data_o
);
  localparam int OAddr = $clog2(ObufDepth);
  localparam int WBits = Rows * 8;
  localparam int Words = 1 << WordIdxBits;
  // Write queue: deep enough that a word is taken every cycle while the OBUF write port
  // accepts one every cycle (room is judged from the registered count).
  localparam int QDepth = 4;
  localparam int QCntBits = $clog2(QDepth + 1);
  localparam int QIdxBits = $clog2(QDepth);

  // Lane-wise signed int8 maximum.
  function automatic logic [WBits-1:0] lane_max(logic [WBits-1:0] a, logic [WBits-1:0] b);
    for (int l = 0; l < Rows; l++) begin
      lane_max[l*8 +: 8] = $signed(a[l*8 +: 8]) > $signed(b[l*8 +: 8]) ? a[l*8 +: 8]
                                                                      : b[l*8 +: 8];
    end
  endfunction

  // ---- Horizontal running maximum, one register per word of a pixel
  logic [WBits-1:0] hreg_q [Words];
  logic [WBits-1:0] hval;
  assign hval = in_first_h_i ? in_data_i : lane_max(hreg_q[in_word_i], in_data_i);

  // ---- Write queue, entry 0 the oldest: address, value, and whether the value still has to
  // be merged with the OBUF read data arriving this cycle.
  logic [OAddr-1:0]    q_addr_q [QDepth];
  logic [WBits-1:0]    q_val_q  [QDepth];
  logic [QDepth-1:0]   q_pend_q;
  logic [QCntBits-1:0] q_cnt_q;
  logic [WBits-1:0]    q_final  [QDepth];

  for (genvar i = 0; i < QDepth; i++) begin : g_final
    assign q_final[i] = q_pend_q[i] ? lane_max(q_val_q[i], obuf_rd_rdata_i) : q_val_q[i];
  end

  // The youngest queued entry of the incoming word's pooled address.
  logic             hit;
  logic [WBits-1:0] hit_val;
  always_comb begin
    hit = 1'b0;
    hit_val = '0;
    for (int i = 0; i < QDepth; i++) begin
      if (QCntBits'(i) < q_cnt_q && q_addr_q[i] == in_addr_i) begin
        hit = 1'b1;
        hit_val = q_final[i];
      end
    end
  end

  logic row_word, need_old, room, push, pop;
  assign row_word = in_valid_i && in_last_h_i;
  assign need_old = !in_first_v_i;
  assign room = q_cnt_q < QCntBits'(QDepth);
  assign obuf_rd_valid_o = row_word && need_old && !hit && room;
  assign obuf_rd_addr_o = in_addr_i;
  assign push = row_word && room && (!need_old || hit || obuf_rd_ready_i);
  // Words inside a horizontal window only update their register.
  assign in_ready_o = !in_last_h_i || (room && (!need_old || hit || obuf_rd_ready_i));

  assign obuf_wr_valid_o = q_cnt_q != '0;
  assign obuf_wr_addr_o = q_addr_q[0];
  assign obuf_wr_data_o = q_final[0];
  assign pop = obuf_wr_valid_o && obuf_wr_ready_i;

  logic [WBits-1:0] push_val;
  logic             push_pend;
  assign push_val = (need_old && hit) ? lane_max(hval, hit_val) : hval;
  assign push_pend = need_old && !hit;

  always_ff @(posedge clk_i) begin
    if (in_valid_i && in_ready_o) begin
      hreg_q[in_word_i] <= hval;
    end
  end

  // Queue update: every entry takes its final value (a pending read completes this cycle),
  // the head leaves on pop, the new word goes behind the last remaining entry.
  logic [QCntBits-1:0] slot;
  assign slot = q_cnt_q - QCntBits'(pop);
  always_ff @(posedge clk_i) begin
    for (int i = 0; i < QDepth; i++) begin
      if (pop && i + 1 < QDepth) begin
        q_addr_q[i] <= q_addr_q[i+1];
        q_val_q[i] <= q_final[i+1];
      end else begin
        q_val_q[i] <= q_final[i];
      end
      if (push && QCntBits'(i) == slot) begin
        q_addr_q[i] <= in_addr_i;
        q_val_q[i] <= push_val;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      q_cnt_q <= '0;
      q_pend_q <= '0;
    end else begin
      q_cnt_q <= q_cnt_q + QCntBits'(push) - QCntBits'(pop);
      q_pend_q <= '0;
      if (push) begin
        q_pend_q[slot[QIdxBits-1:0]] <= push_pend;
      end
    end
  end

  assign idle_o = q_cnt_q == '0;
endmodule
`default_nettype wire
