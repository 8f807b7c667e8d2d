// odpu_bufs.sv - the five on-chip buffers (IBUF OBUF WBUF PBUF ABUF) with the client ports
// of docs/rtl.md: one write and one read port each, shared round-robin by the engines.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_bufs (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // IBUF: writers ld; readers cp, st
  input  logic                      ld_ibuf_wr_valid_i,
  output logic                      ld_ibuf_wr_ready_o,
  input  logic [$clog2(IbufDepth)-1:0]  ld_ibuf_wr_addr_i,
  input  logic [IbufWordBytes*8-1:0]  ld_ibuf_wr_data_i,
  input  logic [IbufWordBytes-1:0]  ld_ibuf_wr_strb_i,
  input  logic                      cp_ibuf_rd_valid_i,
  output logic                      cp_ibuf_rd_ready_o,
  input  logic [$clog2(IbufDepth)-1:0]  cp_ibuf_rd_addr_i,
  output logic                      cp_ibuf_rd_rvalid_o,
  output logic [IbufWordBytes*8-1:0]  cp_ibuf_rd_rdata_o,
  input  logic                      st_ibuf_rd_valid_i,
  output logic                      st_ibuf_rd_ready_o,
  input  logic [$clog2(IbufDepth)-1:0]  st_ibuf_rd_addr_i,
  output logic                      st_ibuf_rd_rvalid_o,
  output logic [IbufWordBytes*8-1:0]  st_ibuf_rd_rdata_o,
  // OBUF: writers ld, cp; readers cp, st
  input  logic                      ld_obuf_wr_valid_i,
  output logic                      ld_obuf_wr_ready_o,
  input  logic [$clog2(ObufDepth)-1:0]  ld_obuf_wr_addr_i,
  input  logic [ObufWordBytes*8-1:0]  ld_obuf_wr_data_i,
  input  logic [ObufWordBytes-1:0]  ld_obuf_wr_strb_i,
  input  logic                      cp_obuf_wr_valid_i,
  output logic                      cp_obuf_wr_ready_o,
  input  logic [$clog2(ObufDepth)-1:0]  cp_obuf_wr_addr_i,
  input  logic [ObufWordBytes*8-1:0]  cp_obuf_wr_data_i,
  input  logic [ObufWordBytes-1:0]  cp_obuf_wr_strb_i,
  input  logic                      cp_obuf_rd_valid_i,
  output logic                      cp_obuf_rd_ready_o,
  input  logic [$clog2(ObufDepth)-1:0]  cp_obuf_rd_addr_i,
  output logic                      cp_obuf_rd_rvalid_o,
  output logic [ObufWordBytes*8-1:0]  cp_obuf_rd_rdata_o,
  input  logic                      st_obuf_rd_valid_i,
  output logic                      st_obuf_rd_ready_o,
  input  logic [$clog2(ObufDepth)-1:0]  st_obuf_rd_addr_i,
  output logic                      st_obuf_rd_rvalid_o,
  output logic [ObufWordBytes*8-1:0]  st_obuf_rd_rdata_o,
  // WBUF: writers ld; readers cp
  input  logic                      ld_wbuf_wr_valid_i,
  output logic                      ld_wbuf_wr_ready_o,
  input  logic [$clog2(WbufPortDepth)-1:0]  ld_wbuf_wr_addr_i,
  input  logic [WbufPortBytes*8-1:0]  ld_wbuf_wr_data_i,
  input  logic [WbufPortBytes-1:0]  ld_wbuf_wr_strb_i,
  input  logic                      cp_wbuf_rd_valid_i,
  output logic                      cp_wbuf_rd_ready_o,
  input  logic [$clog2(WbufPortDepth)-1:0]  cp_wbuf_rd_addr_i,
  output logic                      cp_wbuf_rd_rvalid_o,
  output logic [WbufPortBytes*8-1:0]  cp_wbuf_rd_rdata_o,
  // PBUF: writers ld; readers cp
  input  logic                      ld_pbuf_wr_valid_i,
  output logic                      ld_pbuf_wr_ready_o,
  input  logic [$clog2(PbufDepth)-1:0]  ld_pbuf_wr_addr_i,
  input  logic [PbufWordBytes*8-1:0]  ld_pbuf_wr_data_i,
  input  logic [PbufWordBytes-1:0]  ld_pbuf_wr_strb_i,
  input  logic                      cp_pbuf_rd_valid_i,
  output logic                      cp_pbuf_rd_ready_o,
  input  logic [$clog2(PbufDepth)-1:0]  cp_pbuf_rd_addr_i,
  output logic                      cp_pbuf_rd_rvalid_o,
  output logic [PbufWordBytes*8-1:0]  cp_pbuf_rd_rdata_o,
  // ABUF: writers cp; readers cp
  input  logic                      cp_abuf_wr_valid_i,
  output logic                      cp_abuf_wr_ready_o,
  input  logic [$clog2(AbufDepth)-1:0]  cp_abuf_wr_addr_i,
  input  logic [AbufWordBytes*8-1:0]  cp_abuf_wr_data_i,
  input  logic [AbufWordBytes-1:0]  cp_abuf_wr_strb_i,
  input  logic                      cp_abuf_rd_valid_i,
  output logic                      cp_abuf_rd_ready_o,
  input  logic [$clog2(AbufDepth)-1:0]  cp_abuf_rd_addr_i,
  output logic                      cp_abuf_rd_rvalid_o,
  output logic [AbufWordBytes*8-1:0]  cp_abuf_rd_rdata_o
);
  // Buffers keep their contents across runs (docs/isa.md rule uninit): no clear input.
  // IBUF: index i of each packed client vector is the i-th client listed above.
  logic [IbufWordBytes*8-1:0]ibuf_rdata;
  odpu_buf_port #(
    .Depth(IbufDepth), .WordBytes(IbufWordBytes), .Banks(IbufBanks), .NWr(1), .NRd(2)
  ) u_ibuf (
    .clk_i, .rst_ni,
    .wr_valid_i  (ld_ibuf_wr_valid_i),
    .wr_ready_o  (ld_ibuf_wr_ready_o),
    .wr_addr_i   (ld_ibuf_wr_addr_i),
    .wr_data_i   (ld_ibuf_wr_data_i),
    .wr_strb_i   (ld_ibuf_wr_strb_i),
    .rd_valid_i  ({st_ibuf_rd_valid_i, cp_ibuf_rd_valid_i}),
    .rd_ready_o  ({st_ibuf_rd_ready_o, cp_ibuf_rd_ready_o}),
    .rd_addr_i   ({st_ibuf_rd_addr_i, cp_ibuf_rd_addr_i}),
    .rd_rvalid_o ({st_ibuf_rd_rvalid_o, cp_ibuf_rd_rvalid_o}),
    .rd_rdata_o  (ibuf_rdata)
  );
  assign cp_ibuf_rd_rdata_o = ibuf_rdata;
  assign st_ibuf_rd_rdata_o = ibuf_rdata;

  // OBUF: index i of each packed client vector is the i-th client listed above.
  logic [ObufWordBytes*8-1:0]obuf_rdata;
  odpu_buf_port #(
    .Depth(ObufDepth), .WordBytes(ObufWordBytes), .Banks(ObufBanks), .NWr(2), .NRd(2)
  ) u_obuf (
    .clk_i, .rst_ni,
    .wr_valid_i  ({cp_obuf_wr_valid_i, ld_obuf_wr_valid_i}),
    .wr_ready_o  ({cp_obuf_wr_ready_o, ld_obuf_wr_ready_o}),
    .wr_addr_i   ({cp_obuf_wr_addr_i, ld_obuf_wr_addr_i}),
    .wr_data_i   ({cp_obuf_wr_data_i, ld_obuf_wr_data_i}),
    .wr_strb_i   ({cp_obuf_wr_strb_i, ld_obuf_wr_strb_i}),
    .rd_valid_i  ({st_obuf_rd_valid_i, cp_obuf_rd_valid_i}),
    .rd_ready_o  ({st_obuf_rd_ready_o, cp_obuf_rd_ready_o}),
    .rd_addr_i   ({st_obuf_rd_addr_i, cp_obuf_rd_addr_i}),
    .rd_rvalid_o ({st_obuf_rd_rvalid_o, cp_obuf_rd_rvalid_o}),
    .rd_rdata_o  (obuf_rdata)
  );
  assign cp_obuf_rd_rdata_o = obuf_rdata;
  assign st_obuf_rd_rdata_o = obuf_rdata;

  // WBUF: addressed in port-wide pieces, weight_load_cycles of them per weight word
  // (docs/rtl.md, "Weight loading"), so the RAM is that much narrower and deeper.
  logic [WbufPortBytes*8-1:0]wbuf_rdata;
  odpu_buf_port #(
    .Depth(WbufPortDepth), .WordBytes(WbufPortBytes), .Banks(WbufBanks), .NWr(1), .NRd(1)
  ) u_wbuf (
    .clk_i, .rst_ni,
    .wr_valid_i  (ld_wbuf_wr_valid_i),
    .wr_ready_o  (ld_wbuf_wr_ready_o),
    .wr_addr_i   (ld_wbuf_wr_addr_i),
    .wr_data_i   (ld_wbuf_wr_data_i),
    .wr_strb_i   (ld_wbuf_wr_strb_i),
    .rd_valid_i  (cp_wbuf_rd_valid_i),
    .rd_ready_o  (cp_wbuf_rd_ready_o),
    .rd_addr_i   (cp_wbuf_rd_addr_i),
    .rd_rvalid_o (cp_wbuf_rd_rvalid_o),
    .rd_rdata_o  (wbuf_rdata)
  );
  assign cp_wbuf_rd_rdata_o = wbuf_rdata;

  // PBUF: index i of each packed client vector is the i-th client listed above.
  logic [PbufWordBytes*8-1:0]pbuf_rdata;
  odpu_buf_port #(
    .Depth(PbufDepth), .WordBytes(PbufWordBytes), .Banks(PbufBanks), .NWr(1), .NRd(1)
  ) u_pbuf (
    .clk_i, .rst_ni,
    .wr_valid_i  (ld_pbuf_wr_valid_i),
    .wr_ready_o  (ld_pbuf_wr_ready_o),
    .wr_addr_i   (ld_pbuf_wr_addr_i),
    .wr_data_i   (ld_pbuf_wr_data_i),
    .wr_strb_i   (ld_pbuf_wr_strb_i),
    .rd_valid_i  (cp_pbuf_rd_valid_i),
    .rd_ready_o  (cp_pbuf_rd_ready_o),
    .rd_addr_i   (cp_pbuf_rd_addr_i),
    .rd_rvalid_o (cp_pbuf_rd_rvalid_o),
    .rd_rdata_o  (pbuf_rdata)
  );
  assign cp_pbuf_rd_rdata_o = pbuf_rdata;

  // ABUF: index i of each packed client vector is the i-th client listed above.
  logic [AbufWordBytes*8-1:0]abuf_rdata;
  odpu_buf_port #(
    .Depth(AbufDepth), .WordBytes(AbufWordBytes), .Banks(AbufBanks), .NWr(1), .NRd(1)
  ) u_abuf (
    .clk_i, .rst_ni,
    .wr_valid_i  (cp_abuf_wr_valid_i),
    .wr_ready_o  (cp_abuf_wr_ready_o),
    .wr_addr_i   (cp_abuf_wr_addr_i),
    .wr_data_i   (cp_abuf_wr_data_i),
    .wr_strb_i   (cp_abuf_wr_strb_i),
    .rd_valid_i  (cp_abuf_rd_valid_i),
    .rd_ready_o  (cp_abuf_rd_ready_o),
    .rd_addr_i   (cp_abuf_rd_addr_i),
    .rd_rvalid_o (cp_abuf_rd_rvalid_o),
    .rd_rdata_o  (abuf_rdata)
  );
  assign cp_abuf_rd_rdata_o = abuf_rdata;
endmodule
`default_nettype wire
