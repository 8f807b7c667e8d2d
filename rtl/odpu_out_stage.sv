// odpu_out_stage.sv - the output stage of the compute engine: Rows lanes of odpu_requant
// shared by CONV, POOL and ELEW (the multipliers are the expensive part, so there is one
// set), and the OBUF ports they all write through (odpu_pool_merge: plain writes, and the
// max-merge of a CONV with fused pooling). An item is one OBUF word's worth of lanes; items
// that only feed the next one (ELEW's a operand) write nothing. Lanes whose mask bit is 0
// (channels beyond the tensor) are written 0.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_out_stage #(
  parameter int WordIdxBits = 1   // bits of a pooling item's word index (odpu_pool_merge)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  // Items
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [Rows*32-1:0]           in_x_i,
  input  logic [Rows-1:0]              in_apply1_i,
  input  logic [Rows*32-1:0]           in_m1_i,
  input  logic [Rows*6-1:0]            in_s1_i,
  input  logic [1:0]                   in_comb_i,
  input  logic [Rows*32-1:0]           in_m2_i,
  input  logic [Rows*6-1:0]            in_s2_i,
  input  logic                         in_write_i,   // the item produces an OBUF word
  input  logic [$clog2(ObufDepth)-1:0] in_addr_i,
  input  logic [Rows-1:0]              in_mask_i,
  // Fused max pooling (odpu_pool_merge); a plain write has first_h = last_h = first_v = 1
  input  logic [WordIdxBits-1:0]       in_word_i,
  input  logic                         in_first_h_i,
  input  logic                         in_last_h_i,
  input  logic                         in_first_v_i,
  // Per instruction
  input  logic                         pot_i,
  input  logic signed [7:0]            zp_i,
  input  logic signed [7:0]            min_i,
  input  logic signed [7:0]            max_i,
  output logic                         idle_o,       // no word in flight
  // OBUF read (pooling only) and write
  output logic                         obuf_rd_valid_o,
  input  logic                         obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_rd_addr_o,
  input  logic [ObufWordBytes*8-1:0]   obuf_rd_rdata_i,
  output logic                         obuf_wr_valid_o,
  input  logic                         obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]   obuf_wr_data_o
);
  localparam int Stages = 4;                  // odpu_requant latency
  localparam int OAddr = $clog2(ObufDepth);
  localparam logic [1:0] CombPass = 2'd0;
  localparam int TagBits = WordIdxBits + 3;

  logic                en, fire, merge_ready, merge_idle;
  logic [Stages-1:0]   v_q;
  logic [OAddr-1:0]    addr_q [Stages];
  logic [Rows-1:0]     mask_q [Stages];
  logic [TagBits-1:0]  tag_q [Stages];

  // Every stage moves unless the finished word waits for the merge (the OBUF ports).
  assign en = !v_q[Stages-1] || merge_ready;
  assign in_ready_o = en;
  assign fire = in_valid_i && en;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      v_q <= '0;
    end else if (en) begin
      v_q <= {v_q[Stages-2:0], fire && in_write_i};
    end
  end
  always_ff @(posedge clk_i) begin
    if (en) begin
      addr_q[0] <= in_addr_i;
      mask_q[0] <= in_mask_i;
      tag_q[0] <= {in_word_i, in_first_h_i, in_last_h_i, in_first_v_i};
      for (int s = 1; s < Stages; s++) begin
        addr_q[s] <= addr_q[s-1];
        mask_q[s] <= mask_q[s-1];
        tag_q[s] <= tag_q[s-1];
      end
    end
  end

  logic [Rows*8-1:0] word;
  for (genvar l = 0; l < Rows; l++) begin : g_lane
    logic signed [7:0] r8;
    odpu_requant u_rq (
      .clk_i,
      .en_i     (en),
      .x_i      (in_x_i[l*32 +: 32]),
      .apply1_i (in_apply1_i[l]),
      .m1_i     (in_m1_i[l*32 +: 32]),
      .s1_i     (in_s1_i[l*6 +: 6]),
      // A bubble must not disturb the value an ELEW a item left for its b item.
      .comb_i   (fire ? in_comb_i : CombPass),
      .m2_i     (in_m2_i[l*32 +: 32]),
      .s2_i     (in_s2_i[l*6 +: 6]),
      .pot_i,
      .zp_i,
      .min_i,
      .max_i,
      .r8_o     (r8)
    );
    assign word[l*8 +: 8] = mask_q[Stages-1][l] ? r8 : 8'd0;
  end

  logic [WordIdxBits-1:0] t_word;
  logic                   t_first_h, t_last_h, t_first_v;
  assign {t_word, t_first_h, t_last_h, t_first_v} = tag_q[Stages-1];

  odpu_pool_merge #(.WordIdxBits(WordIdxBits)) u_merge (
    .clk_i, .rst_ni, .clear_i,
    .in_valid_i    (v_q[Stages-1]),
    .in_ready_o    (merge_ready),
    .in_data_i     (word),
    .in_addr_i     (addr_q[Stages-1]),
    .in_word_i     (t_word),
    .in_first_h_i  (t_first_h),
    .in_last_h_i   (t_last_h),
    .in_first_v_i  (t_first_v),
    .idle_o        (merge_idle),
    .obuf_rd_valid_o,
    .obuf_rd_ready_i,
    .obuf_rd_addr_o,
    .obuf_rd_rdata_i,
    .obuf_wr_valid_o,
    .obuf_wr_ready_i,
    .obuf_wr_addr_o,
    .obuf_wr_data_o
  );

  assign idle_o = v_q == '0 && merge_idle;
endmodule
`default_nettype wire
