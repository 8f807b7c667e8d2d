// odpu_fetch - reads the instruction stream (INSN_COUNT instructions from INSN_BASE) over
// the AXI read client `f` of odpu_axi_master and hands them out in order with their index.
// Bursts of up to MaxBurstBeats never cross 4 KiB; several are kept in flight, and a burst
// is only requested when the beat buffer has room for all of it, so fetch never holds up
// the shared R channel (load reads behind it would otherwise wait on a full fetch queue).
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_fetch (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,   // START or error stop: drop everything
  input  logic                   start_i,   // begin fetching (after clear_i)
  input  logic [63:0]            base_i,    // INSN_BASE, a multiple of InsnBytes
  input  logic [31:0]            count_i,   // INSN_COUNT
  input  logic                   stop_i,    // END seen or an error: request and emit no more
  // AXI read client f
  output logic                   rq_valid_o,
  input  logic                   rq_ready_i,
  output logic [63:0]            rq_addr_o,
  output logic [4:0]             rq_beats_o,
  input  logic                   rd_valid_i,
  output logic                   rd_ready_o,
  input  logic [AxiDataBits-1:0] rd_data_i,
  input  logic                   rd_last_i,
  // Instructions in stream order
  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [odpu_pkg::InsnBits-1:0] out_insn_o,
  output logic [31:0]            out_index_o,   // also: the next index to hand out
  output logic                   all_fetched_o, // INSN_COUNT instructions handed out
  output logic                   idle_o         // no burst requested or in flight
);
  localparam int BeatBytes     = AxiDataBits / 8;
  localparam int BeatOffBits   = $clog2(BeatBytes);
  localparam int MaxBurstBeats = 16;
  localparam int PageBytes     = 4096;  // AXI: no burst crosses a 4 KiB boundary
  localparam int PageOffBits   = $clog2(PageBytes);
  // Four whole bursts in flight cover the slowest DDR model (120 cycles) at one beat a cycle
  // for the narrow arch; wider beats carry more instructions per beat anyway.
  localparam int BufBeats      = 4 * MaxBurstBeats;
  localparam int BufCountBits  = $clog2(BufBeats + 1);
  localparam int BeatCntBits   = 40;    // INSN_COUNT * InsnBytes beats, with room
  localparam int InsnOffBits   = $clog2(odpu_pkg::InsnBytes);
  localparam int BeatRoundInt  = BeatBytes - 1;
  localparam logic [BeatCntBits-1:0] BeatRound = BeatCntBits'(BeatRoundInt);
  localparam logic [PageOffBits:0]   PageSize  = (PageOffBits + 1)'(PageBytes);

  // ---- Requests -------------------------------------------------------------------------
  logic                   running_q, running_d;
  logic [63:0]            next_addr_q, next_addr_d;
  logic [BeatCntBits-1:0] left_q, left_d;        // beats not yet requested
  logic [BufCountBits-1:0] reserved_q, reserved_d; // beats requested, not yet unbuffered
  logic [BufCountBits-1:0] inflight_q, inflight_d; // beats requested, not yet arrived
  logic                   rq_valid_q, rq_valid_d;
  logic [63:0]            rq_addr_q, rq_addr_d;
  logic [4:0]             rq_beats_q, rq_beats_d;
  logic [BeatCntBits-1:0] to_page, burst, total_beats;
  logic [BeatCntBits-1:0] total_bytes;
  logic                   buf_pop, rq_fire;
  logic [PageOffBits:0]   page_left, page_beats;

  assign rq_valid_o = rq_valid_q;
  assign rq_addr_o  = rq_addr_q;
  assign rq_beats_o = rq_beats_q;
  assign rq_fire    = rq_valid_q && rq_ready_i;
  // Room for every beat requested is reserved in the buffer, so data is always taken.
  assign rd_ready_o = 1'b1;

  // The stream starts at base_i rounded down to a beat; its offset in that beat is skipped.
  assign total_bytes = BeatCntBits'(count_i) * BeatCntBits'(odpu_pkg::InsnBytes) +
                       BeatCntBits'(base_i[BeatOffBits-1:0]);
  assign total_beats = (total_bytes + BeatRound) >> BeatOffBits;

  always_comb begin
    page_left = PageSize - {1'b0, next_addr_q[PageOffBits-1:0]};
    page_beats = page_left >> BeatOffBits;
    to_page = BeatCntBits'(page_beats);
    burst = left_q;
    if (burst > BeatCntBits'(MaxBurstBeats)) begin
      burst = BeatCntBits'(MaxBurstBeats);
    end
    if (burst > to_page) begin
      burst = to_page;
    end
  end

  always_comb begin
    running_d   = running_q;
    next_addr_d = next_addr_q;
    left_d      = left_q;
    reserved_d  = reserved_q;
    inflight_d  = inflight_q;
    rq_valid_d  = rq_valid_q;
    rq_addr_d   = rq_addr_q;
    rq_beats_d  = rq_beats_q;
    if (start_i) begin
      running_d   = 1'b1;
      next_addr_d = {base_i[63:BeatOffBits], {BeatOffBits{1'b0}}};
      left_d      = total_beats;
    end
    if (rq_fire) begin
      rq_valid_d = 1'b0;
      inflight_d = inflight_d + BufCountBits'(rq_beats_q);
    end
    if (rd_valid_i) begin
      inflight_d = inflight_d - 1'b1;
    end
    if (buf_pop) begin
      reserved_d = reserved_d - 1'b1;
    end
    if (running_q && !stop_i && !rq_valid_q && left_q != '0 &&
        BeatCntBits'(reserved_q) + burst <= BeatCntBits'(BufBeats)) begin
      rq_valid_d  = 1'b1;
      rq_addr_d   = next_addr_q;
      rq_beats_d  = 5'(burst);
      reserved_d  = reserved_d + BufCountBits'(burst);
      next_addr_d = next_addr_q + (64'(burst) << BeatOffBits);
      left_d      = left_q - burst;
    end
  end

  assign idle_o = !rq_valid_q && (inflight_q == '0);

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      running_q   <= 1'b0;
      next_addr_q <= '0;
      left_q      <= '0;
      reserved_q  <= '0;
      rq_valid_q  <= 1'b0;
      rq_addr_q   <= '0;
      rq_beats_q  <= '0;
    end else begin
      running_q   <= running_d;
      next_addr_q <= next_addr_d;
      left_q      <= left_d;
      reserved_q  <= reserved_d;
      rq_valid_q  <= rq_valid_d;
      rq_addr_q   <= rq_addr_d;
      rq_beats_q  <= rq_beats_d;
    end
  end

  // Beats of bursts already issued keep arriving after an error stop; the count of beats
  // in flight survives clear_i so idle_o stays honest until the last one has come back.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      inflight_q <= '0;
    end else begin
      inflight_q <= inflight_d;
    end
  end

  // ---- Beat buffer and unpacking into instructions -------------------------------------
  logic                   buf_valid, buf_push;
  logic [AxiDataBits-1:0] buf_data;
  logic [31:0]            count_q, count_d, emitted_q, emitted_d;
  logic                   out_fire;
  logic                   unused_last;
  logic                   unused_buf_ready;

  assign unused_last = rd_last_i;  // bursts are counted in beats; last adds nothing
  assign buf_push    = rd_valid_i && running_q;

  odpu_fifo #(
    .Width(AxiDataBits),
    .Depth(BufBeats)
  ) u_beats (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (clear_i),
    .in_valid_i (buf_push),
    .in_ready_o (unused_buf_ready),
    .in_data_i  (rd_data_i),
    .out_valid_o(buf_valid),
    .out_ready_i(buf_pop),
    .out_data_o (buf_data)
  );

  assign out_fire      = out_valid_o && out_ready_i;
  assign out_index_o   = emitted_q;
  assign all_fetched_o = running_q && (emitted_q == count_q);

  always_comb begin
    count_d   = count_q;
    emitted_d = emitted_q;
    if (start_i) begin
      count_d = count_i;
    end
    if (out_fire) begin
      emitted_d = emitted_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      count_q   <= '0;
      emitted_q <= '0;
    end else begin
      count_q   <= count_d;
      emitted_q <= emitted_d;
    end
  end

  if (AxiDataBits >= odpu_pkg::InsnBits) begin : g_wide
    // A beat holds InsnPerBeat instructions; the first beat may start mid-way.
    localparam int InsnPerBeat = AxiDataBits / odpu_pkg::InsnBits;
    localparam int SlotBits    = (InsnPerBeat > 1) ? $clog2(InsnPerBeat) : 1;
    localparam logic [SlotBits-1:0] LastSlot = SlotBits'(InsnPerBeat - 1);
    logic [SlotBits-1:0] slot_q, slot_d;
    logic                last_insn;

    assign last_insn   = (emitted_q + 1'b1 == count_q);
    assign out_valid_o = running_q && !stop_i && buf_valid && (emitted_q != count_q);
    assign out_insn_o  = buf_data[slot_q * odpu_pkg::InsnBits +: odpu_pkg::InsnBits];
    assign buf_pop     = out_fire && (slot_q == LastSlot || last_insn);

    always_comb begin
      slot_d = slot_q;
      if (start_i) begin
        if (InsnPerBeat > 1) begin
          slot_d = SlotBits'(base_i[BeatOffBits-1:0] >> InsnOffBits);
        end else begin
          slot_d = '0;
        end
      end
      if (out_fire) begin
        slot_d = buf_pop ? '0 : slot_q + 1'b1;
      end
    end

    always_ff @(posedge clk_i) begin
      if (!rst_ni || clear_i) begin
        slot_q <= '0;
      end else begin
        slot_q <= slot_d;
      end
    end
  end else begin : g_narrow
    // An instruction spans BeatsPerInsn beats, least significant first.
    localparam int BeatsPerInsn = odpu_pkg::InsnBits / AxiDataBits;
    localparam int PartBits     = $clog2(BeatsPerInsn);
    localparam logic [PartBits-1:0] LastPart = PartBits'(BeatsPerInsn - 1);
    logic [odpu_pkg::InsnBits-1:0] asm_q, asm_d;
    logic [PartBits-1:0] part_q, part_d;
    logic                full_q, full_d;
    logic                unused_base_lsbs;

    // A multiple of InsnBytes is a multiple of a narrower beat: nothing to skip.
    assign unused_base_lsbs = ^base_i[BeatOffBits-1:0];
    assign out_valid_o = running_q && !stop_i && full_q;
    assign out_insn_o  = asm_q;
    assign buf_pop     = buf_valid && (!full_q || out_fire);

    always_comb begin
      asm_d  = asm_q;
      part_d = part_q;
      full_d = full_q;
      if (out_fire) begin
        full_d = 1'b0;
      end
      if (buf_pop) begin
        asm_d[part_q * AxiDataBits +: AxiDataBits] = buf_data;
        part_d = (part_q == LastPart) ? '0 : part_q + 1'b1;
        if (part_q == LastPart) begin
          full_d = 1'b1;
        end
      end
    end

    always_ff @(posedge clk_i) begin
      if (!rst_ni || clear_i) begin
        part_q <= '0;
        full_q <= 1'b0;
      end else begin
        part_q <= part_d;
        full_q <= full_d;
      end
    end

    always_ff @(posedge clk_i) begin
      asm_q <= asm_d;
    end
  end

  // ---- Assertions (docs/rtl.md "Assertions"): an instruction stays offered until taken;
  // stop_i withdraws it (END seen or an error). The burst request is checked where the AXI
  // master takes it.
  `ODPU_ASSERT_HANDSHAKE(a_out_stable, out_valid_o, out_ready_i, {out_insn_o, out_index_o},
      clk_i, !rst_ni || clear_i || stop_i)
endmodule
`default_nettype wire
