// odpu_conv_agu.sv - the CONV sequencer of the compute engine: walks output blocks, passes
// and pixels and emits (1) one PBUF read per output block, (2) one weight-load descriptor
// per pass (WBUF word + how to spread it over the array) and (3) one pixel token per output
// pixel of every pass (IBUF address or padding, ABUF address). docs/rtl.md "Compute engine".
//
// A pass is (IBUF channel block, kernel tap) with one WBUF word held in the array while a
// chunk of up to ChunkPixels output pixels streams through. Per output block ob, for each
// chunk of pixels (in raster order), every pass of the block runs over the chunk; so the
// output stage of a chunk (its last pass) overlaps the first passes of the next chunk, and
// a pass still covers enough pixels that the array is busy every cycle. Pass order:
//   standard / grouped: for g in the groups of ob, cb < ceil(Cg/R), half, ky, kx
//     (input channels g*Cg + cb*R + r start at lane off of IBUF block b0; half 0 reads b0,
//     half 1 reads b0 + 1 when the run crosses a block boundary);
//   depthwise: for each IBUF block b holding an input channel of ob, ky, kx.
// The sequencer waits for the datapath to drain (pipe_idle_i) between output blocks, so
// the per-block registers (column groups, PBUF word, OBUF base) change only when idle.
// With fused max pooling the OBUF tile is the pooled one: (out_h / pool_h) x (out_w / pool_w)
// pixels per channel block; the passes, tokens and ABUF are those of the full tile.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_conv_agu #(
  parameter int LaneBits = Rows > 1 ? $clog2(Rows) : 1  // bits of a lane index
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    clear_i,
  input  logic                    start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  input  logic                    pipe_idle_i,   // datapath: nothing in flight
  output logic                    done_o,        // pulse: every pass issued and drained
  // PBUF read of the output block's parameters (datapath takes the data on rvalid)
  output logic                    pbuf_rd_valid_o,
  input  logic                    pbuf_rd_ready_i,
  output logic [$clog2(PbufDepth)-1:0] pbuf_rd_addr_o,
  // Per output block, stable while a block is in flight
  output logic [Cols-1:0]         ob_col_valid_o,  // output channel exists
  output logic [31:0]             ob_obuf_base_o,  // OBUF word of channel block 0, pixel 0
  output logic [31:0]             ob_obuf_words_o, // OBUF words per pixel this block writes
  output logic [31:0]             pixels_o,        // out_h * out_w
  // Fused max pooling (pool 1 x 1: none); stable from start_i + 2 until done_o
  output logic [31:0]             out_w_o,         // out_w
  output logic [2:0]              pool_h_o,        // pool_h, 1..4
  output logic [2:0]              pool_w_o,        // pool_w, 1..4
  output logic [31:0]             pool_cols_o,     // out_w / pool_w: pooled pixels per row
  output logic [31:0]             opix_o,          // pooled pixels of the OBUF tile
  // Weight-load descriptor, one per pass
  output logic                    wld_valid_o,
  input  logic                    wld_ready_i,
  output logic [31:0]             wld_addr_o,
  output logic                    wld_dw_o,        // depthwise spreading
  output logic [LaneBits-1:0]     wld_off_o,       // standard/grouped: input lane of weight lane 0
  output logic [LaneBits-1:0]     wld_tap_o,       // depthwise: weight lane of this tap
  output logic [Rows-1:0]         wld_lane_en_o,   // standard/grouped: input lanes in use
  output logic [Cols-1:0]         wld_col_en_o,    // columns this pass feeds
  output logic [Cols*LaneBits-1:0] wld_col_lane_o, // depthwise: input lane of each column
  // Pixel tokens
  output logic                    tok_valid_o,
  input  logic                    tok_ready_i,
  output logic                    tok_pad_o,       // outside the input: x = in_zp
  output logic [31:0]             tok_ibuf_addr_o,
  output logic [31:0]             tok_abuf_addr_o,
  output logic [31:0]             tok_pixel_o,     // oy * out_w + ox
  output logic                    tok_use_bias_o,  // first pass with acc_init: start from bias
  output logic                    tok_last_pass_o, // last pass of the block: output stage
  output logic                    tok_pass_end_o,  // last pixel of its pass
  output logic [31:0]             tok_chunk_len_o  // pixels of its chunk (ABUF hazard distance)
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_conv_t conv;
  /* verilator lint_on UNUSEDSIGNAL */
  assign conv = insn_i;
  localparam int LogR = $clog2(Rows);
  localparam int LogC = $clog2(Cols);
  // Pixels per chunk: long enough for the pass switch (~6 cycles of pipeline) and the weight
  // prefetch to hide, short enough that the output FIFO holds a chunk's backlog.
  localparam int ChunkPixels = 32;
  localparam int LogK = $clog2(ChunkPixels);

  // ---- Instruction fields (insn_i is stable from start_i until done_o)
  logic [1:0]  f_mode;
  logic        f_acc_init, f_acc_out;
  logic [31:0] f_ibuf_addr, f_obuf_addr, f_abuf_addr, f_wbuf_addr, f_pbuf_addr;
  logic [31:0] f_in_h, f_in_w, f_out_h, f_out_w, f_kh, f_kw;
  logic [31:0] f_pad_top, f_pad_left, f_in_c, f_out_c, f_groups;
  logic [31:0] f_stride_h, f_stride_w, f_dil_h, f_dil_w;
  logic [2:0]  f_pool_h, f_pool_w;

  assign f_mode      = conv.mode;
  assign f_acc_init  = conv.acc_init;
  assign f_acc_out   = conv.acc_out;
  assign f_ibuf_addr = 32'(conv.ibuf_addr);
  assign f_obuf_addr = 32'(conv.obuf_addr);
  assign f_abuf_addr = 32'(conv.abuf_addr);
  assign f_wbuf_addr = 32'(conv.wbuf_addr);
  assign f_pbuf_addr = 32'(conv.pbuf_addr);
  assign f_in_h      = 32'(conv.in_h);
  assign f_in_w      = 32'(conv.in_w);
  assign f_out_h     = 32'(conv.out_h);
  assign f_out_w     = 32'(conv.out_w);
  assign f_kh        = 32'(conv.kh) + 32'(odpu_pkg::ConvKhBias);
  assign f_kw        = 32'(conv.kw) + 32'(odpu_pkg::ConvKwBias);
  assign f_pad_top   = 32'(conv.pad_top);
  assign f_pad_left  = 32'(conv.pad_left);
  assign f_in_c      = 32'(conv.in_c);
  assign f_out_c     = 32'(conv.out_c);
  assign f_groups    = 32'(conv.groups);
  assign f_stride_h  = 32'(conv.stride_h) + 32'(odpu_pkg::ConvStrideHBias);
  assign f_stride_w  = 32'(conv.stride_w) + 32'(odpu_pkg::ConvStrideWBias);
  assign f_dil_h     = 32'(conv.dil_h) + 32'(odpu_pkg::ConvDilHBias);
  assign f_dil_w     = 32'(conv.dil_w) + 32'(odpu_pkg::ConvDilWBias);
  assign f_pool_h    = 3'(conv.pool_h) + 3'(odpu_pkg::ConvPoolHBias);
  assign f_pool_w    = 3'(conv.pool_w) + 3'(odpu_pkg::ConvPoolWBias);

  logic is_dw;
  assign is_dw = f_mode == 2'(odpu_pkg::ConvDepthwise);

  // ---- Sequencer state
  typedef enum logic [3:0] {
    SIdle, SDiv, SInit, SObWait, SObPbuf, SObCols, SObGen, SPass, SObNext, SFinish
  } state_e;
  state_e state_q, state_d;

  // Per-instruction derived sizes
  logic [31:0] cg_q, mg_q;            // in_c / groups, out_c / groups
  logic [31:0] taps_q, cblocks_q, tblocks_q, oblocks_q;
  logic [31:0] pixels_q, in_hw_q, row_step_q, wstride_ob_q;
  logic [31:0] pool_cols_q, opix_q;   // pooled pixels per row and per channel block
  // Divider (in_c / groups and out_c / groups, one bit per cycle)
  logic [4:0]  div_i_q;
  logic [31:0] div_rc_q, div_ro_q, div_qc_q, div_qo_q;
  // Per output block
  logic [31:0] ob_q, oc_base_q, wbase_q, abase_q, obase_q;
  logic [Cols-1:0] col_valid_q;
  logic [15:0] col_grp_q [Cols];      // group (depthwise: input channel) of each column
  logic [31:0] g_lo_q, g_hi_q, nwords_q;
  // Column walk: (walk_q, walk_r) = divmod(o, Mg) for o = oc_base + walk_j
  logic [31:0] walk_j_q, walk_q_q, walk_r_q;
  // Pass loop
  logic [31:0] g_q, fg_q, fg_lo_q, cb_q, cbt_q, ky_q, kx_q, t_q, blk_q;
  logic        half_q;
  logic [31:0] chunk_q, chunks_q;       // chunk of the block, chunks per block
  // Pass descriptor waiting for hand-off
  logic        desc_valid_q, ob_last_q;
  logic [31:0] d_waddr_q, d_blk_q, d_iy0_q, d_ix0_q;
  logic        d_first_q, d_last_q, d_ob_first_q;
  logic [LaneBits-1:0] d_off_q, d_tap_q;
  logic [Rows-1:0] d_lane_en_q;
  logic [Cols-1:0] d_col_en_q;
  logic [Cols*LaneBits-1:0] d_col_lane_q;
  // Pixel loop: current pass and the next one
  // Positions are relative to the pass: pixel (oy, ox) at input offset (oysh, oxsw) =
  // (oy * stride_h, ox * stride_w) and word offset rowoff + oxsw, rowoff = oysh * in_w.
  logic        pix_active_q, nxt_valid_q;
  logic [31:0] pix_base_q, pix_iy0_q, pix_ix0_q, nxt_base_q, nxt_iy0_q, nxt_ix0_q;
  logic        pix_first_q, pix_last_q, nxt_first_q, nxt_last_q, nxt_ob_first_q;
  logic [31:0] oy_q, ox_q, oysh_q, oxsw_q, rowoff_q, pixel_q, pend_q;
  logic [31:0] c_oy_q, c_ox_q, c_oysh_q, c_oxsw_q, c_rowoff_q, c_pixel_q;  // chunk start

  // Divider step and column walk (combinational parts of SDiv and SObCols)
  logic [31:0] rc, ro;
  logic        valid_j;
  assign rc = {div_rc_q[30:0], f_in_c[div_i_q - 5'd1]};
  assign ro = {div_ro_q[30:0], f_out_c[div_i_q - 5'd1]};
  assign valid_j = oc_base_q + walk_j_q < f_out_c;

  // ---- Descriptor of the pass at the loop state (combinational)
  logic [31:0] ch_first, rem_c, b0, desc_blk, desc_waddr, desc_iy0, desc_ix0;
  logic [LaneBits-1:0] off;
  logic        half1_exists, desc_first, desc_last, loop_last_tap;
  logic [Rows-1:0] lane_en;
  logic [Cols-1:0] col_en;
  logic [Cols*LaneBits-1:0] col_lane;

  assign ch_first = fg_q + (cb_q << LogR);
  assign b0 = ch_first >> LogR;
  assign off = LaneBits'(ch_first & 32'(Rows - 1));
  assign rem_c = cg_q - (cb_q << LogR);
  assign half1_exists = (off != '0) && (rem_c > 32'(Rows) - 32'(off));
  assign loop_last_tap = (ky_q == f_kh - 1) && (kx_q == f_kw - 1);

  always_comb begin
    lane_en = '0;
    col_en = '0;
    col_lane = '0;
    for (int l = 0; l < Rows; l++) begin
      if (!half_q) begin
        lane_en[l] = (32'(l) >= 32'(off)) && (32'(l) - 32'(off) < rem_c);
      end else begin
        lane_en[l] = (32'(l) < 32'(off)) && (32'(l) + 32'(Rows) - 32'(off) < rem_c);
      end
    end
    for (int j = 0; j < Cols; j++) begin
      if (is_dw) begin
        col_en[j] = col_valid_q[j] && ((32'(col_grp_q[j]) >> LogR) == blk_q);
      end else begin
        col_en[j] = col_valid_q[j] && (32'(col_grp_q[j]) == g_q);
      end
      col_lane[j*LaneBits +: LaneBits] = LaneBits'(col_grp_q[j]);
    end
  end

  // Products at the widths the fields allow (kernel and dilation 4 bits, sizes 10 bits,
  // channels 16 bits), so synthesis builds small multipliers; a valid instruction's values
  // never exceed them.
  logic [7:0]  ky_dil_h, kx_dil_w;
  logic [8:0]  taps_w;
  logic [19:0] out_hw, in_hw, pool_hw;
  logic [9:0]  pool_rows, pool_cols;
  logic [13:0] stride_in_w;
  logic [15:0] cblocks_w;
  logic [24:0] cb_taps;
  logic [15:0] glo_cg;
  logic [31:0] blk_hw;
  logic signed [19:0] iy0_in_w;
  assign ky_dil_h = 4'(ky_q) * 4'(f_dil_h);
  assign kx_dil_w = 4'(kx_q) * 4'(f_dil_w);
  assign taps_w = 5'(f_kh) * 5'(f_kw);
  assign out_hw = 10'(f_out_h) * 10'(f_out_w);
  // The pooled tile (out / pool; the fields hold pool - 1).
  odpu_pool_div u_pool_rows (
    .x_i    (10'(f_out_h)),
    .p_m1_i (conv.pool_h),
    .q_o    (pool_rows)
  );
  odpu_pool_div u_pool_cols (
    .x_i    (10'(f_out_w)),
    .p_m1_i (conv.pool_w),
    .q_o    (pool_cols)
  );
  assign pool_hw = 20'(pool_rows) * 20'(pool_cols);
  assign in_hw = 10'(f_in_h) * 10'(f_in_w);
  assign stride_in_w = 4'(f_stride_h) * 10'(f_in_w);
  assign cblocks_w = 16'((cg_q + 32'(Rows - 1)) >> LogR);
  assign cb_taps = cblocks_w * taps_w;
  assign glo_cg = 16'(g_lo_q) * 16'(cg_q);
  assign blk_hw = 16'(d_blk_q) * in_hw_q[19:0];
  assign iy0_in_w = $signed(d_iy0_q[9:0]) * $signed({1'b0, f_in_w[9:0]});

  always_comb begin
    if (is_dw) begin
      desc_blk   = blk_q;
      desc_waddr = wbase_q + (t_q >> LogR);
      desc_first = (blk_q == (g_lo_q >> LogR)) && (t_q == 0);
      desc_last  = (blk_q == (g_hi_q >> LogR)) && loop_last_tap;
    end else begin
      desc_blk   = b0 + 32'(half_q);
      desc_waddr = wbase_q + cbt_q + t_q;
      desc_first = (g_q == g_lo_q) && (cb_q == 0) && !half_q && (t_q == 0);
      desc_last  = (g_q == g_hi_q) && (cb_q == cblocks_q - 1) && (half_q || !half1_exists) &&
                   loop_last_tap;
    end
    desc_iy0 = 32'(ky_dil_h) - f_pad_top;
    desc_ix0 = 32'(kx_dil_w) - f_pad_left;
  end

  // ---- Hand-off: descriptor -> weight loader and the pixel loop's next slot
  logic handoff, tok_fire, pass_done, last_pixel;
  assign wld_valid_o = desc_valid_q && !nxt_valid_q;
  assign handoff = wld_valid_o && wld_ready_i;
  assign wld_addr_o = d_waddr_q;
  assign wld_dw_o = is_dw;
  assign wld_off_o = d_off_q;
  assign wld_tap_o = d_tap_q;
  assign wld_lane_en_o = d_lane_en_q;
  assign wld_col_en_o = d_col_en_q;
  assign wld_col_lane_o = d_col_lane_q;

  logic [31:0] iy, ix;
  assign iy = pix_iy0_q + oysh_q;
  assign ix = pix_ix0_q + oxsw_q;
  assign last_pixel = pixel_q + 1 == pend_q;
  assign tok_valid_o = pix_active_q;
  assign tok_fire = tok_valid_o && tok_ready_i;
  assign pass_done = tok_fire && last_pixel;
  assign tok_pad_o = $signed(iy) < 0 || $signed(iy) >= $signed(f_in_h) ||
                     $signed(ix) < 0 || $signed(ix) >= $signed(f_in_w);
  assign tok_ibuf_addr_o = pix_base_q + rowoff_q + oxsw_q;
  assign tok_chunk_len_o = pend_q - c_pixel_q;
  assign tok_abuf_addr_o = abase_q + pixel_q;
  assign tok_pixel_o = pixel_q;
  assign tok_use_bias_o = pix_first_q && f_acc_init;
  assign tok_last_pass_o = pix_last_q && f_acc_out;  // the output stage runs only with acc_out
  assign tok_pass_end_o = last_pixel;

  assign pbuf_rd_valid_o = state_q == SObPbuf;
  assign pbuf_rd_addr_o = $clog2(PbufDepth)'(f_pbuf_addr + ob_q);
  assign ob_col_valid_o = col_valid_q;
  assign ob_obuf_base_o = obase_q;
  assign ob_obuf_words_o = nwords_q;
  assign pixels_o = pixels_q;
  assign out_w_o = f_out_w;
  assign pool_h_o = f_pool_h;
  assign pool_w_o = f_pool_w;
  assign pool_cols_o = pool_cols_q;
  assign opix_o = opix_q;

  logic all_idle;
  assign all_idle = pipe_idle_i && !pix_active_q && !nxt_valid_q && !desc_valid_q;
  assign done_o = state_q == SFinish && all_idle;

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      SIdle: begin
        // Standard mode needs no division; the others divide in SDiv.
        if (start_i && f_groups == 32'd1) state_d = SInit;
        else if (start_i) state_d = SDiv;
      end
      SDiv:    if (div_i_q == 5'd0) state_d = SInit;
      SInit:   state_d = SObWait;
      SObWait: begin
        if (all_idle && (f_acc_init || f_acc_out)) state_d = SObPbuf;
        else if (all_idle) state_d = SObCols;
      end
      SObPbuf: if (pbuf_rd_ready_i) state_d = SObCols;
      SObCols: if (f_mode == 2'(odpu_pkg::ConvStandard) || walk_j_q == 32'(Cols - 1)) state_d = SObGen;
      SObGen:  state_d = SPass;
      SPass:   if (ob_last_q && handoff) state_d = SObNext;
      // The block's bases serve its tokens and its output stage until everything drained.
      SObNext: begin
        if (all_idle && ob_q + 1 == oblocks_q) state_d = SFinish;
        else if (all_idle) state_d = SObWait;
      end
      SFinish: if (all_idle) state_d = SIdle;
      default: state_d = SIdle;
    endcase
  end

  // Next raster position after a token, and the start of a pass: a block's first pass starts
  // at pixel 0, a chunk's first pass where the previous chunk ended, the other passes of a
  // chunk where the chunk started.
  logic [31:0] adv_oy, adv_ox, adv_oysh, adv_oxsw, adv_rowoff;
  logic [31:0] now_oy, now_ox, now_oysh, now_oxsw, now_rowoff, now_pixel;
  logic [31:0] s_oy, s_ox, s_oysh, s_oxsw, s_rowoff, s_pixel;
  logic        start_pass;
  always_comb begin
    if (ox_q + 1 < f_out_w) begin
      adv_oy = oy_q;
      adv_ox = ox_q + 1;
      adv_oysh = oysh_q;
      adv_oxsw = oxsw_q + f_stride_w;
      adv_rowoff = rowoff_q;
    end else begin
      adv_oy = oy_q + 1;
      adv_ox = '0;
      adv_oysh = oysh_q + f_stride_h;
      adv_oxsw = '0;
      adv_rowoff = rowoff_q + row_step_q;
    end
    now_oy = tok_fire ? adv_oy : oy_q;
    now_ox = tok_fire ? adv_ox : ox_q;
    now_oysh = tok_fire ? adv_oysh : oysh_q;
    now_oxsw = tok_fire ? adv_oxsw : oxsw_q;
    now_rowoff = tok_fire ? adv_rowoff : rowoff_q;
    now_pixel = tok_fire ? pixel_q + 1 : pixel_q;
    if (nxt_ob_first_q) begin
      {s_oy, s_ox, s_oysh, s_oxsw, s_rowoff, s_pixel} = '0;
    end else if (nxt_first_q) begin
      {s_oy, s_ox, s_oysh, s_oxsw, s_rowoff, s_pixel} =
          {now_oy, now_ox, now_oysh, now_oxsw, now_rowoff, now_pixel};
    end else begin
      {s_oy, s_ox, s_oysh, s_oxsw, s_rowoff, s_pixel} =
          {c_oy_q, c_ox_q, c_oysh_q, c_oxsw_q, c_rowoff_q, c_pixel_q};
    end
  end
  assign start_pass = (!pix_active_q || pass_done) && nxt_valid_q;

  // ---- Registers
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      state_q <= SIdle;
      desc_valid_q <= 1'b0;
      ob_last_q <= 1'b0;
      pix_active_q <= 1'b0;
      nxt_valid_q <= 1'b0;
    end else begin
      state_q <= state_d;

      unique case (state_q)
        SIdle: if (start_i) begin
          // Standard mode needs no division; the others divide in SDiv.
          cg_q <= f_in_c;
          mg_q <= f_out_c;
          div_i_q <= 5'd16;
          div_rc_q <= '0;
          div_ro_q <= '0;
          div_qc_q <= '0;
          div_qo_q <= '0;
        end
        SDiv: begin
          // Restoring division of the 16-bit in_c and out_c by groups, MSB first.
          div_rc_q <= rc >= f_groups ? rc - f_groups : rc;
          div_ro_q <= ro >= f_groups ? ro - f_groups : ro;
          div_qc_q <= {div_qc_q[30:0], rc >= f_groups};
          div_qo_q <= {div_qo_q[30:0], ro >= f_groups};
          div_i_q <= div_i_q - 5'd1;
          if (div_i_q == 5'd1) begin
            cg_q <= {div_qc_q[30:0], rc >= f_groups};
            mg_q <= {div_qo_q[30:0], ro >= f_groups};
          end
        end
        SInit: begin
          taps_q <= 32'(taps_w);
          cblocks_q <= (cg_q + 32'(Rows - 1)) >> LogR;
          tblocks_q <= (32'(taps_w) + 32'(Rows - 1)) >> LogR;
          oblocks_q <= (f_out_c + 32'(Cols - 1)) >> LogC;
          pixels_q <= 32'(out_hw);
          pool_cols_q <= 32'(pool_cols);
          opix_q <= 32'(pool_hw);
          chunks_q <= (32'(out_hw) + 32'(ChunkPixels - 1)) >> LogK;
          in_hw_q <= 32'(in_hw);
          row_step_q <= 32'(stride_in_w);
          wstride_ob_q <= is_dw ? (32'(taps_w) + 32'(Rows - 1)) >> LogR : 32'(cb_taps);
          ob_q <= '0;
          oc_base_q <= '0;
          wbase_q <= f_wbuf_addr;
          abase_q <= f_abuf_addr;
          obase_q <= f_obuf_addr;
          walk_q_q <= '0;
          walk_r_q <= '0;
        end
        SObWait: begin
          walk_j_q <= '0;
          // OBUF words of this block: its channels, rounded up to whole words.
          nwords_q <= (f_out_c - oc_base_q >= 32'(Cols)) ? 32'(Cols / Rows)
                      : (f_out_c - oc_base_q + 32'(Rows - 1)) >> LogR;
        end
        SObPbuf: ;
        SObCols: begin
          if (f_mode == 2'(odpu_pkg::ConvStandard)) begin
            for (int j = 0; j < Cols; j++) begin
              col_valid_q[j] <= oc_base_q + 32'(j) < f_out_c;
              col_grp_q[j] <= '0;
            end
            g_lo_q <= '0;
            g_hi_q <= '0;
          end else begin
            // One column per cycle: its group is o div Mg, carried as a running divmod.
            col_valid_q[walk_j_q[LogC-1:0]] <= valid_j;
            col_grp_q[walk_j_q[LogC-1:0]] <= 16'(walk_q_q);
            if (walk_j_q == 0) g_lo_q <= walk_q_q;
            if (valid_j) g_hi_q <= walk_q_q;
            if (walk_r_q + 1 == mg_q) begin
              walk_q_q <= walk_q_q + 1;
              walk_r_q <= '0;
            end else begin
              walk_r_q <= walk_r_q + 1;
            end
            walk_j_q <= walk_j_q + 1;
          end
        end
        SObGen: begin
          chunk_q <= '0;
          g_q <= g_lo_q;
          fg_q <= 32'(glo_cg);
          fg_lo_q <= 32'(glo_cg);
          blk_q <= g_lo_q >> LogR;
          cb_q <= '0;
          cbt_q <= '0;
          half_q <= 1'b0;
          ky_q <= '0;
          kx_q <= '0;
          t_q <= '0;
        end
        SObNext: if (all_idle) begin
          ob_q <= ob_q + 1;
          oc_base_q <= oc_base_q + 32'(Cols);
          wbase_q <= wbase_q + wstride_ob_q;
          abase_q <= abase_q + pixels_q;
          obase_q <= obase_q + (opix_q << $clog2(Cols / Rows));
        end
        default: ;
      endcase

      // Descriptor generation in SPass: compute the pass at the loop state, then advance.
      if (state_q == SPass && !desc_valid_q && !ob_last_q) begin
        desc_valid_q <= 1'b1;
        d_waddr_q <= desc_waddr;
        d_blk_q <= desc_blk;
        d_iy0_q <= desc_iy0;
        d_ix0_q <= desc_ix0;
        d_first_q <= desc_first;
        d_last_q <= desc_last;
        d_ob_first_q <= desc_first && chunk_q == 0;
        d_off_q <= off;
        d_tap_q <= LaneBits'(t_q);
        d_lane_en_q <= lane_en;
        d_col_en_q <= col_en;
        d_col_lane_q <= col_lane;
        ob_last_q <= desc_last && chunk_q + 1 == chunks_q;
        // Advance the loop: kx, ky, then (standard/grouped) half, cb, g or (dw) block.
        if (kx_q + 1 < f_kw) begin
          kx_q <= kx_q + 1;
          t_q <= t_q + 1;
        end else if (ky_q + 1 < f_kh) begin
          kx_q <= '0;
          ky_q <= ky_q + 1;
          t_q <= t_q + 1;
        end else begin
          kx_q <= '0;
          ky_q <= '0;
          t_q <= '0;
          if (desc_last) begin
            // The chunk's passes are done: the next chunk starts the pass loop again.
            chunk_q <= chunk_q + 1;
            g_q <= g_lo_q;
            fg_q <= fg_lo_q;
            blk_q <= g_lo_q >> LogR;
            cb_q <= '0;
            cbt_q <= '0;
            half_q <= 1'b0;
          end else if (is_dw) begin
            blk_q <= blk_q + 1;
          end else if (!half_q && half1_exists) begin
            half_q <= 1'b1;
          end else begin
            half_q <= 1'b0;
            if (cb_q + 1 < cblocks_q) begin
              cb_q <= cb_q + 1;
              cbt_q <= cbt_q + taps_q;
            end else begin
              cb_q <= '0;
              cbt_q <= '0;
              g_q <= g_q + 1;
              fg_q <= fg_q + cg_q;
            end
          end
        end
      end
      if (handoff) begin
        desc_valid_q <= 1'b0;
      end
      if (state_q == SObNext && all_idle) begin
        ob_last_q <= 1'b0;
      end

      // Pixel loop: the next pass waits in nxt_* while the current one issues tokens.
      if (handoff) begin
        nxt_valid_q <= 1'b1;
        nxt_base_q <= f_ibuf_addr + blk_hw + 32'(iy0_in_w) + d_ix0_q;
        nxt_iy0_q <= d_iy0_q;
        nxt_ix0_q <= d_ix0_q;
        nxt_first_q <= d_first_q;
        nxt_last_q <= d_last_q;
        nxt_ob_first_q <= d_ob_first_q;
      end
      if (tok_fire) begin
        oy_q <= adv_oy;
        ox_q <= adv_ox;
        oysh_q <= adv_oysh;
        oxsw_q <= adv_oxsw;
        rowoff_q <= adv_rowoff;
        pixel_q <= pixel_q + 1;
      end
      if (start_pass) begin
        pix_active_q <= 1'b1;
        nxt_valid_q <= handoff;
        pix_first_q <= nxt_first_q;
        pix_last_q <= nxt_last_q;
        pix_base_q <= nxt_base_q;
        pix_iy0_q <= nxt_iy0_q;
        pix_ix0_q <= nxt_ix0_q;
        oy_q <= s_oy;
        ox_q <= s_ox;
        oysh_q <= s_oysh;
        oxsw_q <= s_oxsw;
        rowoff_q <= s_rowoff;
        pixel_q <= s_pixel;
        pend_q <= s_pixel + ((pixels_q - s_pixel < 32'(ChunkPixels)) ? pixels_q - s_pixel
                                                                      : 32'(ChunkPixels));
        if (nxt_first_q) begin
          c_oy_q <= s_oy;
          c_ox_q <= s_ox;
          c_oysh_q <= s_oysh;
          c_oxsw_q <= s_oxsw;
          c_rowoff_q <= s_rowoff;
          c_pixel_q <= s_pixel;
        end
      end else if (pass_done) begin
        pix_active_q <= 1'b0;
      end
    end
  end

  logic unused_agu;
  assign unused_agu = ^{tblocks_q, c_oy_q, c_ox_q, f_out_h[31:10], f_dil_h[31:4],
                       f_dil_w[31:4], in_hw_q[31:20], d_blk_q[31:16], div_rc_q[31], div_ro_q[31],
                       div_qc_q[31], div_qo_q[31]};

  // ---- Assertions (docs/rtl.md "Assertions"): a weight load and a pixel token stay
  // offered until the datapath takes them.
  `ODPU_ASSERT_HANDSHAKE(a_wld_stable, wld_valid_o, wld_ready_i,
      {wld_addr_o, wld_dw_o, wld_off_o, wld_tap_o, wld_lane_en_o, wld_col_en_o, wld_col_lane_o},
      clk_i, !rst_ni || clear_i)
  `ODPU_ASSERT_HANDSHAKE(a_tok_stable, tok_valid_o, tok_ready_i,
      {tok_pad_o, tok_ibuf_addr_o, tok_abuf_addr_o, tok_pixel_o, tok_use_bias_o,
       tok_last_pass_o, tok_pass_end_o, tok_chunk_len_o}, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
