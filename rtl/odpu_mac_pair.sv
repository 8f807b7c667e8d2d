// odpu_mac_pair.sv - one DSP48E2 of a column-pair chain: two INT8 weights packed into one
// multiplier operand (AMD WP486: w_b * 2^18 + w_a, formed by the DSP's pre-adder) times a
// shared activation, plus the product sum of the chain's previous DSP (PCIN) or, for the
// first DSP, a constant (C). odpu_mac_chain cascades them; docs/rtl.md "MAC array".
//
// Registers, as in the DSP48E2 (AREG = DREG = ADREG = BREG = MREG = PREG = 1):
//   stage (A2, D) <= (w_a, w_b * 2^18)       when stage_i
//   act   (AD)    <= stage w_b*2^18 + w_a    when act_i   (the weights products use)
//   x     (B2)    <= x_i                     every cycle
//   m     (M)     <= act * x                 every cycle
//   p     (P)     <= m + (First ? Init : pcin_i)   every cycle
//
// Two bodies of the same registers, chosen by Primitive: the DSP48E2 primitive (Yosys 0.23
// does not fold the post-adder or the cascade into an inferred DSP48E2) and the registers
// written out. The primitive is the default in synthesis (Yosys defines SYNTHESIS) and in a
// simulation that defines ODPU_DSP48E2_MODEL and compiles tests/rtl/models/DSP48E2.sv; the
// lint and the other simulations take the written-out body.
// tests/test_rtl_mac_pair_dsp.sh runs both side by side and compares P and PCOUT every cycle.
`default_nettype none
`include "odpu_arch_params.vh"

`ifdef SYNTHESIS
`define ODPU_MAC_PAIR_PRIMITIVE 1'b1
`elsif ODPU_DSP48E2_MODEL
`define ODPU_MAC_PAIR_PRIMITIVE 1'b1
`else
`define ODPU_MAC_PAIR_PRIMITIVE 1'b0
`endif

module odpu_mac_pair #(
  parameter bit First = 1'b0,          // first of its chain: adds Init instead of pcin_i
  parameter logic [47:0] Init = '0,
  parameter bit Primitive = `ODPU_MAC_PAIR_PRIMITIVE  // 1: DSP48E2 primitive, 0: written out
) (
  input  logic               clk_i,
  input  logic               stage_i,  // take (wa_i, wb_i) into the stage registers
  input  logic               act_i,    // the stage registers become the active weights
  input  logic signed [7:0]  wa_i,     // weight of the first column
  input  logic signed [7:0]  wb_i,     // weight of the second column
  input  logic signed [7:0]  x_i,      // shared activation
  input  logic [47:0]        pcin_i,   // P of the previous DSP of the chain
  output logic [47:0]        p_o,      // P register, to the fabric (the chain's last DSP)
  output logic [47:0]        pcout_o   // P register on the cascade route to the next DSP
);
  // Position of w_b in the packed operand: far enough above any chain's sum of w_a * x
  // products (odpu_mac_chain) and within the 27-bit pre-adder.
  localparam int PackShift = 18;
  localparam int PackBits = 27;

  if (Primitive) begin : g_dsp48e2
    // OPMODE (UG579): W = C (first) or 0, Z = 0 (first) or PCIN, Y = X = M (the product).
    localparam logic [8:0] OpMode = First ? 9'b11_000_01_01 : 9'b00_001_01_01;
    logic [29:0] a_port;
    logic [26:0] d_port;
    logic [17:0] b_port;
    // Outputs the pair does not use: the A and B cascades, carries, flags, wide XOR.
    logic [29:0] unused_acout;
    logic [17:0] unused_bcout;
    logic [3:0]  unused_carryout;
    logic [7:0]  unused_xorout;
    logic        unused_carrycascout, unused_multsignout, unused_overflow, unused_underflow;
    logic        unused_patterndetect, unused_patternbdetect;
    assign a_port = 30'($signed(wa_i));
    assign d_port = {{(PackBits-PackShift-8){wb_i[7]}}, wb_i, {PackShift{1'b0}}};
    assign b_port = 18'($signed(x_i));

    DSP48E2 #(
      .AMULTSEL ("AD"),           // multiplier operand: the pre-adder output
      .PREADDINSEL ("A"),         // pre-adder: D + A
      .BMULTSEL ("B"),
      .A_INPUT ("DIRECT"),
      .B_INPUT ("DIRECT"),
      .USE_MULT ("MULTIPLY"),
      .USE_SIMD ("ONE48"),
      .USE_PATTERN_DETECT ("NO_PATDET"),
      .AREG (1), .ACASCREG (1), .DREG (1), .ADREG (1),
      .BREG (1), .BCASCREG (1), .MREG (1), .PREG (1),
      .CREG (0), .INMODEREG (0), .OPMODEREG (0), .ALUMODEREG (0),
      .CARRYINREG (0), .CARRYINSELREG (0)
    ) u_dsp (
      .CLK (clk_i),
      .A (a_port), .ACIN (30'd0), .B (b_port), .BCIN (18'd0), .D (d_port),
      .C (First ? Init : 48'd0), .PCIN (First ? 48'd0 : pcin_i),
      .CARRYIN (1'b0), .CARRYCASCIN (1'b0), .MULTSIGNIN (1'b0), .CARRYINSEL (3'b000),
      .INMODE (5'b00100),         // B2, D enabled, add, A2
      .OPMODE (OpMode),
      .ALUMODE (4'b0000),         // Z + W + X + Y + CIN
      .CEA1 (stage_i), .CEA2 (stage_i), .CED (stage_i), .CEAD (act_i),
      .CEB1 (1'b1), .CEB2 (1'b1), .CEM (1'b1), .CEP (1'b1),
      .CEC (1'b0), .CECTRL (1'b0), .CEINMODE (1'b0), .CEALUMODE (1'b0), .CECARRYIN (1'b0),
      .RSTA (1'b0), .RSTB (1'b0), .RSTC (1'b0), .RSTD (1'b0), .RSTM (1'b0), .RSTP (1'b0),
      .RSTCTRL (1'b0), .RSTINMODE (1'b0), .RSTALUMODE (1'b0), .RSTALLCARRYIN (1'b0),
      .P (p_o), .PCOUT (pcout_o),
      .ACOUT (unused_acout), .BCOUT (unused_bcout), .CARRYCASCOUT (unused_carrycascout),
      .CARRYOUT (unused_carryout), .MULTSIGNOUT (unused_multsignout),
      .OVERFLOW (unused_overflow), .UNDERFLOW (unused_underflow),
      .PATTERNDETECT (unused_patterndetect), .PATTERNBDETECT (unused_patternbdetect),
      .XOROUT (unused_xorout)
    );
    logic unused_outputs;
    assign unused_outputs = ^{unused_acout, unused_bcout, unused_carrycascout, unused_carryout,
                              unused_multsignout, unused_overflow, unused_underflow,
                              unused_patterndetect, unused_patternbdetect, unused_xorout};
  end else begin : g_behav
    logic signed [7:0]          stage_a_q, stage_b_q, x_q;
    logic signed [PackBits-1:0] act_q;
    logic signed [47:0]         m_q, p_q;

    always_ff @(posedge clk_i) begin
      if (stage_i) begin
        stage_a_q <= wa_i;
        stage_b_q <= wb_i;
      end
      if (act_i) begin
        act_q <= {{(PackBits-PackShift-8){stage_b_q[7]}}, stage_b_q, {PackShift{1'b0}}} +
                 PackBits'(stage_a_q);
      end
      x_q <= x_i;
      m_q <= 48'(act_q) * 48'(x_q);
      p_q <= m_q + (First ? Init : pcin_i);
    end
    assign p_o = p_q;
    assign pcout_o = p_q;

    // The first DSP of a chain has no cascade input.
    logic unused_pcin;
    assign unused_pcin = First && ^pcin_i;
  end
endmodule

`undef ODPU_MAC_PAIR_PRIMITIVE
`default_nettype wire
