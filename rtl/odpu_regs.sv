// odpu_regs - the AXI4-Lite slave holding the control and status registers of
// isa/regs.def (docs/hal.md "The register map"); the controller owns the run state.
`include "odpu_arch_params.vh"

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
  output logic                   irq_o,
  // To the controller: the run's configuration and the START pulse.
  output logic                   start_o,
  output logic [63:0]            insn_base_o,
  output logic [31:0]            insn_count_o,
  output logic [63:0]            ddr_base_o,
  output logic [63:0]            ddr_size_o,
  output logic [31:0]            watchdog_o,
  // From the controller: run state, result and counters.
  input  logic                   busy_i,
  input  logic                   done_i,       // pulse: the run ended with END
  input  logic                   error_i,      // pulse: the run ended with an error
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

  // Registers are word-aligned: the byte-lane bits of an address select nothing.
  logic unused_addr_lsbs;
  assign unused_addr_lsbs = ^{s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0]};

  // Word index of each register (byte offset / 4).
  function automatic logic [WordAddrBits-1:0] widx(int offset);
    widx = WordAddrBits'(offset / StrbBits);
  endfunction

  logic        irq_en_q, irq_en_d;
  logic        done_q, done_d, error_q, error_d;
  logic [31:0] insn_base_lo_q, insn_base_hi_q, insn_count_q, ddr_base_lo_q, ddr_base_hi_q;
  logic [31:0] ddr_size_lo_q, ddr_size_hi_q, watchdog_q;
  logic [31:0] insn_base_lo_d, insn_base_hi_d, insn_count_d, ddr_base_lo_d, ddr_base_hi_d;
  logic [31:0] ddr_size_lo_d, ddr_size_hi_d, watchdog_d;

  // Write channel: AW and W may arrive in either order; each is held until both are there.
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

  // Read channel: one outstanding read, data registered with the address.
  logic        rvalid_q, rvalid_d;
  logic [31:0] rdata_q, rdata_d, rdata_mux;

  assign s_axil_arready_o = !rvalid_q;
  assign s_axil_rvalid_o  = rvalid_q;
  assign s_axil_rdata_o   = rdata_q;
  assign s_axil_rresp_o   = RespOkay;

  always_comb begin
    rdata_mux = '0;  // offsets no register lives at read 0
    unique case (s_axil_araddr_i[odpu_pkg::RegAddrBits-1:2])
      widx(odpu_pkg::RegMagicOffset): rdata_mux = odpu_pkg::Magic;
      widx(odpu_pkg::RegVersionOffset): rdata_mux = odpu_pkg::IsaVersion;
      widx(odpu_pkg::RegFpLoOffset): rdata_mux = ArchFingerprintLo;
      widx(odpu_pkg::RegFpHiOffset): rdata_mux = ArchFingerprintHi;
      widx(odpu_pkg::RegCtrlOffset): rdata_mux[odpu_pkg::CtrlIrqEnBit] = irq_en_q;  // START reads 0
      widx(odpu_pkg::RegStatusOffset): begin
        rdata_mux[odpu_pkg::StatusBusyBit] = busy_i;
        rdata_mux[odpu_pkg::StatusDoneBit] = done_q;
        rdata_mux[odpu_pkg::StatusErrorBit] = error_q;
      end
      widx(odpu_pkg::RegErrCodeOffset): rdata_mux = err_code_i;
      widx(odpu_pkg::RegErrIndexOffset): rdata_mux = err_index_i;
      widx(odpu_pkg::RegInsnBaseLoOffset): rdata_mux = insn_base_lo_q;
      widx(odpu_pkg::RegInsnBaseHiOffset): rdata_mux = insn_base_hi_q;
      widx(odpu_pkg::RegInsnCountOffset): rdata_mux = insn_count_q;
      widx(odpu_pkg::RegDdrBaseLoOffset): rdata_mux = ddr_base_lo_q;
      widx(odpu_pkg::RegDdrBaseHiOffset): rdata_mux = ddr_base_hi_q;
      widx(odpu_pkg::RegDdrSizeLoOffset): rdata_mux = ddr_size_lo_q;
      widx(odpu_pkg::RegDdrSizeHiOffset): rdata_mux = ddr_size_hi_q;
      widx(odpu_pkg::RegWatchdogOffset): rdata_mux = watchdog_q;
      widx(odpu_pkg::RegCyclesLoOffset): rdata_mux = cycles_i[31:0];
      widx(odpu_pkg::RegCyclesHiOffset): rdata_mux = cycles_i[63:32];
      widx(odpu_pkg::RegBusyLoadOffset): rdata_mux = busy_load_i;
      widx(odpu_pkg::RegBusyComputeOffset): rdata_mux = busy_compute_i;
      widx(odpu_pkg::RegBusyStoreOffset): rdata_mux = busy_store_i;
      widx(odpu_pkg::RegStallDepOffset): rdata_mux = stall_dep_i;
      widx(odpu_pkg::RegStallDdrOffset): rdata_mux = stall_ddr_i;
      widx(odpu_pkg::RegInsnDoneOffset): rdata_mux = insn_done_i;
      default:                    rdata_mux = '0;
    endcase
  end

  always_comb begin
    rvalid_d = rvalid_q;
    rdata_d  = rdata_q;
    if (rvalid_q && s_axil_rready_i) begin
      rvalid_d = 1'b0;
    end
    if (s_axil_arvalid_i && !rvalid_q) begin
      rvalid_d = 1'b1;
      rdata_d  = rdata_mux;
    end
  end

  // Masked update of a 32-bit RW register.
  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] data, logic [31:0] mask);
    merge = (old & ~mask) | (data & mask);
  endfunction

  always_comb begin
    aw_held_d = aw_held_q;
    aw_addr_d = aw_addr_q;
    w_held_d  = w_held_q;
    w_data_d  = w_data_q;
    w_strb_d  = w_strb_q;
    bvalid_d  = bvalid_q;
    irq_en_d  = irq_en_q;
    done_d    = done_q;
    error_d   = error_q;
    insn_base_lo_d = insn_base_lo_q;
    insn_base_hi_d = insn_base_hi_q;
    insn_count_d   = insn_count_q;
    ddr_base_lo_d  = ddr_base_lo_q;
    ddr_base_hi_d  = ddr_base_hi_q;
    ddr_size_lo_d  = ddr_size_lo_q;
    ddr_size_hi_d  = ddr_size_hi_q;
    watchdog_d     = watchdog_q;
    start_o        = 1'b0;

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

    // The run ending sets its flag; a W1C in the same cycle cannot hide a new result
    // because it is applied first.
    if (do_write) begin
      aw_held_d = 1'b0;
      w_held_d  = 1'b0;
      bvalid_d  = 1'b1;
      unique case (aw_addr_q)
        widx(odpu_pkg::RegCtrlOffset): begin
          if (w_strb_q[odpu_pkg::CtrlIrqEnBit / ByteBits]) begin
            irq_en_d = w_data_q[odpu_pkg::CtrlIrqEnBit];
          end
          // START while a run is going is ignored: the run's registers stay consistent.
          if (w_strb_q[odpu_pkg::CtrlStartBit / ByteBits] && w_data_q[odpu_pkg::CtrlStartBit] && !busy_i) begin
            start_o = 1'b1;
            done_d  = 1'b0;
            error_d = 1'b0;
          end
        end
        widx(odpu_pkg::RegStatusOffset): begin
          if (w_strb_q[odpu_pkg::StatusDoneBit / ByteBits] && w_data_q[odpu_pkg::StatusDoneBit]) begin
            done_d = 1'b0;
          end
          if (w_strb_q[odpu_pkg::StatusErrorBit / ByteBits] && w_data_q[odpu_pkg::StatusErrorBit]) begin
            error_d = 1'b0;
          end
        end
        widx(odpu_pkg::RegInsnBaseLoOffset): insn_base_lo_d = merge(insn_base_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegInsnBaseHiOffset): insn_base_hi_d = merge(insn_base_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegInsnCountOffset): insn_count_d   = merge(insn_count_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrBaseLoOffset): ddr_base_lo_d  = merge(ddr_base_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrBaseHiOffset): ddr_base_hi_d  = merge(ddr_base_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrSizeLoOffset): ddr_size_lo_d  = merge(ddr_size_lo_q, w_data_q, wmask);
        widx(odpu_pkg::RegDdrSizeHiOffset): ddr_size_hi_d  = merge(ddr_size_hi_q, w_data_q, wmask);
        widx(odpu_pkg::RegWatchdogOffset): watchdog_d     = merge(watchdog_q, w_data_q, wmask);
        default: ;  // RO registers and unknown offsets ignore writes
      endcase
    end
    if (done_i) begin
      done_d = 1'b1;
    end
    if (error_i) begin
      error_d = 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      aw_held_q <= 1'b0;
      aw_addr_q <= '0;
      w_held_q  <= 1'b0;
      w_data_q  <= '0;
      w_strb_q  <= '0;
      bvalid_q  <= 1'b0;
      rvalid_q  <= 1'b0;
      rdata_q   <= '0;
      irq_en_q  <= 1'b0;
      done_q    <= 1'b0;
      error_q   <= 1'b0;
      insn_base_lo_q <= '0;
      insn_base_hi_q <= '0;
      insn_count_q   <= '0;
      ddr_base_lo_q  <= '0;
      ddr_base_hi_q  <= '0;
      ddr_size_lo_q  <= '0;
      ddr_size_hi_q  <= '0;
      watchdog_q     <= '0;
    end else begin
      aw_held_q <= aw_held_d;
      aw_addr_q <= aw_addr_d;
      w_held_q  <= w_held_d;
      w_data_q  <= w_data_d;
      w_strb_q  <= w_strb_d;
      bvalid_q  <= bvalid_d;
      rvalid_q  <= rvalid_d;
      rdata_q   <= rdata_d;
      irq_en_q  <= irq_en_d;
      done_q    <= done_d;
      error_q   <= error_d;
      insn_base_lo_q <= insn_base_lo_d;
      insn_base_hi_q <= insn_base_hi_d;
      insn_count_q   <= insn_count_d;
      ddr_base_lo_q  <= ddr_base_lo_d;
      ddr_base_hi_q  <= ddr_base_hi_d;
      ddr_size_lo_q  <= ddr_size_lo_d;
      ddr_size_hi_q  <= ddr_size_hi_d;
      watchdog_q     <= watchdog_d;
    end
  end

  assign irq_o        = (done_q | error_q) & irq_en_q;
  assign insn_base_o  = {insn_base_hi_q, insn_base_lo_q};
  assign insn_count_o = insn_count_q;
  assign ddr_base_o   = {ddr_base_hi_q, ddr_base_lo_q};
  assign ddr_size_o   = {ddr_size_hi_q, ddr_size_lo_q};
  assign watchdog_o   = watchdog_q;
endmodule
