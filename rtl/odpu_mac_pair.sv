// odpu_mac_pair.sv - two INT8 multiplications sharing one activation in one multiplier
// (AMD WP486 packing): (w_b * 2^18 + w_a) * x fits a 27 x 18 signed DSP48E2 multiply, so a
// DSP computes two MAC products and the array needs 0.5 DSP per MAC. The packed weight is
// formed once per pass when it is loaded (the DSP's A register), not per product.
`include "odpu_arch_params.vh"

module odpu_mac_pair (
  input  logic               clk_i,
  input  logic               ld_i,    // load a weight pair (w_a, w_b)
  input  logic signed [7:0]  wa_i,    // weight of the first column
  input  logic signed [7:0]  wb_i,    // weight of the second column
  input  logic               en_i,    // register a new product this cycle
  input  logic signed [7:0]  x_i,     // shared activation
  output logic signed [15:0] pa_o,    // x * wa, one cycle after en_i
  output logic signed [15:0] pb_o     // x * wb, one cycle after en_i
);
  // Position of w_b in the packed operand: far enough above w_a * x (|.| <= 2^14, 16 bits
  // two's complement) that the two products do not overlap, and within the 27-bit port.
  localparam int PackShift = 18;
  localparam int PackBits = 27;
  localparam int ProdBits = PackBits + 8;

  logic signed [PackBits-1:0] packed_q;
  logic signed [ProdBits-1:0] prod_q;

  // The value w_b * 2^18 + w_a exactly: w_b shifted up plus sign-extended w_a.
  always_ff @(posedge clk_i) begin
    if (ld_i) begin
      packed_q <= {{(PackBits-PackShift-8){wb_i[7]}}, wb_i, {PackShift{1'b0}}} +
                  {{(PackBits-8){wa_i[7]}}, wa_i};
    end
  end

  // The DSP's M/P register.
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      prod_q <= packed_q * x_i;
    end
  end

  // prod = A + B * 2^18 with A = wa*x, B = wb*x. The low 16 bits are A (it fits 16 bits
  // signed). floor(prod / 2^18) = B - (A < 0), so B is the high part plus A's sign, which
  // is bit 17 of prod (A mod 2^18 with |A| < 2^17).
  assign pa_o = prod_q[15:0];
  assign pb_o = prod_q[PackShift +: 16] + {15'b0, prod_q[PackShift-1]};

  // Bits above the 16-bit B field and bits 16..17 (copies of A's sign) carry no information.
  logic unused_prod;
  assign unused_prod = ^{prod_q[ProdBits-1:PackShift+16], prod_q[PackShift-2:16]};
endmodule
