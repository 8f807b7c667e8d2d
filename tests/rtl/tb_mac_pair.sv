// tb_mac_pair.sv - exhaustive test of odpu_mac_pair: every (x, w_a, w_b) int8 triple
// (2^24 of them). 256 instances, one per x, see every (w_a, w_b) pair in 65536 cycles:
// a pair is loaded at one edge and multiplied at the next, and each product is compared
// with the exact one.
`include "odpu_arch_params.vh"

module tb_mac_pair;
  localparam int NumX = 256;
  localparam int NumW = 65536;

  logic clk = 1'b0;
  logic [15:0] wab_q = '0;          // {w_b, w_a} loaded at the next edge
  logic [15:0] wab_mul = '0;        // the pair the registered products belong to
  logic signed [15:0] pa [NumX];
  logic signed [15:0] pb [NumX];
  int errors = 0;

  for (genvar i = 0; i < NumX; i++) begin : g_x
    odpu_mac_pair u_pair (
      .clk_i (clk),
      .ld_i  (1'b1),
      .wa_i  (wab_q[7:0]),
      .wb_i  (wab_q[15:8]),
      .en_i  (1'b1),
      .x_i   (8'(i)),
      .pa_o  (pa[i]),
      .pb_o  (pb[i])
    );
  end

  always #1 clk = ~clk;

  initial begin
    // An edge loads the pair driven before it and multiplies the pair loaded at the edge
    // before; the first edge's products are discarded.
    @(posedge clk);
    #0.5;
    wab_mul = wab_q;
    wab_q = 16'(1);
    for (int n = 0; n < NumW; n++) begin
      @(posedge clk);
      #0.5;
      begin
        for (int i = 0; i < NumX; i++) begin
          logic signed [7:0] x, wa, wb;
          logic signed [15:0] ea, eb;
          x = 8'(i);
          wa = wab_mul[7:0];
          wb = wab_mul[15:8];
          ea = 16'(x) * 16'(wa);
          eb = 16'(x) * 16'(wb);
          if (pa[i] !== ea || pb[i] !== eb) begin
            errors++;
            if (errors <= 10)
              $display("MISMATCH x=%0d wa=%0d wb=%0d: got %0d %0d, want %0d %0d",
                       x, wa, wb, pa[i], pb[i], ea, eb);
          end
        end
      end
      wab_mul = wab_q;
      wab_q = 16'(n + 2);
    end
    if (errors != 0) begin
      $display("tb_mac_pair: FAIL, %0d mismatches", errors);
      $fatal(1);
    end
    $display("tb_mac_pair: PASS, %0d (x, w_a, w_b) triples exact", NumX * NumW);
    $finish;
  end
endmodule
