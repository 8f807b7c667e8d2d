// odpu_load_stage.sv - the load engine's staging window for overlapping LOADs: takes the beats
// of each tile row's DDR span once and cuts every pixel's c-byte pieces out of it on chip.
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

// The stream. Row y's span [row_y, row_y + span) is fetched as whole beats from
// row_y rounded down to a beat; the beats of all rows, in order, form one stream whose beat s
// lives in slot s mod StageBeats of a circular window. Row y starts at stream beat S_y
// (S_0 = 0, S_{y+1} = S_y + beats of row y), so byte ch of pixel (y, x) sits at stream byte
// S_y·BeatBytes + (row_y mod BeatBytes) + x·pixel_stride + ch.
//
// Sliding. Pieces are produced in the engine's order (pixel by pixel, Rows-byte blocks), and a
// pixel never needs bytes before its own first byte, so every slot below the current pixel's
// first beat (fp) is free: a beat is written while fewer than StageBeats beats are held from
// fp on. A pixel therefore needs only c + BeatBytes − 1 bytes of window, however long its row
// span is (the caller guarantees c + BeatBytes <= StageBytes); with pixel_stride < c + BeatBytes
// the next pixel's first beat is never past the last beat written, so fp <= wp always and
// the pointers can be kept modulo a few times the window.
//
// The window is NBanks interleaved banks, each BeatBytes wide (beat s in bank s mod NBanks),
// so one registered read of every bank returns the NBanks consecutive beats from any beat on:
// enough for a Rows-byte piece at any byte offset. The piece is shifted down and its bytes at
// or above n are zeroed (padding lanes) in the cycle after the read, then handed out with the
// tag the caller gave it (its buffer word).
module odpu_load_stage #(
  parameter int BeatBytes  = 8,
  parameter int PieceBytes = 8,     // output width, >= Rows
  parameter int StageBytes = 512,   // window, a power of two
  parameter int TagBits    = 8,
  localparam int NBits     = $clog2(PieceBytes) + 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    clear_i,
  input  logic                    start_i,       // a LOAD in this form starts
  // The box (held from start_i): DDR address of row 0, strides, row span in bytes.
  input  logic [63:0]             base_i,
  input  logic [63:0]             pix_stride_i,  // < c + BeatBytes
  input  logic [63:0]             row_stride_i,
  input  logic [63:0]             span_i,        // (w - 1) * pixel_stride + c
  input  logic [11:0]             w_i,
  // Beats of the row spans, in request order.
  input  logic                    in_valid_i,
  output logic                    in_ready_o,
  input  logic [BeatBytes*8-1:0]  in_data_i,
  // Piece requests, in the engine's order: n bytes (<= Rows); pix_end: the last of its pixel.
  input  logic                    req_i,
  input  logic [NBits-1:0]        req_n_i,
  input  logic                    req_pix_end_i,
  input  logic [TagBits-1:0]      req_tag_i,
  output logic                    req_here_o,    // the piece's bytes are in the window
  output logic                    req_avail_o,   // ... and the output stage has room
  input  logic                    req_take_i,    // needs req_avail_o
  // Pieces out (valid/ready), the cycle after their take at the earliest.
  output logic                    out_valid_o,
  input  logic                    out_ready_i,
  output logic [PieceBytes*8-1:0] out_data_o,
  output logic [TagBits-1:0]      out_tag_o
);
  localparam int BeatShift  = $clog2(BeatBytes);
  localparam int StageBeats = StageBytes / BeatBytes;
  // Beats a piece of Rows bytes can touch: Rows bytes starting at any byte of a beat.
  localparam int NeedBeats  = (Rows + BeatBytes - 2) / BeatBytes + 1;
  localparam int BankBits   = $clog2(NeedBeats);
  localparam int NBanks     = 1 << BankBits;
  localparam int BankDepth  = StageBeats / NBanks;
  localparam int RowBits    = $clog2(BankDepth);
  // Stream positions are kept modulo 4 windows: every difference compared is at most one.
  localparam int PosBits    = $clog2(StageBytes) + 2;
  localparam int BPosBits   = PosBits - BeatShift;
  localparam int WinBytes   = NBanks * BeatBytes;

  // ---- Positions ----------------------------------------------------------------------------
  logic [BPosBits-1:0]  wp_q;         // stream beats written
  logic [PosBits-1:0]   pix_q;        // first byte of the current pixel
  logic [PosBits-1:0]   pos_q;        // first byte of the current piece
  logic [BPosBits-1:0]  row_beat_q;   // first beat of the current row
  logic [BeatShift-1:0] row_lo_q;     // the current row's DDR address mod BeatBytes
  logic [11:0]          x_q;

  logic [BPosBits-1:0] fp, held, piece_end, need, row_beats;
  logic [PosBits-1:0]  end_byte, row_span_end;
  logic                push;

  assign fp        = pix_q[PosBits-1:BeatShift];
  assign held      = wp_q - fp;
  assign end_byte  = pos_q + PosBits'(req_n_i) + PosBits'(BeatBytes - 1);
  assign piece_end = end_byte[PosBits-1:BeatShift];
  assign need      = piece_end - fp;
  // Beats of the current row: its span from its offset in the first beat, rounded up.
  assign row_span_end = PosBits'(row_lo_q) + span_i[PosBits-1:0] + PosBits'(BeatBytes - 1);
  assign row_beats    = row_span_end[PosBits-1:BeatShift];

  assign in_ready_o = held < BPosBits'(StageBeats);
  assign push       = in_valid_i && in_ready_o;

  // ---- Read pipeline: take -> bank reads (registered) -> shift, mask -> out -------------------
  logic                       b_valid_q;
  logic [NBits-1:0]           b_n_q;
  logic [BeatShift-1:0]       b_sh_q;
  logic [BankBits-1:0]        b_rot_q;
  logic [TagBits-1:0]         b_tag_q;
  logic                       issue;

  assign req_here_o  = req_i && (need <= held);
  assign req_avail_o = req_here_o && (!b_valid_q || out_ready_i);
  assign issue       = req_take_i && req_avail_o;

  logic [BPosBits-1:0] rd_beat;
  logic [BankBits-1:0] rd_rot;
  assign rd_beat = pos_q[PosBits-1:BeatShift];
  assign rd_rot  = rd_beat[BankBits-1:0];

  logic [WinBytes*8-1:0] bank_rdata;   // bank j at bits j*BeatBytes*8
  for (genvar j = 0; j < NBanks; j++) begin : g_bank
    // Beat s is row s / NBanks of bank s mod NBanks. A read from beat b on takes, in bank
    // j, beat b + ((j - b) mod NBanks): the first beat at or after b that lives there.
    logic [BeatBytes*8-1:0] mem [BankDepth];
    logic [BeatBytes*8-1:0] rdata_q;
    logic [RowBits-1:0]     wr_row, rd_row;
    logic [BankBits-1:0]    rd_ofs;
    logic [BPosBits-1:0]    rd_bank_beat;
    assign wr_row       = wp_q[BankBits +: RowBits];
    assign rd_ofs       = BankBits'(j) - rd_rot;   // modulo NBanks
    assign rd_bank_beat = rd_beat + BPosBits'(rd_ofs);
    assign rd_row       = rd_bank_beat[BankBits +: RowBits];
    always_ff @(posedge clk_i) begin
      if (push && (wp_q[BankBits-1:0] == BankBits'(j))) begin
        mem[wr_row] <= in_data_i;
      end
      if (issue) begin
        rdata_q <= mem[rd_row];
      end
    end
    assign bank_rdata[j*BeatBytes*8 +: BeatBytes*8] = rdata_q;
    logic unused_bank;
    assign unused_bank = ^{rd_bank_beat[BPosBits-1:BankBits+RowBits], rd_bank_beat[BankBits-1:0]};
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      b_valid_q <= 1'b0;
      b_n_q     <= '0;
      b_sh_q    <= '0;
      b_rot_q   <= '0;
      b_tag_q   <= '0;
    end else if (issue) begin
      b_valid_q <= 1'b1;
      b_n_q     <= req_n_i;
      b_sh_q    <= pos_q[BeatShift-1:0];
      b_rot_q   <= rd_rot;
      b_tag_q   <= req_tag_i;
    end else if (out_ready_i) begin
      b_valid_q <= 1'b0;
    end
  end

  // The NBanks beats from the read beat on, in stream order, are the banks rotated down by
  // the read beat's bank; the piece starts b_sh_q bytes into the first of them.
  logic [2*WinBytes*8-1:0] win_sh;
  assign win_sh = {bank_rdata, bank_rdata} >> {b_rot_q, b_sh_q, 3'b000};
  always_comb begin
    for (int i = 0; i < PieceBytes; i++) begin
      out_data_o[i*8 +: 8] = (NBits'(i) < b_n_q) ? win_sh[i*8 +: 8] : 8'h00;
    end
  end
  assign out_valid_o = b_valid_q;
  assign out_tag_o   = b_tag_q;

  // ---- Position walk ---------------------------------------------------------------------------
  logic [BPosBits-1:0] next_row_beat;
  logic [BeatShift-1:0] next_row_lo;
  logic [PosBits-1:0]  next_pix;
  assign next_row_beat = row_beat_q + row_beats;
  assign next_row_lo   = row_lo_q + row_stride_i[BeatShift-1:0];
  assign next_pix      = pix_q + pix_stride_i[PosBits-1:0];

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      wp_q       <= '0;
      pix_q      <= '0;
      pos_q      <= '0;
      row_beat_q <= '0;
      row_lo_q   <= '0;
      x_q        <= '0;
    end else if (start_i) begin
      wp_q       <= '0;
      pix_q      <= PosBits'(base_i[BeatShift-1:0]);
      pos_q      <= PosBits'(base_i[BeatShift-1:0]);
      row_beat_q <= '0;
      row_lo_q   <= base_i[BeatShift-1:0];
      x_q        <= '0;
    end else begin
      if (push) begin
        wp_q <= wp_q + 1'b1;
      end
      if (issue) begin
        if (!req_pix_end_i) begin
          pos_q <= pos_q + PosBits'(Rows);
        end else if (x_q != w_i - 1'b1) begin
          x_q   <= x_q + 1'b1;
          pix_q <= next_pix;
          pos_q <= next_pix;
        end else begin
          x_q        <= '0;
          row_beat_q <= next_row_beat;
          row_lo_q   <= next_row_lo;
          pix_q      <= {next_row_beat, next_row_lo};
          pos_q      <= {next_row_beat, next_row_lo};
        end
      end
    end
  end

  logic unused_stage;
  assign unused_stage = ^{base_i[63:BeatShift], pix_stride_i[63:PosBits],
                          row_stride_i[63:BeatShift], span_i[63:PosBits],
                          end_byte[BeatShift-1:0], row_span_end[BeatShift-1:0],
                          rd_beat[BPosBits-1:BankBits+RowBits]};

  // ---- Assertions (docs/rtl.md "Assertions"): the DDR beats offered to the stage and
  // the pieces it offers to the buffer writer stay until taken.
  `ODPU_ASSERT_HANDSHAKE(a_in_stable, in_valid_i, in_ready_o, in_data_i, clk_i,
      !rst_ni || clear_i)
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i, {out_data_o, out_tag_o},
      clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
