// odpu_mac_array.sv - the Rows x Cols INT8 MAC array of the compute engine. Per step, column
// j computes a_j + sum over lanes r of x[r] * W'[j][r] in int32 (wrapping), where x is one
// IBUF word shared by all columns and W' the pass's weights. Columns 2k and 2k+1 share x[r]
// in one odpu_mac_pair (one DSP48E2 per two MACs), and the pairs of ChainRows consecutive
// lanes sum in the DSPs' cascade (odpu_mac_chain), so fabric only adds Rows / ChainRows
// chain sums per column. The array is a systolic pipeline: lane r's activation enters
// r mod ChainRows cycles late, and a step's sums appear ArrayLatency cycles after it.
//
// Weights are double-buffered: a WBUF word is spread into the shadow register while the
// DSPs' weight registers serve the current pass; swap_i copies the shadow into the DSPs'
// stage registers between two steps, and DSP k of each chain activates them k + 1 cycles
// later, in step with the skewed activations. Swaps must be at least ChainRows cycles apart
// (the stage registers are busy until the last DSP took them). The word arrives in
// WeightLoadCycles pieces (wld_i with wpiece_i), piece p holding columns p*PC .. p*PC+PC-1
// (PC = Cols / WeightLoadCycles), so WBUF can be that much narrower (docs/rtl.md, "Weight
// loading"). Spreading (docs/isa.md section 2 layouts):
//   standard / grouped: W'[j][l] = W[j][(l - off) mod R] if col_en[j] and lane_en[l]
//     (input lane l carries input channel c' = cb*R + ((l - off) mod R) of the column's group);
//   depthwise: W'[j][l] = W[j][tap] if col_en[j] and l = col_lane[j]
//     (column j reads its single input channel, lane col_lane[j] of the IBUF word).
// Everything else is 0, so lanes c' >= Cg and other groups' columns never contribute.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_mac_array #(
  parameter int LaneBits = Rows > 1 ? $clog2(Rows) : 1,  // bits of a lane index
  parameter int PieceBits = WeightLoadCycles > 1 ? $clog2(WeightLoadCycles) : 1,
  parameter int ChainRows = Rows < 8 ? Rows : 8,        // lanes per DSP cascade chain
  parameter int ArrayLatency = ChainRows + 2            // cycles from a step to its sums
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
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
  // A step is x_i and a_i of one cycle (the array runs every cycle); its sums are on sum_o
  // ArrayLatency cycles later
  input  logic [Rows*8-1:0]          x_i,
  input  logic [Cols*32-1:0]         a_i,         // accumulator start values
  output logic [Cols*32-1:0]         sum_o
);
  localparam int WBits = Cols * Rows * 8;
  localparam int Pairs = Cols / 2;
  localparam int PieceCols = Cols / WeightLoadCycles;
  // The chains' low-field offset: minus the most negative sum of ChainRows w_a * x products
  // (-128 * 127 each), so the field is never negative (odpu_mac_chain).
  localparam logic [47:0] ChainInit = 48'(ChainRows * 128 * 127);

  logic [WBits-1:0]   shadow_q;

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

  // ---- The step pipeline. Lane r is DSP k = r mod ChainRows of its chain, so its
  // activation is delayed by k cycles (shared by all columns), and a weight change reaches
  // DSP k k + 1 cycles after swap_i (the stage registers take the shadow at swap_i).
  localparam int Chains = Rows / ChainRows;
  logic [Rows*8-1:0]    x_skew;
  logic [ChainRows-1:0] act_q;

  for (genvar r = 0; r < Rows; r++) begin : g_skew
    localparam int K = r % ChainRows;
    if (K == 0) begin : g_now
      assign x_skew[r*8 +: 8] = x_i[r*8 +: 8];
    end else begin : g_late
      localparam int SrBits = K * 8;
      logic [SrBits-1:0] x_sr_q;   // a shift register; synthesis maps it to SRLs
      always_ff @(posedge clk_i) begin
        x_sr_q <= SrBits'({x_sr_q, x_i[r*8 +: 8]});
      end
      assign x_skew[r*8 +: 8] = x_sr_q[K*8-1 -: 8];
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      act_q <= '0;
    end else begin
      act_q <= ChainRows'({act_q, swap_i});
    end
  end

  // The start values wait in a delay line for their step's products.
  logic [Cols*32-1:0] a_dly_q [ArrayLatency];
  always_ff @(posedge clk_i) begin
    a_dly_q[0] <= a_i;
    for (int d = 1; d < ArrayLatency; d++) begin
      a_dly_q[d] <= a_dly_q[d-1];
    end
  end

  // ---- Chains: column pair k, lanes g*ChainRows .. g*ChainRows + ChainRows - 1
  logic [17:0]        lo [Pairs][Chains];
  logic signed [18:0] hi [Pairs][Chains];

  for (genvar k = 0; k < Pairs; k++) begin : g_pair
    for (genvar g = 0; g < Chains; g++) begin : g_chain
      localparam int Lane0 = g * ChainRows;
      odpu_mac_chain #(.ChainRows(ChainRows), .Init(ChainInit)) u_chain (
        .clk_i   (clk_i),
        .stage_i (swap_i),
        .act_i   (act_q),
        .wa_i    (shadow_q[((2*k)*Rows + Lane0)*8 +: ChainRows*8]),
        .wb_i    (shadow_q[((2*k+1)*Rows + Lane0)*8 +: ChainRows*8]),
        .x_i     (x_skew[Lane0*8 +: ChainRows*8]),
        .lo_o    (lo[k][g]),
        .hi_o    (hi[k][g])
      );
    end
  end

  // Column sums: the Chains chain fields of a column added by a binary tree of odpu_adder
  // (node i = node 2i + node 2i+1, the fields are nodes Chains .. 2 Chains - 1) in SumBits
  // (enough for all of them, so the tree never wraps), then the even columns' Init removed
  // and the start value added, mod 2^32.
  localparam int ChainBits = Chains > 1 ? $clog2(Chains) : 0;
  localparam int SumBits = 19 + ChainBits + 1;
  localparam logic [SumBits-1:0] InitSum = SumBits'(Chains) * SumBits'(ChainInit);
  for (genvar j = 0; j < Cols; j++) begin : g_col
    // split_var: each node is its own signal for Verilator, so the tree is not a false loop.
    logic [SumBits-1:0] node [2*Chains] /*verilator split_var*/;
    logic [SumBits-1:0] col_sum;
    for (genvar g = 0; g < Chains; g++) begin : g_leaf
      if (j % 2 == 0) begin : g_lo
        assign node[Chains + g] = SumBits'(lo[j/2][g]);            // zero-extended
      end else begin : g_hi
        assign node[Chains + g] = SumBits'(hi[j/2][g]);            // sign-extended
      end
    end
    for (genvar i = 1; i < Chains; i++) begin : g_node
      odpu_adder #(.Width(SumBits)) u_add (
        .a_i   (node[2*i]),
        .b_i   (node[2*i + 1]),
        .sum_o (node[i])
      );
    end
    assign col_sum = j % 2 == 0 ? node[1] - InitSum : node[1];
    assign sum_o[j*32 +: 32] = a_dly_q[ArrayLatency-1][j*32 +: 32] + 32'($signed(col_sum));
    logic unused_node0;
    assign unused_node0 = ^node[0];
  end

`ifndef SYNTHESIS
  initial begin
    if (Cols % 2 != 0) $error("odpu_mac_array: Cols must be even (columns pair up)");
    if (Rows % ChainRows != 0) $error("odpu_mac_array: ChainRows must divide Rows");
    if (ArrayLatency != ChainRows + 2) $error("odpu_mac_array: ArrayLatency is ChainRows + 2");
  end
`endif
endmodule
`default_nettype wire
