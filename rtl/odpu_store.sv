// odpu_store.sv - the store engine core: executes SAVE (docs/isa.md section 5), an IBUF or
// OBUF tile to DDR through the AXI master's client s, byte strobes on exactly h*w*c bytes.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_store (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          clear_i,
  input  logic                          start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  output logic                          done_o,
  output logic                          busy_o,
  output logic                          stall_ddr_o,
  // Buffer read ports (client st of odpu_bufs)
  output logic                          st_ibuf_rd_valid_o,
  input  logic                          st_ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0]  st_ibuf_rd_addr_o,
  input  logic                          st_ibuf_rd_rvalid_i,
  input  logic [IbufWordBytes*8-1:0]    st_ibuf_rd_rdata_i,
  output logic                          st_obuf_rd_valid_o,
  input  logic                          st_obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0]  st_obuf_rd_addr_o,
  input  logic                          st_obuf_rd_rvalid_i,
  input  logic [ObufWordBytes*8-1:0]    st_obuf_rd_rdata_i,
  // AXI write client s of odpu_axi_master (DDR-window byte offsets)
  output logic                          s_wq_valid_o,
  input  logic                          s_wq_ready_i,
  output logic [63:0]                   s_wq_addr_o,
  output logic [4:0]                    s_wq_beats_o,
  output logic                          s_wd_valid_o,
  input  logic                          s_wd_ready_i,
  output logic [AxiDataBits-1:0]        s_wd_data_o,
  output logic [AxiDataBits/8-1:0]      s_wd_strb_o,
  output logic                          s_wd_last_o,
  input  logic                          s_wb_done_i
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_save_t save;
  /* verilator lint_on UNUSEDSIGNAL */
  assign save = insn_i;
  localparam int BeatBytes  = AxiDataBits / 8;
  localparam int BeatShift  = $clog2(BeatBytes);
  localparam int NBits      = $clog2(Rows) + 1;
  localparam int WordBits   = Rows * 8;  // IBUF and OBUF words
  localparam int BufAddrBits = odpu_pkg::SaveBufAddrWidth;
  // Buffer words read ahead of the packer; the read port answers one cycle later without
  // back-pressure, so a read is issued only with room for its data.
  localparam int PieceDepth = 4;
  localparam int PieceBits  = WordBits + NBits + 1 + BeatShift + 1;
  // Bursts whose address was sent and whose last W beat was not: the W side takes each
  // burst's length from here to set WLAST.
  localparam int LenDepth   = 32;
  // Packer window: a beat being assembled plus one piece that runs over into the next.
  localparam int Cap        = BeatBytes + Rows;
  localparam int PosBits    = $clog2(Cap + 1);

  // ---- Instruction fields (insn_i is held from start_i to done_o) ----------------------
  logic [odpu_pkg::SaveBufWidth-1:0] f_buf;
  logic [63:0]              f_ddr, f_ps, f_rs;
  logic [BufAddrBits-1:0]   f_addr;
  logic [odpu_pkg::SaveHWidth-1:0] f_h;
  logic [odpu_pkg::SaveWWidth-1:0] f_w;
  logic [odpu_pkg::SaveCWidth-1:0] f_c;
  logic                     f_obuf, pixel_mode;

  assign f_buf  = save.buf_id;
  assign f_ddr  = 64'(save.ddr_addr);
  assign f_addr = save.buf_addr;
  assign f_h    = save.h;
  assign f_w    = save.w;
  assign f_c    = save.c;
  assign f_ps   = 64'(save.pixel_stride);
  assign f_rs   = 64'(save.row_stride);
  assign f_obuf = 32'(f_buf) == odpu_pkg::BufObuf;
  // A row is one contiguous run when pixels are packed (pixel_stride == c); otherwise
  // every pixel is its own run of c bytes (a Concat part, a channel slice).
  assign pixel_mode = f_ps != 64'(f_c);

  logic busy_q;
  assign busy_o = busy_q;

  // ---- AW: the runs in bursts ----------------------------------------------------------
  logic                 aw_valid, aw_active, len_full, aw_fire;
  logic [BeatShift-1:0] aw_skip_unused;
  logic [BeatShift:0]   aw_hi_unused;
  logic [63:0]          run_bytes;

  assign run_bytes = pixel_mode ? 64'(f_c) : 64'(f_w) * 64'(f_c);

  odpu_dma_walker #(.BeatBytes(BeatBytes)) u_walk (
    .clk_i, .rst_ni, .clear_i, .start_i,
    .base_i       (f_ddr),
    .pix_stride_i (f_ps),
    .row_stride_i (f_rs),
    .run_bytes_i  (run_bytes),
    .rows_i       (f_h),
    .cols_i       (pixel_mode ? f_w : 12'd1),
    .active_o     (aw_active),
    .bst_valid_o  (aw_valid),
    .bst_ready_i  (aw_fire),
    .bst_addr_o   (s_wq_addr_o),
    .bst_beats_o  (s_wq_beats_o),
    .bst_skip_o   (aw_skip_unused),
    .bst_hi_o     (aw_hi_unused)
  );
  assign s_wq_valid_o = aw_valid && !len_full;
  assign aw_fire    = s_wq_valid_o && s_wq_ready_i;

  logic [4:0]                len_head;
  logic [$clog2(LenDepth):0] len_count;
  logic                      len_pop;

  odpu_count_fifo #(.Width(5), .Depth(LenDepth)) u_len (
    .clk_i, .rst_ni,
    .clear_i (clear_i),
    .push_i  (aw_fire),
    .wdata_i (s_wq_beats_o),
    .pop_i   (len_pop),
    .rdata_o (len_head),
    .count_o (len_count)
  );
  assign len_full = len_count == ($clog2(LenDepth)+1)'(LenDepth);

  // ---- Buffer reads in pixel order: block k of pixel p is word A + k*h*w + p ------------
  logic                   rd_active_q, rd_pend_q, rd_fire, rd_ready, rd_rvalid, rd_last;
  logic [23:0]            rd_pix_q, hw_q;
  logic [31:0]            rd_kofs_q;
  logic [odpu_pkg::SaveCWidth-1:0] rd_rem_q;
  logic [11:0]            rd_x_q;
  logic [BeatShift-1:0]   rd_row_lo_q, rd_pix_lo_q;  // run start offsets inside a beat
  logic [NBits-1:0]       rd_n;
  logic                   rd_first, rd_run_last, pixel_last_block;
  logic [$clog2(PieceDepth):0] pc_count;
  logic [PieceBits-1:0]   meta_q;  // the piece whose word arrives next cycle (data bits unused)
  logic [WordBits-1:0]    rd_rdata;

  assign rd_n             = (rd_rem_q > odpu_pkg::SaveCWidth'(Rows)) ? NBits'(Rows) : NBits'(rd_rem_q);
  assign pixel_last_block = rd_rem_q <= odpu_pkg::SaveCWidth'(Rows);
  assign rd_first         = (rd_rem_q == f_c) && (pixel_mode || rd_x_q == '0);
  assign rd_run_last      = pixel_last_block && (pixel_mode || rd_x_q == 12'(f_w - 1'b1));
  assign rd_last          = pixel_last_block && (rd_pix_q == hw_q - 1'b1);
  assign rd_ready         = f_obuf ? st_obuf_rd_ready_i : st_ibuf_rd_ready_i;
  assign rd_rvalid        = f_obuf ? st_obuf_rd_rvalid_i : st_ibuf_rd_rvalid_i;
  assign rd_rdata         = f_obuf ? st_obuf_rd_rdata_i : st_ibuf_rd_rdata_i;

  logic rd_want;
  assign rd_want         = rd_active_q &&
                           (32'(pc_count) + 32'(rd_pend_q) < PieceDepth);
  assign st_ibuf_rd_valid_o = rd_want && !f_obuf;
  assign st_obuf_rd_valid_o = rd_want && f_obuf;
  assign st_ibuf_rd_addr_o  = ($clog2(IbufDepth))'(32'(f_addr) + rd_kofs_q + 32'(rd_pix_q));
  assign st_obuf_rd_addr_o  = ($clog2(ObufDepth))'(32'(f_addr) + rd_kofs_q + 32'(rd_pix_q));
  assign rd_fire         = rd_want && rd_ready;

  // The run of pixel (y, x) starts at ddr + y*row_stride + x*pixel_stride; only its offset
  // inside a beat matters here (the packer's first lane).
  logic [BeatShift-1:0] run_lo;
  assign run_lo = (pixel_mode && rd_x_q != '0) ? rd_pix_lo_q : rd_row_lo_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      rd_active_q <= 1'b0;
      rd_pend_q   <= 1'b0;
      rd_pix_q    <= '0;
      hw_q        <= '0;
      rd_kofs_q   <= '0;
      rd_rem_q    <= '0;
      rd_x_q      <= '0;
      rd_row_lo_q <= '0;
      rd_pix_lo_q <= '0;
      meta_q      <= '0;
    end else if (start_i) begin
      rd_active_q <= 1'b1;
      rd_pend_q   <= 1'b0;
      rd_pix_q    <= '0;
      hw_q        <= 24'(f_h) * 24'(f_w);
      rd_kofs_q   <= '0;
      rd_rem_q    <= f_c;
      rd_x_q      <= '0;
      rd_row_lo_q <= f_ddr[BeatShift-1:0];
      rd_pix_lo_q <= f_ddr[BeatShift-1:0];
    end else begin
      rd_pend_q <= rd_fire;
      if (rd_fire) begin
        meta_q <= {{WordBits{1'b0}}, rd_n, rd_first, run_lo, rd_run_last};
        if (rd_last) begin
          rd_active_q <= 1'b0;
        end
        if (!pixel_last_block) begin
          rd_rem_q  <= rd_rem_q - odpu_pkg::SaveCWidth'(Rows);
          rd_kofs_q <= rd_kofs_q + 32'(hw_q);
        end else begin
          rd_rem_q  <= f_c;
          rd_kofs_q <= '0;
          rd_pix_q  <= rd_pix_q + 1'b1;
          if (rd_x_q == 12'(f_w - 1'b1)) begin
            rd_x_q      <= '0;
            rd_row_lo_q <= rd_row_lo_q + f_rs[BeatShift-1:0];
            rd_pix_lo_q <= rd_row_lo_q + f_rs[BeatShift-1:0];
          end else begin
            rd_x_q      <= rd_x_q + 1'b1;
            rd_pix_lo_q <= run_lo + f_ps[BeatShift-1:0];
          end
        end
      end
    end
  end

  // ---- Pieces: word data with its byte count and run boundaries -------------------------
  logic [PieceBits-1:0] pc_head;
  logic                 pc_pop;

  odpu_count_fifo #(.Width(PieceBits), .Depth(PieceDepth)) u_piece (
    .clk_i, .rst_ni,
    .clear_i (clear_i),
    .push_i  (rd_pend_q && rd_rvalid),
    .wdata_i ({rd_rdata, meta_q[PieceBits-WordBits-1:0]}),
    .pop_i   (pc_pop),
    .rdata_o (pc_head),
    .count_o (pc_count)
  );

  logic [WordBits-1:0]  pc_data;
  logic [NBits-1:0]     pc_n;
  logic                 pc_first, pc_run_last;
  logic [BeatShift-1:0] pc_lo;
  assign {pc_data, pc_n, pc_first, pc_lo, pc_run_last} = pc_head;

  // ---- Packer: pieces placed at their byte lanes, whole beats out ------------------------
  logic [Cap*8-1:0]   win_q, win_d, win_after_emit;
  logic [Cap-1:0]     wstb_q, wstb_d, wstb_after_emit;
  logic [PosBits-1:0] pos_q, pos_d, pos_after_emit, ins_pos;
  logic               flush_q, flush_d, flush_after_emit;
  logic               wd_valid_q, wd_last_q, w_free, emit, insert;
  logic [AxiDataBits-1:0]   wd_data_q;
  logic [BeatBytes-1:0]     wd_strb_q;
  logic [4:0]         wbeat_q;  // beats of the current burst already emitted
  logic [Rows-1:0]    pc_mask;      // the piece's bytes
  logic [WordBits-1:0] pc_bits;      // its data, padding lanes cleared

  assign w_free = !wd_valid_q || s_wd_ready_i;
  // A beat leaves when it is complete, or at the end of a run with whatever it holds, and
  // only after the address of its burst went out (the burst's length sets WLAST).
  logic beat_is_last;
  assign emit = w_free && (len_count != '0) &&
                (pos_q >= PosBits'(BeatBytes) || (flush_q && pos_q != '0));
  assign beat_is_last = (wbeat_q + 1'b1) == len_head;
  assign len_pop      = emit && beat_is_last;
  assign pos_after_emit   = !emit ? pos_q
                          : (pos_q >= PosBits'(BeatBytes) ? pos_q - PosBits'(BeatBytes) : '0);
  assign flush_after_emit = flush_q && (pos_after_emit != '0);
  assign win_after_emit   = emit ? (win_q >> (BeatBytes*8)) : win_q;
  assign wstb_after_emit  = emit ? (wstb_q >> BeatBytes) : wstb_q;
  // A piece goes in while no complete beat waits and the last run has drained; the first
  // piece of a run starts at the run's byte offset inside its first beat.
  assign insert  = (pc_count != '0) && !flush_after_emit && (pos_after_emit < PosBits'(BeatBytes));
  assign pc_pop  = insert;
  assign ins_pos = pc_first ? PosBits'(pc_lo) : pos_after_emit;

  always_comb begin
    for (int i = 0; i < Rows; i++) begin
      pc_mask[i]         = NBits'(i) < pc_n;
      pc_bits[i*8 +: 8]  = pc_mask[i] ? pc_data[i*8 +: 8] : 8'h00;
    end
  end

  always_comb begin
    win_d   = win_after_emit;
    wstb_d  = wstb_after_emit;
    pos_d   = pos_after_emit;
    flush_d = flush_after_emit;
    if (insert) begin
      win_d   = win_after_emit |
                ({{(BeatBytes*8){1'b0}}, pc_bits} << {ins_pos, 3'b000});
      wstb_d  = wstb_after_emit | ({{BeatBytes{1'b0}}, pc_mask} << ins_pos);
      pos_d   = ins_pos + PosBits'(pc_n);
      flush_d = pc_run_last;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      win_q      <= '0;
      wstb_q     <= '0;
      pos_q      <= '0;
      flush_q    <= 1'b0;
      wd_valid_q <= 1'b0;
      wd_last_q  <= 1'b0;
      wd_data_q  <= '0;
      wd_strb_q  <= '0;
      wbeat_q    <= '0;
    end else begin
      win_q   <= win_d;
      wstb_q  <= wstb_d;
      pos_q   <= pos_d;
      flush_q <= flush_d;
      if (w_free) begin
        wd_valid_q <= emit;
        if (emit) begin
          wd_data_q <= win_q[AxiDataBits-1:0];
          wd_strb_q <= wstb_q[BeatBytes-1:0];
          // Beats leave in address order, so the lengths of the bursts sent on AW (in
          // the same order) tell which beat is a burst's last.
          wd_last_q <= beat_is_last;
          wbeat_q   <= beat_is_last ? '0 : wbeat_q + 1'b1;
        end
      end
    end
  end

  assign s_wd_valid_o = wd_valid_q;
  assign s_wd_data_o  = wd_data_q;
  assign s_wd_strb_o  = wd_strb_q;
  assign s_wd_last_o  = wd_last_q;

  // ---- Completion: every burst's B response arrived ------------------------------------
  logic [15:0] outst_q;  // bursts sent on AW whose B has not arrived
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      outst_q <= '0;
      busy_q  <= 1'b0;
    end else begin
      outst_q <= outst_q + 16'(aw_fire) - 16'(s_wb_done_i);
      if (start_i) begin
        busy_q <= 1'b1;
      end else if (done_o) begin
        busy_q <= 1'b0;
      end
    end
  end
  // B of the last burst can only arrive after all W beats, which needed every piece.
  assign done_o = busy_q && !start_i && !aw_active && (outst_q == '0);

  // Blocked on DDR: a beat is waiting for the write channel, or a burst for AW.
  assign stall_ddr_o = busy_q && ((wd_valid_q && !s_wd_ready_i) || (s_wq_valid_o && !s_wq_ready_i) ||
                                  (!aw_active && !rd_active_q && outst_q != '0));

  logic unused_store;
  assign unused_store = ^{aw_skip_unused, aw_hi_unused, meta_q[PieceBits-1 -: WordBits],
                          f_ps[63:BeatShift], f_rs[63:BeatShift]};
endmodule
`default_nettype wire
