// odpu_rdbpot.sv - gemmlowp RoundingDivideByPOT (docs/isa.md section 6, isa/arith.h
// odpu_rdbpot): x / 2^e rounded to nearest, ties away from zero, e in [0, 31]. Combinational.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_rdbpot (
  input  logic signed [31:0] x_i,
  input  logic [4:0]         e_i,
  output logic signed [31:0] r_o
);
  logic [31:0] mask, rem, thr;
  assign mask = (32'd1 << e_i) - 32'd1;
  assign rem  = x_i & mask;
  assign thr  = (mask >> 1) + {31'b0, x_i[31]};
  assign r_o  = (x_i >>> e_i) + ((rem > thr) ? 32'sd1 : 32'sd0);
endmodule
`default_nettype wire
