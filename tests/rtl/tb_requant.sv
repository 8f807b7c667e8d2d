// tb_requant.sv - odpu_requant against isa/arith.h: vectors from gen_requant_vectors.c
// (+vectors=FILE, +count=N) go in one per enabled cycle; en_i drops at random so the
// stall path is tested too. Every r32_o and r8_o is compared with the C result.
`include "odpu_arch_params.vh"

module tb_requant;
  localparam int VecBits = 176;
  localparam int MaxVecs = 1 << 20;
  localparam int Latency = 3;

  logic clk = 1'b0;
  logic en = 1'b0;
  logic [VecBits-1:0] vecs [MaxVecs];
  logic [VecBits-1:0] cur, in_s1, in_s2;   // inputs of stage 1, items in stages 1 and 2
  logic signed [31:0] r32;
  logic signed [7:0]  r8;

  odpu_requant dut (
    .clk_i        (clk),
    .en_i         (en),
    .x_i          (cur[175:144]),
    .mult_i       (cur[143:112]),
    .shift_i      (cur[109:104]),
    .leaky_mult_i (cur[103:72]),
    // The per-instruction inputs are used in the stage that needs them (leaky in stage 1,
    // pot in stage 2, the output range in stage 3): drive each from the item there.
    .leaky_i      (cur[64]),
    .pot_i        (in_s1[65]),
    .zp_i         (in_s2[63:56]),
    .min_i        (in_s2[55:48]),
    .max_i        (in_s2[47:40]),
    .r32_o        (r32),
    .r8_o         (r8)
  );

  always #1 clk = ~clk;

  initial begin
    string file;
    int count, fed, checked, errors;
    int inflight [Latency];   // vector index in each stage, -1 if none
    if (!$value$plusargs("vectors=%s", file) || !$value$plusargs("count=%d", count)) begin
      $display("tb_requant: +vectors=FILE +count=N missing");
      $fatal(1);
    end
    $readmemh(file, vecs, 0, count - 1);
    for (int s = 0; s < Latency; s++) inflight[s] = -1;
    fed = 0;
    checked = 0;
    errors = 0;
    // Inputs change and outputs are checked on the falling edge, half a cycle away from
    // the rising edge that moves the pipeline.
    while (checked < count) begin
      @(negedge clk);
      if (en) begin
        for (int s = Latency - 1; s > 0; s--) inflight[s] = inflight[s-1];
        inflight[0] = fed < count ? fed : -1;
        if (fed < count) fed++;
        if (inflight[Latency-1] >= 0) begin
          logic [VecBits-1:0] v;
          v = vecs[inflight[Latency-1]];
          if (r32 !== v[39:8] || r8 !== v[7:0]) begin
            errors++;
            if (errors <= 10)
              $display("MISMATCH vector %0d (x %h mult %h shift %0d leaky_mult %h flags %h zp %0d [%0d,%0d]): got %h %h want %h %h",
                       inflight[Latency-1], v[175:144], v[143:112], $signed(v[111:104]), v[103:72],
                       v[71:64], $signed(v[63:56]), $signed(v[55:48]), $signed(v[47:40]),
                       r32, r8, v[39:8], v[7:0]);
          end
          checked++;
        end
      end
      en = $urandom_range(9) != 0;
      cur = fed < count ? vecs[fed] : '0;
      in_s1 = inflight[0] >= 0 ? vecs[inflight[0]] : '0;
      in_s2 = inflight[1] >= 0 ? vecs[inflight[1]] : '0;
    end
    if (errors != 0) begin
      $display("tb_requant: FAIL, %0d of %0d vectors wrong", errors, count);
      $fatal(1);
    end
    $display("tb_requant: PASS, %0d vectors exact", count);
    $finish;
  end
endmodule
