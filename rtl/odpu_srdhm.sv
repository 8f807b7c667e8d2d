// odpu_srdhm.sv - gemmlowp SaturatingRoundingDoublingHighMul (docs/isa.md section 6,
// isa/arith.h odpu_srdhm): round(a * b / 2^31), nudge +2^30 or 1-2^30, truncate toward
// zero, INT32_MIN * INT32_MIN saturated to INT32_MAX. Combinational.
`include "odpu_arch_params.vh"

module odpu_srdhm (
  input  logic signed [31:0] a_i,
  input  logic signed [31:0] b_i,
  output logic signed [31:0] r_o
);
  localparam logic signed [63:0] NudgePos = 64'sd1 <<< 30;
  localparam logic signed [63:0] NudgeNeg = 64'sd1 - (64'sd1 <<< 30);
  localparam logic signed [31:0] Int32Min = 32'sh8000_0000;
  localparam logic signed [31:0] Int32Max = 32'sh7fff_ffff;

  logic signed [63:0] ab, nudged;
  logic signed [32:0] quot;   // nudged / 2^31 floor, 33 bits: |ab| <= 2^62
  logic               round_up;

  assign ab = 64'(a_i) * 64'(b_i);
  assign nudged = ab + (ab >= 0 ? NudgePos : NudgeNeg);
  assign quot = nudged[63:31];
  // Floor differs from truncation toward zero for a negative value with a remainder.
  assign round_up = nudged[63] && (nudged[30:0] != '0);

  always_comb begin
    if (a_i == Int32Min && b_i == Int32Min) begin
      r_o = Int32Max;
    end else begin
      r_o = 32'(quot + 33'(round_up));
    end
  end
endmodule
