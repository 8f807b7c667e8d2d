// odpu_ctrl - the control path of a run: fetch, per-instruction checks, dispatch to the
// three in-order engine queues, dependency tokens, the watchdog, END, the error stop and
// ABORT (docs/rtl.md "Errors and stopping" and "Control, fetch and checks").
`default_nettype none
`include "odpu_arch_params.vh"
`include "odpu_assert.svh"

module odpu_ctrl (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // From odpu_regs
  input  logic                   start_i,
  input  logic [63:0]            insn_base_i,
  input  logic [31:0]            insn_count_i,
  input  logic [63:0]            ddr_base_i,
  input  logic [63:0]            ddr_size_i,
  input  logic [31:0]            watchdog_i,
  input  logic                   abort_i,      // level: stop at the next instruction boundary
  // To odpu_regs
  output logic                   finish_o,     // pulse: the run ended (END, error or abort)
  output logic [31:0]            err_code_o,
  output logic [31:0]            err_index_o,
  output logic [63:0]            cycles_o,
  output logic [31:0]            busy_load_o,
  output logic [31:0]            busy_compute_o,
  output logic [31:0]            busy_store_o,
  output logic [31:0]            stall_dep_o,
  output logic [31:0]            stall_ddr_o,
  output logic [31:0]            insn_done_o,
  // The run's DDR window (latched at start) and the clear pulse, to every engine
  output logic [63:0]            ddr_base_o,
  output logic [63:0]            ddr_size_o,
  output logic                   clear_o,
  // AXI read client f of odpu_axi_master
  output logic                   f_rq_valid_o,
  input  logic                   f_rq_ready_i,
  output logic [63:0]            f_rq_addr_o,
  output logic [4:0]             f_rq_beats_o,
  input  logic                   f_rd_valid_i,
  output logic                   f_rd_ready_o,
  input  logic [AxiDataBits-1:0] f_rd_data_i,
  input  logic                   f_rd_last_i,
  // odpu_axi_master state
  input  logic                   axi_err_ddr_bounds_i,
  input  logic                   axi_err_resp_i,
  input  logic [1:0]             axi_err_client_i,
  input  logic                   axi_idle_i,
  input  logic                   axi_activity_i,  // an AXI handshake on m_axi_* this cycle
  // Engine cores
  output logic                   ld_start_o,
  output logic [odpu_pkg::InsnBits-1:0] ld_insn_o,
  input  logic                   ld_done_i,
  input  logic                   ld_busy_i,
  input  logic                   ld_stall_ddr_i,
  output logic                   cp_start_o,
  output logic [odpu_pkg::InsnBits-1:0] cp_insn_o,
  input  logic                   cp_done_i,
  input  logic                   cp_busy_i,
  input  logic                   cp_stall_ddr_i,
  output logic                   st_start_o,
  output logic [odpu_pkg::InsnBits-1:0] st_insn_o,
  input  logic                   st_done_i,
  input  logic                   st_busy_i,
  input  logic                   st_stall_ddr_i,
  // Trace lanes (0 load, 1 compute, 2 store)
  output logic [2:0]             trace_retire_o,
  output logic [3*32-1:0]        trace_index_o,
  output logic [3*32-1:0]        trace_start_o,
  output logic [3*32-1:0]        trace_dep_wait_o,
  output logic [3*32-1:0]        trace_ddr_stall_o
);
  localparam int NumEngines = 3;
  localparam int QueueWidth = 32 + odpu_pkg::InsnBits; // {stream index, instruction}
  localparam int TokBits    = $clog2(DepDepth + 1);
  localparam logic [TokBits-1:0] TokFull = TokBits'(DepDepth);
  localparam int ClientFetch = 0;                   // err_client_o of odpu_axi_master
  localparam int ClientLoad  = 1;
  localparam int ClientStore = 2;
  localparam int InsnOffBits = $clog2(odpu_pkg::InsnBytes);

  typedef enum logic [2:0] {
    StIdle,    // no run
    StRun,     // fetch, check and dispatch
    StDrain,   // END, a check error or NO_END: the dispatched instructions run to the end
    StFlush,   // DMA error or ABORT: nothing new starts; the executing instructions finish
               // and the bus goes quiet
    StReport   // the result is set; pulse finish
  } state_e;

  state_e      state_q, state_d;
  logic [31:0] err_code_q, err_code_d, err_index_q, err_index_d;
  logic [63:0] insn_base_q, ddr_base_q, ddr_size_q;
  logic [31:0] insn_count_q, watchdog_q;
  logic        launch_q, launch_d;        // first cycle of StRun: fetch starts
  logic [1:0]  err_client_q, err_client_d;
  logic        err_from_dma_q, err_from_dma_d;
  logic [31:0] disp_next_q, disp_next_d;   // next stream index to dispatch (END is never)
  logic [63:0] cycles_q;
  logic [31:0] busy_cnt_q [NumEngines];
  logic [31:0] stall_dep_q, stall_ddr_q, insn_done_q;

  // ---- Fetch and check -------------------------------------------------------------------
  logic                fetch_stop, f_valid, f_ready, f_all, f_idle;
  logic [odpu_pkg::InsnBits-1:0] f_insn;
  logic [31:0]         f_index;
  // StRun without an abort request: the cycles instructions are fetched and dispatched in.
  // An abort stops both in the cycle it is seen.
  logic                running;

  assign running    = (state_q == StRun) && !abort_i;
  assign fetch_stop = !running;

  odpu_fetch u_fetch (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear_o),
    .start_i      (launch_q),
    .base_i       (insn_base_q),
    .count_i      (insn_count_q),
    .stop_i       (fetch_stop),
    .rq_valid_o   (f_rq_valid_o),
    .rq_ready_i   (f_rq_ready_i),
    .rq_addr_o    (f_rq_addr_o),
    .rq_beats_o   (f_rq_beats_o),
    .rd_valid_i   (f_rd_valid_i),
    .rd_ready_o   (f_rd_ready_o),
    .rd_data_i    (f_rd_data_i),
    .rd_last_i    (f_rd_last_i),
    .out_valid_o  (f_valid),
    .out_ready_i  (f_ready),
    .out_insn_o   (f_insn),
    .out_index_o  (f_index),
    .all_fetched_o(f_all),
    .idle_o       (f_idle)
  );

  logic                c_valid, c_ready, c_in_ready;
  logic [odpu_pkg::InsnBits-1:0] c_insn;
  // c_insn read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_hdr_t c_hdr;
  odpu_pkg::insn_nop_t c_nop;
  /* verilator lint_on UNUSEDSIGNAL */
  assign c_hdr = c_insn;
  assign c_nop = c_insn;
  logic [31:0]         c_index, c_err;

  odpu_check u_check (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (clear_o),
    .ddr_size_i (ddr_size_q),
    .in_valid_i (f_valid),
    .in_ready_o (c_in_ready),
    .in_insn_i  (f_insn),
    .in_index_i (f_index),
    .out_valid_o(c_valid),
    .out_ready_i(c_ready),
    .out_insn_o (c_insn),
    .out_index_o(c_index),
    .out_err_o  (c_err)
  );
  assign f_ready = c_in_ready;

  // ---- Dispatch --------------------------------------------------------------------------
  logic [odpu_pkg::HdrOpcodeWidth-1:0] c_op;
  logic [odpu_pkg::NopEngineWidth-1:0] c_nop_engine;
  logic [1:0]                c_engine;
  logic                      c_ok, c_is_end;
  logic [NumEngines-1:0]     q_in_valid, q_in_ready, q_out_valid, q_out_ready;
  logic [QueueWidth-1:0]     q_out_data [NumEngines];
  logic                      dispatch;

  assign c_op         = c_hdr.opcode;
  assign c_nop_engine = c_nop.engine;
  assign c_ok         = (c_err == 32'(odpu_pkg::HwOk));
  assign c_is_end     = (c_op == odpu_pkg::OpEnd);

  always_comb begin
    unique case (c_op)
      odpu_pkg::OpLoad: c_engine = 2'(odpu_pkg::EngineLoad);
      odpu_pkg::OpSave: c_engine = 2'(odpu_pkg::EngineStore);
      odpu_pkg::OpNop: c_engine = 2'(c_nop_engine);
      default: c_engine = 2'(odpu_pkg::EngineCompute); // CONV, POOL, ELEW
    endcase
  end

  always_comb begin
    q_in_valid = '0;
    c_ready    = 1'b0;
    if (running && c_valid && c_ok && !c_is_end) begin
      q_in_valid[c_engine] = 1'b1;
      c_ready = q_in_ready[c_engine];
    end
  end
  assign dispatch = running && c_valid && c_ok && (c_is_end || q_in_ready[c_engine]);

  // ---- Engines ---------------------------------------------------------------------------
  logic [TokBits-1:0] tok_lc_q, tok_cl_q, tok_cs_q, tok_sc_q;  // load->compute, ...
  logic [NumEngines-1:0] seq_pop_prev, seq_pop_next, seq_push_prev, seq_push_next;
  logic [NumEngines-1:0] avail_prev, avail_next, room_prev, room_next;
  logic [NumEngines-1:0] seq_start, seq_done, seq_stall_ddr_in, seq_idle, seq_oldest_valid;
  logic [NumEngines-1:0] seq_busy, seq_stall_dep, seq_stall_ddr, seq_retire;
  logic [odpu_pkg::InsnBits-1:0] seq_insn [NumEngines];
  logic [31:0]           seq_index [NumEngines];
  logic [31:0]           seq_oldest [NumEngines];
  logic                  flush;

  // Nothing new starts on any engine from the cycle an abort is seen, nor while the run
  // stops on a DMA error or an abort; what executes finishes.
  assign flush = (state_q == StFlush) ||
                 (abort_i && (state_q == StRun || state_q == StDrain));

  // Neighbours of docs/isa.md section 1; an engine without one sees a token and room
  // (its flags for that side are 0 by rule dep-engine).
  assign avail_prev = {tok_cs_q != '0, tok_lc_q != '0, 1'b1};
  assign avail_next = {1'b1, tok_sc_q != '0, tok_cl_q != '0};
  assign room_prev  = {tok_sc_q != TokFull, tok_cl_q != TokFull, 1'b1};
  assign room_next  = {1'b1, tok_cs_q != TokFull, tok_lc_q != TokFull};

  assign seq_done         = {st_done_i, cp_done_i, ld_done_i};
  assign seq_stall_ddr_in = {st_stall_ddr_i, cp_stall_ddr_i, ld_stall_ddr_i};
  assign ld_start_o = seq_start[odpu_pkg::EngineLoad];
  assign cp_start_o = seq_start[odpu_pkg::EngineCompute];
  assign st_start_o = seq_start[odpu_pkg::EngineStore];
  assign ld_insn_o  = seq_insn[odpu_pkg::EngineLoad];
  assign cp_insn_o  = seq_insn[odpu_pkg::EngineCompute];
  assign st_insn_o  = seq_insn[odpu_pkg::EngineStore];

  for (genvar e = 0; e < NumEngines; e++) begin : g_engine
    odpu_fifo #(
      .Width(QueueWidth),
      .Depth(InsnDepth)
    ) u_queue (
      .clk_i      (clk_i),
      .rst_ni     (rst_ni),
      .clear_i    (clear_o),
      .in_valid_i (q_in_valid[e]),
      .in_ready_o (q_in_ready[e]),
      .in_data_i  ({c_index, c_insn}),
      .out_valid_o(q_out_valid[e]),
      .out_ready_i(q_out_ready[e]),
      .out_data_o (q_out_data[e])
    );
    // An instruction offered to a queue stays offered until taken while the run dispatches
    // (docs/rtl.md "Assertions"); an abort or error stop withdraws it.
    `ODPU_ASSERT_HANDSHAKE(a_dispatch_stable, q_in_valid[e], q_in_ready[e], {c_index, c_insn},
        clk_i, !rst_ni || clear_o || !running)

    odpu_engine_seq u_seq (
      .clk_i             (clk_i),
      .rst_ni            (rst_ni),
      .clear_i           (clear_o),
      .flush_i           (flush),
      .cycles_i          (cycles_q[31:0]),
      .q_valid_i         (q_out_valid[e]),
      .q_ready_o         (q_out_ready[e]),
      .q_insn_i          (q_out_data[e][odpu_pkg::InsnBits-1:0]),
      .q_index_i         (q_out_data[e][odpu_pkg::InsnBits +: 32]),
      .avail_prev_i      (avail_prev[e]),
      .avail_next_i      (avail_next[e]),
      .room_prev_i       (room_prev[e]),
      .room_next_i       (room_next[e]),
      .pop_prev_o        (seq_pop_prev[e]),
      .pop_next_o        (seq_pop_next[e]),
      .push_prev_o       (seq_push_prev[e]),
      .push_next_o       (seq_push_next[e]),
      .start_o           (seq_start[e]),
      .insn_o            (seq_insn[e]),
      .done_i            (seq_done[e]),
      .stall_ddr_i       (seq_stall_ddr_in[e]),
      .idle_o            (seq_idle[e]),
      .index_o           (seq_index[e]),
      .oldest_valid_o    (seq_oldest_valid[e]),
      .oldest_index_o    (seq_oldest[e]),
      .busy_o            (seq_busy[e]),
      .stall_dep_o       (seq_stall_dep[e]),
      .stall_ddr_o       (seq_stall_ddr[e]),
      .retire_o          (seq_retire[e]),
      .retire_index_o    (trace_index_o[e*32 +: 32]),
      .retire_start_o    (trace_start_o[e*32 +: 32]),
      .retire_dep_wait_o (trace_dep_wait_o[e*32 +: 32]),
      .retire_ddr_stall_o(trace_ddr_stall_o[e*32 +: 32])
    );
  end
  assign trace_retire_o = seq_retire;

  // Token counters: the producer pushes after done, the consumer pops before start; both
  // may happen in one cycle.
  function automatic logic [TokBits-1:0] tok_next(logic [TokBits-1:0] cnt, logic push,
                                                  logic pop);
    tok_next = cnt + TokBits'(push) - TokBits'(pop);
  endfunction

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_o) begin
      tok_lc_q <= '0;
      tok_cl_q <= '0;
      tok_cs_q <= '0;
      tok_sc_q <= '0;
    end else begin
      tok_lc_q <= tok_next(tok_lc_q, seq_push_next[odpu_pkg::EngineLoad], seq_pop_prev[odpu_pkg::EngineCompute]);
      tok_cl_q <= tok_next(tok_cl_q, seq_push_prev[odpu_pkg::EngineCompute], seq_pop_next[odpu_pkg::EngineLoad]);
      tok_cs_q <= tok_next(tok_cs_q, seq_push_next[odpu_pkg::EngineCompute], seq_pop_prev[odpu_pkg::EngineStore]);
      tok_sc_q <= tok_next(tok_sc_q, seq_push_prev[odpu_pkg::EngineStore], seq_pop_next[odpu_pkg::EngineCompute]);
    end
  end

  // Flags naming a neighbour the engine lacks never reach here (rule dep-engine).
  logic unused_flags;
  assign unused_flags = seq_pop_prev[odpu_pkg::EngineLoad] | seq_push_prev[odpu_pkg::EngineLoad] |
                        seq_pop_next[odpu_pkg::EngineStore] | seq_push_next[odpu_pkg::EngineStore];
  // The sequencers know when a core executes and start one only when it is free: the
  // cores' own busy flags check that (docs/rtl.md "Assertions").
  `ODPU_ASSERT(a_ld_start_idle, !ld_start_o || !ld_busy_i, clk_i, !rst_ni)
  `ODPU_ASSERT(a_cp_start_idle, !cp_start_o || !cp_busy_i, clk_i, !rst_ni)
  `ODPU_ASSERT(a_st_start_idle, !st_start_o || !st_busy_i, clk_i, !rst_ni)

  // ---- Watchdog --------------------------------------------------------------------------
  logic wd_enable, wd_progress, wd_fire;
  assign wd_enable   = (state_q == StRun) || (state_q == StDrain) || (state_q == StFlush);
  assign wd_progress = dispatch || (|seq_retire) || axi_activity_i;

  odpu_watchdog u_watchdog (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .enable_i  (wd_enable),
    .progress_i(wd_progress),
    .limit_i   (watchdog_q),
    .fire_o    (wd_fire)
  );

  // Lowest stream index not yet retired: each engine retires in order and dispatch is in
  // stream order, so it is the least of the engines' oldest and the next to dispatch (END is
  // never dispatched to an engine and never counted: it retires when the run is done).
  logic [31:0] lowest_unretired;
  always_comb begin
    lowest_unretired = disp_next_q;
    for (int e = 0; e < NumEngines; e++) begin
      if (seq_oldest_valid[e] && seq_oldest[e] < lowest_unretired) begin
        lowest_unretired = seq_oldest[e];
      end
    end
  end

  // ---- Run state -------------------------------------------------------------------------
  logic dma_err, work_done, all_drained, flushed;
  logic [31:0] dma_err_index;
  assign dma_err = axi_err_ddr_bounds_i || axi_err_resp_i;

  always_comb begin
    unique case (32'(axi_err_client_i))
      ClientFetch: dma_err_index = f_index;
      ClientLoad:  dma_err_index = seq_index[odpu_pkg::EngineLoad];
      ClientStore: dma_err_index = seq_index[odpu_pkg::EngineStore];
      default:     dma_err_index = f_index;
    endcase
  end

  // Every dispatched instruction retired; drained once the fetch unit is quiet too.
  assign work_done   = (q_out_valid == '0) && (&seq_idle);
  assign all_drained = work_done && f_idle;

  // The engine an AXI client serves (fetch has none).
  function automatic int client_engine(logic [1:0] client);
    unique case (32'(client))
      ClientLoad:  client_engine = odpu_pkg::EngineLoad;
      ClientStore: client_engine = odpu_pkg::EngineStore;
      default:     client_engine = odpu_pkg::EngineFetch;
    endcase
  endfunction

  // After a DMA error every engine but the one whose burst was refused can finish; that
  // one is returned to idle by clear_o once the bus is quiet. After an abort every engine
  // finishes. A fetch request still waiting for the master is part of the bus.
  always_comb begin
    flushed = axi_idle_i && f_idle;
    for (int e = 0; e < NumEngines; e++) begin
      if (!seq_idle[e] && !(err_from_dma_q && e == client_engine(err_client_q))) begin
        flushed = 1'b0;
      end
    end
  end

  always_comb begin
    state_d        = state_q;
    err_code_d     = err_code_q;
    err_index_d    = err_index_q;
    err_client_d   = err_client_q;
    err_from_dma_d = err_from_dma_q;
    disp_next_d    = disp_next_q;
    launch_d       = 1'b0;
    clear_o        = 1'b0;
    finish_o       = 1'b0;
    if (dispatch && !c_is_end) begin
      disp_next_d = disp_next_q + 1'b1;
    end
    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          clear_o        = 1'b1;
          err_code_d     = 32'(odpu_pkg::HwOk);
          err_index_d    = '0;
          err_from_dma_d = 1'b0;
          disp_next_d    = '0;
          if (abort_i) begin
            // ABORT already set: nothing is fetched; ABORTED at index 0.
            err_code_d = 32'(odpu_pkg::HwAborted);
            state_d    = StReport;
          end else if (insn_count_i == '0) begin
            // Nothing may be fetched, so END cannot be: NO_END at index INSN_COUNT = 0.
            err_code_d = 32'(odpu_pkg::HwNoEnd);
            state_d    = StReport;
          end else if (insn_base_i[InsnOffBits-1:0] != '0) begin
            // The stream must start on an instruction; an address the bus cannot deliver
            // it from is reported as the bus would: AXI_RESP at index 0.
            err_code_d = 32'(odpu_pkg::HwAxiResp);
            state_d    = StReport;
          end else begin
            launch_d = 1'b1;
            state_d  = StRun;
          end
        end
      end
      StRun: begin
        if (abort_i) begin
          err_code_d = 32'(odpu_pkg::HwAborted);
          state_d    = StFlush;
        end else if (c_valid && !c_ok) begin
          err_code_d  = c_err;
          err_index_d = c_index;
          state_d     = StDrain;
        end else if (dispatch && c_is_end) begin
          state_d = StDrain;
        end else if (f_all && !f_valid && c_in_ready && !c_valid) begin
          err_code_d  = 32'(odpu_pkg::HwNoEnd);
          err_index_d = insn_count_q;
          state_d     = StDrain;
        end
      end
      StDrain: begin
        // An abort cuts a drain short unless every instruction of it has already retired
        // (then the run ends with its own result once the fetch unit is quiet).
        if (all_drained) begin
          state_d = StReport;
        end else if (abort_i && !work_done) begin
          err_code_d = 32'(odpu_pkg::HwAborted);
          state_d    = StFlush;
        end
      end
      StFlush: begin
        if (flushed) begin
          state_d = StReport;
          // ABORTED names the first instruction that did not retire.
          if (!err_from_dma_q) begin
            err_index_d = lowest_unretired;
          end
        end
      end
      StReport: begin
        // Every error returns the cores, queues and the DMA to idle for the next start.
        clear_o  = (err_code_q != 32'(odpu_pkg::HwOk));
        finish_o = 1'b1;
        state_d  = StIdle;
      end
      default: state_d = StIdle;
    endcase
    // A DMA error belongs to an instruction before anything still queued (or being
    // drained after a check error, or executing when an abort came), so it takes
    // precedence over all but an earlier DMA error; the watchdog stops at once.
    if ((state_q == StRun || state_q == StDrain || (state_q == StFlush && !err_from_dma_q)) &&
        dma_err) begin
      err_code_d     = axi_err_resp_i ? 32'(odpu_pkg::HwAxiResp) : 32'(odpu_pkg::HwDdrBounds);
      err_index_d    = dma_err_index;
      err_client_d   = axi_err_client_i;
      err_from_dma_d = 1'b1;
      state_d        = StFlush;
    end
    if (wd_fire) begin
      if (state_q != StFlush) begin
        err_code_d  = 32'(odpu_pkg::HwWatchdog);
        err_index_d = lowest_unretired;
      end else if (err_code_d == 32'(odpu_pkg::HwAborted)) begin
        // An abort whose wait never ends (a DDR that does not answer) still ends ABORTED.
        err_index_d = lowest_unretired;
      end
      state_d = StReport;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      err_code_q     <= '0;
      err_index_q    <= '0;
      err_client_q   <= '0;
      err_from_dma_q <= 1'b0;
      disp_next_q    <= '0;
      launch_q       <= 1'b0;
      insn_base_q    <= '0;
      insn_count_q   <= '0;
      ddr_base_q     <= '0;
      ddr_size_q     <= '0;
      watchdog_q     <= '0;
    end else begin
      state_q        <= state_d;
      err_code_q     <= err_code_d;
      err_index_q    <= err_index_d;
      err_client_q   <= err_client_d;
      err_from_dma_q <= err_from_dma_d;
      disp_next_q    <= disp_next_d;
      launch_q       <= launch_d;
      // The run uses the registers as they were at start.
      if (state_q == StIdle && start_i) begin
        insn_base_q  <= insn_base_i;
        insn_count_q <= insn_count_i;
        ddr_base_q   <= ddr_base_i;
        ddr_size_q   <= ddr_size_i;
        watchdog_q   <= watchdog_i;
      end
    end
  end

  // ---- Counters (docs/hal.md): reset at start, frozen after the run ----------------------
  logic counting, end_retire;
  assign counting   = (state_q != StIdle);
  assign end_retire = (state_q == StReport) && (err_code_q == 32'(odpu_pkg::HwOk));

  always_ff @(posedge clk_i) begin
    if (!rst_ni || (state_q == StIdle && start_i)) begin
      cycles_q    <= '0;
      stall_dep_q <= '0;
      stall_ddr_q <= '0;
      insn_done_q <= '0;
      for (int e = 0; e < NumEngines; e++) begin
        busy_cnt_q[e] <= '0;
      end
    end else if (counting) begin
      cycles_q    <= cycles_q + 1'b1;
      stall_dep_q <= stall_dep_q + 32'(seq_stall_dep[0]) + 32'(seq_stall_dep[1]) +
                     32'(seq_stall_dep[2]);
      stall_ddr_q <= stall_ddr_q + 32'(seq_stall_ddr[0]) + 32'(seq_stall_ddr[1]) +
                     32'(seq_stall_ddr[2]);
      // END retires when the run is done (INSN_DONE counts it, as the golden model does).
      insn_done_q <= insn_done_q + 32'(seq_retire[0]) + 32'(seq_retire[1]) +
                     32'(seq_retire[2]) + 32'(end_retire);
      for (int e = 0; e < NumEngines; e++) begin
        busy_cnt_q[e] <= busy_cnt_q[e] + 32'(seq_busy[e]);
      end
    end
  end

  assign err_code_o     = err_code_q;
  assign err_index_o    = err_index_q;
  assign cycles_o       = cycles_q;
  assign busy_load_o    = busy_cnt_q[odpu_pkg::EngineLoad];
  assign busy_compute_o = busy_cnt_q[odpu_pkg::EngineCompute];
  assign busy_store_o   = busy_cnt_q[odpu_pkg::EngineStore];
  assign stall_dep_o    = stall_dep_q;
  assign stall_ddr_o    = stall_ddr_q;
  assign insn_done_o    = insn_done_q;
  assign ddr_base_o     = ddr_base_q;
  assign ddr_size_o     = ddr_size_q;
endmodule
`default_nettype wire
