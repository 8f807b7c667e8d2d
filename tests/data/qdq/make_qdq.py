#!/usr/bin/python3
"""QDQ ONNX files as another tool writes them, for tests/test_ptq.c (odpu_qdq_absorb).

Run once with Debian's python3 (it has onnx): /usr/bin/python3 tests/data/qdq/make_qdq.py
The .onnx files are committed; the tests never run Python.

ort_style.onnx: uint8 activations (zero point 128 on the input, 0 after the ReLU), an int8
  Conv weight with per-channel scales (axis 0) holding a -128, an int32 bias dequantized with
  s_in * s_w, Relu -> MaxPool with equal parameters, Flatten -> Gemm (transB=1) whose int8
  weights have one per-tensor scale, and an int8 logits output.
mismatch.onnx: a QuantizeLinear -> DequantizeLinear pair whose scales differ.
int8_input.onnx: the graph input is already int8 (a DequantizeLinear reads it).
per_axis_act.onnx: an activation quantized per channel.
"""
import os

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def model(nodes, inits, inputs, outputs, name):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, producer_name="make_qdq.py", opset_imports=[helper.make_operatorsetid("", OPSET)])
    m.ir_version = 7
    checker.check_model(m)
    save(m, os.path.join(HERE, name + ".onnx"))


def qdq(t, scale, zp, nodes, inits):
    """t -> QuantizeLinear -> DequantizeLinear -> t_dq (returns the name)."""
    inits += [init(t + "_s", np.float32(scale)), init(t + "_z", zp)]
    nodes += [helper.make_node("QuantizeLinear", [t, t + "_s", t + "_z"], [t + "_q"], name=t + "_Q"),
              helper.make_node("DequantizeLinear", [t + "_q", t + "_s", t + "_z"], [t + "_dq"], name=t + "_DQ")]
    return t + "_dq"


def ort_style():
    nodes, inits = [], []
    x = qdq("x", 0.02, np.uint8(128), nodes, inits)
    w = np.array([[[[1, -2, 3], [4, -128, 6], [7, 8, 9]]],
                  [[[10, 20, 30], [-40, 50, 60], [70, 80, -90]]],
                  [[[127, -127, 0], [1, 1, 1], [2, 2, 2]]]], dtype=np.int8)
    w_s = np.array([0.01, 0.02, 0.03], dtype=np.float32)
    inits += [init("W_q", w), init("W_s", w_s), init("W_z", np.zeros(3, np.int8)),
              init("B_q", np.array([100, -200, 300], dtype=np.int32)), init("B_s", np.float32(0.02) * w_s)]
    nodes += [helper.make_node("DequantizeLinear", ["W_q", "W_s", "W_z"], ["W"], name="W_DQ", axis=0),
              helper.make_node("DequantizeLinear", ["B_q", "B_s"], ["B"], name="B_DQ", axis=0),
              helper.make_node("Conv", [x, "W", "B"], ["y"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
              helper.make_node("Relu", ["y"], ["r"], name="relu")]
    r = qdq("r", 0.05, np.uint8(0), nodes, inits)
    nodes.append(helper.make_node("MaxPool", [r], ["m"], name="pool", kernel_shape=[2, 2], strides=[2, 2]))
    m = qdq("m", 0.05, np.uint8(0), nodes, inits)
    nodes.append(helper.make_node("Flatten", [m], ["f"], name="flatten", axis=1))
    fw = (np.arange(4 * 12).reshape(4, 12) % 23 - 11).astype(np.int8)
    inits += [init("FW_q", fw), init("FW_s", np.float32(0.004)), init("FW_z", np.int8(0)),
              init("FB", np.array([0.5, -0.25, 0.125, 0], np.float32))]
    nodes += [helper.make_node("DequantizeLinear", ["FW_q", "FW_s", "FW_z"], ["FW"], name="FW_DQ"),
              helper.make_node("Gemm", ["f", "FW", "FB"], ["logits_f"], name="fc", transB=1)]
    inits += [init("logits_f_s", np.float32(0.1)), init("logits_f_z", np.int8(-3))]
    nodes += [helper.make_node("QuantizeLinear", ["logits_f", "logits_f_s", "logits_f_z"], ["logits_q"], name="out_Q"),
              helper.make_node("DequantizeLinear", ["logits_q", "logits_f_s", "logits_f_z"], ["logits"], name="out_DQ")]
    model(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4])], "ort_style")


def small(name, q_scale, dq_scale, axis_scales=False, int8_input=False):
    nodes, inits = [], []
    inp = "xi" if int8_input else "x"
    if int8_input:
        inits += [init("x_s", np.float32(0.1)), init("x_z", np.int8(0))]
        nodes.append(helper.make_node("DequantizeLinear", ["xi", "x_s", "x_z"], ["x_dq"], name="x_DQ"))
    elif axis_scales:
        inits += [init("x_s", np.array([0.1, 0.2], np.float32)), init("x_z", np.zeros(2, np.int8))]
        nodes += [helper.make_node("QuantizeLinear", ["x", "x_s", "x_z"], ["x_q"], name="x_Q", axis=1),
                  helper.make_node("DequantizeLinear", ["x_q", "x_s", "x_z"], ["x_dq"], name="x_DQ", axis=1)]
    else:
        inits += [init("x_qs", np.float32(q_scale)), init("x_ds", np.float32(dq_scale)), init("x_z", np.int8(0))]
        nodes += [helper.make_node("QuantizeLinear", ["x", "x_qs", "x_z"], ["x_q"], name="x_Q"),
                  helper.make_node("DequantizeLinear", ["x_q", "x_ds", "x_z"], ["x_dq"], name="x_DQ")]
    nodes.append(helper.make_node("Relu", ["x_dq"], ["y"], name="relu"))
    in_type = TensorProto.INT8 if int8_input else TensorProto.FLOAT
    model(nodes, inits, [helper.make_tensor_value_info(inp, in_type, [1, 2, 2, 2])],
          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 2])], name)


if __name__ == "__main__":
    ort_style()
    small("mismatch", 0.1, 0.2)
    small("int8_input", 0, 0, int8_input=True)
    small("per_axis_act", 0, 0, axis_scales=True)
