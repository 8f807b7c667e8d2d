// odpu_requant.sv - one lane of the output arithmetic (docs/isa.md section 6): optional
// LeakyReLU (SRDHM by leaky_mult of a negative input), MBQM or POT scaling, + zero point,
// clamp. Three pipeline stages that advance together on en_i. The CONV output stage, POOL
// (max as POT by 0) and ELEW (three MBQMs) are all built from it.
`include "odpu_arch_params.vh"

module odpu_requant (
  input  logic               clk_i,
  input  logic               en_i,          // advance every stage by one item
  // Per item, sampled with en_i:
  input  logic signed [31:0] x_i,
  input  logic signed [31:0] mult_i,        // Q0.31 multiplier (ignored with pot_i)
  input  logic signed [5:0]  shift_i,       // in [-31, 31]
  input  logic signed [31:0] leaky_mult_i,  // Q0.31 slope for a negative x_i
  // Per instruction, stable while items are in flight:
  input  logic               leaky_i,
  input  logic               pot_i,         // power-of-two mode: no multiplier
  input  logic signed [7:0]  zp_i,
  input  logic signed [7:0]  min_i,
  input  logic signed [7:0]  max_i,
  // Three en_i cycles after the item:
  output logic signed [31:0] r32_o,         // MBQM / POT result (before zp and clamp)
  output logic signed [7:0]  r8_o           // clamp(r32 + zp, min, max)
);
  localparam logic signed [63:0] Int32MaxW = 64'sh0000_0000_7fff_ffff;
  localparam logic signed [63:0] Int32MinW = -64'sh0000_0000_8000_0000;

  // ---- Stage 1: LeakyReLU on the accumulator (its sign is the real value's sign).
  logic signed [31:0] leaky_r;
  logic signed [31:0] a1_q, mult1_q;
  logic signed [5:0]  shift1_q;

  odpu_srdhm u_leaky (.a_i(x_i), .b_i(leaky_mult_i), .r_o(leaky_r));

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      a1_q     <= (leaky_i && x_i[31]) ? leaky_r : x_i;
      mult1_q  <= mult_i;
      shift1_q <= shift_i;
    end
  end

  // ---- Stage 2: SHL_SAT by max(shift, 0), then SRDHM by mult (bypassed in POT mode).
  logic [4:0]         left2, right2;
  logic signed [63:0] wide2;
  logic signed [31:0] sat2, mul2;
  logic signed [31:0] m2_q;
  logic [4:0]         right2_q;

  assign left2  = shift1_q > 0 ? 5'(shift1_q) : 5'd0;
  assign right2 = shift1_q > 0 ? 5'd0 : 5'(-shift1_q);
  assign wide2  = 64'(a1_q) <<< left2;   // |a| * 2^31 < 2^63: exact
  assign sat2   = wide2 > Int32MaxW ? 32'sh7fff_ffff :
                  wide2 < Int32MinW ? 32'sh8000_0000 : 32'(wide2);

  odpu_srdhm u_mult (.a_i(sat2), .b_i(mult1_q), .r_o(mul2));

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      m2_q     <= pot_i ? sat2 : mul2;
      right2_q <= right2;
    end
  end

  // ---- Stage 3: RDBPOT by max(-shift, 0) (nearest, ties away from zero), zp, clamp.
  logic [31:0]        mask3, rem3, thr3;
  logic signed [31:0] div3;
  logic signed [32:0] sum3;
  logic signed [31:0] r32_q;
  logic signed [7:0]  r8_q;

  assign mask3 = (32'd1 << right2_q) - 32'd1;
  assign rem3  = m2_q & mask3;
  assign thr3  = (mask3 >> 1) + {31'b0, m2_q[31]};
  assign div3  = (m2_q >>> right2_q) + ((rem3 > thr3) ? 32'sd1 : 32'sd0);
  assign sum3  = 33'(div3) + 33'(zp_i);

  always_ff @(posedge clk_i) begin
    if (en_i) begin
      r32_q <= div3;
      r8_q  <= sum3 < 33'(min_i) ? min_i :
               sum3 > 33'(max_i) ? max_i : 8'(sum3);
    end
  end

  assign r32_o = r32_q;
  assign r8_o  = r8_q;
endmodule
