// odpu_assert.svh - assertion macros for the engine's handshakes: checked wherever the engine
// is simulated (Verilator --assert: the sim backend and every testbench), left out of
// synthesis (Yosys and Vivado define SYNTHESIS). A failure stops a testbench and is reported
// by the sim backend as a fault of the run (docs/rtl.md, "Assertions").
`ifndef ODPU_ASSERT_SVH
`define ODPU_ASSERT_SVH

`ifdef SYNTHESIS
`define ODPU_ASSERT(name, prop, clk, off)
`define ODPU_ASSERT_MSG(name, prop, clk, off, msg)
`define ODPU_ASSERT_HANDSHAKE(name, valid, ready, data, clk, off)
`else
// prop must hold at every rising edge of clk at which off is 0. Immediate assertions in a
// clocked block rather than concurrent properties: Verilator 5.006 miscompiles the sampled
// copy of wide vectors ($stable, $past) that the property form needs.
`define ODPU_ASSERT_MSG(name, prop, clk, off, msg) \
  always_ff @(posedge clk) begin : name \
    if (!(off)) begin \
      assert (prop) else $error msg; \
    end \
  end
`define ODPU_ASSERT(name, prop, clk, off) \
  `ODPU_ASSERT_MSG(name, prop, clk, off, ("%s", `"prop`"))

// A valid/ready handshake: valid, once up, stays up until a cycle with ready, and the data it
// offers do not change meanwhile (AMBA AXI's rule, and every internal handshake's). The
// check is off from any cycle in which off is 1 to the next offer.
`define ODPU_ASSERT_HANDSHAKE(name, valid, ready, data, clk, off) \
  logic name``_wait_q; \
  logic [$bits(data)-1:0] name``_data_q; \
  always_ff @(posedge clk) begin \
    name``_wait_q <= !(off) && (valid) && !(ready); \
    name``_data_q <= (data); \
  end \
  `ODPU_ASSERT_MSG(name, !name``_wait_q || ((valid) && (data) == name``_data_q), clk, off, \
      ("%s dropped, or its payload changed, before %s", `"valid`", `"ready`"))
`endif

`endif // ODPU_ASSERT_SVH
