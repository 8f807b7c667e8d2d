#!/usr/bin/python3
"""Generate the ONNX test files of tests/test_onnx_import.c (run with Debian's /usr/bin/python3;
needs onnx and numpy, optionally torch to cross-check the numpy references). The outputs are
committed: the C tests never run Python.

  cases/NAME.onnx (+ .inputs.f32, .outputs.f32)  our cases: every supported operator and
        attribute variant, expected outputs from the numpy reference implementations below;
  bad/NAME.onnx                                  files the importer must reject cleanly;
  backend/NAME.onnx (+ .inputs.f32, .outputs.f32) ONNX's own operator test cases
        (onnx.backend.test.case.node) for our operators, expected outputs from ONNX.

.inputs.f32 holds every graph input (after the import's rules: initializers excluded) back
to back in graph order, .outputs.f32 every graph output, raw little-endian float32.
cases.txt lists "ours NAME" and "backend NAME" lines, the cases the C test must run.
"""
import os
import sys

import numpy as np

# numpy 1.24 removed these aliases; onnx 1.12's backend test code still uses them.
np.float = float
np.int = int
np.bool = bool
np.object = object

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20240601)
OUR_OPS = ["Conv", "Gemm", "MatMul", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "MaxPool",
           "AveragePool", "GlobalAveragePool", "Add", "Concat", "Flatten", "Reshape", "Dropout",
           "Identity", "Softmax", "QuantizeLinear", "DequantizeLinear"]
OPSET_MIN, OPSET_MAX = 11, 17

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # the cross-check is optional
    torch = None


# ---- numpy reference implementations ----------------------------------------------------

def ref_conv(x, w, b, stride=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), group=1):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]), np.float64)
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    ekh, ekw = (kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1
    oh = (xp.shape[2] - ekh) // stride[0] + 1
    ow = (xp.shape[3] - ekw) // stride[1] + 1
    y = np.zeros((n, m, oh, ow), np.float64)
    mg = m // group
    for o in range(m):
        g = o // mg
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * dil[0]:i * dil[0] + (oh - 1) * stride[0] + 1:stride[0],
                           j * dil[1]:j * dil[1] + (ow - 1) * stride[1] + 1:stride[1]]
                y[:, o] += np.einsum("nchw,c->nhw", patch, w[o, :, i, j].astype(np.float64))
        if b is not None:
            y[:, o] += b[o]
    return y.astype(np.float32)


def pool_out(size, k, s, pb, pe, ceil):
    span = size + pb + pe - k
    if not ceil:
        return span // s + 1
    o = -(-span // s) + 1
    if (o - 1) * s >= size + pb:  # the last window must start inside the input or left padding
        o -= 1
    return o


def ref_pool(x, kind, k, s=(1, 1), pads=(0, 0, 0, 0), ceil=False, count_include_pad=False):
    n, c, h, w = x.shape
    oh = pool_out(h, k[0], s[0], pads[0], pads[2], ceil)
    ow = pool_out(w, k[1], s[1], pads[1], pads[3], ceil)
    y = np.zeros((n, c, oh, ow), np.float32)
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s[0] - pads[0], j * s[1] - pads[1]
            h1, w1 = h0 + k[0], w0 + k[1]
            hs, ws, he, we = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            win = x[:, :, hs:he, ws:we]
            if kind == "max":
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                if count_include_pad:  # PyTorch: the window clipped to the padded input
                    cnt = (min(h1, h + pads[2]) - h0) * (min(w1, w + pads[3]) - w0)
                else:
                    cnt = (he - hs) * (we - ws)
                y[:, :, i, j] = win.astype(np.float64).sum(axis=(2, 3)) / cnt
    return y


def ref_bn(x, s, b, mean, var, eps):
    shp = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * s.reshape(shp) + b.reshape(shp)).astype(np.float32)


def ref_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def relu(x):
    return np.maximum(x, 0).astype(np.float32)


def cross_check_conv(x, w, b, stride, pads, dil, group, y):
    """The numpy reference against PyTorch, when available (symmetric-pad form via F.pad)."""
    if torch is None:
        return
    xt = TF.pad(torch.from_numpy(x), (pads[1], pads[3], pads[0], pads[2]))
    yt = TF.conv2d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b), stride, 0, dil, group)
    assert np.allclose(yt.numpy(), y, atol=1e-4), "numpy conv reference disagrees with torch"


def cross_check_pool(x, kind, k, s, pads, ceil, cip, y):
    if torch is None or pads[0] != pads[2] or pads[1] != pads[3]:
        return
    xt = torch.from_numpy(x)
    if kind == "max":
        yt = TF.max_pool2d(xt, k, s, (pads[0], pads[1]), ceil_mode=ceil)
    else:
        yt = TF.avg_pool2d(xt, k, s, (pads[0], pads[1]), ceil_mode=ceil, count_include_pad=cip)
    assert yt.shape == y.shape and np.allclose(yt.numpy(), y, atol=1e-5), f"numpy {kind} pool reference disagrees with torch"


# ---- model building ----------------------------------------------------------------------

def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def init(name, arr, typed=False):
    """An initializer as raw_data (default) or in the typed fields."""
    if not typed:
        return numpy_helper.from_array(arr, name)
    dt = onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype]
    return helper.make_tensor(name, dt, arr.shape, arr.flatten().tolist())


def vinfo(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def model(nodes, inputs, outputs, inits, opset=17, name="case"):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, producer_name="make_cases.py", opset_imports=[helper.make_operatorsetid("", opset)])
    m.ir_version = 8  # the IR version onnx 1.12 writes for opsets <= 17
    return m


def save_case(folder, name, m, ins, outs, kind):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    base = os.path.join(HERE, folder, name)
    with open(base + ".onnx", "wb") as f:
        f.write(m.SerializeToString())
    if ins is not None:
        with open(base + ".inputs.f32", "wb") as f:
            for a in ins:
                f.write(np.ascontiguousarray(a, "<f4").tobytes())
        with open(base + ".outputs.f32", "wb") as f:
            for a in outs:
                f.write(np.ascontiguousarray(a, "<f4").tobytes())
    return f"{kind} {name}"


# ---- our cases ----------------------------------------------------------------------------

def conv_case(name, x_shape, w_shape, stride=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), group=1, bias=True,
              typed=False, opset=17, auto_pad=None, act=None):
    x = rand(*x_shape)
    w = rand(*w_shape, scale=0.5)
    b = rand(w_shape[0]) if bias else None
    attrs = dict(strides=list(stride), dilations=list(dil), group=group)
    if auto_pad:
        attrs["auto_pad"] = auto_pad
        pads = resolve_auto_pad(auto_pad, x_shape[2:], w_shape[2:], stride, dil)
    else:
        attrs["pads"] = list(pads)
    y = ref_conv(x, w, b, stride, pads, dil, group)
    cross_check_conv(x, w, b, stride, pads, dil, group, y)
    inits = [init("W", w, typed)] + ([init("B", b, typed)] if bias else [])
    nodes = [helper.make_node("Conv", ["x", "W"] + (["B"] if bias else []), ["y"], name="conv", **attrs)]
    out = "y"
    if act == "relu6":
        # opset >= 11 Clip: min/max as constant inputs
        inits += [init("lo", np.array(0, np.float32)), init("hi", np.array(6, np.float32))]
        nodes.append(helper.make_node("Clip", ["y", "lo", "hi"], ["z"], name="relu6"))
        y, out = np.clip(y, 0, 6), "z"
    elif act == "leaky":
        nodes.append(helper.make_node("LeakyRelu", ["y"], ["z"], name="leaky", alpha=0.1))
        y, out = np.where(y > 0, y, np.float32(0.1) * y).astype(np.float32), "z"
    m = model(nodes, [vinfo("x", x_shape)], [vinfo(out, y.shape)], inits, opset)
    return save_case("cases", name, m, [x], [y], "ours")


def resolve_auto_pad(mode, hw, k, s, d):
    pads = [0, 0, 0, 0]
    if mode == "VALID":
        return pads
    for i in range(2):
        out = -(-hw[i] // s[i])
        total = max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - hw[i])
        begin = total // 2 if mode == "SAME_UPPER" else total - total // 2
        pads[i], pads[i + 2] = begin, total - begin
    return pads


def pool_case(name, kind, x_shape, k, s=(1, 1), pads=(0, 0, 0, 0), ceil=False, cip=False, opset=17, relu_before=False):
    x = rand(*x_shape)
    op = "MaxPool" if kind == "max" else "AveragePool"
    attrs = dict(kernel_shape=list(k), strides=list(s), pads=list(pads), ceil_mode=int(ceil))
    if kind == "avg":
        attrs["count_include_pad"] = int(cip)
    nodes, src = [], "x"
    xin = x
    if relu_before:
        nodes.append(helper.make_node("Relu", ["x"], ["r"], name="relu"))
        src, xin = "r", relu(x)
    nodes.append(helper.make_node(op, [src], ["y"], name="pool", **attrs))
    y = ref_pool(xin, kind, k, s, pads, ceil, cip)
    cross_check_pool(xin, kind, k, s, pads, ceil, cip, y)
    m = model(nodes, [vinfo("x", x_shape)], [vinfo("y", y.shape)], [], opset)
    return save_case("cases", name, m, [x], [y], "ours")


def external_conv_case(name):
    """Weights in a separate file next to the model (data_location EXTERNAL, with an offset)."""
    x, w, b = rand(1, 2, 6, 6), rand(4, 2, 3, 3, scale=0.5), rand(4)
    y = relu(ref_conv(x, w, b, pads=(1, 1, 1, 1)))
    data_name = name + ".weights"
    pad = b"\x00" * 12  # the tensor does not start at 0: offsets must be honoured
    wt = numpy_helper.from_array(w, "W")
    blob = pad + wt.raw_data
    wt.ClearField("raw_data")
    wt.data_location = TensorProto.EXTERNAL
    for k, v in (("location", data_name), ("offset", str(len(pad))), ("length", str(w.nbytes))):
        e = wt.external_data.add()
        e.key, e.value = k, v
    os.makedirs(os.path.join(HERE, "cases"), exist_ok=True)
    with open(os.path.join(HERE, "cases", data_name), "wb") as f:
        f.write(blob)
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["y"], name="relu")]
    m = model(nodes, [vinfo("x", [1, 2, 6, 6])], [vinfo("y", y.shape)], [wt, init("B", b)])
    return save_case("cases", name, m, [x], [y], "ours")


def classifier_case(name, flatten="Flatten", gemm_trans_b=1, bn_after_fc=False, matmul=False, opset=17,
                    dropout=False, symbolic_batch=False):
    """conv -> relu -> maxpool -> flatten/reshape -> FC (Gemm or MatMul+Add) [-> BN] -> relu -> FC -> softmax"""
    x = rand(1, 3, 8, 8)
    w1, b1 = rand(6, 3, 3, 3, scale=0.4), rand(6)
    f1 = rand(6 * 4 * 4, 16, scale=0.2)  # [K, N]
    c1 = rand(16)
    f2, c2 = rand(16, 5, scale=0.5), rand(5)
    h = ref_pool(relu(ref_conv(x, w1, b1, pads=(1, 1, 1, 1))), "max", (2, 2), (2, 2))
    flat = h.reshape(1, -1)
    z = flat.astype(np.float64) @ f1 + c1
    inits = [init("w1", w1), init("b1", b1), init("f2", f2.T.copy()), init("c2", c2)]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu1"),
             helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2])]
    if flatten == "Flatten":
        nodes.append(helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1))
    else:
        # torch.onnx's x.view(1, -1): a Constant node holding the shape
        nodes.append(helper.make_node("Constant", [], ["shape"], name="shape_const",
                                      value=numpy_helper.from_array(np.array([0, -1], np.int64))))
        nodes.append(helper.make_node("Reshape", ["p", "shape"], ["f"], name="reshape"))
    if matmul:
        inits += [init("f1", f1), init("c1", c1)]
        nodes += [helper.make_node("MatMul", ["f", "f1"], ["mm"], name="fc1_matmul"),
                  helper.make_node("Add", ["mm", "c1"], ["g"], name="fc1_bias")]
    elif gemm_trans_b:
        inits += [init("f1", f1.T.copy()), init("c1", c1)]
        nodes.append(helper.make_node("Gemm", ["f", "f1", "c1"], ["g"], name="fc1", transB=1))
    else:
        inits += [init("f1", f1 * 2), init("c1", c1 * 4)]
        nodes.append(helper.make_node("Gemm", ["f", "f1", "c1"], ["g"], name="fc1", alpha=0.5, beta=0.25))
    src = "g"
    if bn_after_fc:
        s, bb, mean, var = rand(16), rand(16), rand(16), np.abs(rand(16)) + 0.5
        inits += [init("bn_s", s), init("bn_b", bb), init("bn_m", mean), init("bn_v", var)]
        nodes.append(helper.make_node("BatchNormalization", ["g", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"],
                                      name="bn_fc", epsilon=1e-3))
        z = ref_bn(z.astype(np.float32), s, bb, mean, var, 1e-3)
        src = "bn"
    if dropout:
        nodes.append(helper.make_node("Dropout", [src], ["d"], name="drop"))
        src = "d"
    nodes += [helper.make_node("Relu", [src], ["r2"], name="relu2"),
              helper.make_node("Gemm", ["r2", "f2", "c2"], ["logits"], name="fc2", transB=1),
              helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=1)]
    z = relu(z)
    logits = z.astype(np.float64) @ f2 + c2
    y = ref_softmax(logits.astype(np.float32), 1)
    xin = vinfo("x", ["batch" if symbolic_batch else 1, 3, 8, 8])
    m = model(nodes, [xin], [vinfo("prob", [1, 5])], inits, opset)
    return save_case("cases", name, m, [x], [y], "ours")


def bn_conv_case(name):
    """conv -> BN -> relu (folded), and a BN on the graph input (no producer: becomes a conv)."""
    x = rand(1, 3, 6, 6)
    s0, b0, m0, v0 = rand(3), rand(3), rand(3), np.abs(rand(3)) + 0.5
    w, b = rand(5, 3, 3, 3, scale=0.4), rand(5)
    s, bb, mean, var = rand(5), rand(5), rand(5), np.abs(rand(5)) + 0.5
    inits = [init("s0", s0), init("b0", b0), init("m0", m0), init("v0", v0),
             init("W", w), init("B", b), init("s", s), init("bb", bb), init("mean", mean), init("var", var)]
    nodes = [helper.make_node("BatchNormalization", ["x", "s0", "b0", "m0", "v0"], ["xb"], name="bn_input"),
             helper.make_node("Conv", ["xb", "W", "B"], ["c"], name="conv"),
             helper.make_node("BatchNormalization", ["c", "s", "bb", "mean", "var"], ["n"], name="bn", epsilon=1e-5),
             helper.make_node("Relu", ["n"], ["y"], name="relu")]
    y = relu(ref_bn(ref_conv(ref_bn(x, s0, b0, m0, v0, 1e-5), w, b), s, bb, mean, var, 1e-5))
    m = model(nodes, [vinfo("x", [1, 3, 6, 6])], [vinfo("y", y.shape)], inits, 15)
    return save_case("cases", name, m, [x], [y], "ours")


def residual_case(name):
    """conv-relu-conv + skip -> Add -> relu; a second, bias-like constant Add; GAP at the end."""
    x = rand(1, 4, 5, 5)
    w1, b1, w2, b2 = rand(4, 4, 3, 3, scale=0.3), rand(4), rand(4, 4, 3, 3, scale=0.3), rand(4)
    cb = rand(1, 4, 1, 1)
    inits = [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2), init("cb", cb)]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["c2", "x"], ["s"], name="add"),
             helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
             helper.make_node("Conv", ["r2", "w1"], ["c3"], name="conv3"),
             helper.make_node("Add", ["c3", "cb"], ["c3b"], name="add_const"),
             helper.make_node("GlobalAveragePool", ["c3b"], ["y"], name="gap")]
    r1 = relu(ref_conv(x, w1, b1, pads=(1, 1, 1, 1)))
    r2 = relu(ref_conv(r1, w2, b2, pads=(1, 1, 1, 1)) + x)
    c3 = ref_conv(r2, w1, None) + cb
    y = c3.mean(axis=(2, 3), keepdims=True).astype(np.float32)
    m = model(nodes, [vinfo("x", [1, 4, 5, 5])], [vinfo("y", y.shape)], inits, 14)
    return save_case("cases", name, m, [x], [y], "ours")


def concat_case(name):
    """LCRM-style concat of a 1x1 conv and a depthwise conv, then a standalone relu6, identity."""
    x = rand(1, 3, 6, 6)
    wa, wb = rand(2, 3, 1, 1), rand(6, 1, 3, 3, scale=0.5)
    wc = rand(4, 8, 1, 1, scale=0.5)
    inits = [init("wa", wa, typed=True), init("wb", wb, typed=True), init("wc", wc, typed=True)]
    nodes = [helper.make_node("Conv", ["x", "wa"], ["a"], name="pw"),
             helper.make_node("Conv", ["x", "wb"], ["b"], name="dw", group=3, pads=[1, 1, 1, 1]),
             helper.make_node("Concat", ["a", "b"], ["cat"], name="concat", axis=1),
             helper.make_node("Clip", ["cat", "", "hi"], ["cl"], name="clip_max_only"),
             helper.make_node("Identity", ["cl"], ["id"], name="identity"),
             helper.make_node("Conv", ["id", "wc"], ["y"], name="fuse")]
    inits.append(init("hi", np.array(0.5, np.float32)))
    cat = np.concatenate([ref_conv(x, wa, None), ref_conv(x, wb, None, pads=(1, 1, 1, 1), group=3)], axis=1)
    y = ref_conv(np.minimum(cat, 0.5).astype(np.float32), wc, None)
    m = model(nodes, [vinfo("x", [1, 3, 6, 6])], [vinfo("y", y.shape)], inits, 11)
    return save_case("cases", name, m, [x], [y], "ours")


def qdq_case(name):
    """A QDQ model: uint8 activation Q/DQ, int8 per-channel weights, int32 bias through DQ."""
    x = rand(1, 2, 5, 5)
    wq = RNG.integers(-127, 128, size=(3, 2, 3, 3)).astype(np.int8)
    ws = (np.abs(rand(3)) * 0.01 + 0.005).astype(np.float32)
    xs, xz = np.float32(0.02), np.uint8(128)
    bq = RNG.integers(-2000, 2000, size=3).astype(np.int32)
    bs = (xs * ws).astype(np.float32)
    inits = [init("xs", np.array(xs)), init("xz", np.array(xz)), init("wq", wq), init("ws", ws),
             init("wz", np.zeros(3, np.int8)), init("bq", bq), init("bs", bs)]
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="q_x"),
             helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="dq_x"),
             helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w", axis=0),
             helper.make_node("DequantizeLinear", ["bq", "bs"], ["bd"], name="dq_b", axis=0),
             helper.make_node("Conv", ["xd", "wd", "bd"], ["y"], name="conv", pads=[1, 1, 1, 1])]
    q = np.clip(np.round(x / xs) + 128, 0, 255)  # numpy rounds half to even, as ONNX does
    xd = ((q - 128) * xs).astype(np.float32)
    wd = (wq.astype(np.float32) * ws.reshape(3, 1, 1, 1)).astype(np.float32)
    bd = (bq.astype(np.float32) * bs).astype(np.float32)
    y = ref_conv(xd, wd, bd, pads=(1, 1, 1, 1))
    m = model(nodes, [vinfo("x", [1, 2, 5, 5])], [vinfo("y", y.shape)], inits, 13)
    return save_case("cases", name, m, [x], [y], "ours")


def relu_input_case(name):
    """Activations with nothing to fuse into: relu on the input, leaky relu after a concat."""
    x = rand(1, 2, 3, 3)
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu_in"),
             helper.make_node("Concat", ["r", "x"], ["c"], name="cat", axis=1),
             helper.make_node("LeakyRelu", ["c"], ["y"], name="leaky_after_concat")]
    c = np.concatenate([relu(x), x], axis=1)
    y = np.where(c > 0, c, np.float32(0.01) * c).astype(np.float32)
    m = model(nodes, [vinfo("x", [1, 2, 3, 3])], [vinfo("y", y.shape)], [], 16)
    return save_case("cases", name, m, [x], [y], "ours")


def shared_param_case(name):
    """torch.onnx's initializer sharing: when two parameters are equal it keeps one
    initializer and feeds the other consumer through Identity. Here two BatchNorms share a
    bias, one of them through Identity. Its own generator, so the other cases keep their data."""
    rng = np.random.default_rng(20261122)
    r = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    x = r(1, 3, 5, 5)
    w1, w2 = r(4, 3, 3, 3) * 0.4, r(4, 4, 1, 1) * 0.4
    s1, s2, bias, m1, m2 = r(4), r(4), r(4), r(4), r(4)
    v1, v2 = np.abs(r(4)) + 0.5, np.abs(r(4)) + 0.5
    inits = [init("w1", w1), init("w2", w2), init("s1", s1), init("s2", s2), init("bias", bias),
             init("m1", m1), init("m2", m2), init("v1", v1), init("v2", v2)]
    nodes = [helper.make_node("Identity", ["bias"], ["bias_alias"], name="alias"),
             helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c1", "s1", "bias", "m1", "v1"], ["n1"], name="bn1"),
             helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2"),
             helper.make_node("BatchNormalization", ["c2", "s2", "bias_alias", "m2", "v2"], ["y"], name="bn2")]
    zero = np.zeros(4, np.float32)
    y = ref_bn(ref_conv(relu(ref_bn(ref_conv(x, w1, zero, pads=(1, 1, 1, 1)), s1, bias, m1, v1, 1e-5)), w2, zero),
               s2, bias, m2, v2, 1e-5)
    m = model(nodes, [vinfo("x", [1, 3, 5, 5])], [vinfo("y", y.shape)], inits, 13)
    return save_case("cases", name, m, [x], [y], "ours")


def our_cases():
    lines = [
        conv_case("conv_raw_opset17", (1, 3, 7, 6), (4, 3, 3, 3), pads=(1, 1, 1, 1)),
        conv_case("conv_typed_opset11", (1, 3, 7, 6), (4, 3, 3, 3), pads=(1, 1, 1, 1), typed=True, opset=11),
        conv_case("conv_grouped_asym_pads", (1, 4, 9, 8), (6, 2, 3, 2), stride=(2, 1), pads=(0, 1, 2, 1), group=2),
        conv_case("conv_depthwise_dilated", (1, 3, 9, 9), (3, 1, 3, 3), pads=(2, 2, 2, 2), dil=(2, 2), group=3),
        conv_case("conv_depthwise_mult2", (1, 2, 6, 6), (4, 1, 3, 3), stride=(2, 2), pads=(1, 1, 1, 1), group=2,
                  bias=False),
        conv_case("conv_5x5_stride3", (1, 2, 11, 10), (3, 2, 5, 5), stride=(3, 3), pads=(2, 2, 2, 2)),
        conv_case("conv_same_upper", (1, 2, 7, 8), (3, 2, 3, 3), stride=(2, 2), auto_pad="SAME_UPPER"),
        conv_case("conv_same_lower", (1, 2, 7, 8), (3, 2, 4, 4), stride=(2, 2), auto_pad="SAME_LOWER"),
        conv_case("conv_valid", (1, 2, 7, 8), (3, 2, 3, 3), stride=(2, 2), auto_pad="VALID"),
        conv_case("conv_relu6_opset11", (1, 2, 6, 6), (4, 2, 3, 3), pads=(1, 1, 1, 1), opset=11, act="relu6"),
        conv_case("conv_leaky", (1, 2, 6, 6), (4, 2, 3, 3), pads=(1, 1, 1, 1), act="leaky"),
        external_conv_case("conv_external_data"),
        pool_case("maxpool_ceil", "max", (1, 2, 7, 7), (3, 3), (2, 2), ceil=True),
        pool_case("maxpool_ceil_pads", "max", (1, 2, 6, 6), (3, 3), (2, 2), pads=(1, 1, 1, 1), ceil=True),
        pool_case("maxpool_2x2_ceil_odd", "max", (1, 3, 5, 5), (2, 2), (2, 2), ceil=True, relu_before=True),
        pool_case("maxpool_asym_pads", "max", (1, 2, 6, 7), (3, 2), (1, 2), pads=(1, 0, 2, 1)),
        # 5 + 2 pads, k 2, s 2: ceil gives 4 windows, but the 4th would start at 6, in the
        # trailing padding: ONNX (and PyTorch) drop it -> 3
        pool_case("maxpool_ceil_last_window", "max", (1, 2, 5, 5), (2, 2), (2, 2), pads=(1, 1, 1, 1), ceil=True),
        pool_case("avgpool_ceil_last_window", "avg", (1, 2, 5, 5), (2, 2), (2, 2), pads=(1, 1, 1, 1), ceil=True,
                  cip=True),
        pool_case("avgpool_include_pad", "avg", (1, 2, 6, 6), (3, 3), (2, 2), pads=(1, 1, 1, 1), cip=True),
        pool_case("avgpool_exclude_pad", "avg", (1, 2, 6, 6), (3, 3), (2, 2), pads=(1, 1, 1, 1), cip=False),
        pool_case("avgpool_ceil_include_pad", "avg", (1, 2, 6, 6), (3, 3), (2, 2), pads=(1, 1, 1, 1), ceil=True,
                  cip=True),
        pool_case("avgpool_ceil_opset11", "avg", (1, 2, 7, 7), (2, 2), (2, 2), ceil=True, opset=11),
        classifier_case("fc_flatten_gemm_transb"),
        classifier_case("fc_reshape_gemm_alpha_beta", flatten="Reshape", gemm_trans_b=0, opset=11),
        classifier_case("fc_matmul_flatten", matmul=True, dropout=True),
        classifier_case("fc_gemm_bn", bn_after_fc=True, symbolic_batch=True),
        bn_conv_case("bn_fold_and_standalone"),
        residual_case("residual_add"),
        concat_case("concat_depthwise_clip"),
        qdq_case("qdq_conv"),
        relu_input_case("unfusable_activations"),
        shared_param_case("identity_shared_initializer"),
    ]
    return lines


# ---- files the importer must reject ------------------------------------------------------

def bad_cases():
    x4 = [vinfo("x", [1, 2, 4, 4])]
    w = init("W", rand(2, 2, 3, 3))

    def conv(inputs=("x", "W"), out="y", **attrs):
        return helper.make_node("Conv", list(inputs), [out], name="conv", **attrs)

    def save(name, m):
        save_case("bad", name, m, None, None, "bad")

    y = [vinfo("y", None)]
    save("unsupported_op", model([helper.make_node("Sigmoid", ["x"], ["y"], name="my_sigmoid")], x4, y, []))
    save("unsupported_attr", model([conv(foo=3)], x4, y, [w]))
    save("maxpool_dilations", model([helper.make_node("MaxPool", ["x"], ["y"], name="mp", kernel_shape=[2, 2],
                                                      dilations=[2, 2])], x4, y, []))
    save("maxpool_storage_order", model([helper.make_node("MaxPool", ["x"], ["y"], name="mp", kernel_shape=[2, 2],
                                                          storage_order=1)], x4, y, []))
    save("inconsistent_shapes", model([conv(out="c", pads=[1, 1, 1, 1]),
                                       helper.make_node("Add", ["c", "z"], ["y"], name="add_mismatch")],
                                      x4, y, [w, init("z", rand(1, 3, 4, 4))]))
    save("conv_channel_mismatch", model([conv()], x4, y, [init("W", rand(2, 3, 3, 3))]))
    save("missing_initializer", model([conv(inputs=("x", "W_missing"))], x4, y, []))
    save("cycle", model([helper.make_node("Add", ["x", "b"], ["a"], name="add_a"),
                         helper.make_node("Relu", ["a"], ["b"], name="relu_b"),
                         helper.make_node("Relu", ["a"], ["y"], name="relu_y")], x4, y, []))
    save("weight_not_constant", model([conv()], x4 + [vinfo("W", [2, 2, 3, 3])], y, []))
    save("opset10", model([helper.make_node("Relu", ["x"], ["y"], name="r")], x4, y, [], opset=10))
    save("opset18", model([helper.make_node("Relu", ["x"], ["y"], name="r")], x4, y, [], opset=18))
    save("int64_input", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                              [helper.make_tensor_value_info("x", TensorProto.INT64, [1, 4])], y, []))
    save("symbolic_channels", model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vinfo("x", [1, "c", 4, 4])],
                                    y, []))
    save("conv1d", model([conv()], [vinfo("x", [1, 2, 8])], y, [init("W", rand(2, 2, 3))]))
    save("float16_initializer", model([conv()], x4, y, [init("W", rand(2, 2, 3, 3).astype(np.float16))]))
    save("raw_data_wrong_size", model([conv()], x4, y, [truncated_raw(w)]))
    save("maxpool_indices_used", model([helper.make_node("MaxPool", ["x"], ["y", "idx"], name="mp",
                                                         kernel_shape=[2, 2])], x4, y + [vinfo("idx", None)], []))
    save("reshape_shape_not_constant", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                                             x4 + [vinfo("s", [2])], y, []))
    save("reshape_bad_count", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")], x4, y,
                                    [init("s", np.array([1, 5], np.int64))]))
    save("duplicate_output", model([helper.make_node("Relu", ["x"], ["y"], name="r1"),
                                    helper.make_node("Relu", ["x"], ["y"], name="r2")], x4, y, []))
    save("bn_training", model([helper.make_node("BatchNormalization", ["x", "s", "s", "s", "s"], ["y"], name="bn",
                                                training_mode=1)], x4, y, [init("s", np.ones(2, np.float32))]))
    save("auto_pad_unknown", model([conv(auto_pad="SAME_MIDDLE")], x4, y, [w]))
    save("custom_domain", model([helper.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")], x4, y, []))
    save("pool_pad_ge_kernel", model([helper.make_node("MaxPool", ["x"], ["y"], name="mp", kernel_shape=[2, 2],
                                                       pads=[2, 2, 2, 2])], x4, y, []))
    save("kernel_larger_than_input", model([conv()], [vinfo("x", [1, 2, 2, 2])], y, [w]))
    for name, ext in (("external_out_of_range", ("ext.bin", "64", str(w.raw_data.__len__()))),
                      ("external_traversal", ("../cases/conv_external_data.weights", "0", None)),
                      ("external_absolute", ("/etc/passwd", "0", None)),
                      ("external_missing_file", ("no_such_file.bin", "0", None))):
        save(name, model([conv()], x4, y, [external(w, *ext)]))
    with open(os.path.join(HERE, "bad", "ext.bin"), "wb") as f:
        f.write(w.raw_data)  # exactly the tensor: offset 64 runs past its end
    with open(os.path.join(HERE, "bad", "random_bytes.onnx"), "wb") as f:
        f.write(RNG.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with open(os.path.join(HERE, "bad", "empty.onnx"), "wb") as f:
        pass


def truncated_raw(t):
    t2 = TensorProto()
    t2.CopyFrom(t)
    t2.raw_data = t.raw_data[:-4]
    return t2


def external(t, location, offset, length):
    t2 = TensorProto()
    t2.CopyFrom(t)
    t2.ClearField("raw_data")
    t2.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t2.external_data.add()
            e.key, e.value = k, v
    return t2


# ---- ONNX's operator test cases -----------------------------------------------------------

# Inputs our importer requires to be constants (weights, shapes, bounds): the backend cases
# feed them as graph inputs, so they are baked into initializers with the case's values.
CONSTANT_INPUTS = {"Conv": {1, 2}, "Gemm": {1, 2}, "MatMul": {1}, "BatchNormalization": {1, 2, 3, 4},
                   "Clip": {1, 2}, "Reshape": {1}, "Dropout": {1, 2}, "QuantizeLinear": {1, 2},
                   "DequantizeLinear": {1, 2}}


def raise_opset(m):
    """Cases stamped below opset 11 for an operator unchanged since: restamp at 11."""
    ver = m.opset_import[0].version
    if ver >= OPSET_MIN:
        return
    for n in m.graph.node:
        if onnx.defs.get_schema(n.op_type, OPSET_MIN).since_version != onnx.defs.get_schema(n.op_type, ver).since_version:
            return
    m.opset_import[0].version = OPSET_MIN


def backend_cases():
    from onnx.backend.test.case import node as node_cases
    lines = []
    seen = set()
    for case in node_cases.collect_testcases(""):  # "" = every operator (the argument filters once only)
        ops = {n.op_type for n in case.model.graph.node}
        if not ops & set(OUR_OPS) or not ops <= set(OUR_OPS) | {"Constant"} or case.name in seen:
            continue
        seen.add(case.name)
        m = onnx.ModelProto()
        m.CopyFrom(case.model)
        raise_opset(m)
        inputs, outputs = case.data_sets[0]
        value = dict(zip([i.name for i in m.graph.input], inputs))
        bake = set()
        for n in m.graph.node:
            for k in CONSTANT_INPUTS.get(n.op_type, ()):
                if k < len(n.input) and n.input[k] in value:
                    bake.add(n.input[k])
        kept = [i for i in m.graph.input if i.name not in bake]
        for name in sorted(bake):
            m.graph.initializer.append(numpy_helper.from_array(np.asarray(value[name]), name))
        del m.graph.input[:]
        m.graph.input.extend(kept)
        ins = [np.asarray(value[i.name]) for i in kept]
        outs = [np.asarray(o) for o in outputs]
        try:
            ins = [a.astype(np.float32) for a in ins]
            outs = [a.astype(np.float32) for a in outs]
        except (TypeError, ValueError):  # sequences/optionals: rejected by the importer, no data needed
            ins = outs = []
        if any(a.ndim > 4 for a in ins):  # 3-D spatial cases are rejected; their data is not needed
            ins = outs = None
        lines.append(save_case("backend", case.name, m, ins, outs, "backend"))
    return lines


def main():
    os.chdir(HERE)
    lines = our_cases()
    bad_cases()
    lines += backend_cases()
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# written by make_cases.py: the cases tests/test_onnx_import.c runs\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{len(lines)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
