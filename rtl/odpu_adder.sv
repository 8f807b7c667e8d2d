// odpu_adder.sv - a Width-bit two's-complement adder (wraps), one node of an adder tree.
// Its own module so that synthesis keeps each node a carry-chain adder: Yosys 0.23 merges a
// tree of + into one $macc cell and maps that into LUTs and wide multiplexers, about three
// times the LUTs of the same tree as carry-chain adders (docs/rtl.md, "Resources").
`default_nettype none
module odpu_adder #(
  parameter int Width = 32
) (
  input  logic [Width-1:0] a_i,
  input  logic [Width-1:0] b_i,
  output logic [Width-1:0] sum_o
);
  assign sum_o = a_i + b_i;
endmodule
`default_nettype wire
