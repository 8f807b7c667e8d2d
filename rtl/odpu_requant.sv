// odpu_requant.sv - one lane of the output arithmetic (docs/isa.md section 6): two
// requantizations in a row with a combine step between them, four pipeline stages that
// advance together on en_i. Every result of the compute engine goes through it:
//   CONV:  LeakyReLU = MBQM1(acc, leaky_mult, 0) applied when leaky and acc < 0, then
//          MBQM2(., mult, shift) or POT(., shift), + out_zp, clamp;
//   POOL:  MBQM2(sum, mult, shift) + out_zp, clamp (max: POT by 0, only the clamp);
//   ELEW:  two items a, b in consecutive cycles: MBQM1 gives a' (kept) and b', then
//          MBQM2(sat(a' + b'), out_mult, out_shift) + out_zp, clamp for item b.
// MBQM(x, m, s) = RDBPOT(SRDHM(SHL_SAT(x, max(s, 0)), m), max(-s, 0)) exactly as isa/arith.h.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_requant (
  input  logic               clk_i,
  input  logic               en_i,       // advance every stage by one item
  // Per item, sampled with en_i:
  input  logic signed [31:0] x_i,
  input  logic               apply1_i,   // apply MBQM1 (else pass x through)
  input  logic signed [31:0] m1_i,
  input  logic signed [5:0]  s1_i,       // in [-31, 31]
  input  logic [1:0]         comb_i,     // CombPass, CombHold (ELEW a), CombAdd (ELEW b)
  input  logic signed [31:0] m2_i,       // Q0.31 multiplier (ignored with pot_i)
  input  logic signed [5:0]  s2_i,       // in [-31, 31]
  // Per instruction, stable while items are in flight:
  input  logic               pot_i,      // power-of-two mode: MBQM2 without multiplier
  input  logic signed [7:0]  zp_i,
  input  logic signed [7:0]  min_i,
  input  logic signed [7:0]  max_i,
  // Four en_i cycles after the item:
  output logic signed [7:0]  r8_o        // clamp(MBQM2(...) + zp, min, max)
);
  localparam logic [1:0] CombPass = 2'd0;
  localparam logic [1:0] CombHold = 2'd1;
  localparam logic [1:0] CombAdd  = 2'd2;
  localparam logic signed [63:0] Int32MaxW = 64'sh0000_0000_7fff_ffff;
  localparam logic signed [63:0] Int32MinW = -64'sh0000_0000_8000_0000;

  // ---- Stage 1: SHL_SAT and SRDHM of MBQM1.
  logic [4:0]         left1;
  logic signed [63:0] wide1;
  logic signed [31:0] sat1, mul1;
  logic signed [31:0] a1_q, m2_1_q;
  logic signed [5:0]  s2_1_q;
  logic [4:0]         right1_q;
  logic [1:0]         comb1_q;

  assign left1 = s1_i > 0 ? 5'(s1_i) : 5'd0;
  assign wide1 = 64'(x_i) <<< left1;   // |x| * 2^31 < 2^63: exact
  assign sat1  = wide1 > Int32MaxW ? 32'sh7fff_ffff : wide1 < Int32MinW ? 32'sh8000_0000 : 32'(wide1);

  odpu_srdhm u_srdhm1 (.a_i(sat1), .b_i(m1_i), .r_o(mul1));

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      a1_q     <= apply1_i ? mul1 : x_i;
      right1_q <= (apply1_i && s1_i < 0) ? 5'(-s1_i) : 5'd0;
      comb1_q  <= comb_i;
      m2_1_q   <= m2_i;
      s2_1_q   <= s2_i;
    end
  end

  // ---- Stage 2: RDBPOT of MBQM1 (nearest, ties away from zero), then the combine.
  logic signed [31:0] div2, hold_q, c2_q, m2_2_q;
  logic signed [32:0] sum2;
  logic signed [5:0]  s2_2_q;

  odpu_rdbpot u_rdbpot1 (.x_i(a1_q), .e_i(right1_q), .r_o(div2));
  assign sum2 = 33'(hold_q) + 33'(div2);

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      if (comb1_q == CombHold) begin
        hold_q <= div2;
      end
      unique case (comb1_q)
        CombAdd: c2_q <= sum2 > 33'(Int32MaxW) ? 32'sh7fff_ffff :
                         sum2 < 33'(Int32MinW) ? 32'sh8000_0000 : 32'(sum2);
        CombPass, CombHold: c2_q <= div2;
        default: c2_q <= div2;
      endcase
      m2_2_q <= m2_1_q;
      s2_2_q <= s2_1_q;
    end
  end

  // ---- Stage 3: SHL_SAT and SRDHM of MBQM2 (POT: no multiplier).
  logic [4:0]         left3;
  logic signed [63:0] wide3;
  logic signed [31:0] sat3, mul3, m3_q;
  logic [4:0]         right3_q;

  assign left3 = s2_2_q > 0 ? 5'(s2_2_q) : 5'd0;
  assign wide3 = 64'(c2_q) <<< left3;
  assign sat3  = wide3 > Int32MaxW ? 32'sh7fff_ffff : wide3 < Int32MinW ? 32'sh8000_0000 : 32'(wide3);

  odpu_srdhm u_srdhm2 (.a_i(sat3), .b_i(m2_2_q), .r_o(mul3));

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      m3_q     <= pot_i ? sat3 : mul3;
      right3_q <= s2_2_q < 0 ? 5'(-s2_2_q) : 5'd0;
    end
  end

  // ---- Stage 4: RDBPOT of MBQM2, zero point, clamp.
  logic signed [31:0] div4;
  logic signed [32:0] sum4;
  logic signed [7:0]  r8_q;

  odpu_rdbpot u_rdbpot2 (.x_i(m3_q), .e_i(right3_q), .r_o(div4));
  assign sum4 = 33'(div4) + 33'(zp_i);

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      r8_q <= sum4 < 33'(min_i) ? min_i : sum4 > 33'(max_i) ? max_i : 8'(sum4);
    end
  end

  assign r8_o = r8_q;
endmodule
`default_nettype wire
