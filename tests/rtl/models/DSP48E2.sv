// DSP48E2.sv - a behavioural simulation model of the subset of AMD's UltraScale DSP48E2
// primitive that the engine uses (odpu_mac_pair), written from the documented behaviour in
// UG579 "UltraScale Architecture DSP Slice" and the port list of UG974. It has the
// primitive's module, parameter and port names, so odpu_mac_pair's instantiation compiles
// against it unchanged. A simulation model only: the engine's file list (rtl/*.sv, which
// Yosys and the lint read) never contains it; synthesis maps the instance to the real cell.
//
// Modelled (UG579 chapter 2):
//   A path   A_INPUT DIRECT/CASCADE, AREG 0..2 (A1 with CEA1, A2 with CEA2, reset RSTA),
//            ACOUT after ACASCREG registers. INMODE[0] picks A1 (needs AREG = 2), INMODE[1]
//            forces the 27-bit A operand (A[26:0]) to 0.
//   B path   B_INPUT DIRECT/CASCADE, BREG 0..2 (B1/B2, CEB1/CEB2, RSTB), BCOUT after
//            BCASCREG registers, INMODE[4] picks B1 (needs BREG = 2).
//   D, AD    DREG (CED, RSTD); pre-adder AD = (INMODE[2] ? D : 0) +/- A operand, minus when
//            INMODE[3] (PREADDINSEL = "A"), 27 bits; ADREG (CEAD, reset RSTD as in UG579).
//   M        AMULTSEL A/AD, BMULTSEL B/AD (AD[17:0]); 27 x 18 signed product, sign-extended
//            to 48 bits; MREG (CEM, RSTM). The real M register holds two partial products
//            that the X and Y multiplexers add; here X = M carries the whole product and
//            Y = M adds 0, which gives the same sum (X = M and Y = M are only legal together).
//   C        CREG (CEC, RSTC).
//   ALU      OPMODE = {W[8:7], Z[6:4], Y[3:2], X[1:0]}: W 0/P/RND/C, Z 0/PCIN/P/C, Y 0/M/all
//            ones/C, X 0/M/P; ALUMODE 0000 (Z + W + X + Y + CIN); CARRYINSEL 000 (CIN =
//            CARRYIN). P = PCOUT, PREG (CEP, RSTP); a P feedback needs PREG = 1.
//   All resets are synchronous, active high and take priority over the clock enable; every
//   register holds 0 after configuration (the start of simulation). The IS_*_INVERTED
//   attributes of the modelled control and reset inputs are honoured.
// Not modelled, rejected at the start of simulation with $fatal (attributes) or at the first
// clock edge that sees them (port values): registered INMODE/OPMODE/ALUMODE/CARRYIN(SEL)
// (*REG = 1, the primitive's default), PREADDINSEL = "B", USE_MULT other than "MULTIPLY",
// SIMD, the pattern detector and its auto-reset, the wide XOR, an inverted clock, X = A:B,
// Z = P (MACC extend) and the 17-bit shifts, ALUMODE other than 0000, CARRYINSEL other than
// 000. CARRYOUT, CARRYCASCOUT, MULTSIGNOUT, OVERFLOW, UNDERFLOW, PATTERN(B)DETECT and XOROUT
// are driven to X. (The checks run in initial blocks rather than as elaboration-time tasks,
// which Verilator only warns about under -Wno-fatal, as tests/rtl/rtl_lib.sh builds.)
`default_nettype none
module DSP48E2 #(
  // Data path selection
  parameter string AMULTSEL = "A",
  parameter string A_INPUT = "DIRECT",
  parameter string BMULTSEL = "B",
  parameter string B_INPUT = "DIRECT",
  parameter string PREADDINSEL = "A",
  parameter logic [47:0] RND = 48'h0,
  parameter string USE_MULT = "MULTIPLY",
  parameter string USE_SIMD = "ONE48",
  parameter string USE_WIDEXOR = "FALSE",
  // Only for the parts that are not modelled (wide XOR, pattern detector, registered controls).
  /* verilator lint_off UNUSEDPARAM */
  parameter string XORSIMD = "XOR24_48_96",
  parameter string AUTORESET_PRIORITY = "RESET",
  parameter logic [47:0] MASK = 48'h3fffffffffff,
  parameter logic [47:0] PATTERN = 48'h0,
  parameter string SEL_MASK = "MASK",
  parameter string SEL_PATTERN = "PATTERN",
  parameter logic IS_RSTALLCARRYIN_INVERTED = 1'b0,
  parameter logic IS_RSTALUMODE_INVERTED = 1'b0,
  parameter logic IS_RSTCTRL_INVERTED = 1'b0,
  parameter logic IS_RSTINMODE_INVERTED = 1'b0,
  /* verilator lint_on UNUSEDPARAM */
  // Pattern detector (rejected unless off)
  parameter string AUTORESET_PATDET = "NO_RESET",
  parameter string USE_PATTERN_DETECT = "NO_PATDET",
  // Programmable inversion
  parameter logic [3:0] IS_ALUMODE_INVERTED = 4'b0000,
  parameter logic IS_CARRYIN_INVERTED = 1'b0,
  parameter logic IS_CLK_INVERTED = 1'b0,
  parameter logic [4:0] IS_INMODE_INVERTED = 5'b00000,
  parameter logic [8:0] IS_OPMODE_INVERTED = 9'b000000000,
  parameter logic IS_RSTA_INVERTED = 1'b0,
  parameter logic IS_RSTB_INVERTED = 1'b0,
  parameter logic IS_RSTC_INVERTED = 1'b0,
  parameter logic IS_RSTD_INVERTED = 1'b0,
  parameter logic IS_RSTM_INVERTED = 1'b0,
  parameter logic IS_RSTP_INVERTED = 1'b0,
  // Pipeline registers (the primitive's defaults)
  parameter int ACASCREG = 1,
  parameter int ADREG = 1,
  parameter int ALUMODEREG = 1,
  parameter int AREG = 1,
  parameter int BCASCREG = 1,
  parameter int BREG = 1,
  parameter int CARRYINREG = 1,
  parameter int CARRYINSELREG = 1,
  parameter int CREG = 1,
  parameter int DREG = 1,
  parameter int INMODEREG = 1,
  parameter int MREG = 1,
  parameter int OPMODEREG = 1,
  parameter int PREG = 1
) (
  // Cascade
  output logic [29:0] ACOUT,
  output logic [17:0] BCOUT,
  output logic        CARRYCASCOUT,
  output logic        MULTSIGNOUT,
  output logic [47:0] PCOUT,
  // Control
  output logic        OVERFLOW,
  output logic        PATTERNBDETECT,
  output logic        PATTERNDETECT,
  output logic        UNDERFLOW,
  // Data
  output logic [3:0]  CARRYOUT,
  output logic [47:0] P,
  output logic [7:0]  XOROUT,
  // Cascade inputs
  input  logic [29:0] ACIN,
  input  logic [17:0] BCIN,
  input  logic        CARRYCASCIN,
  input  logic        MULTSIGNIN,
  input  logic [47:0] PCIN,
  // Control inputs
  input  logic [3:0]  ALUMODE,
  input  logic [2:0]  CARRYINSEL,
  input  logic        CLK,
  input  logic [4:0]  INMODE,
  input  logic [8:0]  OPMODE,
  // Data inputs
  input  logic [29:0] A,
  input  logic [17:0] B,
  input  logic [47:0] C,
  input  logic        CARRYIN,
  input  logic [26:0] D,
  // Clock enables
  input  logic        CEA1,
  input  logic        CEA2,
  input  logic        CEAD,
  input  logic        CEALUMODE,
  input  logic        CEB1,
  input  logic        CEB2,
  input  logic        CEC,
  input  logic        CECARRYIN,
  input  logic        CECTRL,
  input  logic        CED,
  input  logic        CEINMODE,
  input  logic        CEM,
  input  logic        CEP,
  // Resets
  input  logic        RSTA,
  input  logic        RSTALLCARRYIN,
  input  logic        RSTALUMODE,
  input  logic        RSTB,
  input  logic        RSTC,
  input  logic        RSTCTRL,
  input  logic        RSTD,
  input  logic        RSTINMODE,
  input  logic        RSTM,
  input  logic        RSTP
);
  // ---- Attributes this model does not cover: stop before the first clock edge.
  initial begin
    if (AREG < 0 || AREG > 2 || BREG < 0 || BREG > 2)
      $fatal(1, "DSP48E2 model: AREG = %0d, BREG = %0d (0..2)", AREG, BREG);
    if (ACASCREG != AREG && !(AREG == 2 && ACASCREG == 1))
      $fatal(1, "DSP48E2 model: ACASCREG = %0d with AREG = %0d is illegal (UG579)", ACASCREG, AREG);
    if (BCASCREG != BREG && !(BREG == 2 && BCASCREG == 1))
      $fatal(1, "DSP48E2 model: BCASCREG = %0d with BREG = %0d is illegal (UG579)", BCASCREG, BREG);
    if (!(DREG inside {0, 1}) || !(ADREG inside {0, 1}) || !(CREG inside {0, 1}) ||
        !(MREG inside {0, 1}) || !(PREG inside {0, 1}))
      $fatal(1, "DSP48E2 model: DREG, ADREG, CREG, MREG, PREG must be 0 or 1");
    if (INMODEREG != 0 || OPMODEREG != 0 || ALUMODEREG != 0 || CARRYINREG != 0 ||
        CARRYINSELREG != 0)
      $fatal(1, "DSP48E2 model: registered control inputs are not modelled: %s",
             "set INMODEREG, OPMODEREG, ALUMODEREG, CARRYINREG, CARRYINSELREG to 0");
    if ((A_INPUT != "DIRECT" && A_INPUT != "CASCADE") ||
        (B_INPUT != "DIRECT" && B_INPUT != "CASCADE"))
      $fatal(1, "DSP48E2 model: A_INPUT = \"%s\", B_INPUT = \"%s\"", A_INPUT, B_INPUT);
    if ((AMULTSEL != "A" && AMULTSEL != "AD") || (BMULTSEL != "B" && BMULTSEL != "AD"))
      $fatal(1, "DSP48E2 model: AMULTSEL = \"%s\", BMULTSEL = \"%s\"", AMULTSEL, BMULTSEL);
    if (PREADDINSEL != "A")
      $fatal(1, "DSP48E2 model: PREADDINSEL = \"%s\" is not modelled (only \"A\")", PREADDINSEL);
    if (USE_MULT != "MULTIPLY")
      $fatal(1, "DSP48E2 model: USE_MULT = \"%s\" is not modelled (only \"MULTIPLY\")", USE_MULT);
    if (USE_SIMD != "ONE48")
      $fatal(1, "DSP48E2 model: USE_SIMD = \"%s\" is not modelled (only \"ONE48\")", USE_SIMD);
    if (USE_PATTERN_DETECT != "NO_PATDET" || AUTORESET_PATDET != "NO_RESET")
      $fatal(1, "DSP48E2 model: the pattern detector is not modelled: %s",
             "set USE_PATTERN_DETECT = \"NO_PATDET\", AUTORESET_PATDET = \"NO_RESET\"");
    if (USE_WIDEXOR != "FALSE")
      $fatal(1, "DSP48E2 model: the wide XOR is not modelled: set USE_WIDEXOR = \"FALSE\"");
    if (IS_CLK_INVERTED != 1'b0)
      $fatal(1, "DSP48E2 model: IS_CLK_INVERTED = 1 is not modelled");
  end

  // ---- Control inputs: INMODEREG = OPMODEREG = ALUMODEREG = CARRYIN(SEL)REG = 0, so they act
  // in the cycle they are presented (after the programmable inversion).
  logic [4:0] inmode;
  logic [8:0] opmode;
  logic [3:0] alumode;
  logic       carryin;
  logic       rst_a, rst_b, rst_c, rst_d, rst_m, rst_p;
  assign inmode = INMODE ^ IS_INMODE_INVERTED;
  assign opmode = OPMODE ^ IS_OPMODE_INVERTED;
  assign alumode = ALUMODE ^ IS_ALUMODE_INVERTED;
  assign carryin = CARRYIN ^ IS_CARRYIN_INVERTED;
  assign rst_a = RSTA ^ IS_RSTA_INVERTED;
  assign rst_b = RSTB ^ IS_RSTB_INVERTED;
  assign rst_c = RSTC ^ IS_RSTC_INVERTED;
  assign rst_d = RSTD ^ IS_RSTD_INVERTED;
  assign rst_m = RSTM ^ IS_RSTM_INVERTED;
  assign rst_p = RSTP ^ IS_RSTP_INVERTED;

  // ---- A: input select, A1 (only with AREG = 2), A2, cascade output.
  logic [29:0] a_in, a1_q = '0, a2_d, a2_q = '0, a2_out;
  assign a_in = A_INPUT == "CASCADE" ? ACIN : A;
  assign a2_d = AREG == 2 ? a1_q : a_in;
  always_ff @(posedge CLK) begin
    if (rst_a) a1_q <= '0;
    else if (CEA1) a1_q <= a_in;
  end
  always_ff @(posedge CLK) begin
    if (rst_a) a2_q <= '0;
    else if (CEA2) a2_q <= a2_d;
  end
  assign a2_out = AREG == 0 ? a_in : a2_q;
  assign ACOUT = AREG == 2 && ACASCREG == 1 ? a1_q : a2_out;

  // The 27-bit A operand of the pre-adder and the multiplier: INMODE[0] picks A1 over A2,
  // INMODE[1] forces 0.
  logic [26:0] a_op;
  assign a_op = inmode[1] ? '0 : inmode[0] ? a1_q[26:0] : a2_out[26:0];

  // ---- B: input select, B1 (only with BREG = 2), B2, cascade output; INMODE[4] picks B1.
  logic [17:0] b_in, b1_q = '0, b2_d, b2_q = '0, b2_out, b_op;
  assign b_in = B_INPUT == "CASCADE" ? BCIN : B;
  assign b2_d = BREG == 2 ? b1_q : b_in;
  always_ff @(posedge CLK) begin
    if (rst_b) b1_q <= '0;
    else if (CEB1) b1_q <= b_in;
  end
  always_ff @(posedge CLK) begin
    if (rst_b) b2_q <= '0;
    else if (CEB2) b2_q <= b2_d;
  end
  assign b2_out = BREG == 0 ? b_in : b2_q;
  assign BCOUT = BREG == 2 && BCASCREG == 1 ? b1_q : b2_out;
  assign b_op = inmode[4] ? b1_q : b2_out;

  // ---- D and the pre-adder (PREADDINSEL = "A"): AD = (INMODE[2] ? D : 0) +/- A operand.
  logic [26:0] d_q = '0, d_out, d_op, ad_d, ad_q = '0, ad_out;
  always_ff @(posedge CLK) begin
    if (rst_d) d_q <= '0;
    else if (CED) d_q <= D;
  end
  assign d_out = DREG == 1 ? d_q : D;
  assign d_op = inmode[2] ? d_out : '0;
  assign ad_d = inmode[3] ? d_op - a_op : d_op + a_op;
  always_ff @(posedge CLK) begin
    if (rst_d) ad_q <= '0;
    else if (CEAD) ad_q <= ad_d;
  end
  assign ad_out = ADREG == 1 ? ad_q : ad_d;

  // ---- Multiplier: 27 x 18 signed, the 45-bit product sign-extended to 48 bits.
  logic signed [26:0] mult_a;
  logic signed [17:0] mult_b;
  logic [47:0]        m_d, m_q = '0, m_out;
  assign mult_a = AMULTSEL == "AD" ? ad_out : a_op;
  assign mult_b = BMULTSEL == "AD" ? ad_out[17:0] : b_op;
  assign m_d = 48'(45'(mult_a * mult_b));
  always_ff @(posedge CLK) begin
    if (rst_m) m_q <= '0;
    else if (CEM) m_q <= m_d;
  end
  assign m_out = MREG == 1 ? m_q : m_d;

  // ---- C
  logic [47:0] c_q = '0, c_out;
  always_ff @(posedge CLK) begin
    if (rst_c) c_q <= '0;
    else if (CEC) c_q <= C;
  end
  assign c_out = CREG == 1 ? c_q : C;

  // ---- W, X, Y, Z multiplexers and the ALU (ALUMODE 0000: Z + W + X + Y + CIN).
  logic [47:0] p_q = '0, p_d, p_out, w_mux, x_mux, y_mux, z_mux;
  always_comb begin
    unique case (opmode[8:7])
      2'b00: w_mux = '0;
      2'b01: w_mux = p_q;
      2'b10: w_mux = RND;
      default: w_mux = c_out;
    endcase
    unique case (opmode[1:0])
      2'b00: x_mux = '0;
      2'b01: x_mux = m_out;           // the whole product (see the header)
      2'b10: x_mux = p_q;
      default: x_mux = 'x;            // A:B, rejected below
    endcase
    unique case (opmode[3:2])
      2'b00: y_mux = '0;
      2'b01: y_mux = '0;              // M's second partial product: in X already
      2'b10: y_mux = '1;
      default: y_mux = c_out;
    endcase
    unique case (opmode[6:4])
      3'b000: z_mux = '0;
      3'b001: z_mux = PCIN;
      3'b010: z_mux = p_q;
      3'b011: z_mux = c_out;
      default: z_mux = 'x;            // MACC extend and the 17-bit shifts, rejected below
    endcase
  end
  assign p_d = z_mux + w_mux + x_mux + y_mux + 48'(carryin);
  always_ff @(posedge CLK) begin
    if (rst_p) p_q <= '0;
    else if (CEP) p_q <= p_d;
  end
  assign p_out = PREG == 1 ? p_q : p_d;
  assign P = p_out;
  assign PCOUT = p_out;

  // ---- Port values this model does not cover: stop at the clock edge that would use them.
  logic p_fed_back;
  assign p_fed_back = opmode[8:7] == 2'b01 || opmode[1:0] == 2'b10 || opmode[6:4] == 3'b010;
  always @(posedge CLK) begin
    if (alumode != 4'b0000)
      $fatal(1, "DSP48E2 model: ALUMODE = %b is not modelled (only 0000)", alumode);
    if (CARRYINSEL != 3'b000)
      $fatal(1, "DSP48E2 model: CARRYINSEL = %b is not modelled (only 000)", CARRYINSEL);
    if (opmode[1:0] == 2'b11 || opmode[6:4] > 3'b011)
      $fatal(1, "DSP48E2 model: OPMODE = %b: X = A:B, Z = P (MACC extend) and the shifts %s",
             opmode, "are not modelled");
    if ((opmode[1:0] == 2'b01) != (opmode[3:2] == 2'b01))
      $fatal(1, "DSP48E2 model: OPMODE = %b: X = M and Y = M only together (UG579)", opmode);
    if (p_fed_back && PREG != 1)
      $fatal(1, "DSP48E2 model: OPMODE = %b selects P, which needs PREG = 1 (UG579)", opmode);
    if (inmode[0] && AREG != 2)
      $fatal(1, "DSP48E2 model: INMODE[0] = 1 (A1) needs AREG = 2 here");
    if (inmode[4] && BREG != 2)
      $fatal(1, "DSP48E2 model: INMODE[4] = 1 (B1) needs BREG = 2 here");
    if (inmode[1] && AMULTSEL == "A")
      $fatal(1, "DSP48E2 model: INMODE[1] = 1 with AMULTSEL = \"A\" is not modelled");
  end

  // ---- Inputs and outputs of the parts that are not modelled.
  logic unused_inputs;
  assign unused_inputs = ^{CARRYCASCIN, MULTSIGNIN, CEALUMODE, CECARRYIN, CECTRL, CEINMODE,
                           RSTALLCARRYIN, RSTALUMODE, RSTCTRL, RSTINMODE};
  assign CARRYCASCOUT = 1'bx;
  assign MULTSIGNOUT = 1'bx;
  assign OVERFLOW = 1'bx;
  assign UNDERFLOW = 1'bx;
  assign PATTERNDETECT = 1'bx;
  assign PATTERNBDETECT = 1'bx;
  assign CARRYOUT = 'x;
  assign XOROUT = 'x;
endmodule
`default_nettype wire
