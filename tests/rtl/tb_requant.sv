// tb_requant.sv - odpu_requant against isa/arith.h: items from gen_requant_vectors.c
// (+vectors=FILE, +count=N: CONV, POOL and ELEW items) go in one per enabled cycle; en_i
// drops at random so the stall path is tested too. Every written result (r8_o) is compared
// with the C result.
`default_nettype none
`include "odpu_arch_params.vh"

module tb_requant;
  localparam int VecBits = 176;
  localparam int MaxVecs = 1 << 20;
  localparam int Latency = 4;

  logic clk = 1'b0;
  logic en = 1'b0;
  logic [VecBits-1:0] vecs [MaxVecs];
  logic [VecBits-1:0] cur, in_s2, in_s3;   // inputs of stage 1, items in stages 2 and 3
  logic signed [7:0]  r8;

  odpu_requant dut (
    .clk_i    (clk),
    .en_i     (en),
    .x_i      (cur[175:144]),
    .apply1_i (cur[136]),
    .m1_i     (cur[135:104]),
    .s1_i     (cur[101:96]),
    // An idle cycle must not disturb the value an ELEW a item left for its b item.
    .comb_i   (en ? cur[89:88] : 2'd0),
    .m2_i     (cur[87:56]),
    .s2_i     (cur[53:48]),
    // The per-instruction inputs are used in the stage that needs them (pot in stage 3,
    // the output range in stage 4): drive each from the item there.
    .pot_i    (in_s2[40]),
    .zp_i     (in_s3[39:32]),
    .min_i    (in_s3[31:24]),
    .max_i    (in_s3[23:16]),
    .r8_o     (r8)
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
          if (v[8] && r8 !== v[7:0]) begin
            errors++;
            if (errors <= 10)
              $display("MISMATCH item %0d (x %h apply1 %0d m1 %h s1 %0d comb %0d m2 %h s2 %0d pot %0d zp %0d [%0d,%0d]): got %0d want %0d",
                       inflight[Latency-1], v[175:144], v[136], v[135:104], $signed(v[103:96]), v[89:88],
                       v[87:56], $signed(v[55:48]), v[40], $signed(v[39:32]), $signed(v[31:24]),
                       $signed(v[23:16]), r8, $signed(v[7:0]));
          end
          checked++;
        end
      end
      en = $urandom_range(9) != 0;
      cur = fed < count ? vecs[fed] : '0;
      in_s2 = inflight[1] >= 0 ? vecs[inflight[1]] : '0;
      in_s3 = inflight[2] >= 0 ? vecs[inflight[2]] : '0;
    end
    if (errors != 0) begin
      $display("tb_requant: FAIL, %0d of %0d items wrong", errors, count);
      $fatal(1);
    end
    $display("tb_requant: PASS, %0d items exact", count);
    $finish;
  end
endmodule
`default_nettype wire
