// odpu_buf_port.sv - one buffer with its client arbitration: NWr writers and NRd readers
// share the single write and read port of an odpu_buf_ram, each round-robin.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_buf_port #(
  parameter int Depth     = 1024,
  parameter int WordBytes = 4,
  parameter int Banks     = 1,
  parameter int NWr       = 1,
  parameter int NRd       = 1,
  localparam int AddrBits = $clog2(Depth),
  localparam int WordBits = WordBytes * 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Client i of a vector is field i (bits [i*Width +: Width]).
  input  logic [NWr-1:0]           wr_valid_i,
  output logic [NWr-1:0]           wr_ready_o,
  input  logic [NWr*AddrBits-1:0]  wr_addr_i,
  input  logic [NWr*WordBits-1:0]  wr_data_i,
  input  logic [NWr*WordBytes-1:0] wr_strb_i,
  input  logic [NRd-1:0]           rd_valid_i,
  output logic [NRd-1:0]           rd_ready_o,
  input  logic [NRd*AddrBits-1:0]  rd_addr_i,
  output logic [NRd-1:0]           rd_rvalid_o,  // to the client served last cycle
  output logic [WordBits-1:0]      rd_rdata_o    // shared by all readers
);
  logic [NWr-1:0] wr_gnt;
  logic [NRd-1:0] rd_gnt, rd_gnt_q;

  odpu_rr_arb #(.N(NWr)) u_wr_arb (
    .clk_i, .rst_ni, .req_i(wr_valid_i), .en_i(1'b1), .gnt_o(wr_gnt)
  );
  odpu_rr_arb #(.N(NRd)) u_rd_arb (
    .clk_i, .rst_ni, .req_i(rd_valid_i), .en_i(1'b1), .gnt_o(rd_gnt)
  );
  assign wr_ready_o = wr_gnt;
  assign rd_ready_o = rd_gnt;

  // Port multiplexers over the granted client (grants are one-hot or zero; with no grant
  // the port is disabled and what it sees does not matter). A loop over constant slices
  // rather than a part-select at a variable index, which Yosys builds as a barrel shifter
  // over all NWr * WordBits bits.
  logic [AddrBits-1:0]  wr_addr, rd_addr;
  logic [WordBits-1:0]  wr_data;
  logic [WordBytes-1:0] wr_strb;

  always_comb begin
    wr_addr = wr_addr_i[0 +: AddrBits];
    wr_data = wr_data_i[0 +: WordBits];
    wr_strb = wr_strb_i[0 +: WordBytes];
    for (int i = 1; i < NWr; i++) begin
      if (wr_gnt[i]) begin
        wr_addr = wr_addr_i[i*AddrBits +: AddrBits];
        wr_data = wr_data_i[i*WordBits +: WordBits];
        wr_strb = wr_strb_i[i*WordBytes +: WordBytes];
      end
    end
    rd_addr = rd_addr_i[0 +: AddrBits];
    for (int i = 1; i < NRd; i++) begin
      if (rd_gnt[i]) begin
        rd_addr = rd_addr_i[i*AddrBits +: AddrBits];
      end
    end
  end

  odpu_buf_ram #(.Depth(Depth), .WordBytes(WordBytes), .Banks(Banks)) u_ram (
    .clk_i,
    .wr_en_i   (|wr_gnt),
    .wr_addr_i (wr_addr),
    .wr_data_i (wr_data),
    .wr_strb_i (wr_strb),
    .rd_en_i   (|rd_gnt),
    .rd_addr_i (rd_addr),
    .rd_data_o (rd_rdata_o)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_gnt_q <= '0;
    end else begin
      rd_gnt_q <= rd_gnt;
    end
  end
  assign rd_rvalid_o = rd_gnt_q;

  // ---- Assertions (docs/rtl.md "Assertions"): every client keeps its request and
  // its address (and write data) until granted.
  for (genvar i = 0; i < NWr; i++) begin : g_wr_assert
    `ODPU_ASSERT_HANDSHAKE(a_wr_stable, wr_valid_i[i], wr_ready_o[i],
        {wr_addr_i[i*AddrBits +: AddrBits], wr_data_i[i*WordBits +: WordBits],
         wr_strb_i[i*WordBytes +: WordBytes]}, clk_i, !rst_ni)
  end
  for (genvar i = 0; i < NRd; i++) begin : g_rd_assert
    `ODPU_ASSERT_HANDSHAKE(a_rd_stable, rd_valid_i[i], rd_ready_o[i],
        rd_addr_i[i*AddrBits +: AddrBits], clk_i, !rst_ni)
  end
endmodule
`default_nettype wire
