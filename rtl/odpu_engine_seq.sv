// odpu_engine_seq - runs one engine's instruction queue in order: pops the instruction's
// dependency tokens, starts the engine core, waits for it, pushes tokens and retires.
// NOP only pops and pushes; the core never sees it (docs/rtl.md "Engine core").
`default_nettype none
`include "odpu_arch_params.vh"

module odpu_engine_seq (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                clear_i,     // START or error stop: back to idle
  input  logic                flush_i,     // error stop: take nothing new, push nothing
  input  logic [31:0]         cycles_i,    // CYCLES (low half), for the trace
  // Head of this engine's instruction queue
  input  logic                q_valid_i,
  output logic                q_ready_o,
  input  logic [odpu_pkg::InsnBits-1:0] q_insn_i,
  input  logic [31:0]         q_index_i,
  // Token queues towards the neighbours (a missing neighbour is tied to 1: the
  // dep-engine rule keeps its flags 0)
  input  logic                avail_prev_i,  // a token waits in prev -> this
  input  logic                avail_next_i,  // a token waits in next -> this
  input  logic                room_prev_i,   // this -> prev has room
  input  logic                room_next_i,   // this -> next has room
  output logic                pop_prev_o,
  output logic                pop_next_o,
  output logic                push_prev_o,
  output logic                push_next_o,
  // Engine core
  output logic                start_o,
  output logic [odpu_pkg::InsnBits-1:0] insn_o,
  input  logic                done_i,
  input  logic                stall_ddr_i,
  // State and counters
  output logic                idle_o,        // holds no instruction
  output logic [31:0]         index_o,       // stream index of the held instruction
  output logic                oldest_valid_o,// this engine has an unretired instruction
  output logic [31:0]         oldest_index_o,// the earliest of them
  output logic                busy_o,        // the core executes (BUSY_* counters)
  output logic                stall_dep_o,   // waiting for a token this cycle
  output logic                stall_ddr_o,   // the executing core waits for DDR
  // Retire (trace lane)
  output logic                retire_o,
  output logic [31:0]         retire_index_o,
  output logic [31:0]         retire_start_o,
  output logic [31:0]         retire_dep_wait_o,
  output logic [31:0]         retire_ddr_stall_o
);
  // q_insn_i read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_hdr_t q_hdr;
  /* verilator lint_on UNUSEDSIGNAL */
  assign q_hdr = q_insn_i;
  typedef enum logic [1:0] {
    StIdle,  // head of the queue waits for its tokens
    StExec,  // the core executes
    StPush   // done; waits for room in a queue it pushes
  } state_e;

  state_e state_q, state_d;
  logic [odpu_pkg::InsnBits-1:0] insn_q, insn_d;
  // insn_q read as the instruction class(es) it holds (odpu_pkg, generated from isa_fields.def);
  // a view: this module reads only the fields it needs.
  /* verilator lint_off UNUSEDSIGNAL */
  odpu_pkg::insn_hdr_t hdr_q;
  /* verilator lint_on UNUSEDSIGNAL */
  assign hdr_q = insn_q;
  logic [31:0] index_q, index_d;
  logic [31:0] start_cyc_q, start_cyc_d, dep_wait_q, dep_wait_d, ddr_stall_q, ddr_stall_d;
  logic start_q, start_d;
  logic push_prev_q, push_next_q;
  logic head_pop_prev, head_pop_next, head_is_nop, tokens_ok, room_ok, take, retire, free;

  assign head_pop_prev = q_hdr.pop_prev;
  assign head_pop_next = q_hdr.pop_next;
  assign head_is_nop   = (q_hdr.opcode == odpu_pkg::OpNop);
  assign push_prev_q   = hdr_q.push_prev;
  assign push_next_q   = hdr_q.push_next;

  assign tokens_ok = (!head_pop_prev || avail_prev_i) && (!head_pop_next || avail_next_i);
  assign room_ok   = (!push_prev_q || room_prev_i) && (!push_next_q || room_next_i);
  // The held instruction retires once the core is done and its pushes have room (after an
  // error stop nothing is pushed); the next one may be taken in that same cycle.
  assign retire = (((state_q == StExec) && done_i) || (state_q == StPush)) &&
                  (room_ok || flush_i);
  assign free   = (state_q == StIdle) || retire;
  assign take   = free && q_valid_i && !flush_i && tokens_ok;

  always_comb begin
    state_d     = state_q;
    insn_d      = insn_q;
    index_d     = index_q;
    start_cyc_d = start_cyc_q;
    dep_wait_d  = dep_wait_q;
    ddr_stall_d = ddr_stall_q;
    start_d     = 1'b0;
    stall_dep_o = 1'b0;
    if (state_q == StExec) begin
      if (stall_ddr_i) begin
        ddr_stall_d = ddr_stall_q + 1'b1;
      end
      if (done_i && !retire) begin
        state_d = StPush;
      end
    end
    if (state_q == StPush && !retire) begin
      stall_dep_o = 1'b1;
      dep_wait_d  = dep_wait_q + 1'b1;
    end
    if (retire) begin
      state_d     = StIdle;
      dep_wait_d  = '0;
      ddr_stall_d = '0;
    end
    if (take) begin
      insn_d  = q_insn_i;
      index_d = q_index_i;
      // The core sees start_o the cycle after the pops, when insn_q holds the insn.
      start_cyc_d = cycles_i + 1'b1;
      if (head_is_nop) begin
        state_d = StPush;
      end else begin
        state_d = StExec;
        start_d = 1'b1;
      end
    end else if (free && q_valid_i && !flush_i) begin
      // The head waits for a token (its count starts over if its predecessor just retired).
      stall_dep_o = 1'b1;
      dep_wait_d  = (retire ? '0 : dep_wait_q) + 1'b1;
    end
  end

  assign q_ready_o   = take;
  assign pop_prev_o  = take && head_pop_prev;
  assign pop_next_o  = take && head_pop_next;
  // A flushed run is over: its tokens would only be cleared again.
  assign push_prev_o = retire && !flush_i && push_prev_q;
  assign push_next_o = retire && !flush_i && push_next_q;

  assign start_o        = start_q;
  assign insn_o         = insn_q;
  assign idle_o         = (state_q == StIdle);
  assign index_o        = index_q;
  assign oldest_valid_o = (state_q != StIdle) || q_valid_i;
  assign oldest_index_o = (state_q != StIdle) ? index_q : q_index_i;
  assign busy_o         = (state_q == StExec);
  assign stall_ddr_o    = (state_q == StExec) && stall_ddr_i;

  assign retire_o           = retire;
  assign retire_index_o     = index_q;
  assign retire_start_o     = start_cyc_q;
  assign retire_dep_wait_o  = dep_wait_q;
  assign retire_ddr_stall_o = ddr_stall_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      state_q     <= StIdle;
      start_q     <= 1'b0;
      index_q     <= '0;
      start_cyc_q <= '0;
      dep_wait_q  <= '0;
      ddr_stall_q <= '0;
    end else begin
      state_q     <= state_d;
      start_q     <= start_d;
      index_q     <= index_d;
      start_cyc_q <= start_cyc_d;
      dep_wait_q  <= dep_wait_d;
      ddr_stall_q <= ddr_stall_d;
    end
  end

  // The held instruction needs no reset: it is only used outside StIdle.
  always_ff @(posedge clk_i) begin
    insn_q <= insn_d;
  end
endmodule
`default_nettype wire
