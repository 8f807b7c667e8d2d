// tb_odpu_regs - register semantics of odpu_regs against isa/regs.def (ap_ctrl_hs and the
// Vitis HLS argument layout): every input word read/write with byte strobes, reserved words
// and unmapped offsets, the read-only output words, AP_CTRL (ap_start, one start per run,
// ap_idle, ap_done/ap_ready clear on read, auto_restart), GIE/IER/ISR and the interrupt,
// ABORT, and AW/W arriving in either order.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_odpu_regs;
  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = !clk;
  int cycle = 0;
  always @(posedge clk) cycle <= cycle + 1;

  localparam int NumIn = 9;
  localparam int NumOut = 13;
  localparam int MapWords = 1 << (odpu_pkg::RegAddrBits - 2);
  localparam logic [31:0] ApStart = 32'h1 << odpu_pkg::ApStartBit;
  localparam logic [31:0] ApDone = 32'h1 << odpu_pkg::ApDoneBit;
  localparam logic [31:0] ApIdle = 32'h1 << odpu_pkg::ApIdleBit;
  localparam logic [31:0] ApReady = 32'h1 << odpu_pkg::ApReadyBit;
  localparam logic [31:0] ApAutoRestart = 32'h1 << odpu_pkg::ApAutoRestartBit;
  localparam logic [31:0] ApInterrupt = 32'h1 << odpu_pkg::ApInterruptBit;
  localparam logic [31:0] IrqDone = 32'h1 << odpu_pkg::IrqDoneBit;
  localparam logic [31:0] IrqReady = 32'h1 << odpu_pkg::IrqReadyBit;
  localparam logic [31:0] GieOn = 32'h1 << odpu_pkg::GieEnableBit;

  logic                   awvalid = 0, awready, wvalid = 0, wready, bvalid, bready = 0;
  logic                   arvalid = 0, arready, rvalid, rready = 0;
  logic [odpu_pkg::RegAddrBits-1:0] awaddr = '0, araddr = '0;
  logic [31:0]            wdata = '0, rdata;
  logic [3:0]             wstrb = '0;
  logic [1:0]             bresp, rresp;
  logic                   irq, start, abort;
  logic [63:0]            insn_base, ddr_base, ddr_size;
  logic [31:0]            insn_count, watchdog;
  logic                   finish = 0;
  logic                   finish_on_write = 0;  // pulse finish in the cycle a write takes effect
  logic [31:0]            outs [8];             // err_code .. stall_ddr (out_name order)
  logic [63:0]            cycles;
  int                     starts = 0, last_start = 0, failures = 0, checks = 0;

  odpu_regs dut (
    .clk_i(clk), .rst_ni(rst_n),
    .s_axil_awvalid_i(awvalid), .s_axil_awready_o(awready), .s_axil_awaddr_i(awaddr),
    .s_axil_wvalid_i(wvalid), .s_axil_wready_o(wready), .s_axil_wdata_i(wdata),
    .s_axil_wstrb_i(wstrb), .s_axil_bvalid_o(bvalid), .s_axil_bready_i(bready),
    .s_axil_bresp_o(bresp), .s_axil_arvalid_i(arvalid), .s_axil_arready_o(arready),
    .s_axil_araddr_i(araddr), .s_axil_rvalid_o(rvalid), .s_axil_rready_i(rready),
    .s_axil_rdata_o(rdata), .s_axil_rresp_o(rresp), .irq_o(irq), .start_o(start),
    .insn_base_o(insn_base), .insn_count_o(insn_count), .ddr_base_o(ddr_base),
    .ddr_size_o(ddr_size), .watchdog_o(watchdog), .abort_o(abort), .finish_i(finish),
    .err_code_i(outs[0]), .err_index_i(outs[1]), .insn_done_i(outs[2]),
    .busy_load_i(outs[3]), .busy_compute_i(outs[4]), .busy_store_i(outs[5]),
    .stall_dep_i(outs[6]), .stall_ddr_i(outs[7]), .cycles_i(cycles)
  );

  always @(posedge clk) begin
    if (start) begin
      starts++;
      last_start = cycle;
    end
  end
  // The write's effect is the cycle do_write is high: hold finish over that cycle's edge.
  always @(negedge clk) if (finish_on_write) finish <= dut.do_write;

  task automatic expect_eq(string what, logic [63:0] got, logic [63:0] want);
    checks++;
    if (got !== want) begin
      $display("FAIL %s: got 0x%0h, want 0x%0h", what, got, want);
      failures++;
    end
  endtask

  // Signals are driven and sampled at the falling edge: a handshake happens at the rising
  // edge after a falling edge that saw valid and ready.
  task automatic send(logic do_aw, logic do_w);
    while ((do_aw && awvalid) || (do_w && wvalid)) begin
      logic aw_done, w_done;
      aw_done = awvalid && awready;
      w_done  = wvalid && wready;
      @(negedge clk);
      if (aw_done) awvalid = 0;
      if (w_done) wvalid = 0;
    end
  endtask

  // order 0: AW and W together, 1: AW first, 2: W first (the other a few cycles later)
  task automatic write(int offset, logic [31:0] data, logic [3:0] strb = 4'hf, int order = 0);
    @(negedge clk);
    if (order != 2) begin awvalid = 1; awaddr = odpu_pkg::RegAddrBits'(offset); end
    if (order != 1) begin wvalid = 1; wdata = data; wstrb = strb; end
    send(order != 2, order != 1);
    if (order != 0) begin
      repeat (3) @(negedge clk);
      // One half alone completes nothing and is not taken again.
      expect_eq("no response to half a write", 64'(bvalid), 0);
      expect_eq("held half not taken again", 64'(order == 1 ? awready : wready), 0);
      if (order == 2) begin awvalid = 1; awaddr = odpu_pkg::RegAddrBits'(offset); end
      else begin wvalid = 1; wdata = data; wstrb = strb; end
      send(order == 2, order == 1);
    end
    bready = 1;
    while (!bvalid) @(negedge clk);
    @(negedge clk);
    bready = 0;
    expect_eq("bresp", 64'(bresp), 0);
  endtask

  task automatic read(int offset, output logic [31:0] data);
    @(negedge clk);
    arvalid = 1; araddr = odpu_pkg::RegAddrBits'(offset);
    while (!arready) @(negedge clk);
    @(negedge clk);
    arvalid = 0; rready = 1;
    while (!rvalid) @(negedge clk);
    data = rdata;
    expect_eq("rresp", 64'(rresp), 0);
    @(negedge clk);
    rready = 0;
  endtask

  task automatic expect_reg(string what, int offset, logic [31:0] want);
    logic [31:0] v;
    read(offset, v);
    expect_eq(what, 64'(v), 64'(want));
  endtask

  // A one-cycle finish pulse from the controller.
  task automatic pulse_finish;
    @(negedge clk);
    finish = 1;
    @(negedge clk);
    finish = 0;
  endtask

  // The input words and a model of their contents; the output words and their sources.
  int          in_off [NumIn];
  string       in_name [NumIn];
  logic [31:0] in_model [NumIn];
  int          out_off [NumOut];
  string       out_name [NumOut];

  function automatic logic [31:0] out_value(int k);
    unique case (k)
      8: return cycles[31:0];
      9: return cycles[63:32];
      10: return odpu_pkg::Magic;
      11: return odpu_pkg::IsaVersion;
      12: return ArchFingerprintLo;
      default: return outs[k];
    endcase
  endfunction

  function automatic bit known(int off);
    if (off == odpu_pkg::RegApCtrlOffset || off == odpu_pkg::RegGieOffset ||
        off == odpu_pkg::RegIerOffset || off == odpu_pkg::RegIsrOffset ||
        off == odpu_pkg::RegFingerprintHiOffset) return 1;
    for (int k = 0; k < NumIn; k++) if (off == in_off[k]) return 1;
    for (int k = 0; k < NumOut; k++) if (off == out_off[k]) return 1;
    return 0;
  endfunction

  task automatic check_in_ports(string what);
    expect_eq({what, ": insn_base_o"}, insn_base, {in_model[1], in_model[0]});
    expect_eq({what, ": insn_count_o"}, 64'(insn_count), 64'(in_model[2]));
    expect_eq({what, ": ddr_base_o"}, ddr_base, {in_model[4], in_model[3]});
    expect_eq({what, ": ddr_size_o"}, ddr_size, {in_model[6], in_model[5]});
    expect_eq({what, ": watchdog_o"}, 64'(watchdog), 64'(in_model[7]));
    expect_eq({what, ": abort_o"}, 64'(abort), 64'(in_model[8][odpu_pkg::AbortRequestBit]));
  endtask

  task automatic check_in_words(string what);
    for (int k = 0; k < NumIn; k++) expect_reg({what, ": ", in_name[k]}, in_off[k], in_model[k]);
    check_in_ports(what);
  endtask

  logic [31:0] v, data, mask;
  logic [3:0]  strb;
  int          s0, t0;
  initial begin
    in_off = '{odpu_pkg::RegInsnBaseLoOffset, odpu_pkg::RegInsnBaseHiOffset,
               odpu_pkg::RegInsnCountOffset, odpu_pkg::RegDdrBaseLoOffset,
               odpu_pkg::RegDdrBaseHiOffset, odpu_pkg::RegDdrSizeLoOffset,
               odpu_pkg::RegDdrSizeHiOffset, odpu_pkg::RegWatchdogOffset,
               odpu_pkg::RegAbortOffset};
    in_name = '{"INSN_BASE_LO", "INSN_BASE_HI", "INSN_COUNT", "DDR_BASE_LO", "DDR_BASE_HI",
                "DDR_SIZE_LO", "DDR_SIZE_HI", "WATCHDOG", "ABORT"};
    out_off = '{odpu_pkg::RegErrCodeOffset, odpu_pkg::RegErrIndexOffset,
                odpu_pkg::RegInsnDoneOffset, odpu_pkg::RegBusyLoadOffset,
                odpu_pkg::RegBusyComputeOffset, odpu_pkg::RegBusyStoreOffset,
                odpu_pkg::RegStallDepOffset, odpu_pkg::RegStallDdrOffset,
                odpu_pkg::RegCyclesLoOffset, odpu_pkg::RegCyclesHiOffset,
                odpu_pkg::RegMagicOffset, odpu_pkg::RegVersionOffset,
                odpu_pkg::RegFingerprintLoOffset};
    out_name = '{"ERR_CODE", "ERR_INDEX", "INSN_DONE", "BUSY_LOAD", "BUSY_COMPUTE",
                 "BUSY_STORE", "STALL_DEP", "STALL_DDR", "CYCLES_LO", "CYCLES_HI", "MAGIC",
                 "VERSION", "FINGERPRINT_LO"};
    for (int k = 0; k < NumIn; k++) in_model[k] = '0;
    for (int k = 0; k < 8; k++) outs[k] = 32'h100 + 32'(k);
    cycles = 64'h0000_0109_0000_0108;
    repeat (3) @(negedge clk);
    rst_n = 1;

    // ---- After reset: idle, identity, zeroed inputs ----
    expect_reg("AP_CTRL after reset", odpu_pkg::RegApCtrlOffset, ApIdle);
    expect_reg("MAGIC", odpu_pkg::RegMagicOffset, odpu_pkg::Magic);
    expect_reg("VERSION", odpu_pkg::RegVersionOffset, odpu_pkg::IsaVersion);
    expect_reg("FINGERPRINT_LO", odpu_pkg::RegFingerprintLoOffset, ArchFingerprintLo);
    expect_reg("FINGERPRINT_HI", odpu_pkg::RegFingerprintHiOffset, ArchFingerprintHi);
    expect_eq("no irq after reset", 64'(irq), 0);
    check_in_words("after reset");

    // ---- Output words: read-only, their sources' values ----
    for (int k = 0; k < NumOut; k++) expect_reg(out_name[k], out_off[k], out_value(k));
    for (int k = 0; k < NumOut; k++) write(out_off[k], 32'hdead_beef, 4'hf, k % 3);
    write(odpu_pkg::RegFingerprintHiOffset, 32'hdead_beef);
    for (int k = 0; k < 8; k++) outs[k] = $urandom;
    cycles = {$urandom, $urandom};
    for (int k = 0; k < NumOut; k++)
      expect_reg({out_name[k], " after a write"}, out_off[k], out_value(k));
    expect_reg("FINGERPRINT_HI after a write", odpu_pkg::RegFingerprintHiOffset, ArchFingerprintHi);

    // ---- Input words: full writes in every order, then random byte strobes ----
    for (int k = 0; k < NumIn; k++) begin
      data = $urandom;
      write(in_off[k], data, 4'hf, k % 3);
      in_model[k] = data;
    end
    check_in_words("full writes");
    for (int n = 0; n < 4 * NumIn; n++) begin
      int k = n % NumIn;
      data = $urandom;
      strb = 4'($urandom);
      for (int b = 0; b < 4; b++) mask[b*8 +: 8] = {8{strb[b]}};
      write(in_off[k], data, strb, n % 3);
      in_model[k] = (in_model[k] & ~mask) | (data & mask);
      expect_reg({in_name[k], " strobes"}, in_off[k], in_model[k]);
      check_in_ports("strobes");
    end
    // ABORT's request bit drives abort_o; the other bits are plain storage.
    write(odpu_pkg::RegAbortOffset, 32'h1);
    in_model[8] = 32'h1;
    expect_eq("abort_o set", 64'(abort), 1);
    write(odpu_pkg::RegAbortOffset, 32'hffff_fffe);
    in_model[8] = 32'hffff_fffe;
    expect_eq("abort_o cleared", 64'(abort), 0);
    write(odpu_pkg::RegAbortOffset, 32'h0000_0001, 4'b0010);  // byte 1 written 0
    expect_eq("abort_o needs byte 0's strobe", 64'(abort), 0);
    write(odpu_pkg::RegAbortOffset, 32'h0000_0001, 4'b0001);
    in_model[8] = 32'hffff_0001;
    check_in_words("ABORT");

    // ---- Reserved words and unmapped offsets read 0 and ignore writes ----
    for (int w = 0; w < MapWords; w++) begin
      if (!known(4 * w)) begin
        write(4 * w, 32'hffff_ffff, 4'hf, w % 3);
        expect_reg($sformatf("reserved/unmapped offset 0x%0h", 4 * w), 4 * w, 0);
      end
    end
    check_in_words("after writes to reserved words");
    expect_reg("AP_CTRL untouched by reserved words", odpu_pkg::RegApCtrlOffset, ApIdle);
    expect_eq("no start from reserved words", 64'(starts), 0);
    // Only the defined bits of GIE, IER and ISR hold anything.
    write(odpu_pkg::RegGieOffset, 32'hffff_fffe);
    expect_reg("GIE bit 0 only", odpu_pkg::RegGieOffset, 0);
    write(odpu_pkg::RegIerOffset, 32'hffff_fffc);
    expect_reg("IER bits 1:0 only", odpu_pkg::RegIerOffset, 0);
    write(odpu_pkg::RegIsrOffset, 32'hffff_fffc);
    expect_reg("ISR bits 1:0 only", odpu_pkg::RegIsrOffset, 0);
    write(odpu_pkg::RegApCtrlOffset, 32'hffff_ff7e);  // every bit but start and auto_restart
    expect_reg("AP_CTRL read-only bits", odpu_pkg::RegApCtrlOffset, ApIdle);
    expect_eq("no start from read-only AP_CTRL bits", 64'(starts), 0);
    write(odpu_pkg::RegAbortOffset, 32'h0);
    in_model[8] = 32'h0;

    // ---- AP_CTRL: a run ----
    write(odpu_pkg::RegApCtrlOffset, ApStart, 4'b1110);
    expect_eq("no start without byte 0's strobe", 64'(starts), 0);
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    expect_eq("one start", 64'(starts), 1);
    expect_reg("AP_CTRL running", odpu_pkg::RegApCtrlOffset, ApStart);
    repeat (20) @(negedge clk);
    expect_eq("ap_start held: still one start", 64'(starts), 1);
    write(odpu_pkg::RegApCtrlOffset, ApStart, 4'hf, 1);
    write(odpu_pkg::RegApCtrlOffset, 32'h0, 4'hf, 2);
    expect_reg("a written 0 does not clear ap_start", odpu_pkg::RegApCtrlOffset, ApStart);
    expect_eq("writes during a run start nothing", 64'(starts), 1);
    pulse_finish();
    expect_reg("AP_CTRL after finish", odpu_pkg::RegApCtrlOffset, ApDone | ApIdle | ApReady);
    expect_reg("ap_done/ap_ready cleared by the read", odpu_pkg::RegApCtrlOffset, ApIdle);
    repeat (5) @(negedge clk);
    expect_eq("no start after finish without auto_restart", 64'(starts), 1);

    // ap_done survives a read of AP_CTRL in the cycle the run ends.
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    expect_eq("second start", 64'(starts), 2);
    @(negedge clk);
    arvalid = 1; araddr = odpu_pkg::RegAddrBits'(odpu_pkg::RegApCtrlOffset);
    finish = 1;  // arready is 1: the read's handshake and finish share the next edge
    expect_eq("arready for the racing read", 64'(arready), 1);
    @(negedge clk);
    finish = 0; arvalid = 0; rready = 1;
    while (!rvalid) @(negedge clk);
    expect_eq("racing read sees the run going", 64'(rdata), 64'(ApStart));
    @(negedge clk);
    rready = 0;
    expect_reg("ap_done of the racing finish kept", odpu_pkg::RegApCtrlOffset,
               ApDone | ApIdle | ApReady);
    expect_reg("then cleared", odpu_pkg::RegApCtrlOffset, ApIdle);

    // ---- auto_restart: ap_start stays and the next run starts the cycle after finish ----
    write(odpu_pkg::RegApCtrlOffset, ApStart | ApAutoRestart);
    expect_eq("auto_restart run starts", 64'(starts), 3);
    expect_reg("AP_CTRL with auto_restart", odpu_pkg::RegApCtrlOffset, ApStart | ApAutoRestart);
    @(negedge clk);
    finish = 1;
    t0 = cycle;
    @(negedge clk);
    finish = 0;
    repeat (3) @(negedge clk);
    expect_eq("auto_restart: one more start", 64'(starts), 4);
    expect_eq("auto_restart: start the cycle after finish", 64'(last_start - t0), 1);
    expect_reg("auto_restart: AP_CTRL", odpu_pkg::RegApCtrlOffset,
               ApStart | ApDone | ApReady | ApAutoRestart);
    repeat (10) @(negedge clk);
    expect_eq("auto_restart: no start while running", 64'(starts), 4);
    write(odpu_pkg::RegApCtrlOffset, 32'h0);  // auto_restart off; the run goes on
    expect_reg("auto_restart cleared, ap_start kept", odpu_pkg::RegApCtrlOffset, ApStart);
    pulse_finish();
    repeat (3) @(negedge clk);
    expect_eq("no restart once auto_restart is 0", 64'(starts), 4);
    expect_reg("idle after the last auto-restarted run", odpu_pkg::RegApCtrlOffset,
               ApDone | ApIdle | ApReady);
    write(odpu_pkg::RegApCtrlOffset, ApAutoRestart, 4'b1110);
    expect_reg("auto_restart needs byte 0's strobe", odpu_pkg::RegApCtrlOffset, ApIdle);
    // ap_start written in the cycle a run ends starts the next run (the write wins, as in
    // Vitis HLS).
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    expect_eq("start before the racing write", 64'(starts), 5);
    finish_on_write = 1;
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    finish_on_write = 0;
    repeat (3) @(negedge clk);
    expect_eq("ap_start written as the run ends: a new run", 64'(starts), 6);
    pulse_finish();
    expect_reg("idle again", odpu_pkg::RegApCtrlOffset, ApDone | ApIdle | ApReady);
    expect_reg("idle again, read", odpu_pkg::RegApCtrlOffset, ApIdle);

    // ---- GIE, IER, ISR and the interrupt ----
    write(odpu_pkg::RegIerOffset, IrqDone);
    expect_reg("IER", odpu_pkg::RegIerOffset, IrqDone);
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    pulse_finish();
    expect_reg("ISR: only the enabled done bit", odpu_pkg::RegIsrOffset, IrqDone);
    expect_eq("no irq without GIE", 64'(irq), 0);
    expect_reg("AP_CTRL interrupt bit 0 without GIE", odpu_pkg::RegApCtrlOffset,
               ApDone | ApIdle | ApReady);
    write(odpu_pkg::RegGieOffset, GieOn);
    expect_reg("GIE", odpu_pkg::RegGieOffset, GieOn);
    expect_eq("irq with GIE", 64'(irq), 1);
    expect_reg("AP_CTRL mirrors the interrupt", odpu_pkg::RegApCtrlOffset, ApIdle | ApInterrupt);
    expect_eq("reading AP_CTRL does not clear ISR", 64'(irq), 1);
    write(odpu_pkg::RegIsrOffset, IrqReady);
    expect_reg("ISR toggle sets ready", odpu_pkg::RegIsrOffset, IrqDone | IrqReady);
    write(odpu_pkg::RegIsrOffset, IrqDone);
    expect_reg("ISR toggle clears done", odpu_pkg::RegIsrOffset, IrqReady);
    expect_eq("irq from ready", 64'(irq), 1);
    write(odpu_pkg::RegIsrOffset, IrqReady, 4'b1110);
    expect_reg("ISR toggle needs byte 0's strobe", odpu_pkg::RegIsrOffset, IrqReady);
    write(odpu_pkg::RegIsrOffset, IrqReady);
    expect_reg("ISR clear", odpu_pkg::RegIsrOffset, 0);
    expect_eq("irq cleared", 64'(irq), 0);
    expect_reg("AP_CTRL interrupt bit cleared", odpu_pkg::RegApCtrlOffset, ApIdle);
    write(odpu_pkg::RegIerOffset, IrqReady);
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    pulse_finish();
    expect_reg("ISR: only the enabled ready bit", odpu_pkg::RegIsrOffset, IrqReady);
    write(odpu_pkg::RegIsrOffset, IrqReady);
    write(odpu_pkg::RegIerOffset, IrqDone | IrqReady);
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    pulse_finish();
    expect_reg("ISR: both", odpu_pkg::RegIsrOffset, IrqDone | IrqReady);
    expect_eq("irq on both", 64'(irq), 1);
    write(odpu_pkg::RegGieOffset, 32'h0);
    expect_eq("GIE off masks irq", 64'(irq), 0);
    expect_reg("ISR kept under GIE off", odpu_pkg::RegIsrOffset, IrqDone | IrqReady);
    write(odpu_pkg::RegGieOffset, GieOn);
    // A set wins over a toggle of the same bit in the same cycle.
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    finish_on_write = 1;
    write(odpu_pkg::RegIsrOffset, IrqDone | IrqReady);  // would clear both
    finish_on_write = 0;
    expect_reg("ISR: set wins over toggle", odpu_pkg::RegIsrOffset, IrqDone | IrqReady);
    expect_eq("irq kept", 64'(irq), 1);
    // With only done enabled: ready toggles off, done is set anyway.
    write(odpu_pkg::RegIerOffset, IrqDone);
    write(odpu_pkg::RegApCtrlOffset, ApStart);
    finish_on_write = 1;
    write(odpu_pkg::RegIsrOffset, IrqDone | IrqReady);
    finish_on_write = 0;
    expect_reg("ISR: set of done, toggle of ready", odpu_pkg::RegIsrOffset, IrqDone);
    write(odpu_pkg::RegIsrOffset, IrqDone);
    expect_eq("irq off at the end", 64'(irq), 0);
    write(odpu_pkg::RegGieOffset, 32'h0);
    write(odpu_pkg::RegIerOffset, 32'h0);

    // A run with every input set: the inputs are left as written.
    check_in_words("after the runs");

    if (failures == 0) $display("tb_odpu_regs: %0d checks passed", checks);
    else $display("tb_odpu_regs: %0d of %0d checks FAILED", failures, checks);
    $finish;
  end

  initial begin
    #5000000;
    $display("FAIL: timeout");
    $finish;
  end
endmodule
`default_nettype wire
