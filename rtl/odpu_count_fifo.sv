// odpu_count_fifo.sv - small synchronous FIFO with an occupancy count, first-word fall-through.
// The compute engine's and the memory side's decoupling queues (buffer read streams whose data
// cannot wait, burst descriptors, read beats); odpu_fifo is the valid/ready one of the controller.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_count_fifo #(
  parameter int Width = 8,
  parameter int Depth = 4   // power of two, >= 2
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,   // empties the FIFO (START / instruction end)
  input  logic                   push_i,    // caller guarantees not full
  input  logic [Width-1:0]       wdata_i,
  input  logic                   pop_i,     // caller guarantees not empty
  output logic [Width-1:0]       rdata_o,   // head entry, valid while count_o != 0
  output logic [$clog2(Depth):0] count_o
);
  localparam int PtrBits = $clog2(Depth);

  logic [Width-1:0]   mem_q [Depth];
  logic [PtrBits-1:0] wptr_q, rptr_q;
  logic [PtrBits:0]   count_q;

  assign rdata_o = mem_q[rptr_q];
  assign count_o = count_q;

  // The storage has no reset: only entries below count_q are ever read.
  always_ff @(posedge clk_i) begin
    if (push_i) begin
      mem_q[wptr_q] <= wdata_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push_i) begin
        wptr_q <= wptr_q + 1'b1;
      end
      if (pop_i) begin
        rptr_q <= rptr_q + 1'b1;
      end
      count_q <= count_q + (PtrBits+1)'(push_i) - (PtrBits+1)'(pop_i);
    end
  end

  // ---- Assertions (docs/rtl.md "Assertions"): the callers' promises; a violation is a
  // design bug.
  `ODPU_ASSERT(a_push_not_full, !push_i || pop_i || count_q != (PtrBits+1)'(Depth), clk_i,
      !rst_ni || clear_i)
  `ODPU_ASSERT(a_pop_not_empty, !pop_i || count_q != '0, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
