// odpu_byte_align.sv - byte-stream aligner of the load engine: takes AXI beats with a valid
// byte range [lo, hi) each, hands out the stream again in pieces of n bytes, left-aligned.
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_byte_align #(
  parameter int BeatBytes  = 8,
  parameter int PieceBytes = 8,   // largest piece; at least BeatBytes
  localparam int LoBits    = $clog2(BeatBytes),
  localparam int HiBits    = $clog2(BeatBytes) + 1,
  localparam int NBits     = $clog2(PieceBytes) + 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    clear_i,
  // Push: bytes [lo, hi) of a beat join the stream (0 <= lo < hi <= BeatBytes).
  input  logic                    in_valid_i,
  output logic                    in_ready_o,
  input  logic [BeatBytes*8-1:0]  in_data_i,
  input  logic [LoBits-1:0]       in_lo_i,
  input  logic [HiBits-1:0]       in_hi_i,
  // Pop: the next n stream bytes (1 <= n <= PieceBytes) when all of them are here; bytes
  // of out_data_o at or above n are 0 (the padding lanes of a LOAD tile).
  input  logic                    out_req_i,     // a piece of out_n_i bytes is wanted
  input  logic [NBits-1:0]        out_n_i,
  output logic                    out_avail_o,   // all out_n_i bytes are buffered
  input  logic                    out_take_i,    // the piece is taken (needs out_avail_o)
  output logic [PieceBytes*8-1:0] out_data_o,
  output logic                    empty_o
);
  // A window of Cap bytes holds the stream's next bytes, byte 0 first. A beat is taken
  // while at most PieceBytes bytes remain after this cycle's pop, so one beat in and one
  // piece out can happen in the same cycle: the aligner sustains a beat per cycle.
  localparam int Cap     = PieceBytes + BeatBytes;
  localparam int CntBits = $clog2(Cap + 1);

  logic [Cap*8-1:0]       win_q, win_d;
  logic [CntBits-1:0]     cnt_q, cnt_d, cnt_after_pop;
  logic [BeatBytes*8-1:0] beat_masked;
  logic [Cap*8-1:0]       beat_placed;
  logic                   take, push;

  assign out_avail_o   = out_req_i && (cnt_q >= CntBits'(out_n_i));
  assign take          = out_take_i && out_avail_o;
  assign cnt_after_pop = cnt_q - (take ? CntBits'(out_n_i) : '0);
  assign in_ready_o    = cnt_after_pop <= CntBits'(PieceBytes);
  assign push          = in_valid_i && in_ready_o;
  assign empty_o       = cnt_q == '0;

  // Bytes at or above hi are dropped, then the beat moves down by lo and up to the end of
  // what stays in the window.
  always_comb begin
    for (int i = 0; i < BeatBytes; i++) begin
      beat_masked[i*8 +: 8] = (HiBits'(i) < in_hi_i) ? in_data_i[i*8 +: 8] : 8'h00;
    end
  end
  logic [BeatBytes*8-1:0] beat_low;
  assign beat_low    = beat_masked >> {in_lo_i, 3'b000};
  assign beat_placed = {{(PieceBytes*8){1'b0}}, beat_low} << {cnt_after_pop, 3'b000};

  // Bytes at or above cnt are kept 0, so a placed beat can be ORed in.
  assign win_d = (take ? (win_q >> {out_n_i, 3'b000}) : win_q) | (push ? beat_placed : '0);
  assign cnt_d = cnt_after_pop + (push ? CntBits'(in_hi_i) - CntBits'(in_lo_i) : '0);

  always_comb begin
    for (int i = 0; i < PieceBytes; i++) begin
      out_data_o[i*8 +: 8] = (NBits'(i) < out_n_i) ? win_q[i*8 +: 8] : 8'h00;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      win_q <= '0;
      cnt_q <= '0;
    end else begin
      win_q <= win_d;
      cnt_q <= cnt_d;
    end
  end
endmodule
`default_nettype wire
