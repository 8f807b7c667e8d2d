// odpu_pool_unit.sv - POOL of the compute engine (docs/isa.md section 5): max, average,
// global max and global average over the valid positions of each window. One source word
// (Rows channels) is read per cycle; per lane the window's maximum and its sum of
// (x - in_zp) build up, then go through the shared output stage odpu_out_stage (max: POT
// by 0, i.e. only the clamp; average: MBQM(sum, mult, shift) + out_zp, clamp; odpu_compute
// sets them from the instruction) to OBUF, one word per output pixel and channel block, in
// destination order. Padding lanes (channel >= c) are written 0.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_pool_unit (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic                         start_i,
  input  logic [odpu_pkg::InsnBits-1:0] insn_i,
  output logic                         done_o,
  output logic                         ibuf_rd_valid_o,
  input  logic                         ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0] ibuf_rd_addr_o,
  input  logic [IbufWordBytes*8-1:0]   ibuf_rd_rdata_i,
  output logic                         obuf_rd_valid_o,
  input  logic                         obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] obuf_rd_addr_o,
  input  logic [ObufWordBytes*8-1:0]   obuf_rd_rdata_i,
  // Items of the shared output stage (odpu_out_stage), one per OBUF word
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [Rows*32-1:0]           out_x_o,
  output logic [$clog2(ObufDepth)-1:0] out_addr_o,
  output logic [Rows-1:0]              out_mask_o,
  input  logic                         out_idle_i
);
  // insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_pool_t pool;
  /* verilator lint_on UNUSEDSIGNAL */
  assign pool = insn_i;
  localparam int LogR = $clog2(Rows);
  localparam int RDepth = 4;              // window results waiting for the output stage
  localparam int REntBits = Rows * 32 + Rows;

  // ---- Fields
  logic [1:0]         f_mode;
  logic               f_src_obuf, f_global, f_is_max;
  logic signed [7:0]  f_in_zp;
  logic [31:0]        f_src_addr, f_dst_addr, f_in_h, f_in_w, f_c, f_out_h, f_out_w;
  logic [31:0]        f_kh, f_kw, f_pad_top, f_pad_left, f_stride_h, f_stride_w;

  assign f_mode     = pool.mode;
  assign f_src_obuf = pool.src_buf;
  assign f_global   = f_mode == 2'(odpu_pkg::PoolGlobalMax) || f_mode == 2'(odpu_pkg::PoolGlobalAvg);
  assign f_is_max   = f_mode == 2'(odpu_pkg::PoolMax) || f_mode == 2'(odpu_pkg::PoolGlobalMax);
  assign f_in_zp    = pool.in_zp;
  assign f_src_addr = 32'(pool.src_addr);
  assign f_dst_addr = 32'(pool.dst_addr);
  assign f_in_h     = 32'(pool.in_h);
  assign f_in_w     = 32'(pool.in_w);
  assign f_c        = 32'(pool.c);
  assign f_out_h    = 32'(pool.out_h);
  assign f_out_w    = 32'(pool.out_w);
  // Global modes use the whole input as the window (their encoded kernel, stride and pads
  // are 0 by rule field).
  assign f_kh       = f_global ? f_in_h : 32'(pool.kh) + 32'(odpu_pkg::PoolKhBias);
  assign f_kw       = f_global ? f_in_w : 32'(pool.kw) + 32'(odpu_pkg::PoolKwBias);
  assign f_pad_top  = f_global ? '0 : 32'(pool.pad_top);
  assign f_pad_left = f_global ? '0 : 32'(pool.pad_left);
  assign f_stride_h = f_global ? 32'd1 : 32'(pool.stride_h) + 32'(odpu_pkg::PoolStrideHBias);
  assign f_stride_w = f_global ? 32'd1 : 32'(pool.stride_w) + 32'(odpu_pkg::PoolStrideWBias);

  // ---- Window walk. The next window is clipped and staged while the current one is read,
  // so reads follow each other without a gap between windows.
  logic [31:0] blocks_q, in_hw_q, total_q;
  // Generator: origin of the next window to stage, in destination order (ox, oy, block)
  logic        gen_active_q;
  logic [31:0] cb_q, oy_q, ox_q, base_q, wy_q, wx_q;
  // Staged window (clipped to the input; the rule window guarantees one valid position)
  logic        st_valid_q;
  logic [31:0] st_y0_q, st_y1_q, st_x0_q, st_x1_q, st_row_q;
  logic [Rows-1:0] st_lanes_q;
  // Window being read
  logic        rd_active_q, rd_first_q;
  logic [31:0] y_q, x_q, y1_q, x0_q, x1_q, row_q;
  logic [Rows-1:0] lane_valid_q;

  logic [31:0] y0c, y1c, x0c, x1c, wy_end, wx_end;
  logic        rd_valid, rd_ready, rd_fire, rd_last, last_window, load_rd, st_fill;
  logic        pend_q, pend_first_q, pend_last_q;
  logic [Rows-1:0] pend_lanes_q;
  logic [$clog2(RDepth):0] rq_count;

  // Products at the widths the fields allow (sizes 10 bits, channels 16 bits).
  logic [19:0] out_hw, in_hw, y0_in_w;
  logic [15:0] blocks_w;
  assign out_hw = 10'(f_out_h) * 10'(f_out_w);
  assign in_hw = 10'(f_in_h) * 10'(f_in_w);
  assign blocks_w = 16'((f_c + 32'(Rows - 1)) >> LogR);
  assign y0_in_w = 10'(y0c) * 10'(f_in_w);

  assign wy_end = wy_q + f_kh;
  assign wx_end = wx_q + f_kw;
  assign y0c = $signed(wy_q) < 0 ? '0 : wy_q;
  assign x0c = $signed(wx_q) < 0 ? '0 : wx_q;
  assign y1c = $signed(wy_end) > $signed(f_in_h) ? f_in_h : wy_end;
  assign x1c = $signed(wx_end) > $signed(f_in_w) ? f_in_w : wx_end;
  assign last_window = (cb_q + 1 == blocks_q) && (oy_q + 1 == f_out_h) && (ox_q + 1 == f_out_w);

  assign rd_last = (x_q + 1 == x1_q) && (y_q + 1 == y1_q);
  // The last read of a window needs room for its result (the result FIFO never overflows).
  assign rd_valid = rd_active_q &&
                    (!rd_last || 32'(rq_count) + 32'(pend_q && pend_last_q) < RDepth);
  assign rd_ready = f_src_obuf ? obuf_rd_ready_i : ibuf_rd_ready_i;
  assign rd_fire = rd_valid && rd_ready;
  assign ibuf_rd_valid_o = rd_valid && !f_src_obuf;
  assign obuf_rd_valid_o = rd_valid && f_src_obuf;
  assign ibuf_rd_addr_o = $clog2(IbufDepth)'(row_q + x_q);
  assign obuf_rd_addr_o = $clog2(ObufDepth)'(row_q + x_q);

  assign load_rd = st_valid_q && (!rd_active_q || (rd_fire && rd_last));
  assign st_fill = gen_active_q && (!st_valid_q || load_rd);

  logic [31:0] icount_q;               // items handed to the output stage
  logic        busy_q, all_written;
  assign all_written = icount_q == total_q && out_idle_i;
  assign done_o = busy_q && !gen_active_q && !st_valid_q && !rd_active_q && all_written;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      busy_q <= 1'b0;
      gen_active_q <= 1'b0;
      st_valid_q <= 1'b0;
      rd_active_q <= 1'b0;
    end else begin
      if (start_i) begin
        busy_q <= 1'b1;
        gen_active_q <= 1'b1;
        blocks_q <= (f_c + 32'(Rows - 1)) >> LogR;
        total_q <= 32'(blocks_w * out_hw);
        in_hw_q <= 32'(in_hw);
        cb_q <= '0;
        oy_q <= '0;
        ox_q <= '0;
        base_q <= f_src_addr;
        wy_q <= -f_pad_top;
        wx_q <= -f_pad_left;
      end else if (done_o) begin
        busy_q <= 1'b0;
      end

      if (st_fill) begin
        st_valid_q <= 1'b1;
        st_y0_q <= y0c;
        st_y1_q <= y1c;
        st_x0_q <= x0c;
        st_x1_q <= x1c;
        st_row_q <= base_q + 32'(y0_in_w);
        for (int l = 0; l < Rows; l++) begin
          st_lanes_q[l] <= (cb_q << LogR) + 32'(l) < f_c;
        end
        gen_active_q <= !last_window;
        if (ox_q + 1 < f_out_w) begin
          ox_q <= ox_q + 1;
          wx_q <= wx_q + f_stride_w;
        end else begin
          ox_q <= '0;
          wx_q <= -f_pad_left;
          if (oy_q + 1 < f_out_h) begin
            oy_q <= oy_q + 1;
            wy_q <= wy_q + f_stride_h;
          end else begin
            oy_q <= '0;
            wy_q <= -f_pad_top;
            cb_q <= cb_q + 1;
            base_q <= base_q + in_hw_q;
          end
        end
      end else if (load_rd) begin
        st_valid_q <= 1'b0;
      end

      if (load_rd) begin
        rd_active_q <= 1'b1;
        rd_first_q <= 1'b1;
        y_q <= st_y0_q;
        y1_q <= st_y1_q;
        x_q <= st_x0_q;
        x0_q <= st_x0_q;
        x1_q <= st_x1_q;
        row_q <= st_row_q;
        lane_valid_q <= st_lanes_q;
      end else if (rd_fire) begin
        rd_first_q <= 1'b0;
        if (x_q + 1 < x1_q) begin
          x_q <= x_q + 1;
        end else if (y_q + 1 < y1_q) begin
          x_q <= x0_q;
          y_q <= y_q + 1;
          row_q <= row_q + f_in_w;
        end else begin
          rd_active_q <= 1'b0;
        end
      end
    end
  end

  // ---- Accumulation: read data arrives the cycle after its handshake
  logic [Rows*8-1:0]  rdata;
  logic [Rows*32-1:0] sum_q, sum_d, max_q, max_d;
  assign rdata = f_src_obuf ? obuf_rd_rdata_i : ibuf_rd_rdata_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      pend_q <= 1'b0;
    end else begin
      pend_q <= rd_fire;
    end
  end
  always_ff @(posedge clk_i) begin
    if (rd_fire) begin
      pend_first_q <= rd_first_q;
      pend_last_q <= rd_last;
      pend_lanes_q <= lane_valid_q;
    end
  end

  always_comb begin
    for (int l = 0; l < Rows; l++) begin
      logic signed [31:0] v, d;
      v = 32'($signed(rdata[l*8 +: 8]));
      d = v - 32'(f_in_zp);
      sum_d[l*32 +: 32] = pend_first_q ? d : sum_q[l*32 +: 32] + d;
      max_d[l*32 +: 32] = (pend_first_q || $signed(v) > $signed(max_q[l*32 +: 32])) ? v
                                                                                   : max_q[l*32 +: 32];
    end
  end
  always_ff @(posedge clk_i) begin
    if (pend_q) begin
      sum_q <= sum_d;
      max_q <= max_d;
    end
  end

  // ---- Window results -> the output stage (one item per OBUF word, in destination order)
  logic [REntBits-1:0] rq_head;
  logic                rq_push, rq_pop;

  assign rq_push = pend_q && pend_last_q;
  assign out_valid_o = rq_count != '0;
  assign rq_pop = out_valid_o && out_ready_i;

  odpu_count_fifo #(.Width(REntBits), .Depth(RDepth)) u_res (
    .clk_i, .rst_ni, .clear_i,
    .push_i  (rq_push),
    .wdata_i ({f_is_max ? max_d : sum_d, pend_lanes_q}),
    .pop_i   (rq_pop),
    .rdata_o (rq_head),
    .count_o (rq_count)
  );
  assign {out_x_o, out_mask_o} = rq_head;
  assign out_addr_o = $clog2(ObufDepth)'(f_dst_addr + icount_q);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      icount_q <= '0;
    end else if (start_i) begin
      icount_q <= '0;
    end else if (rq_pop) begin
      icount_q <= icount_q + 1;
    end
  end

  // ---- Assertions (docs/rtl.md "Assertions"): a pooled word stays offered to the
  // output stage until taken.
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i, {out_x_o, out_addr_o, out_mask_o},
      clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
