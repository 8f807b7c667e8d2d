// odpu_buf_ram.sv - one on-chip buffer: simple-dual-port RAM (one write, one read port),
// banked by the low address bits, byte write enables, one-cycle registered read.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_buf_ram #(
  parameter int Depth     = 1024,  // words, a multiple of Banks
  parameter int WordBytes = 4,
  parameter int Banks     = 1,     // power of two
  localparam int AddrBits = $clog2(Depth),
  localparam int WordBits = WordBytes * 8
) (
  input  logic                 clk_i,
  input  logic                 wr_en_i,
  input  logic [AddrBits-1:0]  wr_addr_i,
  input  logic [WordBits-1:0]  wr_data_i,
  input  logic [WordBytes-1:0] wr_strb_i,
  input  logic                 rd_en_i,
  input  logic [AddrBits-1:0]  rd_addr_i,
  output logic [WordBits-1:0]  rd_data_o   // the word of rd_addr_i, the cycle after rd_en_i
);
  // Each bank is a plain memory array with a registered read, the pattern Yosys maps to
  // block RAM; consecutive words sit in different banks, so each bank is a narrow-deep
  // array of Depth / Banks words as the physical RAM count in docs/arch.md assumes.
  localparam int BankBits  = (Banks > 1) ? $clog2(Banks) : 1;
  localparam int BankDepth = Depth / Banks;
  localparam int RowBits   = (BankDepth > 1) ? $clog2(BankDepth) : 1;

  logic [Banks*WordBits-1:0] bank_rdata;  // bank b at [b*WordBits +: WordBits]
  logic [BankBits-1:0] rd_bank_q;

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [WordBits-1:0] mem [BankDepth];
    logic [WordBits-1:0] rdata_q;
    logic                wr_here, rd_here;
    logic [RowBits-1:0]  wr_row, rd_row;

    if (Banks > 1) begin : g_sel
      assign wr_here = wr_en_i && (wr_addr_i[BankBits-1:0] == BankBits'(b));
      assign rd_here = rd_en_i && (rd_addr_i[BankBits-1:0] == BankBits'(b));
      assign wr_row  = RowBits'(wr_addr_i >> BankBits);
      assign rd_row  = RowBits'(rd_addr_i >> BankBits);
    end else begin : g_one
      assign wr_here = wr_en_i;
      assign rd_here = rd_en_i;
      assign wr_row  = RowBits'(wr_addr_i);
      assign rd_row  = RowBits'(rd_addr_i);
    end

    // Byte enables as a merge of the new bytes into the addressed word: Yosys turns this
    // feedback from the memory through multiplexers into write enables (opt_mem_feedback).
    // (Verilator does not support non-blocking writes to an array inside a loop, and a
    // merge evaluated only at a write keeps the simulation fast for 2 KiB words.)
    always_ff @(posedge clk_i) begin
      if (wr_here) begin
        logic [WordBits-1:0] merged;
        merged = mem[wr_row];
        for (int i = 0; i < WordBytes; i++) begin
          if (wr_strb_i[i]) begin
            merged[i*8 +: 8] = wr_data_i[i*8 +: 8];
          end
        end
        mem[wr_row] <= merged;
      end
    end

    always_ff @(posedge clk_i) begin
      if (rd_here) begin
        rdata_q <= mem[rd_row];
      end
    end
    assign bank_rdata[b*WordBits +: WordBits] = rdata_q;
  end

  // The read data of the bank that was addressed last cycle.
  if (Banks > 1) begin : g_rsel
    always_ff @(posedge clk_i) begin
      if (rd_en_i) begin
        rd_bank_q <= rd_addr_i[BankBits-1:0];
      end
    end
  end else begin : g_rone
    assign rd_bank_q = '0;
  end
  // A mux with constant bank slices: a variable part-select (bank_rdata[rd_bank_q*WordBits
  // +: WordBits]) is a shifter over Banks * WordBits bits, which Yosys builds as a full
  // barrel shifter (17 stages of 128 Kbit for the b4096 WBUF) before it can optimize it.
  always_comb begin
    rd_data_o = bank_rdata[0 +: WordBits];
    for (int b = 1; b < Banks; b++) begin
      if (rd_bank_q == BankBits'(b)) begin
        rd_data_o = bank_rdata[b*WordBits +: WordBits];
      end
    end
  end

`ifndef SYNTHESIS
  // A config the banking cannot represent is refused at the start of simulation.
  initial begin
    if (Depth % Banks != 0 || (Banks & (Banks - 1)) != 0) begin
      $fatal(1, "odpu_buf_ram: Depth %0d not a multiple of the power-of-two Banks %0d",
             Depth, Banks);
    end
  end
`endif
endmodule
`default_nettype wire
