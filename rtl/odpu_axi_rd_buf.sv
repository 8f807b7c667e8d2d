// odpu_axi_rd_buf.sv - read data buffer of one AXI read client of odpu_axi_master, with the
// credits that let a burst be requested only when all its beats have room.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_axi_rd_buf #(
  parameter int Depth    = 32,  // beats, a power of two
  parameter int CredBits = 9    // holds 0 .. Depth
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // clear_i (START) empties the buffer; beats still in flight from an earlier run are
  // dropped when they arrive, so a new run never sees an old run's data.
  input  logic                   clear_i,
  input  logic                   issue_i,        // a burst of this client is requested
  input  logic [4:0]             issue_beats_i,
  input  logic                   beat_i,         // an R beat of this client arrives
  input  logic [AxiDataBits-1:0] beat_data_i,
  input  logic                   beat_last_i,
  input  logic [1:0]             beat_resp_i,
  output logic [CredBits-1:0]    credits_o,      // beats that may still be requested
  output logic                   idle_o,         // every requested beat reached the client
  output logic                   err_resp_o,     // pulse: SLVERR/DECERR on a beat of this run
  output logic                   rd_valid_o,
  input  logic                   rd_ready_i,
  output logic [AxiDataBits-1:0] rd_data_o,
  output logic                   rd_last_o
);
  localparam int CountBits = $clog2(Depth) + 1;
  localparam logic [1:0] AxiRespSlvErr = 2'b10;
  localparam logic [1:0] AxiRespDecErr = 2'b11;

  logic [CredBits-1:0]  cred_q, cred_d, inflight_q, inflight_d, discard_q, discard_d;
  logic                 drop, push, pop;
  logic [CountBits-1:0] count;
  logic [AxiDataBits:0] head;

  assign drop = beat_i && (discard_q != '0);
  assign push = beat_i && !drop && !clear_i;
  assign pop  = rd_valid_o && rd_ready_i && !clear_i;

  odpu_count_fifo #(.Width(AxiDataBits + 1), .Depth(Depth)) u_fifo (
    .clk_i, .rst_ni,
    .clear_i (clear_i),
    .push_i  (push),
    .wdata_i ({beat_last_i, beat_data_i}),
    .pop_i   (pop),
    .rdata_o (head),
    .count_o (count)
  );
  assign rd_valid_o = count != '0;
  assign rd_data_o  = head[AxiDataBits-1:0];
  assign rd_last_o  = head[AxiDataBits];
  assign err_resp_o = beat_i && !drop && !clear_i &&
                      ((beat_resp_i == AxiRespSlvErr) || (beat_resp_i == AxiRespDecErr));

  always_comb begin
    inflight_d = inflight_q + (issue_i ? CredBits'(issue_beats_i) : '0) - CredBits'(beat_i);
    if (clear_i) begin
      // Every beat still in flight will be dropped; the buffer itself is empty now.
      discard_d = inflight_d;
      cred_d    = CredBits'(Depth) - inflight_d;
    end else begin
      discard_d = discard_q - CredBits'(drop);
      cred_d    = cred_q - (issue_i ? CredBits'(issue_beats_i) : '0) + CredBits'(pop) +
                  CredBits'(drop);
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      cred_q     <= CredBits'(Depth);
      inflight_q <= '0;
      discard_q  <= '0;
    end else begin
      cred_q     <= cred_d;
      inflight_q <= inflight_d;
      discard_q  <= discard_d;
    end
  end
  assign credits_o = cred_q;
  assign idle_o    = (inflight_q == '0) && (count == '0);

  // ---- Assertions (docs/rtl.md "Assertions"): a buffered beat stays offered to its
  // client until taken.
  `ODPU_ASSERT_HANDSHAKE(a_rd_stable, rd_valid_o, rd_ready_i, {rd_data_o, rd_last_o}, clk_i,
      !rst_ni || clear_i)
endmodule
`default_nettype wire
