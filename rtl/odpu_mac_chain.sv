// odpu_mac_chain.sv - ChainRows lanes of one column pair summed in a DSP48E2 cascade: DSP k
// multiplies lane k's activation by its packed weights (w_b * 2^18 + w_a) and adds DSP k-1's
// sum, so the two columns' partial sums leave the last DSP as two fields of one word.
//
// Timing (a systolic chain): a step's lane-k activation must arrive k cycles after lane 0's,
// and its sum leaves ChainRows + 2 cycles after lane 0's activation arrived (B, M, P
// registers, one cascade stage per lane). A weight change follows the same skew: stage_i
// takes the new weights into every DSP at once, act_k makes them DSP k's active weights.
//
// Fields: the first DSP adds Init, so the low field holds sum(w_a * x) + Init. Each product
// lies in [-16256, 16384] (-128 * 127 .. -128 * -128), so for at most MaxChainRows lanes
// (8: 8 * 32640 < 2^18) that field stays within [0, 2^18) and never borrows from the high
// field, which is exactly sum(w_b * x). The caller removes Init.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_mac_chain #(
  parameter int ChainRows = 8,
  parameter logic [47:0] Init = 48'd130048   // -(most negative low-field sum)
) (
  input  logic                   clk_i,
  input  logic                   stage_i,
  input  logic [ChainRows-1:0]   act_i,      // act_i[k]: DSP k's weights become active
  input  logic [ChainRows*8-1:0] wa_i,       // lane k's weight of the first column
  input  logic [ChainRows*8-1:0] wb_i,       // lane k's weight of the second column
  input  logic [ChainRows*8-1:0] x_i,        // lane k's activation, skewed by k cycles
  output logic [17:0]            lo_o,       // sum(w_a * x) + Init
  output logic signed [18:0]     hi_o        // sum(w_b * x)
);
  localparam int FieldBits = 18;  // odpu_mac_pair's PackShift

  logic [47:0] cas [ChainRows+1];   // cas[k]: DSP k-1's cascade output
  logic [47:0] p_last;
  assign cas[0] = '0;

  for (genvar k = 0; k < ChainRows; k++) begin : g_dsp
    logic [47:0] p;
    odpu_mac_pair #(.First(k == 0), .Init(Init)) u_pair (
      .clk_i   (clk_i),
      .stage_i (stage_i),
      .act_i   (act_i[k]),
      .wa_i    (wa_i[k*8 +: 8]),
      .wb_i    (wb_i[k*8 +: 8]),
      .x_i     (x_i[k*8 +: 8]),
      .pcin_i  (cas[k]),
      .p_o     (p),
      .pcout_o (cas[k+1])
    );
    if (k == ChainRows - 1) begin : g_last
      assign p_last = p;
    end else begin : g_mid
      logic unused_p;
      assign unused_p = ^p;   // only the cascade route leaves a middle DSP
    end
  end

  assign lo_o = p_last[FieldBits-1:0];
  assign hi_o = p_last[FieldBits +: 19];

  // Above the high field: its sign extension. cas[ChainRows] has no next DSP.
  logic unused_bits;
  assign unused_bits = ^{p_last[47:FieldBits+19], cas[ChainRows]};

`ifndef SYNTHESIS
  initial begin
    if (ChainRows < 1 || ChainRows > 8) $error("odpu_mac_chain: ChainRows must be 1..8");
  end
`endif
endmodule
`default_nettype wire
