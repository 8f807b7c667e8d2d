// odpu_srdhm.sv - gemmlowp SaturatingRoundingDoublingHighMul (docs/isa.md section 6,
// isa/arith.h odpu_srdhm): round(a * b / 2^31), nudge +2^30 or 1-2^30, truncate toward
// zero, INT32_MIN * INT32_MIN saturated to INT32_MAX. Combinational.
`default_nettype none
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

  // The 32 x 32 product from two 27 x 18 DSP products and a 6 x 32 one built from
  // shifted adds in the fabric (a 32 x 32 multiply would take four DSP48E2):
  // a = a_hi * 2^26 + a_lo, b = b_hi * 2^17 + b_lo with a_lo, b_lo unsigned, so
  // a * b = a_lo * b_lo + a_lo * b_hi * 2^17 + a_hi * b * 2^26.
  logic signed [26:0] a_lo;
  logic signed [17:0] b_lo;
  logic signed [14:0] b_hi;
  logic signed [5:0]  a_hi;
  logic signed [44:0] p_lo_lo;
  logic signed [41:0] p_lo_hi;
  logic signed [37:0] p_hi;

  assign a_lo = {1'b0, a_i[25:0]};
  assign b_lo = {1'b0, b_i[16:0]};
  assign b_hi = b_i[31:17];
  assign a_hi = a_i[31:26];
  assign p_lo_lo = a_lo * b_lo;
  assign p_lo_hi = a_lo * b_hi;
  always_comb begin
    // a_hi * b in two's complement: bit 5 of a_hi weighs -2^5.
    p_hi = -(a_hi[5] ? 38'(b_i) <<< 5 : 38'sd0);
    for (int i = 0; i < 5; i++) begin
      p_hi = p_hi + (a_hi[i] ? 38'(b_i) <<< i : 38'sd0);
    end
  end
  assign ab = 64'(p_lo_lo) + (64'(p_lo_hi) <<< 17) + (64'(p_hi) <<< 26);
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
`default_nettype wire
