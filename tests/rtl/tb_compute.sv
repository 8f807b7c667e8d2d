// tb_compute.sv - odpu_compute against the golden model: runs the cases of a vector file
// written by gen_compute_vectors.c through the engine, with behavioural models of the five
// buffers (synchronous read, read data the cycle after the handshake), and compares every
// word of every buffer with the expected image after each case.
//   +vectors=FILE  the vector file
//   +stall=N       each port's ready is low N % of the cycles (other engines sharing it)
//   +seed=N        seed of the ready pattern
//   +percase       print cycles (and MAC utilization) of every case
// Prints cycles per case class and the MAC utilization of the CONV cases. A "C case base
// slack" line (a CONV with fused pooling after the same CONV without) requires case to take
// at most slack cycles more than base; checked only when no port stalls.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_compute;
  localparam int IW = IbufWordBytes * 8;
  localparam int OW = ObufWordBytes * 8;
  localparam int WW = WbufWordBytes * 8;
  localparam int WPW = WbufPortBytes * 8;  // WBUF is read in port-wide pieces of a word
  localparam int PW = PbufWordBytes * 8;
  localparam int AW = AbufWordBytes * 8;
  localparam int MaxW = WW > PW ? (WW > AW ? WW : AW) : (PW > AW ? PW : AW);
  localparam int TimeoutCycles = 5000000;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  logic start = 1'b0;
  logic [odpu_pkg::InsnBits-1:0] insn = '0;
  logic done, busy, stall_ddr;

  // Buffer contents (DUT side) and the expected images.
  logic [IW-1:0] ibuf [IbufDepth];
  logic [OW-1:0] obuf [ObufDepth];
  logic [WW-1:0] wbuf [WbufDepth];
  logic [PW-1:0] pbuf [PbufDepth];
  logic [AW-1:0] abuf [AbufDepth];
  logic [IW-1:0] ibuf_x [IbufDepth];
  logic [OW-1:0] obuf_x [ObufDepth];
  logic [WW-1:0] wbuf_x [WbufDepth];
  logic [PW-1:0] pbuf_x [PbufDepth];
  logic [AW-1:0] abuf_x [AbufDepth];

  // Ports
  logic ibuf_rv, ibuf_rr, ibuf_rvalid;
  logic [$clog2(IbufDepth)-1:0] ibuf_ra;
  logic [IW-1:0] ibuf_rd;
  logic obuf_rv, obuf_rr, obuf_rvalid, obuf_wv, obuf_wr;
  logic [$clog2(ObufDepth)-1:0] obuf_ra, obuf_wa;
  logic [OW-1:0] obuf_rd, obuf_wd;
  logic [ObufWordBytes-1:0] obuf_ws;
  logic wbuf_rv, wbuf_rr, wbuf_rvalid;
  logic [$clog2(WbufPortDepth)-1:0] wbuf_ra;
  logic [WPW-1:0] wbuf_rd;
  logic pbuf_rv, pbuf_rr, pbuf_rvalid;
  logic [$clog2(PbufDepth)-1:0] pbuf_ra;
  logic [PW-1:0] pbuf_rd;
  logic abuf_rv, abuf_rr, abuf_rvalid, abuf_wv, abuf_wr;
  logic [$clog2(AbufDepth)-1:0] abuf_ra, abuf_wa;
  logic [AW-1:0] abuf_rd, abuf_wd;
  logic [AbufWordBytes-1:0] abuf_ws;

  odpu_compute dut (
    .clk_i (clk), .rst_ni (rst_n), .clear_i (1'b0),
    .start_i (start), .insn_i (insn), .done_o (done), .busy_o (busy), .stall_ddr_o (stall_ddr),
    .cp_ibuf_rd_valid_o (ibuf_rv), .cp_ibuf_rd_ready_i (ibuf_rr), .cp_ibuf_rd_addr_o (ibuf_ra),
    .cp_ibuf_rd_rvalid_i (ibuf_rvalid), .cp_ibuf_rd_rdata_i (ibuf_rd),
    .cp_obuf_rd_valid_o (obuf_rv), .cp_obuf_rd_ready_i (obuf_rr), .cp_obuf_rd_addr_o (obuf_ra),
    .cp_obuf_rd_rvalid_i (obuf_rvalid), .cp_obuf_rd_rdata_i (obuf_rd),
    .cp_obuf_wr_valid_o (obuf_wv), .cp_obuf_wr_ready_i (obuf_wr), .cp_obuf_wr_addr_o (obuf_wa),
    .cp_obuf_wr_data_o (obuf_wd), .cp_obuf_wr_strb_o (obuf_ws),
    .cp_wbuf_rd_valid_o (wbuf_rv), .cp_wbuf_rd_ready_i (wbuf_rr), .cp_wbuf_rd_addr_o (wbuf_ra),
    .cp_wbuf_rd_rvalid_i (wbuf_rvalid), .cp_wbuf_rd_rdata_i (wbuf_rd),
    .cp_pbuf_rd_valid_o (pbuf_rv), .cp_pbuf_rd_ready_i (pbuf_rr), .cp_pbuf_rd_addr_o (pbuf_ra),
    .cp_pbuf_rd_rvalid_i (pbuf_rvalid), .cp_pbuf_rd_rdata_i (pbuf_rd),
    .cp_abuf_rd_valid_o (abuf_rv), .cp_abuf_rd_ready_i (abuf_rr), .cp_abuf_rd_addr_o (abuf_ra),
    .cp_abuf_rd_rvalid_i (abuf_rvalid), .cp_abuf_rd_rdata_i (abuf_rd),
    .cp_abuf_wr_valid_o (abuf_wv), .cp_abuf_wr_ready_i (abuf_wr), .cp_abuf_wr_addr_o (abuf_wa),
    .cp_abuf_wr_data_o (abuf_wd), .cp_abuf_wr_strb_o (abuf_ws)
  );

  always #1 clk = ~clk;

  // Ready pattern: a port is not ready `stall` % of the cycles, as when another engine
  // wins its round-robin arbiter.
  int stall = 0;
  always @(negedge clk) begin
    ibuf_rr <= $urandom_range(99) >= stall;
    obuf_rr <= $urandom_range(99) >= stall;
    obuf_wr <= $urandom_range(99) >= stall;
    wbuf_rr <= $urandom_range(99) >= stall;
    pbuf_rr <= $urandom_range(99) >= stall;
    abuf_rr <= $urandom_range(99) >= stall;
    abuf_wr <= $urandom_range(99) >= stall;
  end

  // Synchronous reads (read-first) and strobed writes. (A plain always: the memories are
  // also written by the vector reader.)
  always @(posedge clk) begin
    ibuf_rvalid <= ibuf_rv && ibuf_rr;
    obuf_rvalid <= obuf_rv && obuf_rr;
    wbuf_rvalid <= wbuf_rv && wbuf_rr;
    pbuf_rvalid <= pbuf_rv && pbuf_rr;
    abuf_rvalid <= abuf_rv && abuf_rr;
    if (ibuf_rv && ibuf_rr) ibuf_rd <= ibuf[ibuf_ra];
    if (obuf_rv && obuf_rr) obuf_rd <= obuf[obuf_ra];
    if (wbuf_rv && wbuf_rr)
      wbuf_rd <= wbuf[32'(wbuf_ra) / WeightLoadCycles][32'(wbuf_ra) % WeightLoadCycles * WPW +: WPW];
    if (pbuf_rv && pbuf_rr) pbuf_rd <= pbuf[pbuf_ra];
    if (abuf_rv && abuf_rr) abuf_rd <= abuf[abuf_ra];
    if (obuf_wv && obuf_wr) obuf[obuf_wa] <= (obuf[obuf_wa] & ~obuf_wmask) | (obuf_wd & obuf_wmask);
    if (abuf_wv && abuf_wr) abuf[abuf_wa] <= (abuf[abuf_wa] & ~abuf_wmask) | (abuf_wd & abuf_wmask);
  end

  // Byte strobes as bit masks.
  logic [OW-1:0] obuf_wmask;
  logic [AW-1:0] abuf_wmask;
  always_comb begin
    for (int b = 0; b < ObufWordBytes; b++) obuf_wmask[b*8 +: 8] = {8{obuf_ws[b]}};
    for (int b = 0; b < AbufWordBytes; b++) abuf_wmask[b*8 +: 8] = {8{abuf_ws[b]}};
  end

  // The stall output of a core that never waits for DDR.
  always_ff @(posedge clk) begin
    if (stall_ddr) begin
      $display("tb_compute: stall_ddr_o is 1");
      $fatal(1);
    end
  end

  task automatic set_word(input int b, input int a, input logic [MaxW-1:0] d, input bit both);
    case (b)
      odpu_pkg::BufIbuf: begin ibuf_x[a] = IW'(d); if (both) ibuf[a] = IW'(d); end
      odpu_pkg::BufObuf: begin obuf_x[a] = OW'(d); if (both) obuf[a] = OW'(d); end
      odpu_pkg::BufWbuf: begin wbuf_x[a] = WW'(d); if (both) wbuf[a] = WW'(d); end
      odpu_pkg::BufPbuf: begin pbuf_x[a] = PW'(d); if (both) pbuf[a] = PW'(d); end
      default: begin abuf_x[a] = AW'(d); if (both) abuf[a] = AW'(d); end
    endcase
  endtask

  // A hex number of up to MaxW bits, 64 bits at a time from the right ($sscanf arguments
  // are limited in width).
  function automatic logic [MaxW-1:0] parse_hex(input string hex);
    logic [MaxW-1:0] v;
    logic [63:0] part;
    int n;
    v = '0;
    n = hex.len();
    for (int k = 0; k * 16 < n; k++) begin
      int lo;
      lo = n - 16 * (k + 1);
      if (lo < 0) lo = 0;
      void'($sscanf(hex.substr(lo, n - 16 * k - 1), "%h", part));
      v[k*64 +: 64] = part;
    end
    return v;
  endfunction

  int errors = 0;
  task automatic compare(input string what);
    int bad;
    bad = 0;
    for (int a = 0; a < IbufDepth; a++) if (ibuf[a] !== ibuf_x[a]) begin
      bad++; if (bad <= 4) $display("  IBUF[%0d] got %h want %h", a, ibuf[a], ibuf_x[a]);
    end
    for (int a = 0; a < ObufDepth; a++) if (obuf[a] !== obuf_x[a]) begin
      bad++; if (bad <= 4) $display("  OBUF[%0d] got %h want %h", a, obuf[a], obuf_x[a]);
    end
    for (int a = 0; a < WbufDepth; a++) if (wbuf[a] !== wbuf_x[a]) begin
      bad++; if (bad <= 4) $display("  WBUF[%0d] differs", a);
    end
    for (int a = 0; a < PbufDepth; a++) if (pbuf[a] !== pbuf_x[a]) begin
      bad++; if (bad <= 4) $display("  PBUF[%0d] differs", a);
    end
    for (int a = 0; a < AbufDepth; a++) if (abuf[a] !== abuf_x[a]) begin
      bad++; if (bad <= 4) $display("  ABUF[%0d] got %h want %h", a, abuf[a], abuf_x[a]);
    end
    if (bad != 0) begin
      errors++;
      $display("MISMATCH in %s: %0d words differ", what, bad);
    end
  endtask

  initial begin
    string file, line, desc, tag;
    int fd, b, a, idx, cases;
    longint macs, cyc, conv_cycles, conv_macs, other_cycles;
    longint cycles_of [int];
    int base, slack, pairs, pair_worst;
    logic [odpu_pkg::InsnBits-1:0] word;
    int seed;
    bit percase;

    if (!$value$plusargs("vectors=%s", file)) begin
      $display("tb_compute: +vectors=FILE missing");
      $fatal(1);
    end
    void'($value$plusargs("stall=%d", stall));
    percase = $test$plusargs("percase");
    if ($value$plusargs("seed=%d", seed)) void'($urandom(seed));
    fd = $fopen(file, "r");
    if (fd == 0) begin
      $display("tb_compute: cannot open %s", file);
      $fatal(1);
    end
    cases = 0;
    conv_cycles = 0;
    conv_macs = 0;
    other_cycles = 0;
    pairs = 0;
    pair_worst = -1000000;
    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    while ($fgets(line, fd) != 0) begin
      if (line.len() < 2) continue;
      tag = line.substr(0, 0);
      if (tag == "#") begin
        desc = line.substr(2, line.len() - 2);
      end else if (tag == "W" || tag == "E") begin
        string hex;
        void'($sscanf(line, "%s %d %d %s", tag, b, a, hex));
        set_word(b, a, parse_hex(hex), tag == "W");
      end else if (tag == "I") begin
        void'($sscanf(line, "%s %h", tag, word));
        insn = word;
      end else if (tag == "R") begin
        void'($sscanf(line, "%s %d %d", tag, idx, macs));
        @(negedge clk);
        start = 1'b1;
        @(negedge clk);
        start = 1'b0;
        cyc = 1;
        while (!done && cyc < TimeoutCycles) begin
          @(negedge clk);
          cyc++;
        end
        if (!done) begin
          $display("TIMEOUT in case %0d: %s", idx, desc);
          $fatal(1);
        end
        @(negedge clk);
        if (busy) begin
          $display("case %0d: busy_o still 1 after done_o", idx);
          errors++;
        end
        compare($sformatf("case %0d: %s", idx, desc));
        if (percase)
          $display("case %0d: %0d cycles, %0d MACs (%0.1f%%): %s", idx, cyc, macs,
                   100.0 * macs / (cyc * Rows * Cols), desc);
        if (macs != 0) begin
          conv_cycles += cyc;
          conv_macs += macs;
        end else begin
          other_cycles += cyc;
        end
        cycles_of[idx] = cyc;
        cases++;
        if (errors > 3) break;
      end else if (tag == "C") begin
        void'($sscanf(line, "%s %d %d %d", tag, idx, base, slack));
        if (stall == 0) begin
          if (!cycles_of.exists(idx) || !cycles_of.exists(base)) begin
            $display("tb_compute: C line names a case not run: %s", line);
            errors++;
          end else begin
            pairs++;
            if (int'(cycles_of[idx] - cycles_of[base]) > pair_worst)
              pair_worst = int'(cycles_of[idx] - cycles_of[base]);
            if (cycles_of[idx] > cycles_of[base] + slack) begin
              $display("SLOW case %0d: %0d cycles, %0d without pooling (case %0d), allowed %0d more: %s",
                       idx, cycles_of[idx], cycles_of[base], base, slack, desc);
              errors++;
            end
          end
        end
      end
    end
    $fclose(fd);
    $display("tb_compute: %0d cases, CONV %0d MACs in %0d cycles (%0.1f%% of %0d MACs/cycle), POOL+ELEW %0d cycles",
             cases, conv_macs, conv_cycles, 100.0 * conv_macs / (conv_cycles * Rows * Cols + 1),
             Rows * Cols, other_cycles);
    if (pairs != 0)
      $display("tb_compute: %0d pooled CONVs against the same CONV unpooled: at most %0d cycles more",
               pairs, pair_worst);
    if (errors != 0 || cases == 0) begin
      $display("tb_compute: FAIL (%0d failing cases)", errors);
      $fatal(1);
    end
    $display("tb_compute: PASS");
    $finish;
  end
endmodule
`default_nettype wire
