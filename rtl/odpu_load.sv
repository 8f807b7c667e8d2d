// odpu_load.sv - the load engine core: executes LOAD (docs/isa.md section 5), DDR to IBUF,
// OBUF (activation tiles) or WBUF, PBUF (whole words), through the AXI master's client l.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_load (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          clear_i,
  input  logic                          start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  output logic                          done_o,
  output logic                          busy_o,
  output logic                          stall_ddr_o,
  // AXI read client l of odpu_axi_master (DDR-window byte offsets)
  output logic                          l_rq_valid_o,
  input  logic                          l_rq_ready_i,
  output logic [63:0]                   l_rq_addr_o,
  output logic [4:0]                    l_rq_beats_o,
  input  logic                          l_rd_valid_i,
  output logic                          l_rd_ready_o,
  input  logic [AxiDataBits-1:0]        l_rd_data_i,
  input  logic                          l_rd_last_i,
  // Buffer write ports (client ld of odpu_bufs)
  output logic                          ld_ibuf_wr_valid_o,
  input  logic                          ld_ibuf_wr_ready_i,
  output logic [$clog2(IbufDepth)-1:0]  ld_ibuf_wr_addr_o,
  output logic [IbufWordBytes*8-1:0]    ld_ibuf_wr_data_o,
  output logic [IbufWordBytes-1:0]      ld_ibuf_wr_strb_o,
  output logic                          ld_obuf_wr_valid_o,
  input  logic                          ld_obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0]  ld_obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]    ld_obuf_wr_data_o,
  output logic [ObufWordBytes-1:0]      ld_obuf_wr_strb_o,
  output logic                          ld_wbuf_wr_valid_o,
  input  logic                          ld_wbuf_wr_ready_i,
  output logic [$clog2(WbufPortDepth)-1:0] ld_wbuf_wr_addr_o,  // a port-wide piece of a word
  output logic [WbufPortBytes*8-1:0]    ld_wbuf_wr_data_o,
  output logic [WbufPortBytes-1:0]      ld_wbuf_wr_strb_o,
  output logic                          ld_pbuf_wr_valid_o,
  input  logic                          ld_pbuf_wr_ready_i,
  output logic [$clog2(PbufDepth)-1:0]  ld_pbuf_wr_addr_o,
  output logic [PbufWordBytes*8-1:0]    ld_pbuf_wr_data_o,
  output logic [PbufWordBytes-1:0]      ld_pbuf_wr_strb_o
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_load_t load;
  /* verilator lint_on UNUSEDSIGNAL */
  assign load = insn_i;
  localparam int BeatBytes  = AxiDataBits / 8;
  localparam int BeatShift  = $clog2(BeatBytes);
  // An activation word (IBUF/OBUF) is Rows bytes; a linear LOAD moves beat-sized pieces.
  localparam int PieceBytes = (Rows > BeatBytes) ? Rows : BeatBytes;
  localparam int NBits      = $clog2(PieceBytes) + 1;
  // Bursts requested whose data has not arrived yet. Each has a small descriptor (valid
  // bytes of its first and last beat); 64 of them keep one-beat bursts (a pixel of a few
  // channels) flowing across half of the longest DDR latency.
  localparam int DescDepth  = 64;
  localparam int DescBits   = BeatShift + BeatShift + 1;
  localparam int WbufGroups = WbufWordBytes / BeatBytes;  // beat pieces per WBUF word
  localparam int WbufPortGroups = WbufPortBytes / BeatBytes;  // of them per WBUF port piece
  localparam int PbufGroups = PbufWordBytes / BeatBytes;
  localparam int GrpBits    = $clog2(WbufGroups > PbufGroups ? WbufGroups : PbufGroups) + 1;
  localparam int BufAddrBits = odpu_pkg::LoadBufAddrWidth;
  // Staging window of overlapping LOADs (odpu_load_stage): 64 activation words (at least
  // 64 beats). A pixel needs c + BeatBytes - 1 bytes of it, so every c the compiler's
  // first-layer folding emits fits (90 bytes on b4096, a few hundred at most); a larger c
  // takes the pixel-run path.
  localparam int StageBytes  = 64 * PieceBytes;
  localparam int TagBits     = BufAddrBits + 1;

  // ---- Instruction fields (insn_i is held from start_i to done_o) ----------------------
  logic [odpu_pkg::LoadBufWidth-1:0] f_buf;
  logic [63:0]                     f_ddr, f_ps, f_rs;
  logic [BufAddrBits-1:0]          f_addr;
  logic [odpu_pkg::LoadHWidth-1:0] f_h;
  logic [odpu_pkg::LoadWWidth-1:0] f_w;
  logic [odpu_pkg::LoadCWidth-1:0] f_c;
  logic [odpu_pkg::LoadLenWidth-1:0] f_len;
  logic                            f_linear;

  assign f_buf    = load.buf_id;
  assign f_ddr    = 64'(load.ddr_addr);
  assign f_addr   = load.buf_addr;
  assign f_h      = load.h;
  assign f_w      = load.w;
  assign f_c      = load.c;
  assign f_ps     = 64'(load.pixel_stride);
  assign f_rs     = 64'(load.row_stride);
  assign f_len    = load.len;
  assign f_linear = (32'(f_buf) == odpu_pkg::BufWbuf) || (32'(f_buf) == odpu_pkg::BufPbuf);

  // ---- Control ----------------------------------------------------------------------------
  logic busy_q, last_write;
  assign busy_o = busy_q;
  assign done_o = last_write;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      busy_q <= 1'b0;
    end else if (start_i) begin
      busy_q <= 1'b1;
    end else if (last_write) begin
      busy_q <= 1'b0;
    end
  end

  // ---- Request walker: the DDR runs of the box, cut into bursts --------------------------
  // A run is a contiguous byte range: the whole linear LOAD; a row of w pixels when
  // pixel_stride == c (one stream of w*c bytes); a row's span (w-1)*pixel_stride + c when
  // pixels overlap or leave gaps shorter than a beat and a pixel fits the staging window
  // (span mode: each DDR byte is fetched once per row, the pixels are cut out on chip);
  // otherwise one pixel of c bytes. Runs are requested in pixel order, which is the order
  // the buffer words are written in.
  logic [63:0] run_bytes, span_bytes;
  logic        pixel_mode, span_mode, desc_full, rq_fire;
  logic [BeatShift-1:0] desc_skip;
  logic [BeatShift:0]   desc_hi;

  assign span_mode  = !f_linear && (f_ps != 64'(f_c)) && (f_ps < 64'(f_c) + 64'(BeatBytes)) &&
                      (64'(f_c) + 64'(BeatBytes) <= 64'(StageBytes));
  assign pixel_mode = !f_linear && (f_ps != 64'(f_c)) && !span_mode;
  assign span_bytes = (64'(f_w) - 64'd1) * f_ps + 64'(f_c);
  always_comb begin
    if (f_linear) begin
      run_bytes = (32'(f_buf) == odpu_pkg::BufWbuf) ? (64'(f_len) << $clog2(WbufWordBytes))
                                          : (64'(f_len) << $clog2(PbufWordBytes));
    end else if (span_mode) begin
      run_bytes = span_bytes;
    end else if (!pixel_mode) begin
      run_bytes = 64'(f_w) * 64'(f_c);
    end else begin
      run_bytes = 64'(f_c);
    end
  end

  logic walk_valid, walk_active;
  odpu_dma_walker #(.BeatBytes(BeatBytes)) u_walk (
    .clk_i, .rst_ni, .clear_i, .start_i,
    .base_i       (f_ddr),
    .pix_stride_i (f_ps),
    .row_stride_i (f_rs),
    .run_bytes_i  (run_bytes),
    .rows_i       (f_linear ? 12'd1 : f_h),
    .cols_i       (pixel_mode ? f_w : 12'd1),
    .active_o     (walk_active),
    .bst_valid_o  (walk_valid),
    .bst_ready_i  (rq_fire),
    .bst_addr_o   (l_rq_addr_o),
    .bst_beats_o  (l_rq_beats_o),
    .bst_skip_o   (desc_skip),
    .bst_hi_o     (desc_hi)
  );
  // A burst is requested only with room for its descriptor (valid does not drop while
  // waiting: the descriptor FIFO only drains meanwhile).
  assign l_rq_valid_o = walk_valid && !desc_full;
  assign rq_fire    = l_rq_valid_o && l_rq_ready_i;

  // ---- Burst descriptors: which bytes of each burst belong to the stream ----------------
  logic [DescBits-1:0]        desc_head;
  logic [$clog2(DescDepth):0] desc_count;
  logic                       in_first_q, beat_fire;

  odpu_count_fifo #(.Width(DescBits), .Depth(DescDepth)) u_desc (
    .clk_i, .rst_ni,
    .clear_i (clear_i),
    .push_i  (rq_fire),
    .wdata_i ({desc_skip, desc_hi}),
    .pop_i   (beat_fire && l_rd_last_i),
    .rdata_o (desc_head),
    .count_o (desc_count)
  );
  assign desc_full = desc_count == ($clog2(DescDepth)+1)'(DescDepth);

  // ---- Aligner: beats in, pieces (one buffer write each) out -----------------------------
  logic                   al_in_ready, al_avail, al_empty, pw_take;
  logic                   st_in_ready, st_here, st_avail, st_valid;
  logic [PieceBytes*8-1:0] st_data;
  logic [TagBits-1:0]     st_tag;
  logic [NBits-1:0]       pw_n;
  logic [PieceBytes*8-1:0] al_data;
  logic                   pw_active_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      in_first_q <= 1'b1;
    end else if (beat_fire) begin
      in_first_q <= l_rd_last_i;
    end
  end

  assign l_rd_ready_o = (span_mode ? st_in_ready : al_in_ready) && (desc_count != '0);
  assign beat_fire  = l_rd_valid_i && l_rd_ready_o;

  odpu_byte_align #(.BeatBytes(BeatBytes), .PieceBytes(PieceBytes)) u_align (
    .clk_i, .rst_ni, .clear_i,
    .in_valid_i  (l_rd_valid_i && (desc_count != '0) && !span_mode),
    .in_ready_o  (al_in_ready),
    .in_data_i   (l_rd_data_i),
    .in_lo_i     (in_first_q ? desc_head[DescBits-1 -: BeatShift] : '0),
    .in_hi_i     (l_rd_last_i ? desc_head[BeatShift:0] : (BeatShift+1)'(BeatBytes)),
    .out_req_i   (pw_active_q && !span_mode),
    .out_n_i     (pw_n),
    .out_avail_o (al_avail),
    .out_take_i  (pw_take),
    .out_data_o  (al_data),
    .empty_o     (al_empty)
  );

  // ---- Piece walker: the buffer word of each piece --------------------------------------
  // Activation: pixel p = y*w + x in order, block k of it goes to word A + k*h*w + p with
  // min(Rows, c - k*Rows) bytes. Linear: piece i is beat-sized group i mod G of word
  // A + i div G (G beats per word).
  logic [23:0]            pw_pix_q, hw_q;
  logic [31:0]            pw_kofs_q;
  logic [odpu_pkg::LoadCWidth-1:0] pw_rem_q;
  logic [BufAddrBits-1:0] pw_word_q;
  logic [GrpBits-1:0]     pw_grp_q, groups;
  logic [odpu_pkg::LoadLenWidth-1:0] pw_words_left_q;
  logic                   pw_last, out_free;

  assign groups = (32'(f_buf) == odpu_pkg::BufWbuf) ? GrpBits'(WbufGroups) : GrpBits'(PbufGroups);
  assign pw_n   = f_linear ? NBits'(BeatBytes)
                           : ((pw_rem_q > odpu_pkg::LoadCWidth'(Rows)) ? NBits'(Rows) : NBits'(pw_rem_q));
  assign pw_take = span_mode ? st_avail : (al_avail && out_free);
  assign pw_last = f_linear ? (pw_words_left_q == odpu_pkg::LoadLenWidth'(1) && pw_grp_q == groups - 1'b1)
                            : (pw_rem_q <= odpu_pkg::LoadCWidth'(Rows) && pw_pix_q == hw_q - 1'b1);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      pw_active_q     <= 1'b0;
      pw_pix_q        <= '0;
      hw_q            <= '0;
      pw_kofs_q       <= '0;
      pw_rem_q        <= '0;
      pw_word_q       <= '0;
      pw_grp_q        <= '0;
      pw_words_left_q <= '0;
    end else if (start_i) begin
      pw_active_q     <= 1'b1;
      pw_pix_q        <= '0;
      hw_q            <= 24'(f_h) * 24'(f_w);
      pw_kofs_q       <= '0;
      pw_rem_q        <= f_c;
      pw_word_q       <= f_addr;
      pw_grp_q        <= '0;
      pw_words_left_q <= f_len;
    end else if (pw_take) begin
      if (pw_last) begin
        pw_active_q <= 1'b0;
      end
      if (f_linear) begin
        if (pw_grp_q == groups - 1'b1) begin
          pw_grp_q        <= '0;
          pw_word_q       <= pw_word_q + 1'b1;
          pw_words_left_q <= pw_words_left_q - 1'b1;
        end else begin
          pw_grp_q <= pw_grp_q + 1'b1;
        end
      end else if (pw_rem_q > odpu_pkg::LoadCWidth'(Rows)) begin
        pw_rem_q  <= pw_rem_q - odpu_pkg::LoadCWidth'(Rows);
        pw_kofs_q <= pw_kofs_q + 32'(hw_q);
      end else begin
        pw_rem_q  <= f_c;
        pw_kofs_q <= '0;
        pw_pix_q  <= pw_pix_q + 1'b1;
      end
    end
  end

  // ---- Output register: one buffer write per piece --------------------------------------
  logic                    out_valid_q, out_last_q, out_ready;
  logic [BufAddrBits-1:0]  out_addr_q;
  logic [PieceBytes*8-1:0] out_data_q;
  logic [GrpBits-1:0]      out_grp_q;
  logic [BufAddrBits-1:0]  piece_addr;

  assign piece_addr = f_linear ? pw_word_q
                               : BufAddrBits'(32'(f_addr) + pw_kofs_q + 32'(pw_pix_q));

  // ---- Staging window of span mode: pieces come out of it a cycle after their take, with
  // their word address and last flag as the tag ---------------------------------------------
  odpu_load_stage #(.BeatBytes(BeatBytes), .PieceBytes(PieceBytes), .StageBytes(StageBytes),
                    .TagBits(TagBits)) u_stage (
    .clk_i, .rst_ni, .clear_i,
    .start_i       (start_i && span_mode),
    .base_i        (f_ddr),
    .pix_stride_i  (f_ps),
    .row_stride_i  (f_rs),
    .span_i        (span_bytes),
    .w_i           (f_w),
    .in_valid_i    (l_rd_valid_i && (desc_count != '0) && span_mode),
    .in_ready_o    (st_in_ready),
    .in_data_i     (l_rd_data_i),
    .req_i         (pw_active_q && span_mode),
    .req_n_i       (pw_n),
    .req_pix_end_i (pw_rem_q <= odpu_pkg::LoadCWidth'(Rows)),
    .req_tag_i     ({piece_addr, pw_last}),
    .req_here_o    (st_here),
    .req_avail_o   (st_avail),
    .req_take_i    (pw_take),
    .out_valid_o   (st_valid),
    .out_ready_i   (out_free),
    .out_data_o    (st_data),
    .out_tag_o     (st_tag)
  );
  always_comb begin
    case (32'(f_buf))
      odpu_pkg::BufIbuf: out_ready = ld_ibuf_wr_ready_i;
      odpu_pkg::BufObuf: out_ready = ld_obuf_wr_ready_i;
      odpu_pkg::BufWbuf: out_ready = ld_wbuf_wr_ready_i;
      default: out_ready = ld_pbuf_wr_ready_i;
    endcase
  end
  assign out_free   = !out_valid_q || out_ready;
  assign last_write = out_valid_q && out_ready && out_last_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      out_valid_q <= 1'b0;
      out_last_q  <= 1'b0;
      out_addr_q  <= '0;
      out_data_q  <= '0;
      out_grp_q   <= '0;
    end else if (out_free && span_mode) begin
      out_valid_q <= st_valid;
      if (st_valid) begin
        out_last_q <= st_tag[0];
        out_addr_q <= st_tag[TagBits-1:1];
        out_data_q <= st_data;
        out_grp_q  <= '0;
      end
    end else if (out_free) begin
      out_valid_q <= pw_take;
      if (pw_take) begin
        out_last_q <= pw_last;
        out_addr_q <= piece_addr;
        out_data_q <= al_data;
        out_grp_q  <= pw_grp_q;
      end
    end
  end

  // Activation words are written whole (padding lanes 0); a linear piece is replicated
  // across the word and its strobes select its group.
  assign ld_ibuf_wr_valid_o = out_valid_q && (32'(f_buf) == odpu_pkg::BufIbuf);
  assign ld_ibuf_wr_addr_o  = out_addr_q[$clog2(IbufDepth)-1:0];
  assign ld_ibuf_wr_data_o  = out_data_q[IbufWordBytes*8-1:0];
  assign ld_ibuf_wr_strb_o  = '1;
  assign ld_obuf_wr_valid_o = out_valid_q && (32'(f_buf) == odpu_pkg::BufObuf);
  assign ld_obuf_wr_addr_o  = out_addr_q[$clog2(ObufDepth)-1:0];
  assign ld_obuf_wr_data_o  = out_data_q[ObufWordBytes*8-1:0];
  assign ld_obuf_wr_strb_o  = '1;
  assign ld_wbuf_wr_valid_o = out_valid_q && (32'(f_buf) == odpu_pkg::BufWbuf);
  // Beat group g of WBUF word A is group g mod P of port piece A * weight_load_cycles +
  // g div P (P groups per piece; both powers of two).
  assign ld_wbuf_wr_addr_o  = $clog2(WbufPortDepth)'(
      (32'(out_addr_q[$clog2(WbufDepth)-1:0]) << $clog2(WeightLoadCycles)) +
      (32'(out_grp_q) >> $clog2(WbufPortGroups)));
  assign ld_wbuf_wr_data_o  = {WbufPortGroups{out_data_q[BeatBytes*8-1:0]}};
  assign ld_pbuf_wr_valid_o = out_valid_q && (32'(f_buf) == odpu_pkg::BufPbuf);
  assign ld_pbuf_wr_addr_o  = out_addr_q[$clog2(PbufDepth)-1:0];
  assign ld_pbuf_wr_data_o  = {PbufGroups{out_data_q[BeatBytes*8-1:0]}};
  for (genvar g = 0; g < WbufPortGroups; g++) begin : g_wstrb
    assign ld_wbuf_wr_strb_o[g*BeatBytes +: BeatBytes] =
        {BeatBytes{(out_grp_q & GrpBits'(WbufPortGroups - 1)) == GrpBits'(g)}};
  end
  for (genvar g = 0; g < PbufGroups; g++) begin : g_pstrb
    assign ld_pbuf_wr_strb_o[g*BeatBytes +: BeatBytes] = {BeatBytes{out_grp_q == GrpBits'(g)}};
  end

  // Waiting for DDR: a piece is wanted and its bytes have not all arrived.
  assign stall_ddr_o = busy_q && pw_active_q && !(span_mode ? st_here : al_avail);

  logic unused_load;
  assign unused_load = ^{al_empty, walk_active, out_addr_q};
endmodule
`default_nettype wire
