// tb_odpu_ctrl - odpu_ctrl with a behavioural instruction memory on its fetch client (random
// latency and stalls, bursts checked against the AXI rules) and behavioural engine cores
// (random execution times). Random token-correct streams must end with ERR_CODE OK and every
// instruction retired once, in order per engine, never before the instruction whose token it
// pops, with no queue above DepDepth; NO_END, INSN_COUNT 0, an illegal instruction, a
// dependency deadlock (WATCHDOG), DMA errors and a misaligned INSN_BASE must end with the
// golden model's ERR_CODE and ERR_INDEX, and the next run must work. ABORT at start, in the
// middle of long streams, while an engine waits for a token and while a core waits for DDR
// must end ABORTED at the first unretired index, with every executing instruction finished,
// nothing started after the abort and the bus quiet.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_odpu_ctrl;
  localparam int MaxInsns   = 400;
  localparam int BeatBytes  = AxiDataBits / 8;
  localparam int MemBytes   = 65536;
  localparam int MaxBursts  = 64;
  localparam int Latency    = 40;    // cycles from a request to its first beat
  localparam int NumEngines = 3;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = !clk;
  int cycle = 0;
  always @(posedge clk) cycle <= cycle + 1;

  // ---- DUT -------------------------------------------------------------------------------
  logic                   start = 0;
  logic [63:0]            insn_base = '0;
  logic [31:0]            insn_count = '0, watchdog = '0;
  logic                   abort = 0;
  logic                   finish, clear;
  logic [31:0]            err_code, err_index, busy_load, busy_compute, busy_store;
  logic [31:0]            stall_dep, stall_ddr, insn_done;
  logic [63:0]            cycles, ddr_base_o, ddr_size_o;
  logic                   f_rq_valid, f_rq_ready, f_rd_valid, f_rd_ready, f_rd_last;
  logic [63:0]            f_rq_addr;
  logic [4:0]             f_rq_beats;
  logic [AxiDataBits-1:0] f_rd_data;
  logic                   err_ddr, err_resp;
  logic [1:0]             err_client = '0;
  logic                   axi_idle, axi_activity;
  logic [NumEngines-1:0]  core_start, core_done, core_busy, core_stall;
  logic [odpu_pkg::InsnBits-1:0] core_insn [NumEngines];
  logic [2:0]             tr_retire;
  logic [3*32-1:0]        tr_index, tr_start, tr_dep, tr_ddr;

  odpu_ctrl dut (
    .clk_i(clk), .rst_ni(rst_n), .start_i(start), .insn_base_i(insn_base),
    .insn_count_i(insn_count), .ddr_base_i(64'h1000_0000), .ddr_size_i(64'h1_0000_0000),
    .watchdog_i(watchdog), .abort_i(abort), .finish_o(finish),
    .err_code_o(err_code), .err_index_o(err_index), .cycles_o(cycles),
    .busy_load_o(busy_load), .busy_compute_o(busy_compute), .busy_store_o(busy_store),
    .stall_dep_o(stall_dep), .stall_ddr_o(stall_ddr), .insn_done_o(insn_done),
    .ddr_base_o(ddr_base_o), .ddr_size_o(ddr_size_o), .clear_o(clear),
    .f_rq_valid_o(f_rq_valid), .f_rq_ready_i(f_rq_ready), .f_rq_addr_o(f_rq_addr),
    .f_rq_beats_o(f_rq_beats), .f_rd_valid_i(f_rd_valid), .f_rd_ready_o(f_rd_ready),
    .f_rd_data_i(f_rd_data), .f_rd_last_i(f_rd_last),
    .axi_err_ddr_bounds_i(err_ddr), .axi_err_resp_i(err_resp), .axi_err_client_i(err_client),
    .axi_idle_i(axi_idle), .axi_activity_i(axi_activity),
    .ld_start_o(core_start[0]), .ld_insn_o(core_insn[0]), .ld_done_i(core_done[0]),
    .ld_busy_i(core_busy[0]), .ld_stall_ddr_i(core_stall[0]),
    .cp_start_o(core_start[1]), .cp_insn_o(core_insn[1]), .cp_done_i(core_done[1]),
    .cp_busy_i(core_busy[1]), .cp_stall_ddr_i(core_stall[1]),
    .st_start_o(core_start[2]), .st_insn_o(core_insn[2]), .st_done_i(core_done[2]),
    .st_busy_i(core_busy[2]), .st_stall_ddr_i(core_stall[2]),
    .trace_retire_o(tr_retire), .trace_index_o(tr_index), .trace_start_o(tr_start),
    .trace_dep_wait_o(tr_dep), .trace_ddr_stall_o(tr_ddr)
  );

  int failures = 0, checks = 0;
  bit verbose = 0;
  task automatic expect_eq(string what, longint got, longint want);
    checks++;
    if (got != want) begin
      failures++;
      if (failures <= 30) $display("FAIL %s: got %0d, want %0d", what, got, want);
    end
  endtask

  // ---- Instruction memory on the fetch client --------------------------------------------
  logic [7:0]  mem [MemBytes];
  logic [63:0] bq_addr [MaxBursts];
  logic [31:0] bq_beats [MaxBursts];  // not int: Icarus reads int array words in nets as real
  int          bq_due [MaxBursts];
  int          bq_head = 0, bq_tail = 0, beat_no = 0;
  int          stall_pct = 0;   // percent of cycles the memory holds back ready/valid
  logic        rq_take, rd_give;

  always_comb begin
    f_rd_data = '0;
    for (int b = 0; b < BeatBytes; b++)
      f_rd_data[b*8 +: 8] = mem[(bq_addr[bq_head % MaxBursts] + 64'(beat_no * BeatBytes) + 64'(b)) % MemBytes];
  end
  assign f_rd_last    = f_rd_valid && (32'(beat_no + 1) == bq_beats[bq_head % MaxBursts]);
  // A hung core (hang_engine) holds a burst of its own on the bus while hang_bus is set.
  logic hang_bus = 0;
  assign axi_idle     = (bq_head == bq_tail) && !hang_bus;
  assign axi_activity = (f_rq_valid && f_rq_ready) || (f_rd_valid && f_rd_ready);

  always @(negedge clk) begin
    f_rq_ready <= ($urandom % 100) >= stall_pct && (bq_tail - bq_head) < MaxBursts;
    f_rd_valid <= (bq_head != bq_tail) && (cycle >= bq_due[bq_head % MaxBursts]) &&
                  (($urandom % 100) >= stall_pct);
  end

  always @(posedge clk) begin
    if (f_rq_valid && f_rq_ready) begin
      // AXI rules the master relies on: beat-aligned, 1..16 beats, no 4 KiB crossing.
      checks++;
      if (f_rq_addr % BeatBytes != 0 || f_rq_beats == 0 || f_rq_beats > 16 ||
          (f_rq_addr / 4096) != ((f_rq_addr + 64'(f_rq_beats) * BeatBytes - 1) / 4096)) begin
        failures++;
        $display("FAIL fetch burst addr 0x%0h beats %0d breaks the AXI rules", f_rq_addr, f_rq_beats);
      end
      bq_addr[bq_tail % MaxBursts]  <= f_rq_addr;
      bq_beats[bq_tail % MaxBursts] <= 32'(f_rq_beats);
      bq_due[bq_tail % MaxBursts]   <= cycle + Latency;
      bq_tail <= bq_tail + 1;
    end
    if (f_rd_valid && f_rd_ready) begin
      if (beat_no == bq_beats[bq_head % MaxBursts] - 1) begin
        beat_no <= 0;
        bq_head <= bq_head + 1;
      end else begin
        beat_no <= beat_no + 1;
      end
    end
  end

  // ---- Engine cores ----------------------------------------------------------------------
  logic [31:0] core_left [NumEngines];
  int  core_max = 20;         // longest execution, cycles
  int  starts [NumEngines];
  int  hang_engine = -1;      // this core does not finish while set (DMA errors, DDR waits)
  int  abort_at = -1;         // cycle of the first edge the DUT saw ABORT in this run
  int  rq_rises = 0;          // fetch requests raised in this run
  int  late_rq_rises = 0;     // of them, raised after the abort was seen
  logic rq_valid_prev = 0;
  always @(posedge clk) begin
    if (abort && abort_at < 0) abort_at <= cycle;
    rq_valid_prev <= f_rq_valid;
    if (f_rq_valid && !rq_valid_prev) begin
      rq_rises <= rq_rises + 1;
      if (abort_at >= 0) late_rq_rises <= late_rq_rises + 1;
    end
    for (int e = 0; e < NumEngines; e++) begin
      if (clear) begin
        core_left[e] <= 0;
      end else if (core_start[e]) begin
        checks++;
        if (core_left[e] != 0) begin
          failures++;
          $display("FAIL engine %0d started while busy", e);
        end
        // The edge that sees ABORT may still carry a start taken the cycle before it.
        if (abort_at >= 0 && cycle > abort_at) begin
          failures++;
          $display("FAIL engine %0d started an instruction after the abort", e);
        end
        core_left[e] <= 1 + ($urandom % core_max);
        starts[e] <= starts[e] + 1;
      end else if (core_left[e] > 0 && !(e == hang_engine)) begin
        core_left[e] <= core_left[e] - 1;
      end
    end
  end
  for (genvar e = 0; e < NumEngines; e++) begin : g_core
    assign core_done[e]  = (core_left[e] == 1) && (e != hang_engine);
    assign core_busy[e]  = (core_left[e] != 0);
    assign core_stall[e] = (core_left[e] != 0) && core_left[e][0];
  end

  // DMA error injection: one error pulse for inject_engine's client, a cycle after its
  // core started (the hung core then waits for the error stop's clear).
  int   inject_engine = -1;
  logic inject_ddr = 0;
  always @(negedge clk) begin
    err_resp <= 0;
    err_ddr  <= 0;
    if (inject_engine >= 0 && core_busy[inject_engine]) begin
      err_resp   <= !inject_ddr;
      err_ddr    <= inject_ddr;
      err_client <= (inject_engine == odpu_pkg::EngineLoad) ? 2'd1 : 2'd2; // clients of the master
      inject_engine <= -1;
    end
  end

  // ---- Streams ---------------------------------------------------------------------------
  logic [odpu_pkg::InsnBits-1:0] prog [MaxInsns];
  int                  prog_engine [MaxInsns];   // 0..2, 3 = END
  bit                  prog_nop [MaxInsns];      // a NOP: retires without a core
  int                  producer [MaxInsns][2];   // stream index whose token it pops (-1: none)
  int                  n_insns = 0;

  function automatic logic [odpu_pkg::InsnBits-1:0] make_insn(int engine, logic nop, logic pp, logic pn,
                                                              logic qp, logic qn);
    odpu_pkg::insn_nop_t  np;
    odpu_pkg::insn_load_t ld;
    odpu_pkg::insn_conv_t cv;
    odpu_pkg::insn_save_t sv;
    odpu_pkg::insn_hdr_t  hd;
    np = '0;
    ld = '0;
    cv = '0;
    sv = '0;
    np.opcode = odpu_pkg::OpNop;
    np.engine = odpu_pkg::NopEngineWidth'(engine);
    ld.opcode = odpu_pkg::OpLoad;  // LOAD of one WBUF word from DDR 0
    ld.buf_id = odpu_pkg::LoadBufWidth'(odpu_pkg::BufWbuf);
    ld.len    = odpu_pkg::LoadLenWidth'(1);
    cv.opcode = odpu_pkg::OpConv;  // CONV 1x1, one pixel, one channel, no activation clamp
    cv.in_h   = odpu_pkg::ConvInHWidth'(1);
    cv.in_w   = odpu_pkg::ConvInWWidth'(1);
    cv.out_h  = odpu_pkg::ConvOutHWidth'(1);
    cv.out_w  = odpu_pkg::ConvOutWWidth'(1);
    cv.in_c   = odpu_pkg::ConvInCWidth'(1);
    cv.out_c  = odpu_pkg::ConvOutCWidth'(1);
    cv.groups = odpu_pkg::ConvGroupsWidth'(1);
    cv.act_min = -8'sd128;
    cv.act_max = 8'sd127;
    sv.opcode = odpu_pkg::OpSave;  // SAVE of one byte from OBUF
    sv.buf_id = odpu_pkg::SaveBufWidth'(odpu_pkg::BufObuf);
    sv.h      = odpu_pkg::SaveHWidth'(1);
    sv.w      = odpu_pkg::SaveWWidth'(1);
    sv.c      = odpu_pkg::SaveCWidth'(1);
    if (nop) hd = np;
    else if (engine == odpu_pkg::EngineLoad) hd = ld;
    else if (engine == odpu_pkg::EngineCompute) hd = cv;
    else hd = sv;
    hd.pop_prev  = pp;
    hd.pop_next  = pn;
    hd.push_prev = qp;
    hd.push_next = qn;
    return hd;
  endfunction

  // Queues 0 load->compute, 1 compute->load, 2 compute->store, 3 store->compute; the
  // stream-order producer of each token still queued, as the validator counts them.
  int tokq [4][MaxInsns];
  int tok_head [4], tok_tail [4];

  function automatic int q_pop_prev(int e); return e == 1 ? 0 : 2; endfunction   // compute: lc, store: cs
  function automatic int q_pop_next(int e); return e == 0 ? 1 : 3; endfunction   // load: cl, compute: sc
  function automatic int q_push_prev(int e); return e == 1 ? 1 : 3; endfunction  // compute: cl, store: sc
  function automatic int q_push_next(int e); return e == 0 ? 0 : 2; endfunction  // load: lc, compute: cs

  // Append one instruction of engine e; flags drawn at random where the stream-order token
  // counts allow them (no underflow, no overflow), so the stream is deadlock-free.
  task automatic add_insn(int e, logic nop);
    logic pp = 0, pn = 0, qp = 0, qn = 0;
    int i = n_insns;
    producer[i][0] = -1;
    producer[i][1] = -1;
    if (e != odpu_pkg::EngineLoad && tok_tail[q_pop_prev(e)] > tok_head[q_pop_prev(e)] && $urandom % 2) begin
      pp = 1;
      producer[i][0] = tokq[q_pop_prev(e)][tok_head[q_pop_prev(e)]];
      tok_head[q_pop_prev(e)]++;
    end
    if (e != odpu_pkg::EngineStore && tok_tail[q_pop_next(e)] > tok_head[q_pop_next(e)] && $urandom % 2) begin
      pn = 1;
      producer[i][1] = tokq[q_pop_next(e)][tok_head[q_pop_next(e)]];
      tok_head[q_pop_next(e)]++;
    end
    if (e != odpu_pkg::EngineLoad && tok_tail[q_push_prev(e)] - tok_head[q_push_prev(e)] < DepDepth && $urandom % 2) begin
      qp = 1;
      tokq[q_push_prev(e)][tok_tail[q_push_prev(e)]] = i;
      tok_tail[q_push_prev(e)]++;
    end
    if (e != odpu_pkg::EngineStore && tok_tail[q_push_next(e)] - tok_head[q_push_next(e)] < DepDepth && $urandom % 2) begin
      qn = 1;
      tokq[q_push_next(e)][tok_tail[q_push_next(e)]] = i;
      tok_tail[q_push_next(e)]++;
    end
    prog[i] = make_insn(e, nop, pp, pn, qp, qn);
    prog_engine[i] = e;
    prog_nop[i] = nop;
    n_insns++;
  endtask

  task automatic add_end;
    odpu_pkg::insn_end_t e;
    e = '0;
    e.opcode = odpu_pkg::OpEnd;
    prog[n_insns] = e;
    prog_engine[n_insns] = odpu_pkg::EngineFetch;
    prog_nop[n_insns] = 1;
    n_insns++;
  endtask

  // A random valid stream of n instructions before END; leftover tokens drained by NOPs.
  task automatic make_stream(int n, logic with_end);
    n_insns = 0;
    for (int q = 0; q < 4; q++) begin tok_head[q] = 0; tok_tail[q] = 0; end
    for (int k = 0; k < n; k++) add_insn($urandom % NumEngines, ($urandom % 5) == 0);
    for (int q = 0; q < 4; q++) begin
      while (tok_tail[q] > tok_head[q]) begin
        // the consumer of queue q pops it with a NOP that pushes nothing
        int e = (q == 0 || q == 3) ? odpu_pkg::EngineCompute : (q == 1 ? odpu_pkg::EngineLoad : odpu_pkg::EngineStore);
        int i = n_insns;
        logic pp = (q == 0 || q == 2);
        prog[i] = make_insn(e, 1, pp, !pp, 0, 0);
        prog_engine[i] = e;
        prog_nop[i] = 1;
        producer[i][0] = pp ? tokq[q][tok_head[q]] : -1;
        producer[i][1] = pp ? -1 : tokq[q][tok_head[q]];
        tok_head[q]++;
        n_insns++;
      end
    end
    if (with_end) add_end();
  endtask

  task automatic load_stream(logic [63:0] base);
    for (int i = 0; i < n_insns; i++)
      for (int b = 0; b < odpu_pkg::InsnBytes; b++)
        mem[(base + 64'(i * odpu_pkg::InsnBytes + b)) % MemBytes] = prog[i][b*8 +: 8];
  endtask

  // ---- Retire checks ---------------------------------------------------------------------
  int  retired [MaxInsns];       // retire count per index
  int  n_retired = 0;            // instructions retired in this run
  longint retire_cyc [MaxInsns];
  int  last_index [NumEngines];
  int  idx;
  longint st;

  always @(posedge clk) begin
    if (rst_n && int'(dut.state_q) != 0) begin
      // no queue ever holds more than DepDepth tokens
      if (int'(dut.tok_lc_q) > DepDepth || int'(dut.tok_cl_q) > DepDepth ||
          int'(dut.tok_cs_q) > DepDepth || int'(dut.tok_sc_q) > DepDepth) begin
        failures++;
        $display("FAIL a token queue holds more than %0d", DepDepth);
      end
    end
    for (int e = 0; e < NumEngines; e++) begin
      if (tr_retire[e]) begin
        idx = int'(tr_index[e*32 +: 32]);
        st = longint'(tr_start[e*32 +: 32]);
        checks++;
        if (idx >= MaxInsns || prog_engine[idx] != e || idx <= last_index[e]) begin
          failures++;
          $display("FAIL engine %0d retired index %0d (out of order or not its own)", e, idx);
        end else begin
          retired[idx]++;
          n_retired++;
          retire_cyc[idx] = longint'(cycles);
          for (int k = 0; k < 2; k++) begin
            if (producer[idx][k] >= 0 && !(retired[producer[idx][k]] > 0 &&
                                           retire_cyc[producer[idx][k]] < st)) begin
              failures++;
              $display("FAIL insn %0d started at %0d before its token's producer %0d retired", idx,
                       st, producer[idx][k]);
            end
          end
        end
        last_index[e] = idx;
      end
    end
  end

  // ---- Runs ------------------------------------------------------------------------------
  int   t0, starts0;
  logic cores_busy_at_finish, bus_quiet_at_finish;

  function automatic int all_starts();
    return starts[0] + starts[1] + starts[2];
  endfunction

  task automatic begin_run(logic [63:0] base, int count);
    for (int i = 0; i < MaxInsns; i++) retired[i] = 0;
    for (int e = 0; e < NumEngines; e++) last_index[e] = -1;
    n_retired  = 0;
    insn_base  = base;
    insn_count = 32'(count);
    starts0    = all_starts();
    @(negedge clk);
    rq_rises = 0;
    late_rq_rises = 0;
    abort_at = -1;
    start = 1;
    @(negedge clk);
    start = 0;
    t0 = cycle;
    if (verbose) $display("started, state %0d", dut.state_q);
  endtask

  // Waits for finish and checks the result registers (a want of -1 is not checked). clear
  // pulses with finish exactly when the run ended with an error.
  task automatic end_run(string what, int want_code, int want_index, int want_done);
    logic was_clear;
    while (!finish && cycle - t0 < 200000) @(negedge clk);
    if (verbose) $display("%s: %0d cycles, code %0d index %0d done %0d", what, cycle - t0, err_code, err_index, insn_done);
    expect_eq({what, ": finished"}, finish, 1);
    was_clear = clear;
    cores_busy_at_finish = |core_busy;
    bus_quiet_at_finish  = axi_idle && !f_rq_valid;
    @(negedge clk);
    expect_eq({what, ": ERR_CODE"}, err_code, want_code);
    if (want_index >= 0) expect_eq({what, ": ERR_INDEX"}, err_index, want_index);
    if (want_done >= 0) expect_eq({what, ": INSN_DONE"}, insn_done, want_done);
    expect_eq({what, ": clear with finish iff an error"}, was_clear, want_code != odpu_pkg::HwOk);
    expect_eq({what, ": idle after"}, int'(dut.state_q), 0);
    expect_eq({what, ": one finish"}, finish, 0);
    expect_eq({what, ": cycles counted"}, cycles > 0, 1);
  endtask

  task automatic run(string what, logic [63:0] base, int count, int want_code, int want_index,
                     int want_done);
    begin_run(base, count);
    end_run(what, want_code, want_index, want_done);
  endtask

  // After an aborted run: ERR_INDEX is the first instruction that did not retire, every
  // instruction retired at most once and INSN_DONE counts them, every core start belongs to
  // a retired instruction (what executed finished), no fetch request was raised after the
  // abort and the bus was quiet at the end.
  task automatic check_aborted(string what);
    int lower_missing = 0, core_insns = 0;
    for (int i = 0; i < int'(err_index) && i < MaxInsns; i++)
      if (retired[i] != 1) lower_missing++;
    expect_eq({what, ": every instruction below ERR_INDEX retired"}, lower_missing, 0);
    if (err_index < MaxInsns) expect_eq({what, ": ERR_INDEX not retired"}, retired[err_index], 0);
    expect_eq({what, ": INSN_DONE counts the retired"}, insn_done, n_retired);
    for (int i = 0; i < MaxInsns; i++)
      if (retired[i] > 0 && !prog_nop[i]) core_insns++;
    expect_eq({what, ": every core start retired"}, all_starts() - starts0, core_insns);
    expect_eq({what, ": no core busy at the end"}, cores_busy_at_finish, 0);
    expect_eq({what, ": bus quiet at the end"}, bus_quiet_at_finish, 1);
    expect_eq({what, ": no fetch request after the abort"}, late_rq_rises, 0);
  endtask

  task automatic check_all_retired(string what, int upto);
    int missing = 0;
    for (int i = 0; i < upto; i++)
      if (prog_engine[i] != odpu_pkg::EngineFetch && retired[i] != 1) missing++;
    expect_eq({what, ": instructions not retired exactly once"}, missing, 0);
  endtask

  int stuck, hung_index, k;
  bit finished_early;
  odpu_pkg::insn_hdr_t hdr;
  logic [63:0] base;

  // Starts a random stream at base whose load core hangs (its burst outstanding on the bus)
  // from its first LOAD on, and returns once that core is busy.
  task automatic run_until_load_hangs(logic [63:0] at);
    make_stream(80, 1);
    load_stream(at);
    hang_engine = odpu_pkg::EngineLoad;
    begin_run(at, n_insns);
    while (!core_busy[odpu_pkg::EngineLoad] && !finish) @(negedge clk);
    hang_bus = 1;
    hung_index = int'(dut.seq_index[odpu_pkg::EngineLoad]);
    repeat (20) @(negedge clk);
  endtask
  initial begin
    for (int i = 0; i < MemBytes; i++) mem[i] = 8'h00;
    for (int e = 0; e < NumEngines; e++) begin core_left[e] = 0; starts[e] = 0; end
    verbose = $test$plusargs("verbose");
    if (verbose) $display("start %0t", $time);
    repeat (3) @(negedge clk);
    rst_n = 1;
    repeat (2) @(negedge clk);

    // Valid streams at several alignments, memory speeds and core speeds.
    if (verbose) $display("reset done %0t", $time);
    for (int s = 0; s < 6; s++) begin
      base = 64'(4096 - 3 * odpu_pkg::InsnBytes + s * 544);
      base[$clog2(odpu_pkg::InsnBytes)-1:0] = '0;
      stall_pct = (s % 3) * 25;
      core_max  = (s % 2) ? 3 : 40;
      make_stream(120 + 30 * s, 1);
      if (verbose) $display("stream made: %0d insns", n_insns);
      load_stream(base);
      run($sformatf("stream %0d", s), base, n_insns + (s % 2) * 5, odpu_pkg::HwOk, 0, n_insns);
      check_all_retired($sformatf("stream %0d", s), n_insns);
    end
    expect_eq("BUSY_COMPUTE counted", busy_compute > 0, 1);

    // INSN_COUNT reached without END: NO_END at INSN_COUNT, everything before it run.
    make_stream(50, 0);
    load_stream(64'h200);
    run("no END", 64'h200, n_insns, odpu_pkg::HwNoEnd, n_insns, n_insns);
    check_all_retired("no END", n_insns);
    run("INSN_COUNT 0", 64'h200, 0, odpu_pkg::HwNoEnd, 0, 0);

    // An illegal instruction: the ones before it run (drain), then ILLEGAL_INSN at its index.
    make_stream(60, 1);
    prog[37] = '0;  // opcode 0
    load_stream(64'h800);
    run("illegal", 64'h800, n_insns, odpu_pkg::HwIllegalInsn, 37, 37);
    check_all_retired("illegal", 37);

    // A reserved bit in the last instruction before END.
    make_stream(20, 1);
    prog[n_insns - 2][odpu_pkg::InsnBits - 1] = 1'b1;
    load_stream(64'h800);
    run("reserved bit", 64'h800, n_insns, odpu_pkg::HwIllegalInsn, n_insns - 2, n_insns - 2);

    // Dependency deadlock: a pop no push precedes; WATCHDOG at the earliest unretired index.
    watchdog = 32'd300;
    make_stream(30, 0);
    stuck = n_insns;
    add_insn(odpu_pkg::EngineStore, 1);
    hdr = prog[stuck];
    hdr.pop_prev = 1'b1;  // the store NOP pops compute->store: empty
    prog[stuck] = hdr;
    for (int k = 0; k < 10; k++) add_insn(odpu_pkg::EngineLoad, 0);
    add_end();
    load_stream(64'h0);
    run("deadlock", 64'h0, n_insns, odpu_pkg::HwWatchdog, stuck, -1);
    watchdog = 32'd0;

    // A DMA error of the load client: the load engine's instruction is reported.
    make_stream(40, 1);
    load_stream(64'h1000);
    hang_engine = odpu_pkg::EngineLoad;
    inject_engine = odpu_pkg::EngineLoad;
    inject_ddr = 0;
    run("load DMA error", 64'h1000, n_insns, odpu_pkg::HwAxiResp, -1, -1);
    hang_engine = -1;
    expect_eq("load DMA error: index is a load", prog_engine[err_index], odpu_pkg::EngineLoad);

    // DDR_BOUNDS from the store client.
    make_stream(40, 1);
    load_stream(64'h1000);
    hang_engine = odpu_pkg::EngineStore;
    inject_engine = odpu_pkg::EngineStore;
    inject_ddr = 1;
    run("store window error", 64'h1000, n_insns, odpu_pkg::HwDdrBounds, -1, -1);
    hang_engine = -1;
    expect_eq("store window error: index is a store", prog_engine[err_index], odpu_pkg::EngineStore);

    // A misaligned INSN_BASE is refused as AXI_RESP at index 0.
    run("misaligned base", 64'h810, 10, odpu_pkg::HwAxiResp, 0, 0);

    // ---- ABORT ----
    // Set before the start: nothing is fetched, no core starts, ABORTED at index 0.
    make_stream(40, 1);
    load_stream(64'h2000);
    abort = 1;
    run("abort at start", 64'h2000, n_insns, odpu_pkg::HwAborted, 0, 0);
    abort = 0;
    expect_eq("abort at start: nothing fetched", rq_rises, 0);
    expect_eq("abort at start: no core started", all_starts() - starts0, 0);

    // In the middle of long random streams (right after the start, after a random number of
    // retires, near the end); each followed by a clean run.
    for (int a = 0; a < 6; a++) begin
      base = 64'(4096 + a * 1632);
      base[$clog2(odpu_pkg::InsnBytes)-1:0] = '0;
      stall_pct = (a % 3) * 25;
      core_max  = (a % 2 && a != 5) ? 3 : 40;
      make_stream(250, 1);
      load_stream(base);
      begin_run(base, n_insns);
      // a = 0: 25 cycles after the start, with the first fetch bursts in flight; a = 5: in
      // the drain after END (StDrain), with the last instructions still to run.
      k = (a == 0 || a == 5) ? 0 : 1 + int'($urandom % 32'(n_insns / 2));
      if (a == 0) repeat (25) @(negedge clk);
      if (a == 5) while (!(int'(dut.state_q) == 2 && !dut.work_done) && !finish) @(negedge clk);
      while (n_retired < k && !finish) @(negedge clk);
      finished_early = finish;
      if (a == 5) expect_eq("abort 5: in the drain", int'(dut.state_q), 2);
      if (verbose) $display("abort %0d at state %0d, fetch idle %0d", a, dut.state_q, axi_idle);
      expect_eq($sformatf("abort %0d: still running at the abort", a), finished_early, 0);
      abort = 1;
      end_run($sformatf("abort %0d after %0d retires", a, k), odpu_pkg::HwAborted, -1, -1);
      abort = 0;
      check_aborted($sformatf("abort %0d", a));
      make_stream(60, 1);
      load_stream(base);
      run($sformatf("run after abort %0d", a), base, n_insns, odpu_pkg::HwOk, 0, n_insns);
      check_all_retired($sformatf("run after abort %0d", a), n_insns);
    end
    stall_pct = 0;

    // An abort in the drain after a check error: not everything before it ran, so ABORTED.
    core_max = 40;
    make_stream(60, 1);
    prog[37] = '0;
    load_stream(64'h800);
    begin_run(64'h800, n_insns);
    while (!(int'(dut.state_q) == 2 && !dut.work_done) && !finish) @(negedge clk);
    expect_eq("abort in an error's drain: reached", finish, 0);
    abort = 1;
    end_run("abort in an error's drain", odpu_pkg::HwAborted, -1, -1);
    abort = 0;
    check_aborted("abort in an error's drain");
    expect_eq("abort in an error's drain: ERR_INDEX below the error", err_index < 37, 1);

    // An abort once everything before END has retired, while fetch bursts beyond END are
    // still on their way (a short stream, INSN_COUNT far beyond it): the run ends with its
    // own result.
    core_max = 1;
    make_stream(3, 1);
    load_stream(64'h6000);
    begin_run(64'h6000, n_insns + 200);
    while (!(int'(dut.state_q) == 2 && dut.work_done && !dut.f_idle) && !finish) @(negedge clk);
    expect_eq("abort after the drain: reached with fetch outstanding", finish, 0);
    abort = 1;
    end_run("abort after the drain", odpu_pkg::HwOk, 0, n_insns);
    abort = 0;
    check_all_retired("abort after the drain", n_insns);
    core_max = 20;

    // While an engine waits for a token (one that never comes): ABORTED at its index, long
    // before the watchdog.
    watchdog = 32'd100000;
    make_stream(30, 0);
    stuck = n_insns;
    add_insn(odpu_pkg::EngineStore, 1);
    hdr = prog[stuck];
    hdr.pop_prev = 1'b1;
    prog[stuck] = hdr;
    for (int j = 0; j < 10; j++) add_insn(odpu_pkg::EngineLoad, 0);
    add_end();
    load_stream(64'h0);
    begin_run(64'h0, n_insns);
    while (n_retired < n_insns - 2 && cycle - t0 < 20000) @(negedge clk);
    repeat (50) @(negedge clk);
    abort = 1;
    end_run("abort on a token wait", odpu_pkg::HwAborted, stuck, n_insns - 2);
    abort = 0;
    check_aborted("abort on a token wait");
    expect_eq("abort on a token wait: before the watchdog", cycle - t0 < 20000, 1);
    watchdog = 32'd0;

    // While a core waits for DDR: the run waits for it, and once DDR answers the core
    // finishes and the run ends ABORTED with that instruction retired.
    run_until_load_hangs(64'h5000);
    abort = 1;
    finished_early = 0;
    repeat (300) begin
      @(negedge clk);
      finished_early |= finish;
    end
    expect_eq("abort on a DDR wait: waits for the core", finished_early, 0);
    hang_engine = -1;  // DDR answers
    hang_bus    = 0;
    end_run("abort on a DDR wait", odpu_pkg::HwAborted, -1, -1);
    abort = 0;
    check_aborted("abort on a DDR wait");
    expect_eq("abort on a DDR wait: the waiting LOAD retired", retired[hung_index], 1);

    // A DDR that never answers: the watchdog ends the wait, and the run is still ABORTED.
    watchdog = 32'd400;
    run_until_load_hangs(64'h5000);
    abort = 1;
    end_run("abort, DDR never answers", odpu_pkg::HwAborted, -1, -1);
    abort = 0;
    expect_eq("abort, DDR never answers: ERR_INDEX at most the hung LOAD",
              int'(err_index) <= hung_index, 1);
    expect_eq("abort, DDR never answers: hung LOAD not retired", retired[hung_index], 0);
    for (int i = 0; i < int'(err_index); i++)
      expect_eq($sformatf("abort, DDR never answers: %0d retired", i), retired[i], 1);
    hang_engine = -1;
    hang_bus    = 0;
    watchdog    = 32'd0;

    // A DMA error during an abort's wait is reported instead of ABORTED: its code, and the
    // instruction of its client.
    run_until_load_hangs(64'h5000);
    abort = 1;
    repeat (50) @(negedge clk);
    hang_bus      = 0;  // the refused burst never reached the bus
    inject_engine = odpu_pkg::EngineLoad;
    inject_ddr    = 1;
    end_run("DMA error during an abort", odpu_pkg::HwDdrBounds, hung_index, -1);
    abort       = 0;
    hang_engine = -1;

    // After all that, a clean run still works.
    make_stream(100, 1);
    load_stream(64'h3000);
    run("after errors", 64'h3000, n_insns, odpu_pkg::HwOk, 0, n_insns);
    check_all_retired("after errors", n_insns);

    if (failures == 0) $display("tb_odpu_ctrl: %0d checks passed", checks);
    else $display("tb_odpu_ctrl: %0d of %0d checks FAILED", failures, checks);
    $finish;
  end
endmodule
`default_nettype wire
