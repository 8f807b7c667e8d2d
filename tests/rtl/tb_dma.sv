// tb_dma.sv - the memory side (odpu_axi_master, odpu_load, odpu_store, odpu_bufs) against a
// behavioural AXI DDR; expected buffer words and DDR bytes come from the formulas of
// docs/isa.md section 5, computed here independently of the RTL.
//
// Checks: random LOAD boxes (alignment, strides, c not a multiple of Rows, overlapping
// pixels) word by word over the whole destination buffer; random SAVE boxes (row runs,
// Concat-style parts, column-major boxes) byte by byte over the whole DDR, so a byte
// written outside the footprint is found; linear LOADs into WBUF and PBUF; loads and
// saves running together with fetch reads and compute-port traffic on the shared ports;
// every AXI burst inside the window, aligned, <= 16 beats, not crossing 4 KiB; the window
// refusal (no AR/AW leaves, one error pulse naming the client) and SLVERR reporting;
// round-robin fairness on the contended buffer ports.
`default_nettype none
`include "odpu_arch_params.vh"

// Behavioural integer arithmetic (int and longint mixed by the language's rules, addresses
// in longint) would need a cast on every line; the RTL under test is linted with -Wall
// separately (make lint), this waiver covers this testbench file only.
/* verilator lint_off WIDTH */
module tb_dma;
  localparam int BeatBytes = AxiDataBits / 8;
  localparam longint BeatL = BeatBytes;  // for 64-bit address arithmetic
  localparam int R = Rows;
  localparam longint DdrBase = 64'h0000_0001_2340_0000;  // 4 KiB aligned, above 4 GiB
  localparam longint DdrBytes = 1 << 18;
  // DDR regions: saves that run together with a load write only [SaveLo, FetchLo); the
  // fetch client reads only [FetchLo, DdrBytes), which no SAVE writes.
  localparam longint SaveLo = 1 << 17;
  localparam longint FetchLo = DdrBytes - 8192;
  localparam int IbufAB = $clog2(IbufDepth);
  localparam int ObufAB = $clog2(ObufDepth);
  localparam int WbufAB = $clog2(WbufPortDepth);  // WBUF's ports address port-wide pieces
  localparam int PbufAB = $clog2(PbufDepth);
  localparam int AbufAB = $clog2(AbufDepth);
  // OBUF words at or above CpLo belong to the compute-port traffic generator only.
  localparam int CpLo = ObufDepth * 3 / 4;
  localparam int Timeout = 400000;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #1 clk = ~clk;

  int unsigned cyc = 0;
  always @(posedge clk) cyc <= cyc + 1;
  int errors = 0;

  // ---- DUT wiring ------------------------------------------------------------------------
  logic        clear;
  logic [63:0] ddr_base, ddr_size;
  logic ld_start, ld_done, ld_busy, ld_stall, st_start, st_done, st_busy, st_stall;
  logic [odpu_pkg::InsnBits-1:0] ld_insn, st_insn;

  logic f_rq_valid, f_rq_ready, f_rd_valid, f_rd_ready, f_rd_last;
  logic [63:0] f_rq_addr;
  logic [4:0] f_rq_beats;
  logic [AxiDataBits-1:0] f_rd_data;
  logic l_rq_valid, l_rq_ready, l_rd_valid, l_rd_ready, l_rd_last;
  logic [63:0] l_rq_addr;
  logic [4:0] l_rq_beats;
  logic [AxiDataBits-1:0] l_rd_data;
  logic s_wq_valid, s_wq_ready, s_wd_valid, s_wd_ready, s_wd_last, s_wb_done;
  logic [63:0] s_wq_addr;
  logic [4:0] s_wq_beats;
  logic [AxiDataBits-1:0] s_wd_data;
  logic [BeatBytes-1:0] s_wd_strb;
  logic err_bounds, err_resp, axi_idle;
  logic [1:0] err_client;

  logic arvalid, arready, rvalid, rready, rlast, awvalid, awready, wvalid, wready, wlast;
  logic bvalid, bready;
  logic [1:0] arid, rid, awid, bid, rresp, bresp, arburst, awburst;
  logic [63:0] araddr, awaddr;
  logic [7:0] arlen, awlen;
  logic [2:0] arsize, awsize;
  logic [AxiDataBits-1:0] rdata, wdata;
  logic [BeatBytes-1:0] wstrb;

  // Buffer ports
  logic ld_ibuf_wr_valid, ld_ibuf_wr_ready, ld_obuf_wr_valid, ld_obuf_wr_ready;
  logic ld_wbuf_wr_valid, ld_wbuf_wr_ready, ld_pbuf_wr_valid, ld_pbuf_wr_ready;
  logic [IbufAB-1:0] ld_ibuf_wr_addr;
  logic [ObufAB-1:0] ld_obuf_wr_addr;
  logic [WbufAB-1:0] ld_wbuf_wr_addr;
  logic [PbufAB-1:0] ld_pbuf_wr_addr;
  logic [IbufWordBytes*8-1:0] ld_ibuf_wr_data;
  logic [ObufWordBytes*8-1:0] ld_obuf_wr_data;
  logic [WbufPortBytes*8-1:0] ld_wbuf_wr_data;
  logic [PbufWordBytes*8-1:0] ld_pbuf_wr_data;
  logic [IbufWordBytes-1:0] ld_ibuf_wr_strb;
  logic [ObufWordBytes-1:0] ld_obuf_wr_strb;
  logic [WbufPortBytes-1:0] ld_wbuf_wr_strb;
  logic [PbufWordBytes-1:0] ld_pbuf_wr_strb;
  logic st_ibuf_rd_valid, st_ibuf_rd_ready, st_ibuf_rd_rvalid;
  logic st_obuf_rd_valid, st_obuf_rd_ready, st_obuf_rd_rvalid;
  logic [IbufAB-1:0] st_ibuf_rd_addr;
  logic [ObufAB-1:0] st_obuf_rd_addr;
  logic [IbufWordBytes*8-1:0] st_ibuf_rd_rdata, cp_ibuf_rd_rdata;
  logic [ObufWordBytes*8-1:0] st_obuf_rd_rdata, cp_obuf_rd_rdata;
  // compute client (driven by this testbench): random traffic (tr_) or buffer readback (ck_)
  logic cp_ibuf_rd_valid, cp_ibuf_rd_ready, cp_ibuf_rd_rvalid;
  logic [IbufAB-1:0] cp_ibuf_rd_addr;
  logic cp_obuf_rd_valid, cp_obuf_rd_ready, cp_obuf_rd_rvalid;
  logic [ObufAB-1:0] cp_obuf_rd_addr;
  logic tr_ibuf_rd_valid = 1'b0, tr_obuf_rd_valid = 1'b0, ck_ibuf_rd_valid = 1'b0;
  logic ck_obuf_rd_valid = 1'b0;
  logic [IbufAB-1:0] tr_ibuf_rd_addr = '0, ck_ibuf_rd_addr = '0;
  logic [ObufAB-1:0] tr_obuf_rd_addr = '0, ck_obuf_rd_addr = '0;
  logic cp_obuf_wr_valid, cp_obuf_wr_ready;
  logic [ObufAB-1:0] cp_obuf_wr_addr;
  logic [ObufWordBytes*8-1:0] cp_obuf_wr_data;
  logic [ObufWordBytes-1:0] cp_obuf_wr_strb;
  logic cp_wbuf_rd_valid, cp_wbuf_rd_ready, cp_wbuf_rd_rvalid;
  logic [WbufAB-1:0] cp_wbuf_rd_addr;
  logic [WbufPortBytes*8-1:0] cp_wbuf_rd_rdata;
  logic cp_pbuf_rd_valid, cp_pbuf_rd_ready, cp_pbuf_rd_rvalid;
  logic [PbufAB-1:0] cp_pbuf_rd_addr;
  logic [PbufWordBytes*8-1:0] cp_pbuf_rd_rdata;
  logic cp_abuf_rd_valid, cp_abuf_rd_ready, cp_abuf_rd_rvalid;
  logic [AbufAB-1:0] cp_abuf_rd_addr;
  logic [AbufWordBytes*8-1:0] cp_abuf_rd_rdata;
  logic cp_abuf_wr_valid, cp_abuf_wr_ready;
  logic [AbufAB-1:0] cp_abuf_wr_addr;
  logic [AbufWordBytes*8-1:0] cp_abuf_wr_data;
  logic [AbufWordBytes-1:0] cp_abuf_wr_strb;

  odpu_axi_master u_axi (
    .clk_i(clk), .rst_ni(rst_n), .clear_i(clear), .ddr_base_i(ddr_base), .ddr_size_i(ddr_size),
    .f_rq_valid_i(f_rq_valid), .f_rq_ready_o(f_rq_ready), .f_rq_addr_i(f_rq_addr),
    .f_rq_beats_i(f_rq_beats), .f_rd_valid_o(f_rd_valid), .f_rd_ready_i(f_rd_ready),
    .f_rd_data_o(f_rd_data), .f_rd_last_o(f_rd_last),
    .l_rq_valid_i(l_rq_valid), .l_rq_ready_o(l_rq_ready), .l_rq_addr_i(l_rq_addr),
    .l_rq_beats_i(l_rq_beats), .l_rd_valid_o(l_rd_valid), .l_rd_ready_i(l_rd_ready),
    .l_rd_data_o(l_rd_data), .l_rd_last_o(l_rd_last),
    .s_wq_valid_i(s_wq_valid), .s_wq_ready_o(s_wq_ready), .s_wq_addr_i(s_wq_addr),
    .s_wq_beats_i(s_wq_beats), .s_wd_valid_i(s_wd_valid), .s_wd_ready_o(s_wd_ready),
    .s_wd_data_i(s_wd_data), .s_wd_strb_i(s_wd_strb), .s_wd_last_i(s_wd_last),
    .s_wb_done_o(s_wb_done),
    .err_ddr_bounds_o(err_bounds), .err_axi_resp_o(err_resp), .err_client_o(err_client),
    .idle_o(axi_idle),
    .m_axi_arvalid_o(arvalid), .m_axi_arready_i(arready), .m_axi_arid_o(arid),
    .m_axi_araddr_o(araddr), .m_axi_arlen_o(arlen), .m_axi_arsize_o(arsize),
    .m_axi_arburst_o(arburst), .m_axi_rvalid_i(rvalid), .m_axi_rready_o(rready),
    .m_axi_rid_i(rid), .m_axi_rdata_i(rdata), .m_axi_rresp_i(rresp), .m_axi_rlast_i(rlast),
    .m_axi_awvalid_o(awvalid), .m_axi_awready_i(awready), .m_axi_awid_o(awid),
    .m_axi_awaddr_o(awaddr), .m_axi_awlen_o(awlen), .m_axi_awsize_o(awsize),
    .m_axi_awburst_o(awburst), .m_axi_wvalid_o(wvalid), .m_axi_wready_i(wready),
    .m_axi_wdata_o(wdata), .m_axi_wstrb_o(wstrb), .m_axi_wlast_o(wlast),
    .m_axi_bvalid_i(bvalid), .m_axi_bready_o(bready), .m_axi_bid_i(bid), .m_axi_bresp_i(bresp)
  );

  odpu_load u_load (
    .clk_i(clk), .rst_ni(rst_n), .clear_i(clear), .start_i(ld_start), .insn_i(ld_insn),
    .done_o(ld_done), .busy_o(ld_busy), .stall_ddr_o(ld_stall),
    .l_rq_valid_o(l_rq_valid), .l_rq_ready_i(l_rq_ready), .l_rq_addr_o(l_rq_addr),
    .l_rq_beats_o(l_rq_beats), .l_rd_valid_i(l_rd_valid), .l_rd_ready_o(l_rd_ready),
    .l_rd_data_i(l_rd_data), .l_rd_last_i(l_rd_last),
    .ld_ibuf_wr_valid_o(ld_ibuf_wr_valid), .ld_ibuf_wr_ready_i(ld_ibuf_wr_ready),
    .ld_ibuf_wr_addr_o(ld_ibuf_wr_addr), .ld_ibuf_wr_data_o(ld_ibuf_wr_data),
    .ld_ibuf_wr_strb_o(ld_ibuf_wr_strb),
    .ld_obuf_wr_valid_o(ld_obuf_wr_valid), .ld_obuf_wr_ready_i(ld_obuf_wr_ready),
    .ld_obuf_wr_addr_o(ld_obuf_wr_addr), .ld_obuf_wr_data_o(ld_obuf_wr_data),
    .ld_obuf_wr_strb_o(ld_obuf_wr_strb),
    .ld_wbuf_wr_valid_o(ld_wbuf_wr_valid), .ld_wbuf_wr_ready_i(ld_wbuf_wr_ready),
    .ld_wbuf_wr_addr_o(ld_wbuf_wr_addr), .ld_wbuf_wr_data_o(ld_wbuf_wr_data),
    .ld_wbuf_wr_strb_o(ld_wbuf_wr_strb),
    .ld_pbuf_wr_valid_o(ld_pbuf_wr_valid), .ld_pbuf_wr_ready_i(ld_pbuf_wr_ready),
    .ld_pbuf_wr_addr_o(ld_pbuf_wr_addr), .ld_pbuf_wr_data_o(ld_pbuf_wr_data),
    .ld_pbuf_wr_strb_o(ld_pbuf_wr_strb)
  );

  odpu_store u_store (
    .clk_i(clk), .rst_ni(rst_n), .clear_i(clear), .start_i(st_start), .insn_i(st_insn),
    .done_o(st_done), .busy_o(st_busy), .stall_ddr_o(st_stall),
    .st_ibuf_rd_valid_o(st_ibuf_rd_valid), .st_ibuf_rd_ready_i(st_ibuf_rd_ready),
    .st_ibuf_rd_addr_o(st_ibuf_rd_addr), .st_ibuf_rd_rvalid_i(st_ibuf_rd_rvalid),
    .st_ibuf_rd_rdata_i(st_ibuf_rd_rdata),
    .st_obuf_rd_valid_o(st_obuf_rd_valid), .st_obuf_rd_ready_i(st_obuf_rd_ready),
    .st_obuf_rd_addr_o(st_obuf_rd_addr), .st_obuf_rd_rvalid_i(st_obuf_rd_rvalid),
    .st_obuf_rd_rdata_i(st_obuf_rd_rdata),
    .s_wq_valid_o(s_wq_valid), .s_wq_ready_i(s_wq_ready), .s_wq_addr_o(s_wq_addr),
    .s_wq_beats_o(s_wq_beats), .s_wd_valid_o(s_wd_valid), .s_wd_ready_i(s_wd_ready),
    .s_wd_data_o(s_wd_data), .s_wd_strb_o(s_wd_strb), .s_wd_last_o(s_wd_last),
    .s_wb_done_i(s_wb_done)
  );

  odpu_bufs u_bufs (
    .clk_i(clk), .rst_ni(rst_n),
    .ld_ibuf_wr_valid_i(ld_ibuf_wr_valid), .ld_ibuf_wr_ready_o(ld_ibuf_wr_ready),
    .ld_ibuf_wr_addr_i(ld_ibuf_wr_addr), .ld_ibuf_wr_data_i(ld_ibuf_wr_data),
    .ld_ibuf_wr_strb_i(ld_ibuf_wr_strb),
    .cp_ibuf_rd_valid_i(cp_ibuf_rd_valid), .cp_ibuf_rd_ready_o(cp_ibuf_rd_ready),
    .cp_ibuf_rd_addr_i(cp_ibuf_rd_addr), .cp_ibuf_rd_rvalid_o(cp_ibuf_rd_rvalid),
    .cp_ibuf_rd_rdata_o(cp_ibuf_rd_rdata),
    .st_ibuf_rd_valid_i(st_ibuf_rd_valid), .st_ibuf_rd_ready_o(st_ibuf_rd_ready),
    .st_ibuf_rd_addr_i(st_ibuf_rd_addr), .st_ibuf_rd_rvalid_o(st_ibuf_rd_rvalid),
    .st_ibuf_rd_rdata_o(st_ibuf_rd_rdata),
    .ld_obuf_wr_valid_i(ld_obuf_wr_valid), .ld_obuf_wr_ready_o(ld_obuf_wr_ready),
    .ld_obuf_wr_addr_i(ld_obuf_wr_addr), .ld_obuf_wr_data_i(ld_obuf_wr_data),
    .ld_obuf_wr_strb_i(ld_obuf_wr_strb),
    .cp_obuf_wr_valid_i(cp_obuf_wr_valid), .cp_obuf_wr_ready_o(cp_obuf_wr_ready),
    .cp_obuf_wr_addr_i(cp_obuf_wr_addr), .cp_obuf_wr_data_i(cp_obuf_wr_data),
    .cp_obuf_wr_strb_i(cp_obuf_wr_strb),
    .cp_obuf_rd_valid_i(cp_obuf_rd_valid), .cp_obuf_rd_ready_o(cp_obuf_rd_ready),
    .cp_obuf_rd_addr_i(cp_obuf_rd_addr), .cp_obuf_rd_rvalid_o(cp_obuf_rd_rvalid),
    .cp_obuf_rd_rdata_o(cp_obuf_rd_rdata),
    .st_obuf_rd_valid_i(st_obuf_rd_valid), .st_obuf_rd_ready_o(st_obuf_rd_ready),
    .st_obuf_rd_addr_i(st_obuf_rd_addr), .st_obuf_rd_rvalid_o(st_obuf_rd_rvalid),
    .st_obuf_rd_rdata_o(st_obuf_rd_rdata),
    .ld_wbuf_wr_valid_i(ld_wbuf_wr_valid), .ld_wbuf_wr_ready_o(ld_wbuf_wr_ready),
    .ld_wbuf_wr_addr_i(ld_wbuf_wr_addr), .ld_wbuf_wr_data_i(ld_wbuf_wr_data),
    .ld_wbuf_wr_strb_i(ld_wbuf_wr_strb),
    .cp_wbuf_rd_valid_i(cp_wbuf_rd_valid), .cp_wbuf_rd_ready_o(cp_wbuf_rd_ready),
    .cp_wbuf_rd_addr_i(cp_wbuf_rd_addr), .cp_wbuf_rd_rvalid_o(cp_wbuf_rd_rvalid),
    .cp_wbuf_rd_rdata_o(cp_wbuf_rd_rdata),
    .ld_pbuf_wr_valid_i(ld_pbuf_wr_valid), .ld_pbuf_wr_ready_o(ld_pbuf_wr_ready),
    .ld_pbuf_wr_addr_i(ld_pbuf_wr_addr), .ld_pbuf_wr_data_i(ld_pbuf_wr_data),
    .ld_pbuf_wr_strb_i(ld_pbuf_wr_strb),
    .cp_pbuf_rd_valid_i(cp_pbuf_rd_valid), .cp_pbuf_rd_ready_o(cp_pbuf_rd_ready),
    .cp_pbuf_rd_addr_i(cp_pbuf_rd_addr), .cp_pbuf_rd_rvalid_o(cp_pbuf_rd_rvalid),
    .cp_pbuf_rd_rdata_o(cp_pbuf_rd_rdata),
    .cp_abuf_wr_valid_i(cp_abuf_wr_valid), .cp_abuf_wr_ready_o(cp_abuf_wr_ready),
    .cp_abuf_wr_addr_i(cp_abuf_wr_addr), .cp_abuf_wr_data_i(cp_abuf_wr_data),
    .cp_abuf_wr_strb_i(cp_abuf_wr_strb),
    .cp_abuf_rd_valid_i(cp_abuf_rd_valid), .cp_abuf_rd_ready_o(cp_abuf_rd_ready),
    .cp_abuf_rd_addr_i(cp_abuf_rd_addr), .cp_abuf_rd_rvalid_o(cp_abuf_rd_rvalid),
    .cp_abuf_rd_rdata_o(cp_abuf_rd_rdata)
  );

  // ---- Behavioural DDR: AXI4 slave with random latency and random ready --------------------
  byte unsigned mem [DdrBytes];       // what the DDR holds
  byte unsigned exp_mem [DdrBytes];   // what it must hold by docs/isa.md
  int lat_min = 5, lat_max = 60;      // read latency range, cycles
  int ready_pct = 75;                 // AR/AW/W ready probability
  int rvalid_pct = 85;                // R beat offered in a cycle
  longint poison_lo = -1, poison_hi = -1;  // window offsets answered with SLVERR
  int ar_count[2], aw_count;
  longint ld_beats = 0;               // R beats delivered to the load client (ID 1)

  // Read bursts per ID, in order.
  typedef struct { longint addr; int len; int due; } burst_t;
  burst_t rq [2][$];
  int r_cur_id = -1, r_beat = 0;
  logic rvalid_q = 1'b0;

  function automatic bit in_poison(longint phys);
    longint off = phys - DdrBase;
    return off >= poison_lo && off < poison_hi;
  endfunction

  // Every burst the master issues: inside the memory (and, for load/store, the window),
  // aligned, INCR, beat-sized, <= 16 beats, not crossing 4 KiB.
  task automatic check_burst(string ch, int id, longint addr, int len, int size, int burst);
    longint off = addr - DdrBase;
    longint bytes = longint'(len + 1) * BeatBytes;
    longint lim = (longint'(ddr_size) + BeatBytes - 1) / BeatBytes * BeatBytes;
    if (off < 0 || off + bytes > DdrBytes) begin
      $display("ERROR: %s burst at 0x%0h len %0d outside the DDR", ch, addr, len); errors++;
    end
    if ((ch != "AR" || id != 0) && (off + bytes > lim)) begin
      $display("ERROR: %s burst id %0d at offset %0d len %0d leaves the window of %0d bytes",
               ch, id, off, len, ddr_size); errors++;
    end
    if (addr % BeatBytes != 0 || len > 15 || size != $clog2(BeatBytes) || burst != 1 ||
        (addr / 4096) != ((addr + bytes - 1) / 4096)) begin
      $display("ERROR: %s burst at 0x%0h len %0d size %0d burst %0d is malformed", ch, addr,
               len, size, burst); errors++;
    end
  endtask

  always @(posedge clk) begin
    if (!rst_n) begin
      arready <= 1'b0;
      rvalid_q <= 1'b0;
      rq[0].delete(); rq[1].delete();
      r_cur_id = -1;
    end else begin
      if (arvalid && arready) begin
        burst_t b;
        check_burst("AR", int'(arid), longint'(araddr), int'(arlen), int'(arsize), int'(arburst));
        b.addr = longint'(araddr); b.len = int'(arlen);
        b.due = int'(cyc) + lat_min + int'($urandom_range(lat_max - lat_min));
        rq[arid == 0 ? 0 : 1].push_back(b);
        ar_count[arid == 0 ? 0 : 1]++;
      end
      arready <= ($urandom_range(99) < ready_pct);
      // R: a beat was taken; then present the next one (bursts of the two IDs may
      // alternate; beats of one ID stay in order).
      if (rvalid_q && rready) begin
        if (r_cur_id == 1) ld_beats++;
        r_beat++;
        if (r_beat > rq[r_cur_id][0].len) begin
          void'(rq[r_cur_id].pop_front());
          r_cur_id = -1;
        end
      end
      if (!(rvalid_q && !rready)) begin
        if (r_cur_id < 0) begin
          int pick = $urandom_range(1);
          for (int k = 0; k < 2; k++) begin
            int id = (pick + k) % 2;
            if (r_cur_id < 0 && rq[id].size() > 0 && rq[id][0].due <= int'(cyc)) begin
              r_cur_id = id; r_beat = 0;
            end
          end
        end
        if (r_cur_id >= 0 && $urandom_range(99) < rvalid_pct) begin
          longint a = rq[r_cur_id][0].addr + longint'(r_beat) * BeatBytes;
          for (int i = 0; i < BeatBytes; i++) rdata[i*8 +: 8] <= mem[int'(a - DdrBase) + i];
          rid <= 2'(r_cur_id);
          rlast <= r_beat == rq[r_cur_id][0].len;
          rresp <= in_poison(a) ? 2'b10 : 2'b00;
          rvalid_q <= 1'b1;
        end else begin
          rvalid_q <= 1'b0;
        end
      end
    end
  end
  assign rvalid = rvalid_q;

  // Writes: W beats go to the oldest AW whose data is incomplete; B after a delay.
  burst_t wq [$];
  int w_beat = 0;
  int bq [$];  // due cycles of B responses
  int bq_err [$];
  logic bvalid_q = 1'b0;
  always @(posedge clk) begin
    if (!rst_n) begin
      awready <= 1'b0; wready <= 1'b0; bvalid_q <= 1'b0;
      wq.delete(); bq.delete(); bq_err.delete(); w_beat = 0;
    end else begin
      if (awvalid && awready) begin
        burst_t b;
        check_burst("AW", int'(awid), longint'(awaddr), int'(awlen), int'(awsize), int'(awburst));
        b.addr = longint'(awaddr); b.len = int'(awlen); b.due = 0;
        wq.push_back(b);
        aw_count++;
      end
      if (wvalid && wready) begin
        longint a = wq[0].addr + longint'(w_beat) * BeatBytes;
        for (int i = 0; i < BeatBytes; i++)
          if (wstrb[i]) mem[int'(a - DdrBase) + i] = wdata[i*8 +: 8];
        if (wlast != (w_beat == wq[0].len)) begin
          $display("ERROR: WLAST %0d on beat %0d of a %0d-beat burst", wlast, w_beat,
                   wq[0].len + 1); errors++;
        end
        w_beat++;
        if (w_beat > wq[0].len) begin
          bq.push_back(int'(cyc) + 3 + int'($urandom_range(20)));
          bq_err.push_back(in_poison(wq[0].addr));
          void'(wq.pop_front());
          w_beat = 0;
        end
      end
      awready <= ($urandom_range(99) < ready_pct);
      // This slave takes W only for a burst whose AW it has (AXI allows either order).
      wready <= wq.size() > 0 && ($urandom_range(99) < ready_pct);
      if (bvalid_q && bready) begin
        void'(bq.pop_front()); void'(bq_err.pop_front());
      end
      if (!(bvalid_q && !bready)) begin
        bvalid_q <= 1'b0;
        if (bq.size() > 0 && bq[0] <= int'(cyc)) begin
          bvalid_q <= 1'b1;
          bresp <= bq_err[0] ? 2'b10 : 2'b00;
        end
      end
    end
  end
  assign bvalid = bvalid_q;
  assign bid = 2'b00;

  always @(posedge clk) if ($test$plusargs("dbg") && ld_ibuf_wr_valid && ld_ibuf_wr_ready && ld_ibuf_wr_addr > 4090) $display("%0d ibuf wr %0d %h done %0d", cyc, ld_ibuf_wr_addr, ld_ibuf_wr_data, ld_done);
  always @(posedge clk) if ($test$plusargs("dbg") && ld_done) $display("%0d ld_done", cyc);
  // ---- Error pulses ------------------------------------------------------------------------
  int bounds_pulses[3], resp_pulses[3];
  always @(posedge clk) begin
    if (rst_n && err_bounds) bounds_pulses[err_client]++;
    if (rst_n && err_resp) resp_pulses[err_client]++;
  end

  // ---- Fetch client traffic: random bursts from the fetch region, data checked -------------
  bit fetch_en = 0;
  int fetch_bursts = 0;
  longint f_exp [$];  // expected beat addresses in request order
  bit f_exp_last [$];
  always @(posedge clk) begin
    if (!rst_n) begin
      f_rq_valid <= 1'b0; f_rd_ready <= 1'b0;
    end else begin
      if (f_rq_valid && f_rq_ready) begin
        for (int b = 0; b < int'(f_rq_beats); b++) begin
          f_exp.push_back(longint'(f_rq_addr) + b * BeatBytes);
          f_exp_last.push_back(b == int'(f_rq_beats) - 1);
        end
        f_rq_valid <= 1'b0;
        fetch_bursts++;
      end
      if (f_rd_valid && f_rd_ready) begin
        longint a = f_exp.pop_front();
        bit last = f_exp_last.pop_front();
        if (f_rd_last != last) begin
          $display("ERROR: fetch beat at 0x%0h: last %0d, expected %0d", a, f_rd_last, last);
          errors++;
        end
        for (int i = 0; i < BeatBytes; i++)
          if (f_rd_data[i*8 +: 8] != mem[int'(a - DdrBase) + i]) begin
            $display("ERROR: fetch beat at 0x%0h byte %0d = %02x, DDR holds %02x", a, i,
                     f_rd_data[i*8 +: 8], mem[int'(a - DdrBase) + i]); errors++;
            break;
          end
      end
      if ((!f_rq_valid || f_rq_ready) && fetch_en && $urandom_range(99) < 10) begin
        int beats = 1 + $urandom_range(15);
        longint off = FetchLo + $urandom_range((DdrBytes - FetchLo) / BeatBytes - 16) * BeatBytes;
        while ((off / 4096) != ((off + beats * BeatBytes - 1) / 4096)) beats--;
        f_rq_valid <= 1'b1;
        f_rq_addr <= DdrBase + off;
        f_rq_beats <= 5'(beats);
      end
      // Random back-pressure on the fetch data (its buffer must absorb it).
      f_rd_ready <= $urandom_range(99) < 60;
    end
  end

  // ---- Buffer shadows -------------------------------------------------------------------
  byte unsigned sh_ibuf [IbufDepth][IbufWordBytes];
  byte unsigned sh_obuf [ObufDepth][ObufWordBytes];
  byte unsigned sh_wbuf [WbufDepth][WbufWordBytes];
  byte unsigned sh_pbuf [PbufDepth][PbufWordBytes];

  // ---- Compute-port traffic: OBUF writes/reads above CpLo, IBUF reads when allowed ---------
  bit cp_en = 0, cp_ibuf_en = 0;
  assign cp_ibuf_rd_valid = cp_en ? tr_ibuf_rd_valid : ck_ibuf_rd_valid;
  assign cp_ibuf_rd_addr  = cp_en ? tr_ibuf_rd_addr : ck_ibuf_rd_addr;
  assign cp_obuf_rd_valid = cp_en ? tr_obuf_rd_valid : ck_obuf_rd_valid;
  assign cp_obuf_rd_addr  = cp_en ? tr_obuf_rd_addr : ck_obuf_rd_addr;
  byte unsigned cp_obuf_exp [R], cp_ibuf_exp [R];  // words as they were at the read
  int cp_ops = 0;
  int cp_obuf_rd_word = -1, cp_ibuf_rd_word = -1;
  always @(posedge clk) begin
    if (!rst_n || !cp_en) begin
      cp_obuf_wr_valid <= 1'b0; tr_obuf_rd_valid <= 1'b0; tr_ibuf_rd_valid <= 1'b0;
      cp_obuf_rd_word = -1; cp_ibuf_rd_word = -1;
    end else begin
      // Read data of last cycle's handshakes.
      if (cp_obuf_rd_word >= 0) begin
        if (!cp_obuf_rd_rvalid) begin
          $display("ERROR: cp OBUF read of word %0d got no rvalid", cp_obuf_rd_word); errors++;
        end
        for (int i = 0; i < R; i++)
          if (cp_obuf_rd_rdata[i*8 +: 8] != cp_obuf_exp[i]) begin
            $display("ERROR: cp OBUF word %0d byte %0d = %02x, expected %02x", cp_obuf_rd_word,
                     i, cp_obuf_rd_rdata[i*8 +: 8], cp_obuf_exp[i]); errors++;
            break;
          end
      end
      if (cp_ibuf_rd_word >= 0) begin
        if (!cp_ibuf_rd_rvalid) begin
          $display("ERROR: cp IBUF read of word %0d got no rvalid", cp_ibuf_rd_word); errors++;
        end
        for (int i = 0; i < R; i++)
          if (cp_ibuf_rd_rdata[i*8 +: 8] != cp_ibuf_exp[i]) begin
            $display("ERROR: cp IBUF word %0d byte %0d = %02x, expected %02x", cp_ibuf_rd_word,
                     i, cp_ibuf_rd_rdata[i*8 +: 8], cp_ibuf_exp[i]); errors++;
            break;
          end
      end
      // A read sees the word before a write of the same cycle (the RAM reads first).
      cp_obuf_rd_word = (cp_obuf_rd_valid && cp_obuf_rd_ready) ? int'(cp_obuf_rd_addr) : -1;
      cp_ibuf_rd_word = (cp_ibuf_rd_valid && cp_ibuf_rd_ready) ? int'(cp_ibuf_rd_addr) : -1;
      for (int i = 0; i < R; i++) begin
        if (cp_obuf_rd_word >= 0) cp_obuf_exp[i] = sh_obuf[cp_obuf_rd_word][i];
        if (cp_ibuf_rd_word >= 0) cp_ibuf_exp[i] = sh_ibuf[cp_ibuf_rd_word][i];
      end
    end
    // The write lands after the reads above took their snapshot, and it counts in the cycle
    // cp_en drops too.
    if (rst_n && cp_obuf_wr_valid && cp_obuf_wr_ready) begin
      for (int i = 0; i < R; i++)
        if (cp_obuf_wr_strb[i]) sh_obuf[cp_obuf_wr_addr][i] = cp_obuf_wr_data[i*8 +: 8];
      cp_ops++;
    end
    if (rst_n && cp_en) begin
      // New requests (valid held until ready).
      if (!cp_obuf_wr_valid || cp_obuf_wr_ready) begin
        cp_obuf_wr_valid <= $urandom_range(99) < 70;
        cp_obuf_wr_addr <= ObufAB'(CpLo + $urandom_range(ObufDepth - CpLo - 1));
        for (int i = 0; i < R; i++) cp_obuf_wr_data[i*8 +: 8] <= 8'($urandom);
        cp_obuf_wr_strb <= R'($urandom);
      end
      if (!cp_obuf_rd_valid || cp_obuf_rd_ready) begin
        tr_obuf_rd_valid <= $urandom_range(99) < 70;
        tr_obuf_rd_addr <= ObufAB'(CpLo + $urandom_range(ObufDepth - CpLo - 1));
      end
      if (!cp_ibuf_rd_valid || cp_ibuf_rd_ready) begin
        tr_ibuf_rd_valid <= cp_ibuf_en && $urandom_range(99) < 70;
        tr_ibuf_rd_addr <= IbufAB'($urandom_range(IbufDepth - 1));
      end
    end
  end

  // ---- Round-robin fairness: with two clients, a waiting request is served next ---------
  int wait_ld_obuf = 0, wait_cp_obuf_wr = 0, wait_st_obuf = 0, wait_cp_obuf_rd = 0;
  int wait_st_ibuf = 0, wait_cp_ibuf = 0, contended = 0;
  task automatic fair(input logic v, input logic r, inout int w, input string what);
    if (v && !r) begin
      w++;
      if (w > 1) begin
        $display("ERROR: %s waited %0d cycles on a two-client round-robin port", what, w);
        errors++;
      end
    end else begin
      w = 0;
    end
  endtask
  always @(posedge clk) begin
    if (rst_n) begin
      fair(ld_obuf_wr_valid, ld_obuf_wr_ready, wait_ld_obuf, "ld OBUF write");
      fair(cp_obuf_wr_valid, cp_obuf_wr_ready, wait_cp_obuf_wr, "cp OBUF write");
      fair(st_obuf_rd_valid, st_obuf_rd_ready, wait_st_obuf, "st OBUF read");
      fair(cp_obuf_rd_valid, cp_obuf_rd_ready, wait_cp_obuf_rd, "cp OBUF read");
      fair(st_ibuf_rd_valid, st_ibuf_rd_ready, wait_st_ibuf, "st IBUF read");
      fair(cp_ibuf_rd_valid, cp_ibuf_rd_ready, wait_cp_ibuf, "cp IBUF read");
      if ((ld_obuf_wr_valid && cp_obuf_wr_valid) || (st_obuf_rd_valid && cp_obuf_rd_valid) ||
          (st_ibuf_rd_valid && cp_ibuf_rd_valid)) contended++;
    end
  end

  // ---- Instructions ------------------------------------------------------------------------
  // Every field is a longint so that the address arithmetic below never truncates.
  typedef struct {
    longint buf_id, ddr, addr, h, w, c, ps, rs, len;
  } box_t;

  function automatic logic [odpu_pkg::InsnBits-1:0] enc(bit is_load, box_t b);
    odpu_pkg::insn_load_t ld;
    odpu_pkg::insn_save_t sv;
    ld = '0;
    sv = '0;
    ld.opcode       = odpu_pkg::OpLoad;
    ld.buf_id       = odpu_pkg::LoadBufWidth'(b.buf_id);
    ld.ddr_addr     = odpu_pkg::LoadDdrAddrWidth'(b.ddr);
    ld.buf_addr     = odpu_pkg::LoadBufAddrWidth'(b.addr);
    ld.h            = odpu_pkg::LoadHWidth'(b.h);
    ld.w            = odpu_pkg::LoadWWidth'(b.w);
    ld.c            = odpu_pkg::LoadCWidth'(b.c);
    ld.pixel_stride = odpu_pkg::LoadPixelStrideWidth'(b.ps);
    ld.row_stride   = odpu_pkg::LoadRowStrideWidth'(b.rs);
    ld.len          = odpu_pkg::LoadLenWidth'(b.len);
    sv.opcode       = odpu_pkg::OpSave;
    sv.buf_id       = odpu_pkg::SaveBufWidth'(b.buf_id);
    sv.ddr_addr     = odpu_pkg::SaveDdrAddrWidth'(b.ddr);
    sv.buf_addr     = odpu_pkg::SaveBufAddrWidth'(b.addr);
    sv.h            = odpu_pkg::SaveHWidth'(b.h);
    sv.w            = odpu_pkg::SaveWWidth'(b.w);
    sv.c            = odpu_pkg::SaveCWidth'(b.c);
    sv.pixel_stride = odpu_pkg::SavePixelStrideWidth'(b.ps);
    sv.row_stride   = odpu_pkg::SaveRowStrideWidth'(b.rs);
    return is_load ? ld : sv;
  endfunction

  function automatic box_t zero_box();
    box_t b;
    b.buf_id = 0; b.ddr = 0; b.addr = 0; b.h = 0; b.w = 0; b.c = 0; b.ps = 0; b.rs = 0;
    b.len = 0;
    return b;
  endfunction

  function automatic longint footprint_end(box_t b);
    return b.ddr + longint'(b.h - 1) * b.rs + longint'(b.w - 1) * b.ps + b.c;
  endfunction

  // docs/isa.md LOAD: channel ch of pixel (y, x) is DDR byte ddr + y*rs + x*ps + ch and
  // lane ch mod R of word A + ((ch div R)*h + y)*w + x; padding lanes 0. Linear: bytes.
  task automatic expect_load(box_t b);
    if (b.buf_id == odpu_pkg::BufWbuf || b.buf_id == odpu_pkg::BufPbuf) begin
      int wb = b.buf_id == odpu_pkg::BufWbuf ? WbufWordBytes : PbufWordBytes;
      for (int i = 0; i < b.len; i++)
        for (int j = 0; j < wb; j++) begin
          byte unsigned v = mem[int'(b.ddr) + i * wb + j];
          if (b.buf_id == odpu_pkg::BufWbuf) sh_wbuf[b.addr + i][j] = v; else sh_pbuf[b.addr + i][j] = v;
        end
      return;
    end
    for (int y = 0; y < b.h; y++)
      for (int x = 0; x < b.w; x++)
        for (int ch = 0; ch < (b.c + R - 1) / R * R; ch++) begin
          int word = b.addr + ((ch / R) * b.h + y) * b.w + x;
          byte unsigned v = ch < b.c ? mem[int'(b.ddr + y * b.rs + x * b.ps) + ch] : 8'h00;
          if (b.buf_id == odpu_pkg::BufIbuf) sh_ibuf[word][ch % R] = v; else sh_obuf[word][ch % R] = v;
        end
  endtask

  // docs/isa.md SAVE: only the h*w*c bytes, from the tile's words.
  task automatic expect_save(box_t b);
    for (int y = 0; y < b.h; y++)
      for (int x = 0; x < b.w; x++)
        for (int ch = 0; ch < b.c; ch++) begin
          int word = b.addr + ((ch / R) * b.h + y) * b.w + x;
          exp_mem[int'(b.ddr + y * b.rs + x * b.ps) + ch] =
              b.buf_id == odpu_pkg::BufIbuf ? sh_ibuf[word][ch % R] : sh_obuf[word][ch % R];
        end
  endtask

  // ---- Random boxes ----------------------------------------------------------------------
  function automatic longint rnd(longint lo, longint hi);  // inclusive
    return lo + longint'($urandom_range(32'(hi - lo)));
  endfunction

  // An activation box for LOAD (overlap allowed) or SAVE (no byte twice), its DDR
  // footprint inside [lo, hi) and its words inside [0, words).
  function automatic box_t rand_box(bit is_load, int buf_id, int words, longint lo, longint hi);
    box_t b;
    int blocks;
    b.buf_id = buf_id; b.len = 0;
    do begin
      b.c = ($urandom_range(3) == 0) ? R * rnd(1, 3) : rnd(1, 3 * R + 3);
      b.h = rnd(1, 6);
      b.w = rnd(1, 9);
      blocks = (b.c + R - 1) / R;
    end while (blocks * b.h * b.w > words);
    case ($urandom_range(5))
      0, 1: begin b.ps = b.c; b.rs = longint'(b.w) * b.c; end            // packed HWC
      2:    begin b.ps = b.c; b.rs = longint'(b.w) * b.c + rnd(0, 40); end // padded rows
      3:    begin b.ps = b.c + rnd(1, 40); b.rs = b.ps * b.w + rnd(0, 40); end  // Concat part
      4: begin
        if (is_load) begin                                                // overlapping
          b.ps = rnd(0, b.c); b.rs = rnd(0, 3 * b.c);
        end else begin                                                    // column-major
          b.rs = b.c + rnd(0, 5); b.ps = b.rs * b.h + rnd(0, 9);
        end
      end
      default: begin b.ps = b.c + rnd(0, 3); b.rs = b.ps * b.w + rnd(0, 300); end
    endcase
    b.addr = rnd(0, words - blocks * b.h * b.w);
    b.ddr = 0;
    b.ddr = lo + $urandom_range(int'(hi - lo - footprint_end(b)));
    return b;
  endfunction

  // ---- Running instructions --------------------------------------------------------------
  // The testbench drives inputs with blocking assignments at the falling edge and samples
  // outputs at the rising edge, so neither races the design's registers.
  task automatic pulse_start(bit is_load);
    @(negedge clk);
    if (is_load) ld_start = 1'b1; else st_start = 1'b1;
    @(negedge clk);
    ld_start = 1'b0; st_start = 1'b0;
  endtask

  // Runs a load and/or a save together; both must finish (done after the last write).
  task automatic run(bit do_load, box_t lb, bit do_save, box_t sb);
    int t0 = int'(cyc);
    bit ld_fin = !do_load, st_fin = !do_save;
    if (do_load) begin ld_insn = enc(1, lb); expect_load(lb); end
    if (do_save) begin st_insn = enc(0, sb); expect_save(sb); end
    @(negedge clk);
    ld_start = do_load; st_start = do_save;
    @(negedge clk);
    ld_start = 1'b0; st_start = 1'b0;
    while (!(ld_fin && st_fin)) begin
      @(posedge clk);
      if (ld_done) ld_fin = 1;
      if (st_done) st_fin = 1;
      if (int'(cyc) - t0 > Timeout) begin
        $display("ERROR: timeout: load done %0d save done %0d", ld_fin, st_fin);
        $display("  load box buf %0d ddr %0d addr %0d h %0d w %0d c %0d ps %0d rs %0d len %0d",
                 lb.buf_id, lb.ddr, lb.addr, lb.h, lb.w, lb.c, lb.ps, lb.rs, lb.len);
        $display("  load: walker %0d pieces %0d aligner %0d bytes, descs %0d, l credits %0d",
                 u_load.walk_active, u_load.pw_active_q, u_load.u_align.cnt_q,
                 u_load.desc_count, u_axi.cred_l_q);
        $display("  l request %0d addr %0d beats %0d refused %0d in window %0d", l_rq_valid,
                 l_rq_addr, l_rq_beats, u_axi.refused_l_q, u_axi.l_in_win);
        errors++;
        $finish;
      end
    end
    @(posedge clk);
    if (ld_busy || st_busy) begin
      $display("ERROR: busy after done"); errors++;
    end
  endtask

  // Reads back every word of a buffer through its compute read port (for WBUF every
  // port-wide piece: piece k is bytes (k mod W)*P .. of word k div W).
  task automatic check_buf(int buf_id);
    int depth = buf_id == odpu_pkg::BufIbuf ? IbufDepth : buf_id == odpu_pkg::BufObuf ? ObufDepth :
                buf_id == odpu_pkg::BufWbuf ? WbufPortDepth : PbufDepth;
    int bad = 0;
    // Word a is requested after edge a, read at edge a+1, and seen after edge a+2.
    for (int a = 0; a < depth + 2; a++) begin
      @(posedge clk);
      if (a >= 2) begin
        int k = a - 2;
        logic rv;
        case (buf_id)
          odpu_pkg::BufIbuf: rv = cp_ibuf_rd_rvalid;
          odpu_pkg::BufObuf: rv = cp_obuf_rd_rvalid;
          odpu_pkg::BufWbuf: rv = cp_wbuf_rd_rvalid;
          default: rv = cp_pbuf_rd_rvalid;
        endcase
        if (!rv) begin
          bad++;
          if (bad <= 3) $display("ERROR: buffer %0d readback of word %0d: no rvalid", buf_id, k);
        end
        case (buf_id)
          odpu_pkg::BufIbuf: for (int i = 0; i < IbufWordBytes; i++)
            if (cp_ibuf_rd_rdata[i*8 +: 8] != sh_ibuf[k][i]) begin
              bad++;
              if (bad <= 3) $display("ERROR: IBUF word %0d byte %0d = %02x, expected %02x", k,
                                     i, cp_ibuf_rd_rdata[i*8 +: 8], sh_ibuf[k][i]);
            end
          odpu_pkg::BufObuf: for (int i = 0; i < ObufWordBytes; i++)
            if (cp_obuf_rd_rdata[i*8 +: 8] != sh_obuf[k][i]) begin
              bad++;
              if (bad <= 3) $display("ERROR: OBUF word %0d byte %0d = %02x, expected %02x", k,
                                     i, cp_obuf_rd_rdata[i*8 +: 8], sh_obuf[k][i]);
            end
          odpu_pkg::BufWbuf: for (int i = 0; i < WbufPortBytes; i++) begin
            int w = k / WeightLoadCycles, j = k % WeightLoadCycles * WbufPortBytes + i;
            if (cp_wbuf_rd_rdata[i*8 +: 8] != sh_wbuf[w][j]) begin
              bad++;
              if (bad <= 3) $display("ERROR: WBUF word %0d byte %0d = %02x, expected %02x", w,
                                     j, cp_wbuf_rd_rdata[i*8 +: 8], sh_wbuf[w][j]);
            end
          end
          default: for (int i = 0; i < PbufWordBytes; i++)
            if (cp_pbuf_rd_rdata[i*8 +: 8] != sh_pbuf[k][i]) begin
              bad++;
              if (bad <= 3) $display("ERROR: PBUF word %0d byte %0d = %02x, expected %02x", k,
                                     i, cp_pbuf_rd_rdata[i*8 +: 8], sh_pbuf[k][i]);
            end
        endcase
      end
      @(negedge clk);
      ck_ibuf_rd_valid = buf_id == odpu_pkg::BufIbuf && a < depth;
      ck_obuf_rd_valid = buf_id == odpu_pkg::BufObuf && a < depth;
      cp_wbuf_rd_valid = buf_id == odpu_pkg::BufWbuf && a < depth;
      cp_pbuf_rd_valid = buf_id == odpu_pkg::BufPbuf && a < depth;
      ck_ibuf_rd_addr = IbufAB'(a);
      ck_obuf_rd_addr = ObufAB'(a);
      cp_wbuf_rd_addr = WbufAB'(a);
      cp_pbuf_rd_addr = PbufAB'(a);
    end
    errors += bad;
  endtask

  task automatic check_ddr(string what);
    int bad = 0;
    for (int i = 0; i < DdrBytes; i++)
      if (mem[i] != exp_mem[i]) begin
        if (bad < 5) $display("ERROR: %s: DDR byte %0d = %02x, expected %02x", what, i, mem[i],
                              exp_mem[i]);
        bad++;
      end
    errors += bad;
  endtask

  // Writes every word of a buffer: activation tiles of 64-pixel rows, linear chunks.
  task automatic fill(int buf_id);
    box_t b;
    box_t none;
    none = zero_box();
    b = zero_box();
    b.buf_id = buf_id;
    if (buf_id <= odpu_pkg::BufObuf) begin
      b.w = 64; b.h = (buf_id == odpu_pkg::BufIbuf ? IbufDepth : ObufDepth) / 64;
      // Rows overlap in DDR (row_stride < w*c is legal for LOAD) so that any buffer fits.
      b.c = R; b.ps = R; b.rs = rnd(1, 500); b.ddr = rnd(0, 999);
      run(1, b, 0, none);
    end else begin
      int depth = buf_id == odpu_pkg::BufWbuf ? WbufDepth : PbufDepth;
      int wb = buf_id == odpu_pkg::BufWbuf ? WbufWordBytes : PbufWordBytes;
      int chunk = 65536 / wb;
      for (int a = 0; a < depth; a += chunk) begin
        b.addr = a; b.len = depth - a < chunk ? depth - a : chunk;
        b.ddr = rnd(0, FetchLo - b.len * wb);
        run(1, b, 0, none);
      end
    end
  endtask

  // Cycles of one instruction alone, against the better of two bounds: the DDR carries one
  // beat per cycle, a buffer port one word per cycle (a tile word holds Rows bytes). The
  // efficiency is bytes / (cycles * bound); min_pct is a regression floor.
  task automatic perf_load(string what, box_t b, int min_pct);
    box_t none;
    int t0;
    longint bytes = b.len != 0 ? b.len * (b.buf_id == odpu_pkg::BufWbuf ? WbufWordBytes : PbufWordBytes)
                               : b.h * b.w * b.c;
    none = zero_box();
    t0 = int'(cyc);
    run(1, b, 0, none);
    report_perf("LOAD", what, bytes, int'(cyc) - t0, b.len != 0 ? BeatBytes : TileBound,
                min_pct);
    check_buf(int'(b.buf_id));
  endtask

  task automatic perf_save(string what, box_t b, int min_pct);
    box_t none;
    int t0;
    none = zero_box();
    t0 = int'(cyc);
    run(0, none, 1, b);
    report_perf("SAVE", what, b.h * b.w * b.c, int'(cyc) - t0, TileBound, min_pct);
  endtask

  localparam int TileBound = R < BeatBytes ? R : BeatBytes;

  // An overlapping LOAD alone: its bound is the larger of one buffer word per cycle and one
  // DDR beat per cycle over the beats of its row spans.
  task automatic perf_overlap(string what, box_t b, int min_pct);
    box_t none;
    int t0, cycles, pct;
    longint words = longint'((b.c + R - 1) / R) * b.h * b.w, beats = span_beats(b);
    longint bound = words > beats ? words : beats;
    none = zero_box();
    t0 = int'(cyc);
    run(1, b, 0, none);
    cycles = int'(cyc) - t0;
    pct = int'(bound * 100 / cycles);
    $display("throughput LOAD overlapping %s (c %0d, pixel_stride %0d): %0d cycles for %0d words and %0d span beats, %0d%% of the bound",
             what, b.c, b.ps, cycles, words, beats, pct);
    if (pct < min_pct) begin
      $display("ERROR: overlapping LOAD %s reaches %0d%% of its bound, expected >= %0d%%", what,
               pct, min_pct);
      errors++;
    end
    check_buf(int'(b.buf_id));
  endtask
  task automatic report_perf(string op, string what, longint bytes, int cycles, int bound,
                             int min_pct);
    int pct = int'(bytes * 100 / (longint'(cycles) * bound));
    $display("throughput %s %s: %0d bytes in %0d cycles, %0d%% of %0d bytes/cycle (DDR latency %0d)",
             op, what, bytes, cycles, pct, bound, DdrLatency);
    if (pct < min_pct) begin
      $display("ERROR: %s %s reaches %0d%% of its bound, expected >= %0d%%", op, what, pct,
               min_pct);
      errors++;
    end
  endtask

  // ---- Overlapping LOADs -------------------------------------------------------------------
  // odpu_load's staging window (docs/rtl.md, odpu_load): a box whose pixels overlap or leave
  // gaps shorter than a beat, with c + BeatBytes within the window, is fetched one row span
  // per row; a larger c falls back to a run per pixel.
  localparam int StageBytes = 64 * (R > BeatBytes ? R : BeatBytes);

  // Beats of the box's row spans: row y's span (w-1)*ps + c from its DDR address, whole beats.
  function automatic longint span_beats(box_t b);
    longint span = longint'(b.w - 1) * b.ps + b.c, n = 0;
    for (int y = 0; y < b.h; y++) begin
      longint a = b.ddr + longint'(y) * b.rs;
      n += (a + span + BeatL - 1) / BeatL - a / BeatL;
    end
    return n;
  endfunction

  // Random overlapping boxes: c from a few lanes to several blocks (a few beyond the window),
  // pixel_stride from 0 to c + BeatBytes - 1, up to 60 pixels a row, odd DDR addresses, rows
  // that cross 4 KiB pages (spans and strides up to several KiB); every IBUF/OBUF word is
  // checked after each, and a box in span mode must read exactly the beats of its row spans
  // (each DDR byte once per row), a fallback box at most a run of beats per pixel.
  task automatic overlap_loads(int n);
    box_t none;
    none = zero_box();
    for (int i = 0; i < n; i++) begin
      box_t b;
      int blocks, depth;
      longint beats0, got, want, hi;
      bit span;
      b = zero_box();
      b.buf_id = $urandom_range(1);
      depth = b.buf_id == odpu_pkg::BufIbuf ? IbufDepth : CpLo;
      do begin
        case ($urandom_range(4))
          0: b.c = rnd(1, R);
          1, 2: b.c = rnd(R + 1, 4 * R + 7);
          3: b.c = rnd(1, StageBytes - BeatBytes);
          default: b.c = rnd(StageBytes - BeatBytes - 2, StageBytes + 40);  // at the limit
        endcase
        b.w = $urandom_range(3) == 0 ? rnd(1, 4) : rnd(5, 60);
        b.h = rnd(1, 5);
        blocks = (b.c + R - 1) / R;
      end while (blocks * b.h * b.w > depth);
      case ($urandom_range(5))
        0: b.ps = 0;
        1: b.ps = rnd(b.c + 1, b.c + BeatBytes - 1);                  // gaps under a beat
        2: b.ps = b.c > 1 ? b.c - 1 : 0;
        default: b.ps = rnd(0, b.c > 1 ? b.c - 1 : 0);                // overlapping
      endcase
      case ($urandom_range(3))
        0: b.rs = longint'(b.w - 1) * b.ps + b.c + rnd(0, 3 * BeatBytes);
        1: b.rs = rnd(0, 2 * b.c);                                     // overlapping rows
        default: b.rs = rnd(4096 - 40, 4096 + 3 * BeatBytes);          // page-crossing rows
      endcase
      b.addr = rnd(0, depth - blocks * b.h * b.w);
      hi = FetchLo - footprint_end(b);
      if (hi <= 0) continue;
      // Mostly next to a 4 KiB boundary, always odd-aligned somewhere in the beat.
      b.ddr = $urandom_range(1) ? rnd(0, hi) : (4096 * rnd(1, hi / 4096 > 1 ? hi / 4096 : 1) -
                                                rnd(1, 2 * BeatBytes));
      if (b.ddr < 0 || b.ddr > hi) b.ddr = rnd(0, hi);
      span = b.ps != b.c && b.ps < b.c + BeatBytes && b.c + BeatBytes <= StageBytes;
      beats0 = ld_beats;
      run(1, b, 0, none);
      check_buf(int'(b.buf_id));
      got = ld_beats - beats0;
      if (span) begin
        want = span_beats(b);
        n_span++;
        if (got != want) begin
          $display("ERROR: overlapping LOAD (h %0d w %0d c %0d ps %0d rs %0d ddr %0d) read %0d beats, its row spans are %0d",
                   b.h, b.w, b.c, b.ps, b.rs, b.ddr, got, want);
          errors++;
        end
      end else begin
        want = longint'(b.h) * b.w * ((b.c + BeatBytes - 1) / BeatBytes + 1);
        if (b.ps != b.c) n_fallback++;
        if (got > want) begin
          $display("ERROR: LOAD (h %0d w %0d c %0d ps %0d) read %0d beats, more than %0d",
                   b.h, b.w, b.c, b.ps, got, want);
          errors++;
        end
      end
    end
  endtask

  // ---- The test ------------------------------------------------------------------------------
  int n_steps = 200, n_load = 0, n_save = 0, n_linear = 0, n_pairs = 0, n_overlap = 60;
  int n_span = 0, n_fallback = 0;
  int seed = 1;

  initial begin
    box_t lb, sb;
    if ($value$plusargs("steps=%d", n_steps)) ;
    if ($value$plusargs("seed=%d", seed)) ;
    if ($value$plusargs("overlap=%d", n_overlap)) ;
    void'($urandom(seed));
    for (int i = 0; i < DdrBytes; i++) begin mem[i] = 8'($urandom); exp_mem[i] = mem[i]; end
    clear = 0; ld_start = 0; st_start = 0; ld_insn = '0; st_insn = '0;
    ddr_base = DdrBase; ddr_size = DdrBytes;
    cp_wbuf_rd_valid = 0; cp_pbuf_rd_valid = 0; cp_abuf_rd_valid = 0; cp_abuf_wr_valid = 0;
    cp_abuf_rd_addr = '0; cp_abuf_wr_addr = '0; cp_abuf_wr_data = '0; cp_abuf_wr_strb = '0;
    cp_wbuf_rd_addr = '0; cp_pbuf_rd_addr = '0;
    repeat (4) @(posedge clk);
    @(negedge clk);
    rst_n = 1'b1;
    @(posedge clk);

    // Fill IBUF, OBUF, WBUF, PBUF completely (every later check compares whole buffers).
    fill(odpu_pkg::BufIbuf); fill(odpu_pkg::BufObuf); fill(odpu_pkg::BufWbuf); fill(odpu_pkg::BufPbuf);
    for (int b = 0; b < 4; b++) check_buf(b);

    fetch_en = 1;
    cp_en = 1;
    for (int step = 0; step < n_steps; step++) begin
      int kind = $urandom_range(9);
      bit dl = kind != 0, ds = kind <= 4;
      int lbuf;
      // Concurrent load and save touch different buffers and DDR regions.
      lbuf = $urandom_range(99) < 15 ? (odpu_pkg::BufWbuf + $urandom_range(1)) : $urandom_range(1);
      if (dl && lbuf <= odpu_pkg::BufObuf) begin
        lb = rand_box(1, lbuf, lbuf == odpu_pkg::BufIbuf ? IbufDepth : CpLo, 0, ds ? SaveLo : FetchLo);
      end else if (dl) begin
        int depth = lbuf == odpu_pkg::BufWbuf ? WbufDepth : PbufDepth;
        int wb = lbuf == odpu_pkg::BufWbuf ? WbufWordBytes : PbufWordBytes;
        lb.buf_id = lbuf; lb.h = 0; lb.w = 0; lb.c = 0; lb.ps = 0; lb.rs = 0;
        lb.len = rnd(1, depth < 8 ? depth : 8);
        lb.addr = rnd(0, depth - lb.len);
        lb.ddr = rnd(0, (ds ? SaveLo : FetchLo) - lb.len * wb);
        n_linear++;
      end
      if (ds) begin
        int sbuf = (dl && lbuf <= odpu_pkg::BufObuf) ? 1 - lbuf : $urandom_range(1);
        sb = rand_box(0, sbuf, sbuf == odpu_pkg::BufIbuf ? IbufDepth : CpLo, dl ? SaveLo : 0, FetchLo);
      end
      cp_ibuf_en = !(dl && lbuf == odpu_pkg::BufIbuf);
      run(dl, lb, ds, sb);
      if (dl) n_load++;
      if (ds) n_save++;
      if (dl && ds) n_pairs++;
      if (ds) check_ddr("SAVE");
      if (dl) begin
        cp_en = 0;
        @(posedge clk);
        check_buf(lbuf);
        cp_en = 1;
      end
    end
    fetch_en = 0;
    cp_en = 0;
    repeat (200) @(posedge clk);
    if (!axi_idle) begin
      $display("ERROR: the master is not idle with nothing in flight"); errors++;
    end
    for (int b = 0; b < 4; b++) check_buf(b);
    check_ddr("final");

    // ---- Window refusal: a LOAD and a SAVE reaching past DDR_SIZE ------------------------
    // DDR_SIZE is not a multiple of the beat: the window is rounded out to whole beats.
    // Both boxes cross the 4 KiB boundary at SaveLo, so their first burst is inside the
    // window (issued) and their second reaches past it (refused, never issued).
    begin
      int ar0 = ar_count[1], aw0 = aw_count;
      box_t none;
      none = zero_box();
      ddr_size = 64'(SaveLo + 5);
      lb = zero_box();
      lb.buf_id = odpu_pkg::BufIbuf; lb.ddr = SaveLo - 64; lb.h = 1; lb.w = 1; lb.c = 64 + 2 * BeatBytes;
      lb.ps = lb.c;
      ld_insn = enc(1, lb);
      pulse_start(1);
      repeat (400) @(posedge clk);
      if (bounds_pulses[1] != 1) begin
        $display("ERROR: refused LOAD burst reported %0d times (want 1)", bounds_pulses[1]);
        errors++;
      end
      if (!ld_busy) begin
        $display("ERROR: the refused LOAD finished"); errors++;
      end
      sb = zero_box();
      sb.buf_id = odpu_pkg::BufObuf; sb.ddr = SaveLo - 2 * BeatBytes + 3; sb.h = 1; sb.w = 1;
      sb.c = 3 * BeatBytes; sb.ps = sb.c;
      // Expected: the bytes of the first burst (below SaveLo) written, none beyond.
      expect_save(sb);
      for (int i = SaveLo; i < DdrBytes; i++) exp_mem[i] = mem[i];
      st_insn = enc(0, sb);
      pulse_start(0);
      repeat (400) @(posedge clk);
      if (bounds_pulses[2] != 1) begin
        $display("ERROR: refused SAVE burst reported %0d times (want 1)", bounds_pulses[2]);
        errors++;
      end
      if (ar_count[1] - ar0 != 1 || aw_count - aw0 != 1) begin
        $display("ERROR: %0d load and %0d store bursts issued around the refusal (want 1, 1)",
                 ar_count[1] - ar0, aw_count - aw0);
        errors++;
      end
      check_ddr("refused SAVE");
      // The bursts before the refused ones completed; the refused ones are not in flight.
      if (!axi_idle) begin
        $display("ERROR: the master is not idle after the refusals"); errors++;
      end
      // clear (START) returns both engines to idle; the next instructions run normally.
      @(negedge clk); clear = 1'b1; @(negedge clk); clear = 1'b0;
      repeat (300) @(posedge clk);
      if (ld_busy || st_busy) begin
        $display("ERROR: clear did not stop the engines"); errors++;
      end
      ddr_size = DdrBytes;
      fill(odpu_pkg::BufIbuf); // the refused LOAD wrote part of its tile
      lb = rand_box(1, odpu_pkg::BufIbuf, IbufDepth, 0, FetchLo);
      run(1, lb, 0, none);
      check_buf(odpu_pkg::BufIbuf);
      sb = rand_box(0, odpu_pkg::BufObuf, CpLo, 0, FetchLo);
      run(0, none, 1, sb);
      check_ddr("SAVE after clear");
    end

    // ---- SLVERR: reported with the client that met it ------------------------------------
    begin
      box_t none;
      none = zero_box();
      poison_lo = 4096; poison_hi = 4096 + 64;
      lb = zero_box();
      lb.buf_id = odpu_pkg::BufIbuf; lb.ddr = 4096; lb.h = 1; lb.w = 1; lb.c = 16; lb.ps = 16;
      run(1, lb, 0, none);
      if (resp_pulses[1] == 0 || resp_pulses[0] != 0) begin
        $display("ERROR: SLVERR on a load beat: %0d load pulses, %0d fetch pulses",
                 resp_pulses[1], resp_pulses[0]); errors++;
      end
      sb = zero_box();
      sb.buf_id = odpu_pkg::BufIbuf; sb.ddr = 4096 + 8; sb.h = 1; sb.w = 1; sb.c = 8; sb.ps = 8;
      run(0, none, 1, sb);
      if (resp_pulses[2] != 1) begin
        $display("ERROR: SLVERR on a store burst: %0d pulses (want 1)", resp_pulses[2]); errors++;
      end
      poison_lo = -1; poison_hi = -1;
    end

    // ---- Overlapping LOADs: each row's span fetched once --------------------------------
    overlap_loads(n_overlap);

    // ---- Throughput: fixed DDR latency, every channel always ready --------------------
    begin
      box_t none;
      none = zero_box();
      lat_min = DdrLatency; lat_max = DdrLatency; ready_pct = 100; rvalid_pct = 100;
      // Packed tile: rows are single runs.
      lb = zero_box();
      lb.buf_id = odpu_pkg::BufIbuf; lb.ddr = 3; lb.h = 8; lb.w = 64; lb.c = 2 * R; lb.ps = lb.c;
      lb.rs = lb.w * lb.c;
      perf_load("packed rows", lb, 60);
      // Concat part: every pixel its own run.
      lb.ps = lb.c + 8; lb.rs = lb.ps * lb.w;
      perf_load("pixel runs", lb, 25);
      // The folded first layer's shape: 3 blocks less 6 lanes a pixel, 3 pixels per pixel_stride.
      lb.c = 3 * R - 6; lb.ps = lb.c / 3; lb.w = 64; lb.h = 8; lb.ddr = 7;
      lb.rs = (lb.w - 1) * lb.ps + lb.c + 5;
      perf_overlap("folded", lb, 75);
      // Linear WBUF.
      lb = zero_box();
      lb.buf_id = odpu_pkg::BufWbuf; lb.ddr = 5; lb.len = 65536 / WbufWordBytes > WbufDepth ? WbufDepth
                                                 : 65536 / WbufWordBytes;
      perf_load("linear WBUF", lb, 60);
      sb = zero_box();
      sb.buf_id = odpu_pkg::BufIbuf; sb.ddr = 1; sb.h = 8; sb.w = 64; sb.c = 2 * R; sb.ps = sb.c;
      sb.rs = sb.w * sb.c;
      perf_save("packed rows", sb, 60);
      sb.ps = sb.c + 8; sb.rs = sb.ps * sb.w;
      perf_save("pixel runs", sb, 25);
      check_ddr("throughput saves");
    end

    $display("tb_dma %s: %0d loads (%0d linear), %0d saves, %0d together, %0d overlapping loads (%0d span, %0d pixel runs), %0d fetch bursts, %0d cp writes, %0d contended port cycles, %0d errors",
             errors == 0 ? "PASS" : "FAIL", n_load, n_linear, n_save, n_pairs, n_overlap, n_span,
             n_fallback, fetch_bursts, cp_ops, contended, errors);
    if (errors != 0) $fatal(1, "tb_dma: %0d errors", errors);
    $finish;
  end
endmodule
`default_nettype wire
