// odpu_watchdog - fires when a run has made no progress for WATCHDOG cycles, so a
// dependency deadlock or a DDR that never answers ends the run instead of hanging it.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_watchdog (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        enable_i,    // a run is going
  input  logic        progress_i,  // a retire, a dispatch or an AXI handshake this cycle
  input  logic [31:0] limit_i,     // WATCHDOG register; 0 selects DefaultLimit
  output logic        fire_o
);
  // 2^20 cycles (5 ms at 200 MHz): far above any legal stall — a DDR burst at the slowest
  // model takes hundreds of cycles and the longest instruction of the zoo's models waits on
  // one token for about a layer's compute time — yet short enough for a simulated run.
  localparam logic [31:0] DefaultLimit = 32'd1 << 20;

  logic [31:0] count_q, count_d, limit;

  assign limit  = (limit_i == '0) ? DefaultLimit : limit_i;
  assign fire_o = enable_i && !progress_i && (count_q + 1'b1 >= limit);

  always_comb begin
    count_d = count_q + 1'b1;
    if (!enable_i || progress_i || fire_o) begin
      count_d = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      count_q <= '0;
    end else begin
      count_q <= count_d;
    end
  end
endmodule
`default_nettype wire
