// odpu_check - the per-instruction validity rules of docs/isa.md section 7 (opcode,
// reserved, field, groups, window, overlap, dep-engine, buf-bounds, ddr-bounds), exactly as
// isa/validate.c checks them, with the hardware error the golden model reports for the
// first broken rule: ILLEGAL_INSN before BUF_BOUNDS before DDR_BOUNDS (validate.c checks
// the ILLEGAL_INSN rules first, then every buffer footprint, then the DDR footprints).
//
// Multi-cycle: a CONV with groups > 1 divides in_c and out_c by groups bit-serially, then
// the buffer footprints are sized one per cycle with one multiplier chain; the verdict is
// formed in the output state. See docs/rtl.md "Control, fetch and checks".
`include "odpu_arch_params.vh"

module odpu_check (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic [63:0]          ddr_size_i,   // DDR_SIZE of the run
  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [InsnBits-1:0]  in_insn_i,
  input  logic [31:0]          in_index_i,
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [InsnBits-1:0]  out_insn_o,
  output logic [31:0]          out_index_o,
  output logic [31:0]          out_err_o     // HwOk or the ERR_CODE of the first broken rule
);
  // ISA constants the arch include does not carry (they are the same for every arch).
  localparam int ShiftMax         = 31;  // docs/isa.md section 7: shifts lie in [-31, 31]
  localparam int ElewLeftShiftMax = 22;  // section 6: (a - a_zp) << left_shift fits in int32
  localparam int NumSlots         = 5;   // most buffer footprints of one instruction (CONV)
  localparam int SlotBits         = $clog2(NumSlots + 1);
  localparam int DivBits          = 16;  // in_c and out_c are 16-bit fields (groups is narrower)
  localparam int DivStepBits      = $clog2(DivBits + 1);
  localparam int CntBits          = 48;  // words of a footprint: 20 x 16 x 12 bits at most
  localparam int DdrBits          = 48;  // bytes of a DDR footprint plus its 32-bit start
  localparam int F1Bits           = 20;
  localparam int F2Bits           = 16;
  localparam int F3Bits           = 12;
  localparam int BufIdBits        = 3;
  localparam int LinWbufBytes     = Rows * Cols;             // one WBUF word (validate.c)
  localparam int LinPbufBytes     = Cols * ParamEntryBytes;  // one PBUF word

  typedef enum logic [1:0] {
    StIdle,  // waits for an instruction
    StDiv,   // CONV: in_c / groups, in_c % groups, out_c % groups
    StSlot,  // sizes buffer footprint slot_q
    StOut    // holds the verdict until it is taken
  } state_e;

  state_e              state_q, state_d;
  logic [InsnBits-1:0] insn_q;
  logic [31:0]         index_q;
  logic [SlotBits-1:0] slot_q, slot_d;
  logic                buf_bad_q, buf_bad_d;
  logic [CntBits-1:0]  cnt0_q, cnt0_d, cnt1_q, cnt1_d;  // POOL overlap needs both tiles

  // ---- Fields --------------------------------------------------------------------------
  logic [HdrOpcodeWidth-1:0] op;
  logic pop_prev, pop_next, push_prev, push_next;
  assign op        = insn_q[HdrOpcodeLsb +: HdrOpcodeWidth];
  assign pop_prev  = insn_q[HdrPopPrevLsb];
  assign pop_next  = insn_q[HdrPopNextLsb];
  assign push_prev = insn_q[HdrPushPrevLsb];
  assign push_next = insn_q[HdrPushNextLsb];

  logic is_load, is_save, is_conv, is_pool, is_elew, is_nop, is_end;
  assign is_load = (op == OpLoad);
  assign is_save = (op == OpSave);
  assign is_conv = (op == OpConv);
  assign is_pool = (op == OpPool);
  assign is_elew = (op == OpElew);
  assign is_nop  = (op == OpNop);
  assign is_end  = (op == OpEnd);

  // LOAD
  logic [LoadBufWidth-1:0]         ld_buf;
  logic [LoadDdrAddrWidth-1:0]     ld_ddr;
  logic [LoadBufAddrWidth-1:0]     ld_addr;
  logic [LoadHWidth-1:0]           ld_h;
  logic [LoadWWidth-1:0]           ld_w;
  logic [LoadCWidth-1:0]           ld_c;
  logic [LoadPixelStrideWidth-1:0] ld_ps;
  logic [LoadRowStrideWidth-1:0]   ld_rs;
  logic [LoadLenWidth-1:0]         ld_len;
  assign ld_buf  = insn_q[LoadBufLsb +: LoadBufWidth];
  assign ld_ddr  = insn_q[LoadDdrAddrLsb +: LoadDdrAddrWidth];
  assign ld_addr = insn_q[LoadBufAddrLsb +: LoadBufAddrWidth];
  assign ld_h    = insn_q[LoadHLsb +: LoadHWidth];
  assign ld_w    = insn_q[LoadWLsb +: LoadWWidth];
  assign ld_c    = insn_q[LoadCLsb +: LoadCWidth];
  assign ld_ps   = insn_q[LoadPixelStrideLsb +: LoadPixelStrideWidth];
  assign ld_rs   = insn_q[LoadRowStrideLsb +: LoadRowStrideWidth];
  assign ld_len  = insn_q[LoadLenLsb +: LoadLenWidth];
  logic ld_act;
  assign ld_act = (32'(ld_buf) == BufIbuf) || (32'(ld_buf) == BufObuf);

  // SAVE
  logic [SaveBufWidth-1:0]         sv_buf;
  logic [SaveDdrAddrWidth-1:0]     sv_ddr;
  logic [SaveBufAddrWidth-1:0]     sv_addr;
  logic [SaveHWidth-1:0]           sv_h;
  logic [SaveWWidth-1:0]           sv_w;
  logic [SaveCWidth-1:0]           sv_c;
  logic [SavePixelStrideWidth-1:0] sv_ps;
  logic [SaveRowStrideWidth-1:0]   sv_rs;
  assign sv_buf  = insn_q[SaveBufLsb +: SaveBufWidth];
  assign sv_ddr  = insn_q[SaveDdrAddrLsb +: SaveDdrAddrWidth];
  assign sv_addr = insn_q[SaveBufAddrLsb +: SaveBufAddrWidth];
  assign sv_h    = insn_q[SaveHLsb +: SaveHWidth];
  assign sv_w    = insn_q[SaveWLsb +: SaveWWidth];
  assign sv_c    = insn_q[SaveCLsb +: SaveCWidth];
  assign sv_ps   = insn_q[SavePixelStrideLsb +: SavePixelStrideWidth];
  assign sv_rs   = insn_q[SaveRowStrideLsb +: SaveRowStrideWidth];

  // CONV (kernel, stride and dilation fields are encoded value - 1)
  logic [ConvModeWidth-1:0]      cv_mode;
  logic                          cv_acc_init, cv_acc_out;
  logic [ConvIbufAddrWidth-1:0]  cv_ibuf;
  logic [ConvObufAddrWidth-1:0]  cv_obuf;
  logic [ConvAbufAddrWidth-1:0]  cv_abuf;
  logic [ConvWbufAddrWidth-1:0]  cv_wbuf;
  logic [ConvPbufAddrWidth-1:0]  cv_pbuf;
  logic [ConvInHWidth-1:0]       cv_in_h;
  logic [ConvInWWidth-1:0]       cv_in_w;
  logic [ConvOutHWidth-1:0]      cv_out_h;
  logic [ConvOutWWidth-1:0]      cv_out_w;
  logic [ConvInCWidth-1:0]       cv_in_c;
  logic [ConvOutCWidth-1:0]      cv_out_c;
  logic [ConvGroupsWidth-1:0]    cv_groups;
  logic [ConvKhWidth-1:0]        cv_kh_m1;
  logic [ConvKwWidth-1:0]        cv_kw_m1;
  logic [ConvStrideHWidth-1:0]   cv_sh_m1;
  logic [ConvStrideWWidth-1:0]   cv_sw_m1;
  logic [ConvDilHWidth-1:0]      cv_dh_m1;
  logic [ConvDilWWidth-1:0]      cv_dw_m1;
  logic [ConvPadTopWidth-1:0]    cv_pt;
  logic [ConvPadBottomWidth-1:0] cv_pb;
  logic [ConvPadLeftWidth-1:0]   cv_pl;
  logic [ConvPadRightWidth-1:0]  cv_pr;
  logic signed [ConvActMinWidth-1:0] cv_act_min;
  logic signed [ConvActMaxWidth-1:0] cv_act_max;
  logic [ConvPoolHWidth-1:0]     cv_ph_m1;
  logic [ConvPoolWWidth-1:0]     cv_pw_m1;
  assign cv_mode     = insn_q[ConvModeLsb +: ConvModeWidth];
  assign cv_acc_init = insn_q[ConvAccInitLsb];
  assign cv_acc_out  = insn_q[ConvAccOutLsb];
  assign cv_ibuf     = insn_q[ConvIbufAddrLsb +: ConvIbufAddrWidth];
  assign cv_obuf     = insn_q[ConvObufAddrLsb +: ConvObufAddrWidth];
  assign cv_abuf     = insn_q[ConvAbufAddrLsb +: ConvAbufAddrWidth];
  assign cv_wbuf     = insn_q[ConvWbufAddrLsb +: ConvWbufAddrWidth];
  assign cv_pbuf     = insn_q[ConvPbufAddrLsb +: ConvPbufAddrWidth];
  assign cv_in_h     = insn_q[ConvInHLsb +: ConvInHWidth];
  assign cv_in_w     = insn_q[ConvInWLsb +: ConvInWWidth];
  assign cv_out_h    = insn_q[ConvOutHLsb +: ConvOutHWidth];
  assign cv_out_w    = insn_q[ConvOutWLsb +: ConvOutWWidth];
  assign cv_in_c     = insn_q[ConvInCLsb +: ConvInCWidth];
  assign cv_out_c    = insn_q[ConvOutCLsb +: ConvOutCWidth];
  assign cv_groups   = insn_q[ConvGroupsLsb +: ConvGroupsWidth];
  assign cv_kh_m1    = insn_q[ConvKhLsb +: ConvKhWidth];
  assign cv_kw_m1    = insn_q[ConvKwLsb +: ConvKwWidth];
  assign cv_sh_m1    = insn_q[ConvStrideHLsb +: ConvStrideHWidth];
  assign cv_sw_m1    = insn_q[ConvStrideWLsb +: ConvStrideWWidth];
  assign cv_dh_m1    = insn_q[ConvDilHLsb +: ConvDilHWidth];
  assign cv_dw_m1    = insn_q[ConvDilWLsb +: ConvDilWWidth];
  assign cv_pt       = insn_q[ConvPadTopLsb +: ConvPadTopWidth];
  assign cv_pb       = insn_q[ConvPadBottomLsb +: ConvPadBottomWidth];
  assign cv_pl       = insn_q[ConvPadLeftLsb +: ConvPadLeftWidth];
  assign cv_pr       = insn_q[ConvPadRightLsb +: ConvPadRightWidth];
  assign cv_act_min  = insn_q[ConvActMinLsb +: ConvActMinWidth];
  assign cv_act_max  = insn_q[ConvActMaxLsb +: ConvActMaxWidth];
  assign cv_ph_m1    = insn_q[ConvPoolHLsb +: ConvPoolHWidth];
  assign cv_pw_m1    = insn_q[ConvPoolWLsb +: ConvPoolWWidth];

  // POOL (kernel and stride fields are encoded value - 1)
  logic [PoolModeWidth-1:0]      pl_mode;
  logic [PoolSrcBufWidth-1:0]    pl_src_buf;
  logic [PoolInZpWidth-1:0]      pl_in_zp;
  logic [PoolOutZpWidth-1:0]     pl_out_zp;
  logic [PoolSrcAddrWidth-1:0]   pl_src;
  logic [PoolDstAddrWidth-1:0]   pl_dst;
  logic [PoolInHWidth-1:0]       pl_in_h;
  logic [PoolInWWidth-1:0]       pl_in_w;
  logic [PoolOutHWidth-1:0]      pl_out_h;
  logic [PoolOutWWidth-1:0]      pl_out_w;
  logic [PoolCWidth-1:0]         pl_c;
  logic [PoolKhWidth-1:0]        pl_kh_m1;
  logic [PoolKwWidth-1:0]        pl_kw_m1;
  logic [PoolStrideHWidth-1:0]   pl_sh_m1;
  logic [PoolStrideWWidth-1:0]   pl_sw_m1;
  logic [PoolPadTopWidth-1:0]    pl_pt;
  logic [PoolPadBottomWidth-1:0] pl_pb;
  logic [PoolPadLeftWidth-1:0]   pl_pl;
  logic [PoolPadRightWidth-1:0]  pl_pr;
  logic signed [PoolShiftWidth-1:0]  pl_shift;
  logic signed [PoolActMinWidth-1:0] pl_act_min;
  logic signed [PoolActMaxWidth-1:0] pl_act_max;
  logic [PoolMultWidth-1:0]      pl_mult;
  assign pl_mode    = insn_q[PoolModeLsb +: PoolModeWidth];
  assign pl_src_buf = insn_q[PoolSrcBufLsb +: PoolSrcBufWidth];
  assign pl_in_zp   = insn_q[PoolInZpLsb +: PoolInZpWidth];
  assign pl_out_zp  = insn_q[PoolOutZpLsb +: PoolOutZpWidth];
  assign pl_src     = insn_q[PoolSrcAddrLsb +: PoolSrcAddrWidth];
  assign pl_dst     = insn_q[PoolDstAddrLsb +: PoolDstAddrWidth];
  assign pl_in_h    = insn_q[PoolInHLsb +: PoolInHWidth];
  assign pl_in_w    = insn_q[PoolInWLsb +: PoolInWWidth];
  assign pl_out_h   = insn_q[PoolOutHLsb +: PoolOutHWidth];
  assign pl_out_w   = insn_q[PoolOutWLsb +: PoolOutWWidth];
  assign pl_c       = insn_q[PoolCLsb +: PoolCWidth];
  assign pl_kh_m1   = insn_q[PoolKhLsb +: PoolKhWidth];
  assign pl_kw_m1   = insn_q[PoolKwLsb +: PoolKwWidth];
  assign pl_sh_m1   = insn_q[PoolStrideHLsb +: PoolStrideHWidth];
  assign pl_sw_m1   = insn_q[PoolStrideWLsb +: PoolStrideWWidth];
  assign pl_pt      = insn_q[PoolPadTopLsb +: PoolPadTopWidth];
  assign pl_pb      = insn_q[PoolPadBottomLsb +: PoolPadBottomWidth];
  assign pl_pl      = insn_q[PoolPadLeftLsb +: PoolPadLeftWidth];
  assign pl_pr      = insn_q[PoolPadRightLsb +: PoolPadRightWidth];
  assign pl_shift   = insn_q[PoolShiftLsb +: PoolShiftWidth];
  assign pl_act_min = insn_q[PoolActMinLsb +: PoolActMinWidth];
  assign pl_act_max = insn_q[PoolActMaxLsb +: PoolActMaxWidth];
  assign pl_mult    = insn_q[PoolMultLsb +: PoolMultWidth];

  // ELEW
  logic [ElewOpWidth-1:0]        el_op;
  logic [ElewABufWidth-1:0]      el_a_buf;
  logic [ElewBBufWidth-1:0]      el_b_buf;
  logic [ElewAAddrWidth-1:0]     el_a;
  logic [ElewBAddrWidth-1:0]     el_b;
  logic [ElewOutAddrWidth-1:0]   el_out;
  logic [ElewLenWidth-1:0]       el_len;
  logic [ElewLeftShiftWidth-1:0] el_lshift;
  logic signed [ElewAShiftWidth-1:0]   el_a_shift;
  logic signed [ElewBShiftWidth-1:0]   el_b_shift;
  logic signed [ElewOutShiftWidth-1:0] el_out_shift;
  logic signed [ElewActMinWidth-1:0]   el_act_min;
  logic signed [ElewActMaxWidth-1:0]   el_act_max;
  assign el_op        = insn_q[ElewOpLsb +: ElewOpWidth];
  assign el_a_buf     = insn_q[ElewABufLsb +: ElewABufWidth];
  assign el_b_buf     = insn_q[ElewBBufLsb +: ElewBBufWidth];
  assign el_a         = insn_q[ElewAAddrLsb +: ElewAAddrWidth];
  assign el_b         = insn_q[ElewBAddrLsb +: ElewBAddrWidth];
  assign el_out       = insn_q[ElewOutAddrLsb +: ElewOutAddrWidth];
  assign el_len       = insn_q[ElewLenLsb +: ElewLenWidth];
  assign el_lshift    = insn_q[ElewLeftShiftLsb +: ElewLeftShiftWidth];
  assign el_a_shift   = insn_q[ElewAShiftLsb +: ElewAShiftWidth];
  assign el_b_shift   = insn_q[ElewBShiftLsb +: ElewBShiftWidth];
  assign el_out_shift = insn_q[ElewOutShiftLsb +: ElewOutShiftWidth];
  assign el_act_min   = insn_q[ElewActMinLsb +: ElewActMinWidth];
  assign el_act_max   = insn_q[ElewActMaxLsb +: ElewActMaxWidth];

  // NOP
  logic [NopEngineWidth-1:0] nop_engine;
  assign nop_engine = insn_q[NopEngineLsb +: NopEngineWidth];

  // ---- Rule reserved: every bit no field of the class covers is 0 ---------------------
  logic [InsnBits-1:0] used;
  always_comb begin
    used = '0;
    used[HdrOpcodeLsb +: HdrOpcodeWidth]     = '1;
    used[HdrPopPrevLsb +: HdrPopPrevWidth]   = '1;
    used[HdrPopNextLsb +: HdrPopNextWidth]   = '1;
    used[HdrPushPrevLsb +: HdrPushPrevWidth] = '1;
    used[HdrPushNextLsb +: HdrPushNextWidth] = '1;
    unique case (op)
      OpLoad: begin
        used[LoadBufLsb +: LoadBufWidth]                 = '1;
        used[LoadDdrAddrLsb +: LoadDdrAddrWidth]         = '1;
        used[LoadBufAddrLsb +: LoadBufAddrWidth]         = '1;
        used[LoadHLsb +: LoadHWidth]                     = '1;
        used[LoadWLsb +: LoadWWidth]                     = '1;
        used[LoadCLsb +: LoadCWidth]                     = '1;
        used[LoadPixelStrideLsb +: LoadPixelStrideWidth] = '1;
        used[LoadRowStrideLsb +: LoadRowStrideWidth]     = '1;
        used[LoadLenLsb +: LoadLenWidth]                 = '1;
      end
      OpSave: begin
        used[SaveBufLsb +: SaveBufWidth]                 = '1;
        used[SaveDdrAddrLsb +: SaveDdrAddrWidth]         = '1;
        used[SaveBufAddrLsb +: SaveBufAddrWidth]         = '1;
        used[SaveHLsb +: SaveHWidth]                     = '1;
        used[SaveWLsb +: SaveWWidth]                     = '1;
        used[SaveCLsb +: SaveCWidth]                     = '1;
        used[SavePixelStrideLsb +: SavePixelStrideWidth] = '1;
        used[SaveRowStrideLsb +: SaveRowStrideWidth]     = '1;
      end
      OpConv: begin
        used[ConvModeLsb +: ConvModeWidth]           = '1;
        used[ConvLeakyLsb +: ConvLeakyWidth]         = '1;
        used[ConvAccInitLsb +: ConvAccInitWidth]     = '1;
        used[ConvAccOutLsb +: ConvAccOutWidth]       = '1;
        used[ConvPotLsb +: ConvPotWidth]             = '1;
        used[ConvInZpLsb +: ConvInZpWidth]           = '1;
        used[ConvOutZpLsb +: ConvOutZpWidth]         = '1;
        used[ConvIbufAddrLsb +: ConvIbufAddrWidth]   = '1;
        used[ConvInHLsb +: ConvInHWidth]             = '1;
        used[ConvKhLsb +: ConvKhWidth]               = '1;
        used[ConvObufAddrLsb +: ConvObufAddrWidth]   = '1;
        used[ConvInWLsb +: ConvInWWidth]             = '1;
        used[ConvKwLsb +: ConvKwWidth]               = '1;
        used[ConvAbufAddrLsb +: ConvAbufAddrWidth]   = '1;
        used[ConvOutHLsb +: ConvOutHWidth]           = '1;
        used[ConvPadTopLsb +: ConvPadTopWidth]       = '1;
        used[ConvWbufAddrLsb +: ConvWbufAddrWidth]   = '1;
        used[ConvOutWLsb +: ConvOutWWidth]           = '1;
        used[ConvPadBottomLsb +: ConvPadBottomWidth] = '1;
        used[ConvInCLsb +: ConvInCWidth]             = '1;
        used[ConvOutCLsb +: ConvOutCWidth]           = '1;
        used[ConvGroupsLsb +: ConvGroupsWidth]       = '1;
        used[ConvPbufAddrLsb +: ConvPbufAddrWidth]   = '1;
        used[ConvPadLeftLsb +: ConvPadLeftWidth]     = '1;
        used[ConvStrideHLsb +: ConvStrideHWidth]     = '1;
        used[ConvStrideWLsb +: ConvStrideWWidth]     = '1;
        used[ConvDilHLsb +: ConvDilHWidth]           = '1;
        used[ConvDilWLsb +: ConvDilWWidth]           = '1;
        used[ConvPadRightLsb +: ConvPadRightWidth]   = '1;
        used[ConvActMinLsb +: ConvActMinWidth]       = '1;
        used[ConvActMaxLsb +: ConvActMaxWidth]       = '1;
        used[ConvPoolHLsb +: ConvPoolHWidth]         = '1;
        used[ConvPoolWLsb +: ConvPoolWWidth]         = '1;
      end
      OpPool: begin
        used[PoolModeLsb +: PoolModeWidth]           = '1;
        used[PoolSrcBufLsb +: PoolSrcBufWidth]       = '1;
        used[PoolInZpLsb +: PoolInZpWidth]           = '1;
        used[PoolOutZpLsb +: PoolOutZpWidth]         = '1;
        used[PoolSrcAddrLsb +: PoolSrcAddrWidth]     = '1;
        used[PoolInHLsb +: PoolInHWidth]             = '1;
        used[PoolPadTopLsb +: PoolPadTopWidth]       = '1;
        used[PoolDstAddrLsb +: PoolDstAddrWidth]     = '1;
        used[PoolInWLsb +: PoolInWWidth]             = '1;
        used[PoolPadBottomLsb +: PoolPadBottomWidth] = '1;
        used[PoolCLsb +: PoolCWidth]                 = '1;
        used[PoolKhLsb +: PoolKhWidth]               = '1;
        used[PoolKwLsb +: PoolKwWidth]               = '1;
        used[PoolOutHLsb +: PoolOutHWidth]           = '1;
        used[PoolOutWLsb +: PoolOutWWidth]           = '1;
        used[PoolPadLeftLsb +: PoolPadLeftWidth]     = '1;
        used[PoolPadRightLsb +: PoolPadRightWidth]   = '1;
        used[PoolStrideHLsb +: PoolStrideHWidth]     = '1;
        used[PoolStrideWLsb +: PoolStrideWWidth]     = '1;
        used[PoolShiftLsb +: PoolShiftWidth]         = '1;
        used[PoolActMinLsb +: PoolActMinWidth]       = '1;
        used[PoolActMaxLsb +: PoolActMaxWidth]       = '1;
        used[PoolMultLsb +: PoolMultWidth]           = '1;
      end
      OpElew: begin
        used[ElewOpLsb +: ElewOpWidth]               = '1;
        used[ElewABufLsb +: ElewABufWidth]           = '1;
        used[ElewBBufLsb +: ElewBBufWidth]           = '1;
        used[ElewAZpLsb +: ElewAZpWidth]             = '1;
        used[ElewBZpLsb +: ElewBZpWidth]             = '1;
        used[ElewAAddrLsb +: ElewAAddrWidth]         = '1;
        used[ElewAShiftLsb +: ElewAShiftWidth]       = '1;
        used[ElewOutZpLsb +: ElewOutZpWidth]         = '1;
        used[ElewBAddrLsb +: ElewBAddrWidth]         = '1;
        used[ElewBShiftLsb +: ElewBShiftWidth]       = '1;
        used[ElewLeftShiftLsb +: ElewLeftShiftWidth] = '1;
        used[ElewOutAddrLsb +: ElewOutAddrWidth]     = '1;
        used[ElewOutShiftLsb +: ElewOutShiftWidth]   = '1;
        used[ElewActMinLsb +: ElewActMinWidth]       = '1;
        used[ElewLenLsb +: ElewLenWidth]             = '1;
        used[ElewActMaxLsb +: ElewActMaxWidth]       = '1;
        used[ElewAMultLsb +: ElewAMultWidth]         = '1;
        used[ElewBMultLsb +: ElewBMultWidth]         = '1;
        used[ElewOutMultLsb +: ElewOutMultWidth]     = '1;
      end
      OpNop: begin
        used[NopEngineLsb +: NopEngineWidth] = '1;
      end
      default: ;  // END has no fields; illegal opcodes fail rule opcode first
    endcase
  end

  logic bad_opcode, bad_reserved;
  assign bad_opcode   = !(is_load || is_save || is_conv || is_pool || is_elew || is_nop || is_end);
  assign bad_reserved = |(insn_q & ~used);

  // ---- Rule field ------------------------------------------------------------------------
  // Every shift field has the width of POOL's shift (6 bits, so -32 is the one bad code).
  localparam logic signed [PoolShiftWidth-1:0] ShiftHi = PoolShiftWidth'(ShiftMax);
  localparam logic signed [PoolShiftWidth-1:0] ShiftLo = -ShiftHi;
  function automatic logic shift_bad(logic signed [PoolShiftWidth-1:0] s);
    shift_bad = (s < ShiftLo) || (s > ShiftHi);
  endfunction

  logic bad_field_load, bad_field_save, bad_field_conv, bad_field_pool, bad_field_elew;
  logic bad_field_nop, bad_field, pl_is_max, pl_is_global;
  always_comb begin
    if (ld_act) begin
      bad_field_load = (ld_h == '0) || (ld_w == '0) || (ld_c == '0) || (ld_len != '0);
    end else begin
      // The other two codes of the 2-bit field are WBUF and PBUF: the linear form.
      bad_field_load = (ld_len == '0) || (ld_h != '0) || (ld_w != '0) || (ld_c != '0) ||
                       (ld_ps != '0) || (ld_rs != '0);
    end
    bad_field_save = !((32'(sv_buf) == BufIbuf) || (32'(sv_buf) == BufObuf)) ||
                     (sv_h == '0) || (sv_w == '0) || (sv_c == '0);
    bad_field_conv = (32'(cv_mode) > ConvGrouped) || (cv_in_h == '0) || (cv_in_w == '0) ||
                     (cv_in_c == '0) || (cv_out_h == '0) || (cv_out_w == '0) ||
                     (cv_out_c == '0) || (cv_act_min > cv_act_max);
    pl_is_max    = (32'(pl_mode) == PoolMax) || (32'(pl_mode) == PoolGlobalMax);
    pl_is_global = (32'(pl_mode) == PoolGlobalMax) || (32'(pl_mode) == PoolGlobalAvg);
    // Every code of the 2-bit mode field is defined, so validate.c's mode test cannot fail.
    bad_field_pool = !((32'(pl_src_buf) == BufIbuf) || (32'(pl_src_buf) == BufObuf)) ||
                     (pl_in_h == '0) || (pl_in_w == '0) || (pl_c == '0) ||
                     (pl_out_h == '0) || (pl_out_w == '0) ||
                     shift_bad(pl_shift) || (pl_act_min > pl_act_max) ||
                     (pl_is_max && ((pl_in_zp != '0) || (pl_out_zp != '0) || (pl_mult != '0) ||
                                    (pl_shift != '0))) ||
                     (pl_is_global && ((pl_kh_m1 != '0) || (pl_kw_m1 != '0) ||
                                       (pl_sh_m1 != '0) || (pl_sw_m1 != '0) ||
                                       (pl_pt != '0) || (pl_pb != '0) || (pl_pl != '0) ||
                                       (pl_pr != '0) || (32'(pl_out_h) != 1) ||
                                       (32'(pl_out_w) != 1)));
    bad_field_elew = (32'(el_op) != ElewAdd) ||
                     !((32'(el_a_buf) == BufIbuf) || (32'(el_a_buf) == BufObuf)) ||
                     !((32'(el_b_buf) == BufIbuf) || (32'(el_b_buf) == BufObuf)) ||
                     (el_len == '0) || (32'(el_lshift) > ElewLeftShiftMax) ||
                     shift_bad(el_a_shift) || shift_bad(el_b_shift) ||
                     shift_bad(el_out_shift) || (el_act_min > el_act_max);
    bad_field_nop = (32'(nop_engine) > EngineStore);
    bad_field = (is_load && bad_field_load) || (is_save && bad_field_save) ||
                (is_conv && bad_field_conv) || (is_pool && bad_field_pool) ||
                (is_elew && bad_field_elew) || (is_nop && bad_field_nop);
  end

  // ---- Rule groups (CONV): a bit-serial divider gives in_c / groups and both remainders --
  logic [DivBits-1:0]     div_q_ic_q, div_q_ic_d, div_r_ic_q, div_r_ic_d, div_r_oc_q, div_r_oc_d;
  logic [DivBits-1:0]     div_q_oc_q, div_q_oc_d;  // quotient of out_c only shifts through
  logic [DivStepBits-1:0] div_step_q, div_step_d;
  logic [DivBits:0]       div_try_ic, div_try_oc;

  // groups is narrower than the channel counts (w6[13:0]); the divider works at their width.
  logic [DivBits-1:0]     cv_groups_ext;
  assign cv_groups_ext = DivBits'(cv_groups);
  assign div_try_ic = {div_r_ic_q, div_q_ic_q[DivBits-1]} - {1'b0, cv_groups_ext};
  assign div_try_oc = {div_r_oc_q, div_q_oc_q[DivBits-1]} - {1'b0, cv_groups_ext};

  // Single assignments: Icarus re-runs always_comb blocks on the intermediate values of a
  // variable assigned twice, which here made two blocks trigger each other forever.
  logic bad_groups;
  assign bad_groups = (cv_groups == '0) || (div_r_ic_q != '0) || (div_r_oc_q != '0) ||
                      (32'(cv_mode) == ConvStandard && 32'(cv_groups) != 1) ||
                      (32'(cv_mode) == ConvDepthwise && cv_groups_ext != cv_in_c) ||
                      (32'(cv_mode) == ConvGrouped &&
                       (32'(cv_groups) < 2 || cv_groups_ext >= cv_in_c));

  // ---- Rule window -----------------------------------------------------------------------
  // CONV: (out-1)*stride + (k-1)*dil + 1 <= pad_lo + in + pad_hi on each axis. A zero out
  // size makes the left side wrap, but rule field has already failed then.
  localparam int WinBits = 20;
  function automatic logic conv_axis_bad(logic [9:0] in_sz, logic [9:0] out_sz, logic [3:0] k_m1,
                                         logic [2:0] s_m1, logic [2:0] d_m1, logic [3:0] pad_lo,
                                         logic [3:0] pad_hi);
    logic [WinBits-1:0] need, have;
    need = (WinBits'(out_sz) - 1'b1) * (WinBits'(s_m1) + 1'b1) +
           WinBits'(k_m1) * (WinBits'(d_m1) + 1'b1) + 1'b1;
    have = WinBits'(pad_lo) + WinBits'(in_sz) + WinBits'(pad_hi);
    conv_axis_bad = need > have;
  endfunction

  // POOL: (out-1)*stride + k <= pad_lo + in + pad_hi, pads < k, and the last window starts
  // inside the input: (out-1)*stride - pad_lo < in.
  function automatic logic pool_axis_bad(logic [9:0] in_sz, logic [9:0] out_sz, logic [7:0] k_m1,
                                         logic [3:0] s_m1, logic [3:0] pad_lo, logic [3:0] pad_hi);
    logic [WinBits-1:0] span, k, need, have;
    span = (WinBits'(out_sz) - 1'b1) * (WinBits'(s_m1) + 1'b1);
    k    = WinBits'(k_m1) + 1'b1;
    need = span + k;
    have = WinBits'(pad_lo) + WinBits'(in_sz) + WinBits'(pad_hi);
    pool_axis_bad = (need > have) || (WinBits'(pad_lo) >= k) || (WinBits'(pad_hi) >= k) ||
           (span >= WinBits'(in_sz) + WinBits'(pad_lo));
  endfunction

  // ---- Rule pool (CONV with fused max pooling) ------------------------------------------
  // A pooled CONV (pool_h x pool_w > 1 x 1) needs acc_out and an output tile that the window
  // divides on both axes (out / pool by odpu_pool_div).
  logic       cv_pooled, bad_pool;
  logic [9:0] cv_pool_oh, cv_pool_ow;   // pooled output tile: out_h / pool_h x out_w / pool_w
  assign cv_pooled  = (cv_ph_m1 != '0) || (cv_pw_m1 != '0);
  odpu_pool_div u_pool_rows (
    .x_i    (10'(cv_out_h)),
    .p_m1_i (cv_ph_m1),
    .q_o    (cv_pool_oh)
  );
  odpu_pool_div u_pool_cols (
    .x_i    (10'(cv_out_w)),
    .p_m1_i (cv_pw_m1),
    .q_o    (cv_pool_ow)
  );
  assign bad_pool = cv_pooled &&
                    (!cv_acc_out ||
                     (12'(cv_pool_oh) * (12'(cv_ph_m1) + 12'd1) != 12'(cv_out_h)) ||
                     (12'(cv_pool_ow) * (12'(cv_pw_m1) + 12'd1) != 12'(cv_out_w)));

  logic bad_window;
  always_comb begin
    bad_window = 1'b0;
    if (is_conv) begin
      bad_window = conv_axis_bad(10'(cv_in_h), 10'(cv_out_h), 4'(cv_kh_m1), 3'(cv_sh_m1),
                                 3'(cv_dh_m1), 4'(cv_pt), 4'(cv_pb)) ||
                   conv_axis_bad(10'(cv_in_w), 10'(cv_out_w), 4'(cv_kw_m1), 3'(cv_sw_m1),
                                 3'(cv_dw_m1), 4'(cv_pl), 4'(cv_pr));
    end
    if (is_pool) begin
      bad_window = pool_axis_bad(10'(pl_in_h), 10'(pl_out_h), 8'(pl_kh_m1), 4'(pl_sh_m1),
                                 4'(pl_pt), 4'(pl_pb)) ||
                   pool_axis_bad(10'(pl_in_w), 10'(pl_out_w), 8'(pl_kw_m1), 4'(pl_sw_m1),
                                 4'(pl_pl), 4'(pl_pr));
    end
  end

  // ---- DDR boxes (LOAD activation form, SAVE) and the SAVE self-overlap test ------------
  // A box of h x w x c bytes with strides (1, pixel_stride, row_stride) spans
  // p_h + p_w + p_c + 1 bytes, p_d = (extent_d - 1) * stride_d.
  logic [DdrBits-1:0] bx_h, bx_w, bx_c, bx_ps, bx_rs, p_h, p_w, p_c, box_bytes;
  always_comb begin
    bx_h  = is_save ? DdrBits'(sv_h) : DdrBits'(ld_h);
    bx_w  = is_save ? DdrBits'(sv_w) : DdrBits'(ld_w);
    bx_c  = is_save ? DdrBits'(sv_c) : DdrBits'(ld_c);
    bx_ps = is_save ? DdrBits'(sv_ps) : DdrBits'(ld_ps);
    bx_rs = is_save ? DdrBits'(sv_rs) : DdrBits'(ld_rs);
    p_h = (bx_h - 1'b1) * bx_rs;
    p_w = (bx_w - 1'b1) * bx_ps;
    p_c = bx_c - 1'b1;
    box_bytes = p_h + p_w + p_c + 1'b1;
  end

  // validate.c sorts the dimensions by stride (a stable insertion sort of c, w, h) and
  // needs each stride of a dimension of extent > 1 to reach past the span of the ones
  // before it: 1 + the sum of their p. A dimension of extent 1 has p = 0, so summing every
  // dimension sorted before is the same as the C loop that skips them.
  logic w_before_c, h_before_c, h_before_w;  // "sorted before" between pairs
  logic [DdrBits-1:0] span_c, span_w, span_h;
  logic bad_save_overlap;
  always_comb begin
    w_before_c = (bx_ps < DdrBits'(1));
    h_before_c = (bx_rs < DdrBits'(1));
    h_before_w = (bx_rs < bx_ps);
    span_c = DdrBits'(1) + (w_before_c ? p_w : '0) + (h_before_c ? p_h : '0);
    span_w = DdrBits'(1) + (!w_before_c ? p_c : '0) + (h_before_w ? p_h : '0);
    span_h = DdrBits'(1) + (!h_before_c ? p_c : '0) + (!h_before_w ? p_w : '0);
    bad_save_overlap = ((bx_c > DdrBits'(1)) && (DdrBits'(1) < span_c)) ||
                       ((bx_w > DdrBits'(1)) && (bx_ps < span_w)) ||
                       ((bx_h > DdrBits'(1)) && (bx_rs < span_h));
  end

  // ---- Rule overlap ----------------------------------------------------------------------
  localparam int ElewSumBits = 21;  // an 18-bit address plus a 20-bit len
  function automatic logic ranges_overlap(logic [CntBits:0] a_lo, logic [CntBits:0] a_hi,
                                          logic [CntBits:0] b_lo, logic [CntBits:0] b_hi);
    ranges_overlap = (a_lo < b_hi) && (b_lo < a_hi);
  endfunction

  logic bad_overlap, bad_elew_a, bad_elew_b, bad_pool_overlap;
  logic [ElewSumBits-1:0] el_a_hi, el_b_hi, el_out_hi;
  always_comb begin
    el_a_hi   = ElewSumBits'(el_a) + ElewSumBits'(el_len);
    el_b_hi   = ElewSumBits'(el_b) + ElewSumBits'(el_len);
    el_out_hi = ElewSumBits'(el_out) + ElewSumBits'(el_len);
    bad_elew_a = (32'(el_a_buf) == BufObuf) && (el_a != el_out) &&
                 ranges_overlap((CntBits + 1)'(el_a), (CntBits + 1)'(el_a_hi),
                                (CntBits + 1)'(el_out), (CntBits + 1)'(el_out_hi));
    bad_elew_b = (32'(el_b_buf) == BufObuf) && (el_b != el_out) &&
                 ranges_overlap((CntBits + 1)'(el_b), (CntBits + 1)'(el_b_hi),
                                (CntBits + 1)'(el_out), (CntBits + 1)'(el_out_hi));
    bad_pool_overlap = (32'(pl_src_buf) == BufObuf) &&
                       ranges_overlap((CntBits + 1)'(pl_src),
                                      (CntBits + 1)'(pl_src) + (CntBits + 1)'(cnt0_q),
                                      (CntBits + 1)'(pl_dst),
                                      (CntBits + 1)'(pl_dst) + (CntBits + 1)'(cnt1_q));
    bad_overlap = (is_pool && bad_pool_overlap) || (is_elew && (bad_elew_a || bad_elew_b)) ||
                  (is_save && bad_save_overlap);
  end

  // ---- Rule dep-engine -------------------------------------------------------------------
  logic bad_dep;
  logic on_load, on_store;
  always_comb begin
    on_load  = is_load || (is_nop && 32'(nop_engine) == EngineLoad);
    on_store = is_save || (is_nop && 32'(nop_engine) == EngineStore);
    bad_dep = (on_load && (pop_prev || push_prev)) ||       // load has no prev
              (on_store && (pop_next || push_next)) ||      // store has no next
              (is_end && (pop_prev || pop_next || push_prev || push_next));
  end

  // ---- Rule buf-bounds: footprint slot k of the instruction ------------------------------
  // Words of a footprint are f1 * f2 * f3 (validate.c: tile ceil(c/R) * h * w, weights
  // ceil(out_c/C) * ceil(Cg/R) * kh*kw or ceil(out_c/C) * ceil(kh*kw/R), params
  // ceil(out_c/C), accumulators ceil(out_c/C) * out_h * out_w, linear len).
  function automatic logic [F1Bits-1:0] ceil_rows(logic [F1Bits-1:0] x);
    ceil_rows = F1Bits'((x + F1Bits'(Rows - 1)) / F1Bits'(Rows));
  endfunction
  function automatic logic [F1Bits-1:0] ceil_cols(logic [F1Bits-1:0] x);
    ceil_cols = F1Bits'((x + F1Bits'(Cols - 1)) / F1Bits'(Cols));
  endfunction

  logic                  s_en;
  logic [BufIdBits-1:0]  s_buf;
  logic [CntBits-1:0]    s_lo, s_cnt;
  logic [F1Bits-1:0]     s_f1;
  logic [F2Bits-1:0]     s_f2;
  logic [F3Bits-1:0]     s_f3;
  logic [SlotBits-1:0]   n_slots;
  logic [F1Bits-1:0]     cv_taps;
  always_comb begin
    cv_taps = (F1Bits'(cv_kh_m1) + 1'b1) * (F1Bits'(cv_kw_m1) + 1'b1);
    s_en  = 1'b0;
    s_buf = BufIdBits'(BufIbuf);
    s_lo  = '0;
    s_f1  = F1Bits'(1);
    s_f2  = F2Bits'(1);
    s_f3  = F3Bits'(1);
    n_slots = '0;
    unique case (op)
      OpLoad: begin
        n_slots = SlotBits'(1);
        s_en  = 1'b1;
        s_buf = BufIdBits'(ld_buf);
        s_lo  = CntBits'(ld_addr);
        if (ld_act) begin
          s_f1 = ceil_rows(F1Bits'(ld_c));
          s_f2 = F2Bits'(ld_h);
          s_f3 = F3Bits'(ld_w);
        end else begin
          s_f1 = F1Bits'(ld_len);
        end
      end
      OpSave: begin
        n_slots = SlotBits'(1);
        s_en  = 1'b1;
        s_buf = BufIdBits'(sv_buf);
        s_lo  = CntBits'(sv_addr);
        s_f1  = ceil_rows(F1Bits'(sv_c));
        s_f2  = F2Bits'(sv_h);
        s_f3  = F3Bits'(sv_w);
      end
      OpConv: begin
        n_slots = SlotBits'(NumSlots);
        unique case (32'(slot_q))
          0: begin  // input tile
            s_en = 1'b1; s_buf = BufIdBits'(BufIbuf); s_lo = CntBits'(cv_ibuf);
            s_f1 = ceil_rows(F1Bits'(cv_in_c)); s_f2 = F2Bits'(cv_in_h); s_f3 = F3Bits'(cv_in_w);
          end
          1: begin  // weights
            s_en = 1'b1; s_buf = BufIdBits'(BufWbuf); s_lo = CntBits'(cv_wbuf);
            s_f1 = ceil_cols(F1Bits'(cv_out_c));
            if (32'(cv_mode) == ConvDepthwise) begin
              s_f2 = F2Bits'(ceil_rows(cv_taps));
            end else begin
              s_f2 = F2Bits'(ceil_rows(F1Bits'(div_q_ic_q)));
              s_f3 = F3Bits'(cv_taps);
            end
          end
          2: begin  // bias and output-stage parameters
            s_en = cv_acc_init || cv_acc_out; s_buf = BufIdBits'(BufPbuf);
            s_lo = CntBits'(cv_pbuf); s_f1 = ceil_cols(F1Bits'(cv_out_c));
          end
          3: begin  // accumulators (always written)
            s_en = 1'b1; s_buf = BufIdBits'(BufAbuf); s_lo = CntBits'(cv_abuf);
            s_f1 = ceil_cols(F1Bits'(cv_out_c)); s_f2 = F2Bits'(cv_out_h);
            s_f3 = F3Bits'(cv_out_w);
          end
          default: begin  // output tile (pooled: out_h / pool_h x out_w / pool_w)
            s_en = cv_acc_out; s_buf = BufIdBits'(BufObuf); s_lo = CntBits'(cv_obuf);
            s_f1 = ceil_rows(F1Bits'(cv_out_c)); s_f2 = F2Bits'(cv_pool_oh);
            s_f3 = F3Bits'(cv_pool_ow);
          end
        endcase
      end
      OpPool: begin
        n_slots = SlotBits'(2);
        s_en = 1'b1;
        s_f1 = ceil_rows(F1Bits'(pl_c));
        if (slot_q == '0) begin  // input tile
          s_buf = BufIdBits'(pl_src_buf); s_lo = CntBits'(pl_src);
          s_f2 = F2Bits'(pl_in_h); s_f3 = F3Bits'(pl_in_w);
        end else begin  // output tile
          s_buf = BufIdBits'(BufObuf); s_lo = CntBits'(pl_dst);
          s_f2 = F2Bits'(pl_out_h); s_f3 = F3Bits'(pl_out_w);
        end
      end
      OpElew: begin
        n_slots = SlotBits'(3);
        s_en = 1'b1;
        s_f1 = F1Bits'(el_len);
        unique case (32'(slot_q))
          0:       begin s_buf = BufIdBits'(el_a_buf); s_lo = CntBits'(el_a); end
          1:       begin s_buf = BufIdBits'(el_b_buf); s_lo = CntBits'(el_b); end
          default: begin s_buf = BufIdBits'(BufObuf);  s_lo = CntBits'(el_out); end
        endcase
      end
      default: ;  // NOP and END touch no buffer
    endcase
    s_cnt = CntBits'(s_f1) * CntBits'(s_f2) * CntBits'(s_f3);
  end

  logic [CntBits:0] s_hi, s_depth;
  always_comb begin
    s_hi = (CntBits + 1)'(s_lo) + (CntBits + 1)'(s_cnt);
    unique case (32'(s_buf))
      BufIbuf: s_depth = (CntBits + 1)'(IbufDepth);
      BufObuf: s_depth = (CntBits + 1)'(ObufDepth);
      BufWbuf: s_depth = (CntBits + 1)'(WbufDepth);
      BufPbuf: s_depth = (CntBits + 1)'(PbufDepth);
      default: s_depth = (CntBits + 1)'(AbufDepth);
    endcase
  end

  // ---- Rule ddr-bounds -------------------------------------------------------------------
  logic bad_ddr;
  logic [DdrBits-1:0] ddr_lo, ddr_cnt;
  always_comb begin
    ddr_lo  = is_save ? DdrBits'(sv_ddr) : DdrBits'(ld_ddr);
    ddr_cnt = box_bytes;
    if (is_load && !ld_act) begin
      ddr_cnt = DdrBits'(ld_len) *
                ((32'(ld_buf) == BufWbuf) ? DdrBits'(LinWbufBytes) : DdrBits'(LinPbufBytes));
    end
    bad_ddr = (is_load || is_save) && (64'(ddr_lo) + 64'(ddr_cnt) > ddr_size_i);
  end

  // ---- Verdict ---------------------------------------------------------------------------
  logic bad_illegal;
  assign bad_illegal = bad_opcode || bad_reserved || bad_field || (is_conv && bad_groups) ||
                       (is_conv && bad_pool) || bad_window || bad_overlap || bad_dep;
  assign out_err_o = bad_illegal ? 32'(HwIllegalInsn) :
                     buf_bad_q   ? 32'(HwBufBounds) :
                     bad_ddr     ? 32'(HwDdrBounds) : 32'(HwOk);

  // ---- Sequencing ------------------------------------------------------------------------
  always_comb begin
    state_d    = state_q;
    slot_d     = slot_q;
    buf_bad_d  = buf_bad_q;
    cnt0_d     = cnt0_q;
    cnt1_d     = cnt1_q;
    div_q_ic_d = div_q_ic_q;
    div_r_ic_d = div_r_ic_q;
    div_q_oc_d = div_q_oc_q;
    div_r_oc_d = div_r_oc_q;
    div_step_d = div_step_q;
    unique case (state_q)
      StIdle: begin
        if (in_valid_i) begin
          slot_d     = '0;
          buf_bad_d  = 1'b0;
          cnt0_d     = '0;
          cnt1_d     = '0;
          // The divider shifts the dividends out of the quotient registers MSB first.
          div_q_ic_d = in_insn_i[ConvInCLsb +: ConvInCWidth];
          div_q_oc_d = in_insn_i[ConvOutCLsb +: ConvOutCWidth];
          div_r_ic_d = '0;
          div_r_oc_d = '0;
          div_step_d = '0;
          // groups = 1 (every standard CONV) needs no division: quotient in_c, remainders 0.
          if (in_insn_i[HdrOpcodeLsb +: HdrOpcodeWidth] == OpConv &&
              32'(in_insn_i[ConvGroupsLsb +: ConvGroupsWidth]) != 1) begin
            state_d = StDiv;
          end else begin
            state_d = StSlot;
          end
        end
      end
      StDiv: begin
        div_r_ic_d = div_try_ic[DivBits] ? {div_r_ic_q[DivBits-2:0], div_q_ic_q[DivBits-1]}
                                         : div_try_ic[DivBits-1:0];
        div_q_ic_d = {div_q_ic_q[DivBits-2:0], !div_try_ic[DivBits]};
        div_r_oc_d = div_try_oc[DivBits] ? {div_r_oc_q[DivBits-2:0], div_q_oc_q[DivBits-1]}
                                         : div_try_oc[DivBits-1:0];
        div_q_oc_d = {div_q_oc_q[DivBits-2:0], !div_try_oc[DivBits]};
        div_step_d = div_step_q + 1'b1;
        if (div_step_q == DivStepBits'(DivBits - 1)) begin
          state_d = StSlot;
        end
      end
      StSlot: begin
        if (slot_q < n_slots) begin
          if (s_en && (s_hi > s_depth)) begin
            buf_bad_d = 1'b1;
          end
          if (slot_q == '0) begin
            cnt0_d = s_cnt;
          end
          if (32'(slot_q) == 1) begin
            cnt1_d = s_cnt;
          end
          slot_d = slot_q + 1'b1;
        end
        if (slot_q + 1'b1 >= n_slots) begin
          state_d = StOut;
        end
      end
      StOut: begin
        if (out_ready_i) begin
          state_d = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  assign in_ready_o  = (state_q == StIdle);
  assign out_valid_o = (state_q == StOut);
  assign out_insn_o  = insn_q;
  assign out_index_o = index_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      state_q <= StIdle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      insn_q     <= '0;
      index_q    <= '0;
      slot_q     <= '0;
      buf_bad_q  <= 1'b0;
      cnt0_q     <= '0;
      cnt1_q     <= '0;
      div_q_ic_q <= '0;
      div_r_ic_q <= '0;
      div_q_oc_q <= '0;
      div_r_oc_q <= '0;
      div_step_q <= '0;
    end else begin
      if (state_q == StIdle && in_valid_i) begin
        insn_q  <= in_insn_i;
        index_q <= in_index_i;
      end
      slot_q     <= slot_d;
      buf_bad_q  <= buf_bad_d;
      cnt0_q     <= cnt0_d;
      cnt1_q     <= cnt1_d;
      div_q_ic_q <= div_q_ic_d;
      div_r_ic_q <= div_r_ic_d;
      div_q_oc_q <= div_q_oc_d;
      div_r_oc_q <= div_r_oc_d;
      div_step_q <= div_step_d;
    end
  end
endmodule
