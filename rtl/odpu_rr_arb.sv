// odpu_rr_arb.sv - round-robin arbiter: one grant per cycle among N requesters.
// Shares a buffer port between engines (odpu_bufs) and the AR channel (odpu_axi_master).
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_rr_arb #(
  parameter int N = 2
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic [N-1:0] req_i,  // requester i wants the resource this cycle
  input  logic         en_i,   // the resource is free this cycle
  output logic [N-1:0] gnt_o   // one-hot or zero; a grant is a transfer (the request is valid)
);
  if (N == 1) begin : g_single
    assign gnt_o = req_i & {N{en_i}};
    logic unused_clk_rst;
    assign unused_clk_rst = clk_i ^ rst_ni;
  end else begin : g_rr
    // Priority rotates past the requester served last: mask_q keeps the requesters above
    // it, who come first; when none of them asks, the lowest requester wins. A requester
    // that keeps asking is served at least once every N grants (no starvation).
    logic [N-1:0] mask_q, mask_d, masked, pick;

    assign masked = req_i & mask_q;
    // x & -x isolates the lowest set bit.
    assign pick   = (masked != '0) ? (masked & (~masked + 1'b1)) : (req_i & (~req_i + 1'b1));
    assign gnt_o  = en_i ? pick : '0;
    // Requesters strictly above the one granted: ~(g | (g - 1)).
    assign mask_d = (gnt_o != '0) ? ~(gnt_o | (gnt_o - 1'b1)) : mask_q;

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        mask_q <= '1;
      end else begin
        mask_q <= mask_d;
      end
    end
  end
endmodule
`default_nettype wire
