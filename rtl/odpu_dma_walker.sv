// odpu_dma_walker.sv - cuts the DDR footprint of a LOAD or SAVE box into AXI bursts: rows x
// cols runs of run_bytes contiguous bytes, each in beat-aligned bursts (<= 16, no 4 KiB cross).
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_dma_walker #(
  parameter int BeatBytes = 8,
  localparam int BeatShift = $clog2(BeatBytes)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic                 start_i,
  // Run r = (y, x) starts at base + y * row_stride + x * pix_stride; held from start_i.
  input  logic [63:0]          base_i,
  input  logic [63:0]          pix_stride_i,
  input  logic [63:0]          row_stride_i,
  input  logic [63:0]          run_bytes_i,   // >= 1
  input  logic [11:0]          rows_i,        // >= 1
  input  logic [11:0]          cols_i,        // >= 1
  output logic                 active_o,      // bursts remain
  output logic                 bst_valid_o,
  input  logic                 bst_ready_i,
  output logic [63:0]          bst_addr_o,    // beat-aligned
  output logic [4:0]           bst_beats_o,   // 1 .. 16
  output logic [BeatShift-1:0] bst_skip_o,    // bytes of the first beat before the run
  output logic [BeatShift:0]   bst_hi_o       // the last beat's run bytes end here (1 .. BeatBytes)
);
  localparam int BeatLow   = BeatBytes - 1;
  localparam int MaxBurst  = 16;     // docs/rtl.md MaxBurstBeats
  localparam int PageBytes = 4096;   // AXI: no burst crosses a 4 KiB boundary
  localparam int PageBits  = $clog2(PageBytes);

  logic                 active_q, first_q;
  logic [11:0]          y_q, x_q;
  logic [63:0]          row_q, pix_q, cur_q, end_q;
  logic [BeatShift-1:0] skip_q;  // byte offset of the run's first byte in its beat

  // The next burst of the current run: up to 16 beats, to the run's end or the page's.
  logic [63:0]       to_end, nxt_cur;
  logic [PageBits:0] to_page;
  logic [4:0]        beats;
  logic              run_last_burst, box_last_run, fire;

  assign to_end  = (end_q - cur_q + 64'(BeatLow)) >> BeatShift;
  assign to_page = ((PageBits+1)'(PageBytes) - {1'b0, cur_q[PageBits-1:0]}) >> BeatShift;
  always_comb begin
    beats = 5'(MaxBurst);
    if (to_end < 64'(MaxBurst)) beats = 5'(to_end);
    if (to_page < (PageBits+1)'(beats)) beats = 5'(to_page);
  end
  assign nxt_cur        = cur_q + (64'(beats) << BeatShift);
  assign run_last_burst = nxt_cur >= end_q;
  assign box_last_run   = (y_q == rows_i - 1'b1) && (x_q == cols_i - 1'b1);

  assign active_o    = active_q;
  assign bst_valid_o = active_q;
  assign bst_addr_o  = cur_q;
  assign bst_beats_o = beats;
  assign bst_skip_o  = first_q ? skip_q : '0;
  assign bst_hi_o    = run_last_burst ? {1'b0, end_q[BeatShift-1:0] - 1'b1} + 1'b1
                                      : (BeatShift+1)'(BeatBytes);
  assign fire        = active_q && bst_ready_i;

  // Start of the next run.
  logic [63:0] next_row, next_pix, next_start;
  logic        new_row;
  assign new_row    = x_q == cols_i - 1'b1;
  assign next_row   = row_q + row_stride_i;
  assign next_pix   = pix_q + pix_stride_i;
  assign next_start = new_row ? next_row : next_pix;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      active_q <= 1'b0;
      first_q  <= 1'b0;
      y_q      <= '0;
      x_q      <= '0;
      row_q    <= '0;
      pix_q    <= '0;
      cur_q    <= '0;
      end_q    <= '0;
      skip_q   <= '0;
    end else if (start_i) begin
      active_q <= 1'b1;
      first_q  <= 1'b1;
      y_q      <= '0;
      x_q      <= '0;
      row_q    <= base_i;
      pix_q    <= base_i;
      cur_q    <= base_i & ~64'(BeatLow);
      end_q    <= base_i + run_bytes_i;
      skip_q   <= base_i[BeatShift-1:0];
    end else if (fire) begin
      if (!run_last_burst) begin
        cur_q   <= nxt_cur;
        first_q <= 1'b0;
      end else if (box_last_run) begin
        active_q <= 1'b0;
      end else begin
        first_q <= 1'b1;
        skip_q  <= next_start[BeatShift-1:0];
        cur_q   <= next_start & ~64'(BeatLow);
        end_q   <= next_start + run_bytes_i;
        pix_q   <= next_start;
        if (new_row) begin
          y_q   <= y_q + 1'b1;
          x_q   <= '0;
          row_q <= next_row;
        end else begin
          x_q <= x_q + 1'b1;
        end
      end
    end
  end

  // ---- Assertions (docs/rtl.md "Assertions"): a burst descriptor stays offered until
  // taken.
  `ODPU_ASSERT_HANDSHAKE(a_bst_stable, bst_valid_o, bst_ready_i,
      {bst_addr_o, bst_beats_o, bst_skip_o, bst_hi_o}, clk_i, !rst_ni || clear_i)
endmodule
`default_nettype wire
