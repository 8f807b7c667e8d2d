// tb_odpu_check - odpu_check against the golden model's verdicts: every vector of
// +vectors=FILE (written by gen_check_vectors from isa/validate.c and ref/ref.c's admit
// path) must get the same ERR_CODE, with the instruction and index passed through.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_odpu_check;
  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = !clk;

  logic                in_valid = 0, in_ready, out_valid, out_ready = 0;
  logic [odpu_pkg::InsnBits-1:0] in_insn = '0, out_insn;
  logic [31:0]         in_index = '0, out_index, out_err;
  logic [63:0]         ddr_size = '0;
  int                  failures = 0, checks = 0, max_cycles = 0;

  odpu_check dut (
    .clk_i(clk), .rst_ni(rst_n), .clear_i(1'b0), .ddr_size_i(ddr_size),
    .in_valid_i(in_valid), .in_ready_o(in_ready), .in_insn_i(in_insn), .in_index_i(in_index),
    .out_valid_o(out_valid), .out_ready_i(out_ready), .out_insn_o(out_insn),
    .out_index_o(out_index), .out_err_o(out_err)
  );

  string               path;
  int                  fd, n;
  logic [odpu_pkg::InsnBits-1:0] insn;
  logic [63:0]         size;
  logic [31:0]         want;

  initial begin
    if (!$value$plusargs("vectors=%s", path)) begin
      $display("FAIL: no +vectors=FILE");
      $finish;
    end
    fd = $fopen(path, "r");
    if (fd == 0) begin
      $display("FAIL: cannot open %s", path);
      $finish;
    end
    repeat (2) @(negedge clk);
    rst_n = 1;
    n = $fscanf(fd, "%h %h %h\n", insn, size, want);
    while (n == 3) begin
      int cycles;
      // Present the vector; the window size stays put until the verdict is taken.
      @(negedge clk);
      ddr_size = size;
      in_insn  = insn;
      in_index = 32'(checks);
      in_valid = 1;
      while (!in_ready) @(negedge clk);
      @(negedge clk);
      in_valid = 0;
      in_insn  = '0;  // the checker must have kept its own copy
      cycles = 1;
      while (!out_valid) begin
        @(negedge clk);
        cycles++;
      end
      if (cycles > max_cycles) max_cycles = cycles;
      // Hold the verdict a cycle or two: it must stay stable while not taken.
      repeat (checks % 3) @(negedge clk);
      checks++;
      if (out_err !== want || out_insn !== insn || out_index !== 32'(checks - 1)) begin
        failures++;
        if (failures <= 20)
          $display("FAIL vector %0d: insn %h ddr_size %h: err %0d, golden model %0d%s", checks - 1,
                   insn, size, out_err, want,
                   (out_insn !== insn || out_index !== 32'(checks - 1)) ? " (insn/index lost)" : "");
      end
      out_ready = 1;
      @(negedge clk);
      out_ready = 0;
      n = $fscanf(fd, "%h %h %h\n", insn, size, want);
    end
    $fclose(fd);
    if (checks == 0) $display("FAIL: no vectors in %s", path);
    else if (failures == 0)
      $display("tb_odpu_check: %0d checks passed (at most %0d cycles per instruction)", checks,
               max_cycles);
    else $display("tb_odpu_check: %0d of %0d checks FAILED", failures, checks);
    $finish;
  end
endmodule
`default_nettype wire
