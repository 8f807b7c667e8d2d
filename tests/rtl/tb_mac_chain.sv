// tb_mac_chain.sv - odpu_mac_chain (8 DSPs in a cascade, two columns per DSP) exact for every
// (x, w_a, w_b) int8 triple in every lane position, and at the field bounds. 256 chains, one
// per activation offset, run 8192 passes of 8 steps: lane k of pass n holds weight pair
// n*8 + k, so the 65536 pairs each meet all 256 activations in every step. Then 8 passes of
// extreme operands (all lanes -128 * -128, -128 * 127, ...) where the low field is at its
// limits. Inputs follow the array's systolic schedule: lane k's activation and weight switch
// arrive k cycles after lane 0's; each step's two sums are checked ChainRows + 2 cycles later.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_mac_chain;
  localparam int G = 8;                 // lanes per chain
  localparam int NumChains = 256;
  localparam int Steps = G;             // steps per pass: swaps are G cycles apart
  localparam int ExhaustPasses = 65536 / G;
  localparam int ExtremePasses = 8;
  localparam int Passes = ExhaustPasses + ExtremePasses;
  localparam int Latency = G + 2;
  localparam logic [47:0] Init = 48'(G * 128 * 127);

  logic clk = 1'b0;
  int   cyc = 0;
  int   errors = 0;
  int   checked = 0;

  // Pass n runs in cycles (n + 1) * Steps .. (n + 2) * Steps - 1; its weights are staged in
  // the cycle before.
  function automatic int pass_of(int c);
    return c / Steps - 1;
  endfunction

  function automatic logic [15:0] wpair(int n, int k);   // {w_b, w_a} of pass n, lane k
    if (n < ExhaustPasses) return 16'(n * G + k);
    case (n - ExhaustPasses)
      0: return {8'sh80, 8'sh80};      // -128, -128: with x = -128 the largest low field
      1: return {8'sh80, 8'sh7f};      // w_a = 127: with x = -128 the smallest
      2: return {8'sh7f, 8'sh80};
      3: return {8'sh7f, 8'sh7f};
      4: return {8'sh00, 8'sh80};
      5: return {8'sh80, 8'sh00};
      6: return {8'(k * 37), 8'(-k * 29)};
      default: return {8'shff, 8'sh01};
    endcase
  endfunction

  function automatic logic [7:0] xval(int i, int k, int s, int n);
    if (n < ExhaustPasses) return 8'(i + 37 * k + 11 * s + 3 * n);
    case (i % 4)
      0: return 8'sh80;
      1: return 8'sh7f;
      2: return 8'sh81;
      default: return 8'(i + k);
    endcase
  endfunction

  // Staging: the last cycle of each pass's predecessor.
  function automatic logic stage_at(int c);
    return c >= Steps - 1 && c % Steps == Steps - 1 && pass_of(c + 1) < Passes;
  endfunction

  logic                 stage;
  logic [G-1:0]         act;
  logic [G*8-1:0]       wa, wb;
  logic [17:0]          lo [NumChains];
  logic signed [18:0]   hi [NumChains];

  always_comb begin
    stage = stage_at(cyc);
    for (int k = 0; k < G; k++) begin
      logic [15:0] w;
      w = wpair(pass_of(cyc + 1), k);
      wa[k*8 +: 8] = w[7:0];
      wb[k*8 +: 8] = w[15:8];
      act[k] = cyc - k - 1 >= 0 && stage_at(cyc - k - 1);
    end
  end

  for (genvar i = 0; i < NumChains; i++) begin : g_chain
    logic [G*8-1:0] x;
    always_comb begin
      for (int k = 0; k < G; k++) begin
        int t;
        t = cyc - k;     // the step whose lane-k activation enters now
        x[k*8 +: 8] = t >= Steps && pass_of(t) < Passes ?
                      xval(i, k, t % Steps, pass_of(t)) : 8'd0;
      end
    end
    odpu_mac_chain #(.ChainRows(G), .Init(Init)) u_chain (
      .clk_i   (clk),
      .stage_i (stage),
      .act_i   (act),
      .wa_i    (wa),
      .wb_i    (wb),
      .x_i     (x),
      .lo_o    (lo[i]),
      .hi_o    (hi[i])
    );
  end

  always #1 clk = ~clk;

  always @(posedge clk) begin
    int t;
    t = cyc - Latency;    // the step whose sums are on the outputs now
    if (t >= Steps && pass_of(t) < Passes) begin
      for (int i = 0; i < NumChains; i++) begin
        int ea, eb, ga;
        ea = 0;
        eb = 0;
        for (int k = 0; k < G; k++) begin
          logic [15:0] w;
          logic signed [7:0] x;
          w = wpair(pass_of(t), k);
          x = xval(i, k, t % Steps, pass_of(t));
          ea += int'(x) * int'($signed(w[7:0]));
          eb += int'(x) * int'($signed(w[15:8]));
        end
        ga = int'(lo[i]) - int'(Init);
        checked++;
        if (ga != ea || int'(hi[i]) != eb) begin
          errors++;
          if (errors <= 10)
            $display("MISMATCH pass %0d step %0d chain %0d: got %0d %0d, want %0d %0d",
                     pass_of(t), t % Steps, i, ga, hi[i], ea, eb);
        end
      end
    end
    if (cyc == (Passes + 1) * Steps + Latency) begin
      if (errors != 0 || checked != Passes * Steps * NumChains) begin
        $display("tb_mac_chain: FAIL, %0d mismatches, %0d of %0d steps checked", errors,
                 checked, Passes * Steps * NumChains);
        $fatal(1);
      end
      $display("tb_mac_chain: PASS, %0d chain steps (%0d products per column) exact",
               checked, checked * G);
      $finish;
    end
    cyc <= cyc + 1;
  end
endmodule
`default_nettype wire
