// odpu_assert.svh - assertion macros for the engine's interfaces: checked wherever the engine
// is simulated (Verilator --assert: the sim backend and every testbench), left out of
// synthesis (Yosys defines SYNTHESIS). A failure stops a testbench and is reported by the
// sim backend as a fault of the run (docs/rtl.md, "Assertions").
`ifndef ODPU_ASSERT_SVH
`define ODPU_ASSERT_SVH

`ifdef SYNTHESIS
`define ODPU_ASSERT(name, prop, clk, off)
`else
// prop must hold at every rising edge of clk at which off is 0.
`define ODPU_ASSERT(name, prop, clk, off) \
  name: assert property (@(posedge clk) disable iff (off) (prop)) \
    else $error("%m: %s", `"prop`");
`endif

// A valid/ready handshake: valid, once up, stays up until a cycle with ready, and the data it
// offers do not change meanwhile (AMBA AXI's rule, and every internal handshake's).
`define ODPU_ASSERT_HANDSHAKE(name, valid, ready, data, clk, off) \
  `ODPU_ASSERT(name, (valid) && !(ready) |=> (valid) && $stable(data), clk, off)

// A signal that must never be unknown while it matters.
`define ODPU_ASSERT_KNOWN(name, sig, clk, off) \
  `ODPU_ASSERT(name, !$isunknown(sig), clk, off)

`endif // ODPU_ASSERT_SVH
