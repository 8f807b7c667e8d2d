// tb_mac_pair_dsp.sv - odpu_mac_pair's two bodies side by side: the DSP48E2 primitive
// (Primitive = 1, simulated with our model tests/rtl/models/DSP48E2.sv) and the registers
// written out (Primitive = 0) get the same stimulus and must agree on P and PCOUT of every
// pair in every cycle. The pairs form chains as odpu_mac_chain builds them: the first pair
// adds Init (C port), each other pair the PCOUT of the pair before (PCIN), each body's chain
// cascading its own pairs. Chains differ in length (1 to 8) and Init (the array's value,
// 0, the sign bit, all ones, which wraps); two chains start with a non-first pair whose
// PCIN the testbench drives with random and extreme 48-bit values, and the first pairs get
// random PCIN too, which they must ignore.
//
// Stimulus: a sweep of all (w_a, w_b, x) in {-128, -127, -1, 0, 1, 127}^3, each held for a
// stage / act / compute round, once with the same values in every pair and once staggered;
// then segments of 64 cycles, each with its own enable pattern (the systolic schedule, with
// act of pair k k + 1 cycles after stage and swaps 1 to 10 cycles apart; random enables of
// several densities; all held; all on) and its own value style (uniform, extremes only, a
// mix, all -128, +-127/-128). Prints PASS or the first MISMATCH (cycle, chain, pair, values)
// and a FAIL count; exits non-zero on a mismatch.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_mac_pair_dsp;
  localparam int NumChains = 7;
  localparam int MaxLen = 8;
  localparam int Len [NumChains] = '{8, 4, 1, 3, 2, 1, 1};
  localparam bit HeadFirst [NumChains] = '{1'b1, 1'b1, 1'b1, 1'b1, 1'b1, 1'b0, 1'b0};
  localparam logic [47:0] InitOf [NumChains] = '{48'd130048, 48'd65024, 48'd0,
                                                 48'h8000_0000_0001, 48'hffff_ffff_ffff,
                                                 48'd0, 48'd0};
  localparam int Warmup = 16;          // every register written, every cascade settled
  localparam int Hold = 4;             // sweep: stage, act, and two cycles of products
  localparam int Combos = 216;         // 6^3 corner triples
  localparam int SweepEnd = Warmup + 2 * Combos * Hold;
  localparam int SegLen = 64;
  localparam int Segments = 15000;
  localparam int Cycles = SweepEnd + Segments * SegLen;

  logic clk = 1'b0;
  int   cyc = 0;
  always #1 clk = ~clk;

  // ---- Stimulus: set at each falling edge, for the rising edge after it.
  logic              stage [NumChains];
  logic              act   [NumChains][MaxLen];
  logic signed [7:0] wa    [NumChains][MaxLen];
  logic signed [7:0] wb    [NumChains][MaxLen];
  logic signed [7:0] x     [NumChains][MaxLen];
  logic [47:0]       pcin  [NumChains];

  // ---- The two bodies' outputs.
  logic [47:0] p_prim   [NumChains][MaxLen];
  logic [47:0] pc_prim  [NumChains][MaxLen];
  logic [47:0] p_behav  [NumChains][MaxLen];
  logic [47:0] pc_behav [NumChains][MaxLen];

  for (genvar c = 0; c < NumChains; c++) begin : g_chain
    logic [47:0] cas_prim [Len[c]+1];
    logic [47:0] cas_behav [Len[c]+1];
    assign cas_prim[0] = pcin[c];
    assign cas_behav[0] = pcin[c];
    for (genvar k = 0; k < Len[c]; k++) begin : g_pair
      odpu_mac_pair #(
        .First     (HeadFirst[c] && k == 0),
        .Init      (InitOf[c]),
        .Primitive (1'b1)
      ) u_prim (
        .clk_i   (clk),
        .stage_i (stage[c]),
        .act_i   (act[c][k]),
        .wa_i    (wa[c][k]),
        .wb_i    (wb[c][k]),
        .x_i     (x[c][k]),
        .pcin_i  (cas_prim[k]),
        .p_o     (p_prim[c][k]),
        .pcout_o (cas_prim[k+1])
      );
      odpu_mac_pair #(
        .First     (HeadFirst[c] && k == 0),
        .Init      (InitOf[c]),
        .Primitive (1'b0)
      ) u_behav (
        .clk_i   (clk),
        .stage_i (stage[c]),
        .act_i   (act[c][k]),
        .wa_i    (wa[c][k]),
        .wb_i    (wb[c][k]),
        .x_i     (x[c][k]),
        .pcin_i  (cas_behav[k]),
        .p_o     (p_behav[c][k]),
        .pcout_o (cas_behav[k+1])
      );
      assign pc_prim[c][k] = cas_prim[k+1];
      assign pc_behav[c][k] = cas_behav[k+1];
    end
  end

  function automatic logic [31:0] xorshift32(logic [31:0] s);
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  endfunction

  function automatic logic signed [7:0] extreme(int i);
    case (i % 6)
      0: return -8'sd128;
      1: return 8'sd127;
      2: return -8'sd127;
      3: return -8'sd1;
      4: return 8'sd0;
      default: return 8'sd1;
    endcase
  endfunction

  // An int8 of value style `style` from the random word r.
  function automatic logic signed [7:0] pick8(int style, logic [31:0] r);
    case (style)
      0: return r[7:0];                                    // uniform
      1: return extreme(int'(r[15:8]));                    // extremes only
      2: return r[16] ? extreme(int'(r[15:8])) : r[7:0];   // a mix
      3: return -8'sd128;                                  // every product at its maximum
      default: return r[16] ? 8'sd127 : -8'sd128;          // products at their minimum, mostly
    endcase
  endfunction

  function automatic logic [47:0] pick48(logic [31:0] r1, logic [31:0] r2);
    case (r1[2:0])
      0: return 48'h7fff_ffff_ffff;
      1: return 48'h8000_0000_0000;
      2: return 48'hffff_ffff_ffff;
      3: return 48'd0;
      default: return {r1[31:16], r2};
    endcase
  endfunction

  // Segment settings, drawn at each segment's first cycle.
  int          seg_mode, seg_style, seg_period, seg_density;
  logic [31:0] rng = 32'h2545_f491;
  logic [MaxLen-1:0] stage_hist [NumChains];   // bit k: stage driven k + 1 cycles ago

  // ---- Comparison of the outputs of the last rising edge, then the next stimulus.
  int     mismatches = 0;
  longint compared = 0;
  longint nonzero = 0;

  always @(negedge clk) begin
    logic [31:0] r;
    int          mode, style, period, density;
    if (cyc >= Warmup && cyc < Cycles) begin
      for (int c = 0; c < NumChains; c++) begin
        for (int k = 0; k < Len[c]; k++) begin
          compared++;
          if (p_behav[c][k] != 48'd0) nonzero++;
          if (p_prim[c][k] != p_behav[c][k] || pc_prim[c][k] != pc_behav[c][k]) begin
            mismatches++;
            if (mismatches == 1)
              $display("tb_mac_pair_dsp: MISMATCH cycle %0d chain %0d pair %0d (First %0d, Init %h): P primitive %h written-out %h, PCOUT primitive %h written-out %h",
                       cyc, c, k, HeadFirst[c] && k == 0, InitOf[c],
                       p_prim[c][k], p_behav[c][k], pc_prim[c][k], pc_behav[c][k]);
          end
        end
      end
    end
    if (cyc == Cycles) begin
      if (mismatches != 0) begin
        $display("tb_mac_pair_dsp: FAIL, %0d of %0d pair-cycles differ", mismatches, compared);
        $fatal(1);
      end
      // A run where the products never reached P would compare zeros with zeros.
      if (nonzero < compared / 2) begin
        $display("tb_mac_pair_dsp: FAIL, P was non-zero in only %0d of %0d pair-cycles",
                 nonzero, compared);
        $fatal(1);
      end
      $display("tb_mac_pair_dsp: PASS, P and PCOUT of the DSP48E2 primitive body (on the model) equal the written-out body's in %0d cycles of %0d pairs",
               Cycles - Warmup, compared / longint'(Cycles - Warmup));
      $finish;
    end
    r = rng;
    mode = seg_mode;
    style = seg_style;
    period = seg_period;
    density = seg_density;
    if (cyc >= SweepEnd && (cyc - SweepEnd) % SegLen == 0) begin
      r = xorshift32(r);
      mode = int'(r[1:0]);
      style = int'(r[10:8]) % 5;
      period = 1 + int'(r[19:16]) % 10;
      density = int'(r[25:24]);
    end
    for (int c = 0; c < NumChains; c++) begin
      logic s;
      logic [31:0] r2;
      r = xorshift32(r);
      r2 = xorshift32(r);
      pcin[c] = pick48(r, r2);
      r = xorshift32(r2);
      if (cyc < Warmup) begin
        s = 1'b1;
      end else if (cyc < SweepEnd) begin
        s = (cyc - Warmup) % Hold == 0;
      end else begin
        unique case (mode)
          0: s = (cyc - SweepEnd) % period == 0;                 // systolic
          1: s = r[3:0] < 4'(2 + 4 * density);                  // random
          2: s = 1'b0;                                           // held
          default: s = 1'b1;                                     // all on
        endcase
      end
      stage[c] = s;
      for (int k = 0; k < MaxLen; k++) begin
        logic a;
        r = xorshift32(r);
        if (cyc < Warmup) begin
          a = 1'b1;
          wa[c][k] = r[7:0];
          wb[c][k] = r[15:8];
          x[c][k] = r[23:16];
        end else if (cyc < SweepEnd) begin
          int i, t;
          i = (cyc - Warmup) / Hold;
          t = i < Combos ? i : (i - Combos + 37 * k + 11 * c) % Combos;
          a = (cyc - Warmup) % Hold == 1;
          wa[c][k] = extreme(t);
          wb[c][k] = extreme(t / 6);
          x[c][k] = extreme(t / 36);
        end else begin
          unique case (mode)
            0: a = stage_hist[c][k];
            1: a = r[27:24] < 4'(2 + 4 * density);
            2: a = 1'b0;
            default: a = 1'b1;
          endcase
          wa[c][k] = pick8(style, r);
          r = xorshift32(r);
          wb[c][k] = pick8(style, r);
          r = xorshift32(r);
          x[c][k] = pick8(style, r);
        end
        act[c][k] = a;
      end
      stage_hist[c] = {stage_hist[c][MaxLen-2:0], s};
    end
    rng = r;
    seg_mode = mode;
    seg_style = style;
    seg_period = period;
    seg_density = density;
    cyc = cyc + 1;
  end
endmodule
`default_nettype wire
