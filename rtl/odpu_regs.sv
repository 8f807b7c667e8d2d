// odpu_regs - the AXI4-Lite slave holding the register map of isa/regs.def: the block-level
// control of the Vitis kernel protocol ap_ctrl_hs (AP_CTRL, GIE, IER, ISR), then the
// arguments in the layout Vitis HLS gives an s_axilite interface (docs/hal.md "The register
// map", docs/rtl.md "Registers"). It owns the start/done handshake; the controller owns the run.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_regs (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // AXI4-Lite slave
  input  logic                   s_axil_awvalid_i,
  output logic                   s_axil_awready_o,
  input  logic [odpu_pkg::RegAddrBits-1:0] s_axil_awaddr_i,
  input  logic                   s_axil_wvalid_i,
  output logic                   s_axil_wready_o,
  input  logic [31:0]            s_axil_wdata_i,
  input  logic [3:0]             s_axil_wstrb_i,
  output logic                   s_axil_bvalid_o,
  input  logic                   s_axil_bready_i,
  output logic [1:0]             s_axil_bresp_o,
  input  logic                   s_axil_arvalid_i,
  output logic                   s_axil_arready_o,
  input  logic [odpu_pkg::RegAddrBits-1:0] s_axil_araddr_i,
  output logic                   s_axil_rvalid_o,
  input  logic                   s_axil_rready_i,
  output logic [31:0]            s_axil_rdata_o,
  output logic [1:0]             s_axil_rresp_o,
  output logic                   irq_o,        // GIE & |ISR
  // To the controller: one start pulse per run and the input arguments (latched at start);
  // abort_o is a level the controller also watches during a run.
  output logic                   start_o,
  output logic [63:0]            insn_base_o,
  output logic [31:0]            insn_count_o,
  output logic [63:0]            ddr_base_o,
  output logic [63:0]            ddr_size_o,
  output logic [31:0]            watchdog_o,
  output logic                   abort_o,
  // From the controller: the end of a run (whatever its outcome) and the output arguments.
  input  logic                   finish_i,     // pulse: the run started by start_o ended
  input  logic [31:0]            err_code_i,
  input  logic [31:0]            err_index_i,
  input  logic [63:0]            cycles_i,
  input  logic [31:0]            busy_load_i,
  input  logic [31:0]            busy_compute_i,
  input  logic [31:0]            busy_store_i,
  input  logic [31:0]            stall_dep_i,
  input  logic [31:0]            stall_ddr_i,
  input  logic [31:0]            insn_done_i
);
  localparam logic [1:0] RespOkay = 2'b00;
  localparam int WordAddrBits = odpu_pkg::RegAddrBits - 2; // registers are 32-bit words
  localparam int StrbBits = 4;
  localparam int ByteBits = 8;
  localparam int IrqBits = 2;                    // IER and ISR: ap_done, ap_ready
  // The byte lane of each AP_CTRL/GIE/IER/ISR bit a write looks at.
  localparam int ApStartLane = odpu_pkg::ApStartBit / ByteBits;
  localparam int ApAutoRestartLane = odpu_pkg::ApAutoRestartBit / ByteBits;
  localparam int GieLane = odpu_pkg::GieEnableBit / ByteBits;
  localparam int IrqDoneLane = odpu_pkg::IrqDoneBit / ByteBits;
  localparam int IrqReadyLane = odpu_pkg::IrqReadyBit / ByteBits;

  // Registers are word-aligned: the byte-lane bits of an address select nothing.
  logic unused_addr_lsbs;
  assign unused_addr_lsbs = ^{s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0]};

  // Word index of each register (byte offset / 4).
  function automatic logic [WordAddrBits-1:0] widx(int offset);
    widx = WordAddrBits'(offset / StrbBits);
  endfunction

  // ---- State -----------------------------------------------------------------------------
  // ap_ctrl_hs: ap_start (requested), the run going, ap_done/ap_ready (sticky until AP_CTRL
  // is read), auto_restart; GIE, IER, ISR.
  logic               ap_start_q, ap_start_d, running_q, running_d;
  logic               ap_done_q, ap_done_d, ap_ready_q, ap_ready_d;
  logic               auto_restart_q, auto_restart_d, gie_q, gie_d;
  logic [IrqBits-1:0] ier_q, ier_d, isr_q, isr_d;
  // Input arguments, one 32-bit word each.
  logic [31:0] insn_base_lo_q, insn_base_hi_q, insn_count_q, ddr_base_lo_q, ddr_base_hi_q;
  logic [31:0] ddr_size_lo_q, ddr_size_hi_q, watchdog_q, abort_q;
  logic [31:0] insn_base_lo_d, insn_base_hi_d, insn_count_d, ddr_base_lo_d, ddr_base_hi_d;
  logic [31:0] ddr_size_lo_d, ddr_size_hi_d, watchdog_d, abort_d;

  // ---- Write channel: AW and W may arrive in either order; each is held until both are there.
  logic                    aw_held_q, aw_held_d, w_held_q, w_held_d, bvalid_q, bvalid_d;
  logic [WordAddrBits-1:0] aw_addr_q, aw_addr_d;
  logic [31:0]             w_data_q, w_data_d;
  logic [3:0]              w_strb_q, w_strb_d;
  logic                    do_write;
  logic [31:0]             wmask;

  assign s_axil_awready_o = !aw_held_q;
  assign s_axil_wready_o  = !w_held_q;
  assign s_axil_bvalid_o  = bvalid_q;
  assign s_axil_bresp_o   = RespOkay;
  // A write completes once both halves are held and the previous response was taken.
  assign do_write = aw_held_q && w_held_q && !bvalid_q;

  always_comb begin
    for (int b = 0; b < StrbBits; b++) begin
      wmask[b*ByteBits +: ByteBits] = {ByteBits{w_strb_q[b]}};
    end
  end

  // ---- Read channel: one outstanding read, data registered at the AR handshake.
  logic                    rvalid_q, rvalid_d, read_hs, read_ap_ctrl;
  logic [WordAddrBits-1:0] ar_word;
  logic [31:0]             rdata_q, rdata_d, rdata_mux, ap_ctrl;

  assign s_axil_arready_o = !rvalid_q;
  assign s_axil_rvalid_o  = rvalid_q;
  assign s_axil_rdata_o   = rdata_q;
  assign s_axil_rresp_o   = RespOkay;
  assign ar_word          = s_axil_araddr_i[odpu_pkg::RegAddrBits-1:2];
  assign read_hs          = s_axil_arvalid_i && !rvalid_q;
  assign read_ap_ctrl     = read_hs && (ar_word == widx(odpu_pkg::RegApCtrlOffset));

  always_comb begin
    ap_ctrl = '0;
    ap_ctrl[odpu_pkg::ApStartBit]       = ap_start_q;
    ap_ctrl[odpu_pkg::ApDoneBit]        = ap_done_q;
    ap_ctrl[odpu_pkg::ApIdleBit]        = !running_q;
    ap_ctrl[odpu_pkg::ApReadyBit]       = ap_ready_q;
    ap_ctrl[odpu_pkg::ApAutoRestartBit] = auto_restart_q;
    ap_ctrl[odpu_pkg::ApInterruptBit]   = irq_o;
  end

  always_comb begin
    rdata_mux = '0;  // reserved words and offsets no register lives at read 0
    unique case (ar_word)
      widx(odpu_pkg::RegApCtrlOffset): rdata_mux = ap_ctrl;
      widx(odpu_pkg::RegGieOffset): rdata_mux[odpu_pkg::GieEnableBit] = gie_q;
      widx(odpu_pkg::RegIerOffset): rdata_mux[IrqBits-1:0] = ier_q;
      widx(odpu_pkg::RegIsrOffset): rdata_mux[IrqBits-1:0] = isr_q;
      widx(odpu_pkg::RegInsnBaseLoOffset): rdata_mux = insn_base_lo_q;
      widx(odpu_pkg::RegInsnBaseHiOffset): rdata_mux = insn_base_hi_q;
      widx(odpu_pkg::RegInsnCountOffset): rdata_mux = insn_count_q;
      widx(odpu_pkg::RegDdrBaseLoOffset): rdata_mux = ddr_base_lo_q;
      widx(odpu_pkg::RegDdrBaseHiOffset): rdata_mux = ddr_base_hi_q;
      widx(odpu_pkg::RegDdrSizeLoOffset): rdata_mux = ddr_size_lo_q;
      widx(odpu_pkg::RegDdrSizeHiOffset): rdata_mux = ddr_size_hi_q;
      widx(odpu_pkg::RegWatchdogOffset): rdata_mux = watchdog_q;
      widx(odpu_pkg::RegAbortOffset): rdata_mux = abort_q;
      widx(odpu_pkg::RegMagicOffset): rdata_mux = odpu_pkg::Magic;
      widx(odpu_pkg::RegVersionOffset): rdata_mux = odpu_pkg::IsaVersion;
      widx(odpu_pkg::RegFingerprintLoOffset): rdata_mux = ArchFingerprintLo;
      widx(odpu_pkg::RegFingerprintHiOffset): rdata_mux = ArchFingerprintHi;
      widx(odpu_pkg::RegErrCodeOffset): rdata_mux = err_code_i;
      widx(odpu_pkg::RegErrIndexOffset): rdata_mux = err_index_i;
      widx(odpu_pkg::RegInsnDoneOffset): rdata_mux = insn_done_i;
      widx(odpu_pkg::RegCyclesLoOffset): rdata_mux = cycles_i[31:0];
      widx(odpu_pkg::RegCyclesHiOffset): rdata_mux = cycles_i[63:32];
      widx(odpu_pkg::RegBusyLoadOffset): rdata_mux = busy_load_i;
      widx(odpu_pkg::RegBusyComputeOffset): rdata_mux = busy_compute_i;
      widx(odpu_pkg::RegBusyStoreOffset): rdata_mux = busy_store_i;
      widx(odpu_pkg::RegStallDepOffset): rdata_mux = stall_dep_i;
      widx(odpu_pkg::RegStallDdrOffset): rdata_mux = stall_ddr_i;
      default: rdata_mux = '0;
    endcase
  end

  always_comb begin
    rvalid_d = rvalid_q;
    rdata_d  = rdata_q;
    if (rvalid_q && s_axil_rready_i) begin
      rvalid_d = 1'b0;
    end
    if (read_hs) begin
      rvalid_d = 1'b1;
      rdata_d  = rdata_mux;
    end
  end

  // Masked update of a 32-bit RW register.
  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] data, logic [31:0] mask);
    merge = (old & ~mask) | (data & mask);
  endfunction

  // ---- Writes and the run handshake ------------------------------------------------------
  always_comb begin
    aw_held_d      = aw_held_q;
    aw_addr_d      = aw_addr_q;
    w_held_d       = w_held_q;
    w_data_d       = w_data_q;
    w_strb_d       = w_strb_q;
    bvalid_d       = bvalid_q;
    ap_start_d     = ap_start_q;
    running_d      = running_q;
    ap_done_d      = ap_done_q;
    ap_ready_d     = ap_ready_q;
    auto_restart_d = auto_restart_q;
    gie_d          = gie_q;
    ier_d          = ier_q;
    isr_d          = isr_q;
    insn_base_lo_d = insn_base_lo_q;
    insn_base_hi_d = insn_base_hi_q;
    insn_count_d   = insn_count_q;
    ddr_base_lo_d  = ddr_base_lo_q;
    ddr_base_hi_d  = ddr_base_hi_q;
    ddr_size_lo_d  = ddr_size_lo_q;
    ddr_size_hi_d  = ddr_size_hi_q;
    watchdog_d     = watchdog_q;
    abort_d        = abort_q;

    if (s_axil_awvalid_i && !aw_held_q) begin
      aw_held_d = 1'b1;
      aw_addr_d = s_axil_awaddr_i[odpu_pkg::RegAddrBits-1:2];
    end
    if (s_axil_wvalid_i && !w_held_q) begin
      w_held_d = 1'b1;
      w_data_d = s_axil_wdata_i;
      w_strb_d = s_axil_wstrb_i;
    end
    if (bvalid_q && s_axil_bready_i) begin
      bvalid_d = 1'b0;
    end

    // A run starts when ap_start is set and none is going: one start_o per run, however
    // long ap_start stays 1.
    if (start_o) begin
      running_d = 1'b1;
    end
    // The end of a run: ap_start falls unless auto_restart keeps it (then the next run
    // starts the cycle after); the interrupt status bits enabled in IER are set.
    if (finish_i) begin
      running_d  = 1'b0;
      ap_start_d = auto_restart_q;
    end
    // Reading AP_CTRL clears ap_done and ap_ready; the run's end below is applied after it,
    // so an end in the cycle of the read is not lost.
    if (read_ap_ctrl) begin
      ap_done_d  = 1'b0;
      ap_ready_d = 1'b0;
    end

    if (do_write) begin
      aw_held_d = 1'b0;
      w_held_d  = 1'b0;
      bvalid_d  = 1'b1;
      unique case (aw_addr_q)
        widx(odpu_pkg::RegApCtrlOffset): begin
          // A written 1 sets ap_start (a 0 does not clear it); every write of the byte sets
          // auto_restart. The other bits are read-only.
          if (w_strb_q[ApStartLane] && w_data_q[odpu_pkg::ApStartBit]) begin
            ap_start_d = 1'b1;
          end
          if (w_strb_q[ApAutoRestartLane]) begin
            auto_restart_d = w_data_q[odpu_pkg::ApAutoRestartBit];
          end
        end
        widx(odpu_pkg::RegGieOffset): begin
          if (w_strb_q[GieLane]) begin
            gie_d = w_data_q[odpu_pkg::GieEnableBit];
          end
        end
        widx(odpu_pkg::RegIerOffset): begin
          if (w_strb_q[IrqDoneLane]) begin
            ier_d[odpu_pkg::IrqDoneBit] = w_data_q[odpu_pkg::IrqDoneBit];
          end
          if (w_strb_q[IrqReadyLane]) begin
            ier_d[odpu_pkg::IrqReadyBit] = w_data_q[odpu_pkg::IrqReadyBit];
          end
        end
        widx(odpu_pkg::RegIsrOffset): begin
          // Toggle on write: a written 1 flips the bit.
          if (w_strb_q[IrqDoneLane]) begin
            isr_d[odpu_pkg::IrqDoneBit] ^= w_data_q[odpu_pkg::IrqDoneBit];
          end
          if (w_strb_q[IrqReadyLane]) begin
            isr_d[odpu_pkg::IrqReadyBit] ^= w_data_q[odpu_pkg::IrqReadyBit];
          end
        end
        widx(odpu_pkg::RegInsnBaseLoOffset): insn_base_lo_d = merge(insn_base_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegInsnBaseHiOffset): insn_base_hi_d = merge(insn_base_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegInsnCountOffset): insn_count_d = merge(insn_count_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrBaseLoOffset): ddr_base_lo_d = merge(ddr_base_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrBaseHiOffset): ddr_base_hi_d = merge(ddr_base_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrSizeLoOffset): ddr_size_lo_d = merge(ddr_size_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrSizeHiOffset): ddr_size_hi_d = merge(ddr_size_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegWatchdogOffset): watchdog_d = merge(watchdog_q, w_data_q, wmask);
        widx(odpu_pkg::RegAbortOffset): abort_d = merge(abort_q, w_data_q, wmask);
        default: ;  // output arguments, reserved words and unknown offsets ignore writes
      endcase
    end

    // The end of a run wins over a read of AP_CTRL and a toggle of ISR in the same cycle.
    if (finish_i) begin
      ap_done_d  = 1'b1;
      ap_ready_d = 1'b1;
      isr_d      = isr_d | ier_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      aw_held_q      <= 1'b0;
      aw_addr_q      <= '0;
      w_held_q       <= 1'b0;
      w_data_q       <= '0;
      w_strb_q       <= '0;
      bvalid_q       <= 1'b0;
      rvalid_q       <= 1'b0;
      rdata_q        <= '0;
      ap_start_q     <= 1'b0;
      running_q      <= 1'b0;
      ap_done_q      <= 1'b0;
      ap_ready_q     <= 1'b0;
      auto_restart_q <= 1'b0;
      gie_q          <= 1'b0;
      ier_q          <= '0;
      isr_q          <= '0;
      insn_base_lo_q <= '0;
      insn_base_hi_q <= '0;
      insn_count_q   <= '0;
      ddr_base_lo_q  <= '0;
      ddr_base_hi_q  <= '0;
      ddr_size_lo_q  <= '0;
      ddr_size_hi_q  <= '0;
      watchdog_q     <= '0;
      abort_q        <= '0;
    end else begin
      aw_held_q      <= aw_held_d;
      aw_addr_q      <= aw_addr_d;
      w_held_q       <= w_held_d;
      w_data_q       <= w_data_d;
      w_strb_q       <= w_strb_d;
      bvalid_q       <= bvalid_d;
      rvalid_q       <= rvalid_d;
      rdata_q        <= rdata_d;
      ap_start_q     <= ap_start_d;
      running_q      <= running_d;
      ap_done_q      <= ap_done_d;
      ap_ready_q     <= ap_ready_d;
      auto_restart_q <= auto_restart_d;
      gie_q          <= gie_d;
      ier_q          <= ier_d;
      isr_q          <= isr_d;
      insn_base_lo_q <= insn_base_lo_d;
      insn_base_hi_q <= insn_base_hi_d;
      insn_count_q   <= insn_count_d;
      ddr_base_lo_q  <= ddr_base_lo_d;
      ddr_base_hi_q  <= ddr_base_hi_d;
      ddr_size_lo_q  <= ddr_size_lo_d;
      ddr_size_hi_q  <= ddr_size_hi_d;
      watchdog_q     <= watchdog_d;
      abort_q        <= abort_d;
    end
  end

  assign start_o      = ap_start_q && !running_q;
  assign irq_o        = gie_q && (isr_q != '0);
  assign insn_base_o  = {insn_base_hi_q, insn_base_lo_q};
  assign insn_count_o = insn_count_q;
  assign ddr_base_o   = {ddr_base_hi_q, ddr_base_lo_q};
  assign ddr_size_o   = {ddr_size_hi_q, ddr_size_lo_q};
  assign watchdog_o   = watchdog_q;
  assign abort_o      = abort_q[odpu_pkg::AbortRequestBit];

  // ---- Assertions (docs/rtl.md "Assertions"): AXI4-Lite holds valid and payload until the
  // handshake on all five channels; the controller ends only a run this block started.
  `ODPU_ASSERT_HANDSHAKE(a_aw_stable, s_axil_awvalid_i, s_axil_awready_o, s_axil_awaddr_i,
      clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_w_stable, s_axil_wvalid_i, s_axil_wready_o,
      {s_axil_wdata_i, s_axil_wstrb_i}, clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_b_stable, s_axil_bvalid_o, s_axil_bready_i, s_axil_bresp_o,
      clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_ar_stable, s_axil_arvalid_i, s_axil_arready_o, s_axil_araddr_i,
      clk_i, !rst_ni)
  `ODPU_ASSERT_HANDSHAKE(a_r_stable, s_axil_rvalid_o, s_axil_rready_i,
      {s_axil_rdata_o, s_axil_rresp_o}, clk_i, !rst_ni)
  `ODPU_ASSERT(a_finish_in_run, !finish_i || running_q, clk_i, !rst_ni)
endmodule
`default_nettype wire
