// odpu_compute.sv - the compute engine core (docs/rtl.md "Engine core", "Compute engine"):
// executes CONV (odpu_conv_unit), POOL (odpu_pool_unit) and ELEW (odpu_elew_unit) one at a
// time and connects the active unit to the compute client ports of odpu_bufs. It never
// touches DDR, so stall_ddr_o is constantly 0.
`include "odpu_arch_params.vh"

module odpu_compute (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic                         start_i,
  input  logic [InsnBits-1:0]          insn_i,
  output logic                         done_o,
  output logic                         busy_o,
  output logic                         stall_ddr_o,
  // IBUF read
  output logic                         cp_ibuf_rd_valid_o,
  input  logic                         cp_ibuf_rd_ready_i,
  output logic [$clog2(IbufDepth)-1:0] cp_ibuf_rd_addr_o,
  input  logic                         cp_ibuf_rd_rvalid_i,
  input  logic [IbufWordBytes*8-1:0]   cp_ibuf_rd_rdata_i,
  // OBUF read and write
  output logic                         cp_obuf_rd_valid_o,
  input  logic                         cp_obuf_rd_ready_i,
  output logic [$clog2(ObufDepth)-1:0] cp_obuf_rd_addr_o,
  input  logic                         cp_obuf_rd_rvalid_i,
  input  logic [ObufWordBytes*8-1:0]   cp_obuf_rd_rdata_i,
  output logic                         cp_obuf_wr_valid_o,
  input  logic                         cp_obuf_wr_ready_i,
  output logic [$clog2(ObufDepth)-1:0] cp_obuf_wr_addr_o,
  output logic [ObufWordBytes*8-1:0]   cp_obuf_wr_data_o,
  output logic [ObufWordBytes-1:0]     cp_obuf_wr_strb_o,
  // WBUF read
  output logic                         cp_wbuf_rd_valid_o,
  input  logic                         cp_wbuf_rd_ready_i,
  output logic [$clog2(WbufDepth)-1:0] cp_wbuf_rd_addr_o,
  input  logic                         cp_wbuf_rd_rvalid_i,
  input  logic [WbufWordBytes*8-1:0]   cp_wbuf_rd_rdata_i,
  // PBUF read
  output logic                         cp_pbuf_rd_valid_o,
  input  logic                         cp_pbuf_rd_ready_i,
  output logic [$clog2(PbufDepth)-1:0] cp_pbuf_rd_addr_o,
  input  logic                         cp_pbuf_rd_rvalid_i,
  input  logic [PbufWordBytes*8-1:0]   cp_pbuf_rd_rdata_i,
  // ABUF read and write
  output logic                         cp_abuf_rd_valid_o,
  input  logic                         cp_abuf_rd_ready_i,
  output logic [$clog2(AbufDepth)-1:0] cp_abuf_rd_addr_o,
  input  logic                         cp_abuf_rd_rvalid_i,
  input  logic [AbufWordBytes*8-1:0]   cp_abuf_rd_rdata_i,
  output logic                         cp_abuf_wr_valid_o,
  input  logic                         cp_abuf_wr_ready_i,
  output logic [$clog2(AbufDepth)-1:0] cp_abuf_wr_addr_o,
  output logic [AbufWordBytes*8-1:0]   cp_abuf_wr_data_o,
  output logic [AbufWordBytes-1:0]     cp_abuf_wr_strb_o
);
  localparam int IAddr = $clog2(IbufDepth);
  localparam int OAddr = $clog2(ObufDepth);

  typedef enum logic [1:0] {UnitNone, UnitConv, UnitPool, UnitElew} unit_e;

  logic [3:0] opcode;
  unit_e      unit_q;
  logic       conv_start, pool_start, elew_start, odd_start;
  logic       conv_done, pool_done, elew_done, odd_done_q;

  assign opcode = insn_i[HdrOpcodeLsb +: HdrOpcodeWidth];
  assign conv_start = start_i && opcode == OpConv;
  assign pool_start = start_i && opcode == OpPool;
  assign elew_start = start_i && opcode == OpElew;
  // NOP and END never reach a core; anything else completes at once rather than hang.
  assign odd_start = start_i && !(opcode == OpConv || opcode == OpPool || opcode == OpElew);

  assign done_o = conv_done || pool_done || elew_done || odd_done_q;
  assign stall_ddr_o = 1'b0;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      unit_q <= UnitNone;
      busy_o <= 1'b0;
      odd_done_q <= 1'b0;
    end else begin
      odd_done_q <= odd_start;
      if (start_i) begin
        busy_o <= 1'b1;
        unit_q <= conv_start ? UnitConv : pool_start ? UnitPool : elew_start ? UnitElew : UnitNone;
      end else if (done_o) begin
        busy_o <= 1'b0;
        unit_q <= UnitNone;
      end
    end
  end

  // ---- CONV
  logic             cv_ibuf_valid, cv_obuf_wr_valid;
  logic [IAddr-1:0] cv_ibuf_addr;
  logic [OAddr-1:0] cv_obuf_wr_addr;
  logic [ObufWordBytes*8-1:0] cv_obuf_wr_data;
  logic             cv_idle;

  odpu_conv_unit u_conv (
    .clk_i, .rst_ni, .clear_i,
    .start_i          (conv_start),
    .insn_i,
    .done_o           (conv_done),
    .idle_o           (cv_idle),
    .ibuf_rd_valid_o  (cv_ibuf_valid),
    .ibuf_rd_ready_i  (cp_ibuf_rd_ready_i),
    .ibuf_rd_addr_o   (cv_ibuf_addr),
    .ibuf_rd_rvalid_i (cp_ibuf_rd_rvalid_i),
    .ibuf_rd_rdata_i  (cp_ibuf_rd_rdata_i),
    .wbuf_rd_valid_o  (cp_wbuf_rd_valid_o),
    .wbuf_rd_ready_i  (cp_wbuf_rd_ready_i),
    .wbuf_rd_addr_o   (cp_wbuf_rd_addr_o),
    .wbuf_rd_rvalid_i (cp_wbuf_rd_rvalid_i),
    .wbuf_rd_rdata_i  (cp_wbuf_rd_rdata_i),
    .pbuf_rd_valid_o  (cp_pbuf_rd_valid_o),
    .pbuf_rd_ready_i  (cp_pbuf_rd_ready_i),
    .pbuf_rd_addr_o   (cp_pbuf_rd_addr_o),
    .pbuf_rd_rvalid_i (cp_pbuf_rd_rvalid_i),
    .pbuf_rd_rdata_i  (cp_pbuf_rd_rdata_i),
    .abuf_rd_valid_o  (cp_abuf_rd_valid_o),
    .abuf_rd_ready_i  (cp_abuf_rd_ready_i),
    .abuf_rd_addr_o   (cp_abuf_rd_addr_o),
    .abuf_rd_rvalid_i (cp_abuf_rd_rvalid_i),
    .abuf_rd_rdata_i  (cp_abuf_rd_rdata_i),
    .abuf_wr_valid_o  (cp_abuf_wr_valid_o),
    .abuf_wr_ready_i  (cp_abuf_wr_ready_i),
    .abuf_wr_addr_o   (cp_abuf_wr_addr_o),
    .abuf_wr_data_o   (cp_abuf_wr_data_o),
    .obuf_wr_valid_o  (cv_obuf_wr_valid),
    .obuf_wr_ready_i  (cp_obuf_wr_ready_i),
    .obuf_wr_addr_o   (cv_obuf_wr_addr),
    .obuf_wr_data_o   (cv_obuf_wr_data)
  );
  assign cp_abuf_wr_strb_o = '1;

  // ---- POOL
  logic             pl_ibuf_valid, pl_obuf_rd_valid, pl_obuf_wr_valid;
  logic [IAddr-1:0] pl_ibuf_addr;
  logic [OAddr-1:0] pl_obuf_rd_addr, pl_obuf_wr_addr;
  logic [ObufWordBytes*8-1:0] pl_obuf_wr_data;

  odpu_pool_unit u_pool (
    .clk_i, .rst_ni, .clear_i,
    .start_i          (pool_start),
    .insn_i,
    .done_o           (pool_done),
    .ibuf_rd_valid_o  (pl_ibuf_valid),
    .ibuf_rd_ready_i  (cp_ibuf_rd_ready_i),
    .ibuf_rd_addr_o   (pl_ibuf_addr),
    .ibuf_rd_rdata_i  (cp_ibuf_rd_rdata_i),
    .obuf_rd_valid_o  (pl_obuf_rd_valid),
    .obuf_rd_ready_i  (cp_obuf_rd_ready_i),
    .obuf_rd_addr_o   (pl_obuf_rd_addr),
    .obuf_rd_rdata_i  (cp_obuf_rd_rdata_i),
    .obuf_wr_valid_o  (pl_obuf_wr_valid),
    .obuf_wr_ready_i  (cp_obuf_wr_ready_i),
    .obuf_wr_addr_o   (pl_obuf_wr_addr),
    .obuf_wr_data_o   (pl_obuf_wr_data)
  );

  // ---- ELEW
  logic             el_ibuf_valid, el_obuf_rd_valid, el_obuf_wr_valid;
  logic [IAddr-1:0] el_ibuf_addr;
  logic [OAddr-1:0] el_obuf_rd_addr, el_obuf_wr_addr;
  logic [ObufWordBytes*8-1:0] el_obuf_wr_data;

  odpu_elew_unit u_elew (
    .clk_i, .rst_ni, .clear_i,
    .start_i          (elew_start),
    .insn_i,
    .done_o           (elew_done),
    .ibuf_rd_valid_o  (el_ibuf_valid),
    .ibuf_rd_ready_i  (cp_ibuf_rd_ready_i),
    .ibuf_rd_addr_o   (el_ibuf_addr),
    .ibuf_rd_rdata_i  (cp_ibuf_rd_rdata_i),
    .obuf_rd_valid_o  (el_obuf_rd_valid),
    .obuf_rd_ready_i  (cp_obuf_rd_ready_i),
    .obuf_rd_addr_o   (el_obuf_rd_addr),
    .obuf_rd_rdata_i  (cp_obuf_rd_rdata_i),
    .obuf_wr_valid_o  (el_obuf_wr_valid),
    .obuf_wr_ready_i  (cp_obuf_wr_ready_i),
    .obuf_wr_addr_o   (el_obuf_wr_addr),
    .obuf_wr_data_o   (el_obuf_wr_data)
  );

  // ---- Shared ports: only the active unit drives them (the others are idle, valid 0).
  always_comb begin
    cp_ibuf_rd_valid_o = 1'b0;
    cp_ibuf_rd_addr_o = '0;
    cp_obuf_rd_valid_o = 1'b0;
    cp_obuf_rd_addr_o = '0;
    cp_obuf_wr_valid_o = 1'b0;
    cp_obuf_wr_addr_o = '0;
    cp_obuf_wr_data_o = '0;
    unique case (unit_q)
      UnitConv: begin
        cp_ibuf_rd_valid_o = cv_ibuf_valid;
        cp_ibuf_rd_addr_o = cv_ibuf_addr;
        cp_obuf_wr_valid_o = cv_obuf_wr_valid;
        cp_obuf_wr_addr_o = cv_obuf_wr_addr;
        cp_obuf_wr_data_o = cv_obuf_wr_data;
      end
      UnitPool: begin
        cp_ibuf_rd_valid_o = pl_ibuf_valid;
        cp_ibuf_rd_addr_o = pl_ibuf_addr;
        cp_obuf_rd_valid_o = pl_obuf_rd_valid;
        cp_obuf_rd_addr_o = pl_obuf_rd_addr;
        cp_obuf_wr_valid_o = pl_obuf_wr_valid;
        cp_obuf_wr_addr_o = pl_obuf_wr_addr;
        cp_obuf_wr_data_o = pl_obuf_wr_data;
      end
      UnitElew: begin
        cp_ibuf_rd_valid_o = el_ibuf_valid;
        cp_ibuf_rd_addr_o = el_ibuf_addr;
        cp_obuf_rd_valid_o = el_obuf_rd_valid;
        cp_obuf_rd_addr_o = el_obuf_rd_addr;
        cp_obuf_wr_valid_o = el_obuf_wr_valid;
        cp_obuf_wr_addr_o = el_obuf_wr_addr;
        cp_obuf_wr_data_o = el_obuf_wr_data;
      end
      default: ;
    endcase
  end
  assign cp_obuf_wr_strb_o = '1;

  logic unused_compute;
  assign unused_compute = ^{cv_idle, cp_obuf_rd_rvalid_i};
endmodule
