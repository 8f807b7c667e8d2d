// tb_odpu_regs - register semantics of odpu_regs against isa/regs.def and docs/hal.md:
// constants, RW read-back with byte strobes, RO and unknown offsets, CTRL.START, STATUS W1C
// and the interrupt, the counters, and AW/W arriving in either order.
`include "odpu_arch_params.vh"

module tb_odpu_regs;
  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = !clk;

  logic                   awvalid = 0, awready, wvalid = 0, wready, bvalid, bready = 0;
  logic                   arvalid = 0, arready, rvalid, rready = 0;
  logic [odpu_pkg::RegAddrBits-1:0] awaddr = '0, araddr = '0;
  logic [31:0]            wdata = '0, rdata;
  logic [3:0]             wstrb = '0;
  logic [1:0]             bresp, rresp;
  logic                   irq, start;
  logic [63:0]            insn_base, ddr_base, ddr_size;
  logic [31:0]            insn_count, watchdog;
  logic                   busy = 0, done = 0, error = 0;
  logic [31:0]            err_code = 32'h5, err_index = 32'h1234;
  logic [63:0]            cycles = 64'h0000_0011_2233_4455;
  int                     starts = 0, failures = 0, checks = 0;

  odpu_regs dut (
    .clk_i(clk), .rst_ni(rst_n),
    .s_axil_awvalid_i(awvalid), .s_axil_awready_o(awready), .s_axil_awaddr_i(awaddr),
    .s_axil_wvalid_i(wvalid), .s_axil_wready_o(wready), .s_axil_wdata_i(wdata),
    .s_axil_wstrb_i(wstrb), .s_axil_bvalid_o(bvalid), .s_axil_bready_i(bready),
    .s_axil_bresp_o(bresp), .s_axil_arvalid_i(arvalid), .s_axil_arready_o(arready),
    .s_axil_araddr_i(araddr), .s_axil_rvalid_o(rvalid), .s_axil_rready_i(rready),
    .s_axil_rdata_o(rdata), .s_axil_rresp_o(rresp), .irq_o(irq), .start_o(start),
    .insn_base_o(insn_base), .insn_count_o(insn_count), .ddr_base_o(ddr_base),
    .ddr_size_o(ddr_size), .watchdog_o(watchdog), .busy_i(busy), .done_i(done),
    .error_i(error), .err_code_i(err_code), .err_index_i(err_index), .cycles_i(cycles),
    .busy_load_i(32'h101), .busy_compute_i(32'h102), .busy_store_i(32'h103),
    .stall_dep_i(32'h104), .stall_ddr_i(32'h105), .insn_done_i(32'h106)
  );

  always @(posedge clk) if (start) starts++;

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

  initial begin
    repeat (3) @(negedge clk);
    rst_n = 1;
    // Constants
    expect_reg("MAGIC", odpu_pkg::RegMagicOffset, odpu_pkg::Magic);
    expect_reg("VERSION", odpu_pkg::RegVersionOffset, odpu_pkg::IsaVersion);
    expect_reg("FP_LO", odpu_pkg::RegFpLoOffset, ArchFingerprintLo);
    expect_reg("FP_HI", odpu_pkg::RegFpHiOffset, ArchFingerprintHi);
    // RO registers ignore writes
    write(odpu_pkg::RegMagicOffset, 32'hdead_beef);
    write(odpu_pkg::RegErrCodeOffset, 32'h7);
    write(odpu_pkg::RegCyclesLoOffset, 32'h7);
    expect_reg("MAGIC after write", odpu_pkg::RegMagicOffset, odpu_pkg::Magic);
    expect_reg("ERR_CODE", odpu_pkg::RegErrCodeOffset, err_code);
    expect_reg("ERR_INDEX", odpu_pkg::RegErrIndexOffset, err_index);
    expect_reg("CYCLES_LO", odpu_pkg::RegCyclesLoOffset, cycles[31:0]);
    expect_reg("CYCLES_HI", odpu_pkg::RegCyclesHiOffset, cycles[63:32]);
    expect_reg("BUSY_LOAD", odpu_pkg::RegBusyLoadOffset, 32'h101);
    expect_reg("BUSY_COMPUTE", odpu_pkg::RegBusyComputeOffset, 32'h102);
    expect_reg("BUSY_STORE", odpu_pkg::RegBusyStoreOffset, 32'h103);
    expect_reg("STALL_DEP", odpu_pkg::RegStallDepOffset, 32'h104);
    expect_reg("STALL_DDR", odpu_pkg::RegStallDdrOffset, 32'h105);
    expect_reg("INSN_DONE", odpu_pkg::RegInsnDoneOffset, 32'h106);
    // RW registers, every write order, and byte strobes
    write(odpu_pkg::RegInsnBaseLoOffset, 32'h1111_2220, 4'hf, 0);
    write(odpu_pkg::RegInsnBaseHiOffset, 32'h0000_0003, 4'hf, 1);
    write(odpu_pkg::RegInsnCountOffset, 32'd77, 4'hf, 2);
    write(odpu_pkg::RegDdrBaseLoOffset, 32'h4000_0000, 4'hf, 1);
    write(odpu_pkg::RegDdrBaseHiOffset, 32'h0000_0001, 4'hf, 2);
    write(odpu_pkg::RegDdrSizeLoOffset, 32'h0010_0000, 4'hf, 0);
    write(odpu_pkg::RegDdrSizeHiOffset, 32'h0000_0000, 4'hf, 0);
    write(odpu_pkg::RegWatchdogOffset, 32'haabb_ccdd, 4'hf, 0);
    write(odpu_pkg::RegWatchdogOffset, 32'h1122_3344, 4'b0101, 0);
    expect_reg("INSN_BASE_LO", odpu_pkg::RegInsnBaseLoOffset, 32'h1111_2220);
    expect_reg("INSN_BASE_HI", odpu_pkg::RegInsnBaseHiOffset, 32'h3);
    expect_reg("INSN_COUNT", odpu_pkg::RegInsnCountOffset, 32'd77);
    expect_reg("DDR_BASE_LO", odpu_pkg::RegDdrBaseLoOffset, 32'h4000_0000);
    expect_reg("DDR_BASE_HI", odpu_pkg::RegDdrBaseHiOffset, 32'h1);
    expect_reg("DDR_SIZE_LO", odpu_pkg::RegDdrSizeLoOffset, 32'h0010_0000);
    expect_reg("DDR_SIZE_HI", odpu_pkg::RegDdrSizeHiOffset, 32'h0);
    expect_reg("WATCHDOG (strobes)", odpu_pkg::RegWatchdogOffset, 32'haa22_cc44);
    expect_eq("insn_base_o", insn_base, 64'h3_1111_2220);
    expect_eq("insn_count_o", 64'(insn_count), 77);
    expect_eq("ddr_base_o", ddr_base, 64'h1_4000_0000);
    expect_eq("ddr_size_o", ddr_size, 64'h10_0000);
    expect_eq("watchdog_o", 64'(watchdog), 64'haa22_cc44);
    // Unknown offsets read 0 and ignore writes
    for (int off = 0; off < (1 << odpu_pkg::RegAddrBits); off += 4) begin
      if (off == 32'h2c || off == 32'h44 || off >= 32'h68) begin
        write(off, 32'hffff_ffff);
        expect_reg($sformatf("unknown offset 0x%0h", off), off, 0);
      end
    end
    // CTRL: IRQ_EN read-write, START reads 0 and pulses start once
    expect_eq("no start yet", 64'(starts), 0);
    write(odpu_pkg::RegCtrlOffset, 32'h3);
    expect_eq("one start", 64'(starts), 1);
    expect_reg("CTRL reads IRQ_EN only", odpu_pkg::RegCtrlOffset, 32'h2);
    // BUSY mirrors the controller and is read-only
    busy = 1;
    expect_reg("STATUS busy", odpu_pkg::RegStatusOffset, 32'h1);
    write(odpu_pkg::RegStatusOffset, 32'h7);
    expect_reg("STATUS busy after W1C", odpu_pkg::RegStatusOffset, 32'h1);
    write(odpu_pkg::RegCtrlOffset, 32'h3); // START while busy is ignored
    expect_eq("no start while busy", 64'(starts), 1);
    // DONE sets the interrupt; W1C of ERROR leaves it, W1C of DONE clears it
    @(negedge clk); busy = 0; done = 1; @(negedge clk); done = 0;
    expect_reg("STATUS done", odpu_pkg::RegStatusOffset, 32'h2);
    expect_eq("irq on done", 64'(irq), 1);
    write(odpu_pkg::RegStatusOffset, 32'h4);
    expect_reg("STATUS done after W1C of ERROR", odpu_pkg::RegStatusOffset, 32'h2);
    expect_eq("irq kept", 64'(irq), 1);
    write(odpu_pkg::RegStatusOffset, 32'h2);
    expect_reg("STATUS after W1C", odpu_pkg::RegStatusOffset, 32'h0);
    expect_eq("irq cleared", 64'(irq), 0);
    // ERROR without IRQ_EN: flag but no interrupt; enabling it raises the line
    write(odpu_pkg::RegCtrlOffset, 32'h0);
    @(negedge clk); error = 1; @(negedge clk); error = 0;
    expect_reg("STATUS error", odpu_pkg::RegStatusOffset, 32'h4);
    expect_eq("no irq when disabled", 64'(irq), 0);
    write(odpu_pkg::RegCtrlOffset, 32'h2);
    expect_eq("irq when enabled", 64'(irq), 1);
    // START clears DONE and ERROR of the previous run
    write(odpu_pkg::RegCtrlOffset, 32'h3);
    expect_eq("second start", 64'(starts), 2);
    expect_reg("STATUS after START", odpu_pkg::RegStatusOffset, 32'h0);
    expect_eq("irq after START", 64'(irq), 0);
    // Writes with the strobe of byte 0 off do not start
    write(odpu_pkg::RegCtrlOffset, 32'h3, 4'b1110);
    expect_eq("no start without strobe", 64'(starts), 2);

    if (failures == 0) $display("tb_odpu_regs: %0d checks passed", checks);
    else $display("tb_odpu_regs: %0d of %0d checks FAILED", failures, checks);
    $finish;
  end

  initial begin
    #1000000;
    $display("FAIL: timeout");
    $finish;
  end
endmodule
