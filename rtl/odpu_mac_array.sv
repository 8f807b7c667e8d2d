// odpu_mac_array.sv - the Rows x Cols INT8 MAC array of the compute engine. Per step, column
// j computes a_j + sum over lanes r of x[r] * W'[j][r] in int32 (wrapping), where x is one
// IBUF word shared by all columns and W' the pass's weights. Columns 2k and 2k+1 share x[r]
// in one odpu_mac_pair (one DSP48E2 per two MACs).
//
// Weights are double-buffered: a WBUF word is spread into the shadow register while the
// pairs' weight registers serve the current pass; swap_i loads the pairs from the shadow
// between two steps. The word arrives in WeightLoadCycles pieces (wld_i with wpiece_i), piece
// p holding columns p*PC .. p*PC+PC-1 (PC = Cols / WeightLoadCycles), so WBUF can be that
// much narrower (docs/rtl.md, "Weight loading"). Spreading (docs/isa.md section 2 layouts):
//   standard / grouped: W'[j][l] = W[j][(l - off) mod R] if col_en[j] and lane_en[l]
//     (input lane l carries input channel c' = cb*R + ((l - off) mod R) of the column's group);
//   depthwise: W'[j][l] = W[j][tap] if col_en[j] and l = col_lane[j]
//     (column j reads its single input channel, lane col_lane[j] of the IBUF word).
// Everything else is 0, so lanes c' >= Cg and other groups' columns never contribute.
`include "odpu_arch_params.vh"

module odpu_mac_array #(
  parameter int LaneBits = Rows > 1 ? $clog2(Rows) : 1,  // bits of a lane index
  parameter int PieceBits = WeightLoadCycles > 1 ? $clog2(WeightLoadCycles) : 1
) (
  input  logic                       clk_i,
  // Shadow weight load (a piece of the WBUF word of a pass) and its spreading
  input  logic                       wld_i,
  input  logic [PieceBits-1:0]       wpiece_i,
  input  logic [WbufPortBytes*8-1:0] wraw_i,
  input  logic                       xf_dw_i,
  input  logic [LaneBits-1:0]        xf_off_i,
  input  logic [LaneBits-1:0]        xf_tap_i,
  input  logic [Rows-1:0]            xf_lane_en_i,
  input  logic [Cols-1:0]            xf_col_en_i,
  input  logic [Cols*LaneBits-1:0]   xf_col_lane_i,
  input  logic                       swap_i,      // active <= shadow
  // One array step: products registered, the sums appear the next cycle
  input  logic                       step_i,
  input  logic [Rows*8-1:0]          x_i,
  input  logic [Cols*32-1:0]         a_i,         // accumulator start values
  output logic [Cols*32-1:0]         sum_o
);
  localparam int WBits = Cols * Rows * 8;
  localparam int Pairs = Cols / 2;
  localparam int PieceCols = Cols / WeightLoadCycles;

  logic [WBits-1:0]   shadow_q;
  logic [Cols*32-1:0] a_q;

  // Spreading happens once per pass, so it lives in an enabled register process (no
  // per-cycle cost in simulation). One spreader per column of a piece serves the piece's
  // columns of every piece (their enables and depthwise lanes picked by the piece index), so
  // its logic is Cols / WeightLoadCycles columns wide and the shadow columns only differ in
  // their write enables. The source lane (l - off) mod R is the same for every column, so each
  // column's Rows weights are rotated by off lanes in LaneBits stages of constant rotations
  // (a log shifter: LaneBits 2:1 multiplexers per weight bit instead of a Rows:1 multiplexer
  // per weight bit, and part-selects Yosys sees as constants); depthwise picks one weight per
  // column, the same for all its lanes.
  always_ff @(posedge clk_i) begin
    if (wld_i) begin
      for (int c = 0; c < PieceCols; c++) begin
        logic [Rows*8-1:0]   rot, prev, col;
        logic [7:0]          tapw;
        logic                col_en;
        logic [LaneBits-1:0] col_lane;
        // Piece column c is array column p * PieceCols + c of piece p.
        col_en = xf_col_en_i[c];
        col_lane = xf_col_lane_i[c*LaneBits +: LaneBits];
        for (int p = 1; p < WeightLoadCycles; p++) begin
          if (32'(wpiece_i) == p) begin
            col_en = xf_col_en_i[p*PieceCols + c];
            col_lane = xf_col_lane_i[(p*PieceCols + c)*LaneBits +: LaneBits];
          end
        end
        rot = wraw_i[c*Rows*8 +: Rows*8];
        tapw = rot[32'(xf_tap_i)*8 +: 8];
        for (int s = 0; s < LaneBits; s++) begin
          if (xf_off_i[s] && (1 << s) < Rows) begin
            prev = rot;
            for (int l = 0; l < Rows; l++) begin
              rot[l*8 +: 8] = prev[((l - (1 << s)) & (Rows - 1))*8 +: 8];
            end
          end
        end
        for (int l = 0; l < Rows; l++) begin
          logic en;
          en = col_en && (xf_dw_i ? (LaneBits'(l) == col_lane) : xf_lane_en_i[l]);
          col[l*8 +: 8] = !en ? 8'd0 : xf_dw_i ? tapw : rot[l*8 +: 8];
        end
        for (int p = 0; p < WeightLoadCycles; p++) begin
          if (32'(wpiece_i) == p) begin
            shadow_q[(p*PieceCols + c)*Rows*8 +: Rows*8] <= col;
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (step_i) begin
      a_q <= a_i;
    end
  end

  logic signed [15:0] prod [Cols][Rows];

  for (genvar k = 0; k < Pairs; k++) begin : g_pair
    for (genvar r = 0; r < Rows; r++) begin : g_lane
      odpu_mac_pair u_pair (
        .clk_i (clk_i),
        .ld_i  (swap_i),
        .wa_i  (shadow_q[((2*k)*Rows + r)*8 +: 8]),
        .wb_i  (shadow_q[((2*k+1)*Rows + r)*8 +: 8]),
        .en_i  (step_i),
        .x_i   (x_i[r*8 +: 8]),
        .pa_o  (prod[2*k][r]),
        .pb_o  (prod[2*k+1][r])
      );
    end
  end

  // Column sums: Rows products of magnitude at most 2^14 each, added in ProdSumBits (enough
  // for Rows of them, so the narrow adders never wrap) by a binary tree of odpu_adder
  // (node i = node 2i + node 2i+1, the products are nodes Rows .. 2 Rows - 1), then the
  // start value, mod 2^32.
  localparam int ProdSumBits = 16 + LaneBits + 1;
  for (genvar j = 0; j < Cols; j++) begin : g_col
    // split_var: each node is its own signal for Verilator, so the tree is not a false loop.
    logic [ProdSumBits-1:0] node [2*Rows] /*verilator split_var*/;
    for (genvar r = 0; r < Rows; r++) begin : g_leaf
      assign node[Rows + r] = ProdSumBits'(prod[j][r]);  // sign-extended
    end
    for (genvar i = 1; i < Rows; i++) begin : g_node
      odpu_adder #(.Width(ProdSumBits)) u_add (
        .a_i   (node[2*i]),
        .b_i   (node[2*i + 1]),
        .sum_o (node[i])
      );
    end
    assign sum_o[j*32 +: 32] = a_q[j*32 +: 32] + 32'($signed(node[1]));
  end

`ifndef SYNTHESIS
  initial begin
    if (Cols % 2 != 0) $error("odpu_mac_array: Cols must be even (columns pair up)");
  end
`endif
endmodule
