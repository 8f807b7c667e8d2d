// odpu_pool_div.sv - a tile size divided by a fused max pool size (CONV pool_h / pool_w,
// 1..4, encoded as size - 1), for the checker's rule and the CONV sequencer's pooled tile.
// Sizes 1, 2 and 4 are shifts; 3 is a multiplication by ceil(2^11 / 3) = 683:
// floor(x * 683 / 2^11) = floor(x / 3) for every x < 2^11 (the error x / 6144 stays below
// 1/3), which covers the 10-bit CONV sizes. Combinational.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_pool_div (
  input  logic [9:0]                x_i,     // out_h or out_w
  input  logic [odpu_pkg::ConvPoolHWidth-1:0] p_m1_i, // the pool field as encoded: size - 1
  output logic [9:0]                q_o      // floor(x / size)
);
  localparam int ProdBits = 10 + 10;  // a 10-bit size times the 10-bit constant
  localparam int Div3Mult = 683;
  localparam int Div3Shift = 11;

  logic [ProdBits-1:0] prod;
  assign prod = ProdBits'(x_i) * ProdBits'(Div3Mult);

  always_comb begin
    unique case (p_m1_i)
      2'd0: q_o = x_i;
      2'd1: q_o = x_i >> 1;
      2'd2: q_o = 10'(prod >> Div3Shift);
      default: q_o = x_i >> 2;
    endcase
  end

`ifndef SYNTHESIS
  initial begin
    if (odpu_pkg::ConvPoolHWidth != 2 || odpu_pkg::ConvPoolWWidth != 2 || odpu_pkg::ConvPoolHBias != 1 || odpu_pkg::ConvPoolWBias != 1) begin
      $fatal(1, "odpu_pool_div: pool fields must be 2 bits holding size - 1 (sizes 1..4)");
    end
  end
`endif
endmodule
`default_nettype wire
