// odpu_assert.svh - assertion macros for the engine's handshakes: checked wherever the engine
// is simulated (Verilator --assert: the sim backend and every testbench), left out of
// synthesis (Yosys and Vivado define SYNTHESIS). A failure stops a testbench and is reported
// by the sim backend as a fault of the run (docs/rtl.md, "Assertions").
`ifndef ODPU_ASSERT_SVH
`define ODPU_ASSERT_SVH

`ifdef SYNTHESIS
`define ODPU_ASSERT(name, prop, clk, off)
`define ODPU_ASSERT_HANDSHAKE(name, valid, ready, data, clk, off)
`else
// prop must hold at every rising edge of clk at which off is 0. Immediate assertions in a
// clocked block rather than concurrent properties: Verilator 5.006 miscompiles the sampled
// copy of wide vectors ($stable, $past) that the property form needs.
`define ODPU_ASSERT(name, prop, clk, off) \
  always_ff @(posedge clk) begin : name \
    if (!(off)) begin \
      assert (prop) else $error("%s", `"prop`"); \
    end \
  end

// A valid/ready handshake: valid, once up, stays up until a cycle with ready, and the data it
// offers do not change meanwhile (AMBA AXI's rule, and every internal handshake's). The
// check is off from any cycle in which off is 1 to the next offer. The payload is copied and
// compared only in cycles that wait: buffer words are thousands of bits wide, and copying
// them every cycle would cost the simulation a tenth of its speed.
`define ODPU_ASSERT_HANDSHAKE(name, valid, ready, data, clk, off) \
  logic name``_wait_q; \
  logic [$bits(data)-1:0] name``_data_q; \
  always_ff @(posedge clk) begin : name \
    if (!(off) && name``_wait_q) begin \
      assert ((valid) && (data) == name``_data_q) \
        else $error("%s dropped, or its payload changed, before %s", `"valid`", `"ready`"); \
    end \
    name``_wait_q <= !(off) && (valid) && !(ready); \
    if ((valid) && !(ready)) begin \
      name``_data_q <= (data); \
    end \
  end
`endif

`endif // ODPU_ASSERT_SVH
