// odpu_out_stage.sv - the output stage of the compute engine: Rows lanes of odpu_requant
// shared by CONV, POOL and ELEW (the multipliers are the expensive part, so there is one
// set), and the OBUF write port they all write through. An item is one OBUF word's worth of
// lanes; items that only feed the next one (ELEW's a operand) write nothing. Lanes whose
// mask bit is 0 (channels beyond the tensor) are written 0.
`include "odpu_arch_params.vh"

module odpu_out_stage (
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
  // Per instruction
  input  logic                         pot_i,
  input  logic signed [7:0]            zp_i,
  input  logic signed [7:0]            min_i,
  input  logic signed [7:0]            max_i,
  output logic                         idle_o,       // no word in flight
  // OBUF write
  output logic                         obuf_wr_valid_o,
  input  logic                         obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]   obuf_wr_data_o
);
  localparam int Stages = 4;                  // odpu_requant latency
  localparam int OAddr = $clog2(ObufDepth);
  localparam logic [1:0] CombPass = 2'd0;

  logic                en, fire;
  logic [Stages-1:0]   v_q;
  logic [OAddr-1:0]    addr_q [Stages];
  logic [Rows-1:0]     mask_q [Stages];

  // Every stage moves unless the finished word waits for the OBUF port.
  assign en = !v_q[Stages-1] || obuf_wr_ready_i;
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
      for (int s = 1; s < Stages; s++) begin
        addr_q[s] <= addr_q[s-1];
        mask_q[s] <= mask_q[s-1];
      end
    end
  end

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
    assign obuf_wr_data_o[l*8 +: 8] = mask_q[Stages-1][l] ? r8 : 8'd0;
  end

  assign obuf_wr_valid_o = v_q[Stages-1];
  assign obuf_wr_addr_o = addr_q[Stages-1];
  assign idle_o = v_q == '0;
endmodule
