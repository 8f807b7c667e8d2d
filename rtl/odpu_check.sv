// odpu_check - the per-instruction validity rules of docs/isa.md section 7 (opcode,
// reserved, field, groups, window, overlap, dep-engine, buf-bounds, ddr-bounds), exactly as
// isa/validate.c checks them, with the hardware error the golden model reports for the
// first broken rule: ILLEGAL_INSN before BUF_BOUNDS before DDR_BOUNDS (validate.c checks
// the ILLEGAL_INSN rules first, then every buffer footprint, then the DDR footprints).
//
// Multi-cycle: a CONV with groups > 1 divides in_c and out_c by groups bit-serially, then
// the buffer footprints are sized one per cycle with one multiplier chain; the verdict is
// formed in the output state. See docs/rtl.md "Control, fetch and checks".
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_check (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic [63:0]          ddr_size_i,   // DDR_SIZE of the run
  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [odpu_pkg::InsnBits-1:0] in_insn_i,
  input  logic [31:0]          in_index_i,
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [odpu_pkg::InsnBits-1:0] out_insn_o,
  output logic [31:0]          out_index_o,
  output logic [31:0]          out_err_o     // HwOk or the ERR_CODE of the first broken rule
);
  // in_insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_conv_t in_conv;
  odpu_pkg::insn_hdr_t in_hdr;
  /* verilator lint_on UNUSEDSIGNAL */
  assign in_conv = in_insn_i;
  assign in_hdr = in_insn_i;
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
  localparam int LinPbufBytes     = Cols * odpu_pkg::ParamEntryBytes; // one PBUF word

  typedef enum logic [1:0] {
    StIdle,  // waits for an instruction
    StDiv,   // CONV: in_c / groups, in_c % groups, out_c % groups
    StSlot,  // sizes buffer footprint slot_q
    StOut    // holds the verdict until it is taken
  } state_e;

  state_e              state_q, state_d;
  logic [odpu_pkg::InsnBits-1:0] insn_q;
  // insn_q read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_hdr_t hdr_q;
  odpu_pkg::insn_load_t load_q;
  odpu_pkg::insn_save_t save_q;
  odpu_pkg::insn_conv_t conv_q;
  odpu_pkg::insn_pool_t pool_q;
  odpu_pkg::insn_elew_t elew_q;
  odpu_pkg::insn_nop_t nop_q;
  /* verilator lint_on UNUSEDSIGNAL */
  assign hdr_q = insn_q;
  assign load_q = insn_q;
  assign save_q = insn_q;
  assign conv_q = insn_q;
  assign pool_q = insn_q;
  assign elew_q = insn_q;
  assign nop_q = insn_q;
  logic [31:0]         index_q;
  logic [SlotBits-1:0] slot_q, slot_d;
  logic                buf_bad_q, buf_bad_d;
  logic [CntBits-1:0]  cnt0_q, cnt0_d, cnt1_q, cnt1_d;  // POOL overlap needs both tiles

  // ---- Fields --------------------------------------------------------------------------
  logic [odpu_pkg::HdrOpcodeWidth-1:0] op;
  logic pop_prev, pop_next, push_prev, push_next;
  assign op        = hdr_q.opcode;
  assign pop_prev  = hdr_q.pop_prev;
  assign pop_next  = hdr_q.pop_next;
  assign push_prev = hdr_q.push_prev;
  assign push_next = hdr_q.push_next;

  logic is_load, is_save, is_conv, is_pool, is_elew, is_nop, is_end;
  assign is_load = (op == odpu_pkg::OpLoad);
  assign is_save = (op == odpu_pkg::OpSave);
  assign is_conv = (op == odpu_pkg::OpConv);
  assign is_pool = (op == odpu_pkg::OpPool);
  assign is_elew = (op == odpu_pkg::OpElew);
  assign is_nop  = (op == odpu_pkg::OpNop);
  assign is_end  = (op == odpu_pkg::OpEnd);

  // LOAD
  logic [odpu_pkg::LoadBufWidth-1:0] ld_buf;
  logic [odpu_pkg::LoadDdrAddrWidth-1:0] ld_ddr;
  logic [odpu_pkg::LoadBufAddrWidth-1:0] ld_addr;
  logic [odpu_pkg::LoadHWidth-1:0] ld_h;
  logic [odpu_pkg::LoadWWidth-1:0] ld_w;
  logic [odpu_pkg::LoadCWidth-1:0] ld_c;
  logic [odpu_pkg::LoadPixelStrideWidth-1:0] ld_ps;
  logic [odpu_pkg::LoadRowStrideWidth-1:0] ld_rs;
  logic [odpu_pkg::LoadLenWidth-1:0] ld_len;
  assign ld_buf  = load_q.buf_id;
  assign ld_ddr  = load_q.ddr_addr;
  assign ld_addr = load_q.buf_addr;
  assign ld_h    = load_q.h;
  assign ld_w    = load_q.w;
  assign ld_c    = load_q.c;
  assign ld_ps   = load_q.pixel_stride;
  assign ld_rs   = load_q.row_stride;
  assign ld_len  = load_q.len;
  logic ld_act;
  assign ld_act = (32'(ld_buf) == odpu_pkg::BufIbuf) || (32'(ld_buf) == odpu_pkg::BufObuf);

  // SAVE
  logic [odpu_pkg::SaveBufWidth-1:0] sv_buf;
  logic [odpu_pkg::SaveDdrAddrWidth-1:0] sv_ddr;
  logic [odpu_pkg::SaveBufAddrWidth-1:0] sv_addr;
  logic [odpu_pkg::SaveHWidth-1:0] sv_h;
  logic [odpu_pkg::SaveWWidth-1:0] sv_w;
  logic [odpu_pkg::SaveCWidth-1:0] sv_c;
  logic [odpu_pkg::SavePixelStrideWidth-1:0] sv_ps;
  logic [odpu_pkg::SaveRowStrideWidth-1:0] sv_rs;
  assign sv_buf  = save_q.buf_id;
  assign sv_ddr  = save_q.ddr_addr;
  assign sv_addr = save_q.buf_addr;
  assign sv_h    = save_q.h;
  assign sv_w    = save_q.w;
  assign sv_c    = save_q.c;
  assign sv_ps   = save_q.pixel_stride;
  assign sv_rs   = save_q.row_stride;

  // CONV (kernel, stride and dilation fields are encoded value - 1)
  logic [odpu_pkg::ConvModeWidth-1:0] cv_mode;
  logic                          cv_acc_init, cv_acc_out;
  logic [odpu_pkg::ConvIbufAddrWidth-1:0] cv_ibuf;
  logic [odpu_pkg::ConvObufAddrWidth-1:0] cv_obuf;
  logic [odpu_pkg::ConvAbufAddrWidth-1:0] cv_abuf;
  logic [odpu_pkg::ConvWbufAddrWidth-1:0] cv_wbuf;
  logic [odpu_pkg::ConvPbufAddrWidth-1:0] cv_pbuf;
  logic [odpu_pkg::ConvInHWidth-1:0] cv_in_h;
  logic [odpu_pkg::ConvInWWidth-1:0] cv_in_w;
  logic [odpu_pkg::ConvOutHWidth-1:0] cv_out_h;
  logic [odpu_pkg::ConvOutWWidth-1:0] cv_out_w;
  logic [odpu_pkg::ConvInCWidth-1:0] cv_in_c;
  logic [odpu_pkg::ConvOutCWidth-1:0] cv_out_c;
  logic [odpu_pkg::ConvGroupsWidth-1:0] cv_groups;
  logic [odpu_pkg::ConvKhWidth-1:0] cv_kh_m1;
  logic [odpu_pkg::ConvKwWidth-1:0] cv_kw_m1;
  logic [odpu_pkg::ConvStrideHWidth-1:0] cv_sh_m1;
  logic [odpu_pkg::ConvStrideWWidth-1:0] cv_sw_m1;
  logic [odpu_pkg::ConvDilHWidth-1:0] cv_dh_m1;
  logic [odpu_pkg::ConvDilWWidth-1:0] cv_dw_m1;
  logic [odpu_pkg::ConvPadTopWidth-1:0] cv_pt;
  logic [odpu_pkg::ConvPadBottomWidth-1:0] cv_pb;
  logic [odpu_pkg::ConvPadLeftWidth-1:0] cv_pl;
  logic [odpu_pkg::ConvPadRightWidth-1:0] cv_pr;
  logic signed [odpu_pkg::ConvActMinWidth-1:0] cv_act_min;
  logic signed [odpu_pkg::ConvActMaxWidth-1:0] cv_act_max;
  logic [odpu_pkg::ConvPoolHWidth-1:0] cv_ph_m1;
  logic [odpu_pkg::ConvPoolWWidth-1:0] cv_pw_m1;
  assign cv_mode     = conv_q.mode;
  assign cv_acc_init = conv_q.acc_init;
  assign cv_acc_out  = conv_q.acc_out;
  assign cv_ibuf     = conv_q.ibuf_addr;
  assign cv_obuf     = conv_q.obuf_addr;
  assign cv_abuf     = conv_q.abuf_addr;
  assign cv_wbuf     = conv_q.wbuf_addr;
  assign cv_pbuf     = conv_q.pbuf_addr;
  assign cv_in_h     = conv_q.in_h;
  assign cv_in_w     = conv_q.in_w;
  assign cv_out_h    = conv_q.out_h;
  assign cv_out_w    = conv_q.out_w;
  assign cv_in_c     = conv_q.in_c;
  assign cv_out_c    = conv_q.out_c;
  assign cv_groups   = conv_q.groups;
  assign cv_kh_m1    = conv_q.kh;
  assign cv_kw_m1    = conv_q.kw;
  assign cv_sh_m1    = conv_q.stride_h;
  assign cv_sw_m1    = conv_q.stride_w;
  assign cv_dh_m1    = conv_q.dil_h;
  assign cv_dw_m1    = conv_q.dil_w;
  assign cv_pt       = conv_q.pad_top;
  assign cv_pb       = conv_q.pad_bottom;
  assign cv_pl       = conv_q.pad_left;
  assign cv_pr       = conv_q.pad_right;
  assign cv_act_min  = conv_q.act_min;
  assign cv_act_max  = conv_q.act_max;
  assign cv_ph_m1    = conv_q.pool_h;
  assign cv_pw_m1    = conv_q.pool_w;

  // POOL (kernel and stride fields are encoded value - 1)
  logic [odpu_pkg::PoolModeWidth-1:0] pl_mode;
  logic [odpu_pkg::PoolSrcBufWidth-1:0] pl_src_buf;
  logic [odpu_pkg::PoolInZpWidth-1:0] pl_in_zp;
  logic [odpu_pkg::PoolOutZpWidth-1:0] pl_out_zp;
  logic [odpu_pkg::PoolSrcAddrWidth-1:0] pl_src;
  logic [odpu_pkg::PoolDstAddrWidth-1:0] pl_dst;
  logic [odpu_pkg::PoolInHWidth-1:0] pl_in_h;
  logic [odpu_pkg::PoolInWWidth-1:0] pl_in_w;
  logic [odpu_pkg::PoolOutHWidth-1:0] pl_out_h;
  logic [odpu_pkg::PoolOutWWidth-1:0] pl_out_w;
  logic [odpu_pkg::PoolCWidth-1:0] pl_c;
  logic [odpu_pkg::PoolKhWidth-1:0] pl_kh_m1;
  logic [odpu_pkg::PoolKwWidth-1:0] pl_kw_m1;
  logic [odpu_pkg::PoolStrideHWidth-1:0] pl_sh_m1;
  logic [odpu_pkg::PoolStrideWWidth-1:0] pl_sw_m1;
  logic [odpu_pkg::PoolPadTopWidth-1:0] pl_pt;
  logic [odpu_pkg::PoolPadBottomWidth-1:0] pl_pb;
  logic [odpu_pkg::PoolPadLeftWidth-1:0] pl_pl;
  logic [odpu_pkg::PoolPadRightWidth-1:0] pl_pr;
  logic signed [odpu_pkg::PoolShiftWidth-1:0] pl_shift;
  logic signed [odpu_pkg::PoolActMinWidth-1:0] pl_act_min;
  logic signed [odpu_pkg::PoolActMaxWidth-1:0] pl_act_max;
  logic [odpu_pkg::PoolMultWidth-1:0] pl_mult;
  assign pl_mode    = pool_q.mode;
  assign pl_src_buf = pool_q.src_buf;
  assign pl_in_zp   = pool_q.in_zp;
  assign pl_out_zp  = pool_q.out_zp;
  assign pl_src     = pool_q.src_addr;
  assign pl_dst     = pool_q.dst_addr;
  assign pl_in_h    = pool_q.in_h;
  assign pl_in_w    = pool_q.in_w;
  assign pl_out_h   = pool_q.out_h;
  assign pl_out_w   = pool_q.out_w;
  assign pl_c       = pool_q.c;
  assign pl_kh_m1   = pool_q.kh;
  assign pl_kw_m1   = pool_q.kw;
  assign pl_sh_m1   = pool_q.stride_h;
  assign pl_sw_m1   = pool_q.stride_w;
  assign pl_pt      = pool_q.pad_top;
  assign pl_pb      = pool_q.pad_bottom;
  assign pl_pl      = pool_q.pad_left;
  assign pl_pr      = pool_q.pad_right;
  assign pl_shift   = pool_q.shift;
  assign pl_act_min = pool_q.act_min;
  assign pl_act_max = pool_q.act_max;
  assign pl_mult    = pool_q.mult;

  // ELEW
  logic [odpu_pkg::ElewOpWidth-1:0] el_op;
  logic [odpu_pkg::ElewABufWidth-1:0] el_a_buf;
  logic [odpu_pkg::ElewBBufWidth-1:0] el_b_buf;
  logic [odpu_pkg::ElewAAddrWidth-1:0] el_a;
  logic [odpu_pkg::ElewBAddrWidth-1:0] el_b;
  logic [odpu_pkg::ElewOutAddrWidth-1:0] el_out;
  logic [odpu_pkg::ElewLenWidth-1:0] el_len;
  logic [odpu_pkg::ElewLeftShiftWidth-1:0] el_lshift;
  logic signed [odpu_pkg::ElewAShiftWidth-1:0] el_a_shift;
  logic signed [odpu_pkg::ElewBShiftWidth-1:0] el_b_shift;
  logic signed [odpu_pkg::ElewOutShiftWidth-1:0] el_out_shift;
  logic signed [odpu_pkg::ElewActMinWidth-1:0] el_act_min;
  logic signed [odpu_pkg::ElewActMaxWidth-1:0] el_act_max;
  assign el_op        = elew_q.op;
  assign el_a_buf     = elew_q.a_buf;
  assign el_b_buf     = elew_q.b_buf;
  assign el_a         = elew_q.a_addr;
  assign el_b         = elew_q.b_addr;
  assign el_out       = elew_q.out_addr;
  assign el_len       = elew_q.len;
  assign el_lshift    = elew_q.left_shift;
  assign el_a_shift   = elew_q.a_shift;
  assign el_b_shift   = elew_q.b_shift;
  assign el_out_shift = elew_q.out_shift;
  assign el_act_min   = elew_q.act_min;
  assign el_act_max   = elew_q.act_max;

  // NOP
  logic [odpu_pkg::NopEngineWidth-1:0] nop_engine;
  assign nop_engine = nop_q.engine;

  // ---- Rule reserved: every bit no field of the class covers is 0 ---------------------
  // The used bits of each opcode are generated from isa_fields.def (odpu_pkg); END uses only
  // the header, and an illegal opcode fails rule opcode first.
  logic [odpu_pkg::InsnBits-1:0] used;
  assign used = odpu_pkg::insn_used_bits(op);

  logic bad_opcode, bad_reserved;
  assign bad_opcode   = !(is_load || is_save || is_conv || is_pool || is_elew || is_nop || is_end);
  assign bad_reserved = |(insn_q & ~used);

  // ---- Rule field ------------------------------------------------------------------------
  // Every shift field has the width of POOL's shift (6 bits, so -32 is the one bad code).
  localparam logic signed [odpu_pkg::PoolShiftWidth-1:0] ShiftHi = odpu_pkg::PoolShiftWidth'(ShiftMax);
  localparam logic signed [odpu_pkg::PoolShiftWidth-1:0] ShiftLo = -ShiftHi;
  function automatic logic shift_bad(logic signed [odpu_pkg::PoolShiftWidth-1:0] s);
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
    bad_field_save = !((32'(sv_buf) == odpu_pkg::BufIbuf) || (32'(sv_buf) == odpu_pkg::BufObuf)) ||
                     (sv_h == '0) || (sv_w == '0) || (sv_c == '0);
    bad_field_conv = (32'(cv_mode) > odpu_pkg::ConvGrouped) || (cv_in_h == '0) || (cv_in_w == '0) ||
                     (cv_in_c == '0) || (cv_out_h == '0) || (cv_out_w == '0) ||
                     (cv_out_c == '0) || (cv_act_min > cv_act_max);
    pl_is_max    = (32'(pl_mode) == odpu_pkg::PoolMax) || (32'(pl_mode) == odpu_pkg::PoolGlobalMax);
    pl_is_global = (32'(pl_mode) == odpu_pkg::PoolGlobalMax) || (32'(pl_mode) == odpu_pkg::PoolGlobalAvg);
    // Every code of the 2-bit mode field is defined, so validate.c's mode test cannot fail.
    bad_field_pool = !((32'(pl_src_buf) == odpu_pkg::BufIbuf) || (32'(pl_src_buf) == odpu_pkg::BufObuf)) ||
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
    bad_field_elew = (32'(el_op) != odpu_pkg::ElewAdd) ||
                     !((32'(el_a_buf) == odpu_pkg::BufIbuf) || (32'(el_a_buf) == odpu_pkg::BufObuf)) ||
                     !((32'(el_b_buf) == odpu_pkg::BufIbuf) || (32'(el_b_buf) == odpu_pkg::BufObuf)) ||
                     (el_len == '0) || (32'(el_lshift) > ElewLeftShiftMax) ||
                     shift_bad(el_a_shift) || shift_bad(el_b_shift) ||
                     shift_bad(el_out_shift) || (el_act_min > el_act_max);
    bad_field_nop = (32'(nop_engine) > odpu_pkg::EngineStore);
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
                      (32'(cv_mode) == odpu_pkg::ConvStandard && 32'(cv_groups) != 1) ||
                      (32'(cv_mode) == odpu_pkg::ConvDepthwise && cv_groups_ext != cv_in_c) ||
                      (32'(cv_mode) == odpu_pkg::ConvGrouped &&
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
    bad_elew_a = (32'(el_a_buf) == odpu_pkg::BufObuf) && (el_a != el_out) &&
                 ranges_overlap((CntBits + 1)'(el_a), (CntBits + 1)'(el_a_hi),
                                (CntBits + 1)'(el_out), (CntBits + 1)'(el_out_hi));
    bad_elew_b = (32'(el_b_buf) == odpu_pkg::BufObuf) && (el_b != el_out) &&
                 ranges_overlap((CntBits + 1)'(el_b), (CntBits + 1)'(el_b_hi),
                                (CntBits + 1)'(el_out), (CntBits + 1)'(el_out_hi));
    bad_pool_overlap = (32'(pl_src_buf) == odpu_pkg::BufObuf) &&
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
    on_load  = is_load || (is_nop && 32'(nop_engine) == odpu_pkg::EngineLoad);
    on_store = is_save || (is_nop && 32'(nop_engine) == odpu_pkg::EngineStore);
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
    s_buf = BufIdBits'(odpu_pkg::BufIbuf);
    s_lo  = '0;
    s_f1  = F1Bits'(1);
    s_f2  = F2Bits'(1);
    s_f3  = F3Bits'(1);
    n_slots = '0;
    unique case (op)
      odpu_pkg::OpLoad: begin
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
      odpu_pkg::OpSave: begin
        n_slots = SlotBits'(1);
        s_en  = 1'b1;
        s_buf = BufIdBits'(sv_buf);
        s_lo  = CntBits'(sv_addr);
        s_f1  = ceil_rows(F1Bits'(sv_c));
        s_f2  = F2Bits'(sv_h);
        s_f3  = F3Bits'(sv_w);
      end
      odpu_pkg::OpConv: begin
        n_slots = SlotBits'(NumSlots);
        unique case (32'(slot_q))
          0: begin  // input tile
            s_en = 1'b1; s_buf = BufIdBits'(odpu_pkg::BufIbuf); s_lo = CntBits'(cv_ibuf);
            s_f1 = ceil_rows(F1Bits'(cv_in_c)); s_f2 = F2Bits'(cv_in_h); s_f3 = F3Bits'(cv_in_w);
          end
          1: begin  // weights
            s_en = 1'b1; s_buf = BufIdBits'(odpu_pkg::BufWbuf); s_lo = CntBits'(cv_wbuf);
            s_f1 = ceil_cols(F1Bits'(cv_out_c));
            if (32'(cv_mode) == odpu_pkg::ConvDepthwise) begin
              s_f2 = F2Bits'(ceil_rows(cv_taps));
            end else begin
              s_f2 = F2Bits'(ceil_rows(F1Bits'(div_q_ic_q)));
              s_f3 = F3Bits'(cv_taps);
            end
          end
          2: begin  // bias and output-stage parameters
            s_en = cv_acc_init || cv_acc_out; s_buf = BufIdBits'(odpu_pkg::BufPbuf);
            s_lo = CntBits'(cv_pbuf); s_f1 = ceil_cols(F1Bits'(cv_out_c));
          end
          3: begin  // accumulators (always written)
            s_en = 1'b1; s_buf = BufIdBits'(odpu_pkg::BufAbuf); s_lo = CntBits'(cv_abuf);
            s_f1 = ceil_cols(F1Bits'(cv_out_c)); s_f2 = F2Bits'(cv_out_h);
            s_f3 = F3Bits'(cv_out_w);
          end
          default: begin  // output tile (pooled: out_h / pool_h x out_w / pool_w)
            s_en = cv_acc_out; s_buf = BufIdBits'(odpu_pkg::BufObuf); s_lo = CntBits'(cv_obuf);
            s_f1 = ceil_rows(F1Bits'(cv_out_c)); s_f2 = F2Bits'(cv_pool_oh);
            s_f3 = F3Bits'(cv_pool_ow);
          end
        endcase
      end
      odpu_pkg::OpPool: begin
        n_slots = SlotBits'(2);
        s_en = 1'b1;
        s_f1 = ceil_rows(F1Bits'(pl_c));
        if (slot_q == '0) begin  // input tile
          s_buf = BufIdBits'(pl_src_buf); s_lo = CntBits'(pl_src);
          s_f2 = F2Bits'(pl_in_h); s_f3 = F3Bits'(pl_in_w);
        end else begin  // output tile
          s_buf = BufIdBits'(odpu_pkg::BufObuf); s_lo = CntBits'(pl_dst);
          s_f2 = F2Bits'(pl_out_h); s_f3 = F3Bits'(pl_out_w);
        end
      end
      odpu_pkg::OpElew: begin
        n_slots = SlotBits'(3);
        s_en = 1'b1;
        s_f1 = F1Bits'(el_len);
        unique case (32'(slot_q))
          0:       begin s_buf = BufIdBits'(el_a_buf); s_lo = CntBits'(el_a); end
          1:       begin s_buf = BufIdBits'(el_b_buf); s_lo = CntBits'(el_b); end
          default: begin s_buf = BufIdBits'(odpu_pkg::BufObuf); s_lo = CntBits'(el_out); end
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
      odpu_pkg::BufIbuf: s_depth = (CntBits + 1)'(IbufDepth);
      odpu_pkg::BufObuf: s_depth = (CntBits + 1)'(ObufDepth);
      odpu_pkg::BufWbuf: s_depth = (CntBits + 1)'(WbufDepth);
      odpu_pkg::BufPbuf: s_depth = (CntBits + 1)'(PbufDepth);
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
                ((32'(ld_buf) == odpu_pkg::BufWbuf) ? DdrBits'(LinWbufBytes) : DdrBits'(LinPbufBytes));
    end
    bad_ddr = (is_load || is_save) && (64'(ddr_lo) + 64'(ddr_cnt) > ddr_size_i);
  end

  // ---- Verdict ---------------------------------------------------------------------------
  logic bad_illegal;
  assign bad_illegal = bad_opcode || bad_reserved || bad_field || (is_conv && bad_groups) ||
                       (is_conv && bad_pool) || bad_window || bad_overlap || bad_dep;
  assign out_err_o = bad_illegal ? 32'(odpu_pkg::HwIllegalInsn) :
                     buf_bad_q   ? 32'(odpu_pkg::HwBufBounds) :
                     bad_ddr     ? 32'(odpu_pkg::HwDdrBounds) : 32'(odpu_pkg::HwOk);

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
          div_q_ic_d = in_conv.in_c;
          div_q_oc_d = in_conv.out_c;
          div_r_ic_d = '0;
          div_r_oc_d = '0;
          div_step_d = '0;
          // groups = 1 (every standard CONV) needs no division: quotient in_c, remainders 0.
          if (in_hdr.opcode == odpu_pkg::OpConv &&
              32'(in_conv.groups) != 1) begin
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

  // ---- Assertions (docs/rtl.md "Assertions"): a checked instruction and its verdict
  // stay offered until the controller takes them.
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i,
      {out_insn_o, out_index_o, out_err_o}, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
