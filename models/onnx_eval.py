"""A minimal ONNX interpreter for the zoo's own check: runs an exported graph node by node
with torch.nn.functional, so zoo.py can prove the .onnx file (not only the PyTorch module)
reproduces reference_outputs.f32. Debian ships no ONNX runtime for Python, and onnx 1.12
has no reference evaluator. It knows exactly the ops the zoo exports; any other op, or an
attribute it does not model, raises an error naming the node."""

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _symmetric_pads(node, pads):
    """ONNX pads are [begin..., end...]; torch's functional ops take one value per axis."""
    half = len(pads) // 2
    if list(pads[:half]) != list(pads[half:]):
        raise ValueError(f"node {node.name} ({node.op_type}): asymmetric pads {pads}")
    return tuple(pads[:half])


def _check_auto_pad(node, a):
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError(f"node {node.name} ({node.op_type}): auto_pad not modelled")


def _conv(node, a, x, w, b=None):
    _check_auto_pad(node, a)
    k = len(w.shape) - 2
    return F.conv2d(x, w, b, stride=tuple(a.get("strides", [1] * k)),
                    padding=_symmetric_pads(node, a.get("pads", [0] * 2 * k)),
                    dilation=tuple(a.get("dilations", [1] * k)), groups=a.get("group", 1))


def _batchnorm(node, a, x, scale, bias, mean, var):
    if a.get("training_mode", 0) != 0 or len(node.output) != 1:
        raise ValueError(f"node {node.name}: BatchNormalization in training mode")
    return F.batch_norm(x, mean, var, scale, bias, training=False, eps=a.get("epsilon", 1e-5))


def _maxpool(node, a, x):
    _check_auto_pad(node, a)
    k = a["kernel_shape"]
    if a.get("storage_order", 0) != 0 or len(node.output) != 1:
        raise ValueError(f"node {node.name}: MaxPool indices output not modelled")
    return F.max_pool2d(x, tuple(k), stride=tuple(a.get("strides", [1] * len(k))),
                        padding=_symmetric_pads(node, a.get("pads", [0] * 2 * len(k))),
                        dilation=tuple(a.get("dilations", [1] * len(k))),
                        ceil_mode=bool(a.get("ceil_mode", 0)))


def _gemm(node, a, x, w, c=None):
    x = x.t() if a.get("transA", 0) else x
    w = w.t() if a.get("transB", 0) else w
    y = a.get("alpha", 1.0) * (x @ w)
    return y if c is None else y + a.get("beta", 1.0) * c


def _clip(node, a, x, lo=None, hi=None):
    lo = a.get("min") if lo is None else lo   # opset < 11 used attributes
    hi = a.get("max") if hi is None else hi
    if lo is not None:
        x = torch.maximum(x, torch.as_tensor(lo, dtype=x.dtype))
    if hi is not None:
        x = torch.minimum(x, torch.as_tensor(hi, dtype=x.dtype))
    return x


def _reshape(node, a, x, shape):
    shape = [int(s) for s in shape]
    if not a.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


OPS = {
    "Conv": _conv,
    "BatchNormalization": _batchnorm,
    "Relu": lambda n, a, x: F.relu(x),
    "Clip": _clip,
    "MaxPool": _maxpool,
    "GlobalAveragePool": lambda n, a, x: x.mean(dim=(2, 3), keepdim=True),
    "Add": lambda n, a, x, y: x + y,
    "Concat": lambda n, a, *xs: torch.cat(xs, a["axis"]),
    "Flatten": lambda n, a, x: x.reshape(int(np.prod(x.shape[:a.get("axis", 1)])), -1),
    "Reshape": _reshape,
    "Gemm": _gemm,
    "Identity": lambda n, a, x: x,
    "Constant": lambda n, a: torch.from_numpy(numpy_helper.to_array(a["value"]).copy()),
}


@torch.no_grad()
def run(model, x):
    """Outputs of the graph's only output for the NCHW float32 numpy input x."""
    g = model.graph
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
    inputs = [i.name for i in g.input if i.name not in values]
    if len(inputs) != 1 or len(g.output) != 1:
        raise ValueError(f"graph {g.name}: expected one input and one output")
    values[inputs[0]] = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    for node in g.node:
        if node.op_type not in OPS:
            raise ValueError(f"node {node.name}: op {node.op_type} not supported by onnx_eval")
        args = [values[i] if i else None for i in node.input]
        values[node.output[0]] = OPS[node.op_type](node, _attrs(node), *args)
    return values[g.output[0].name].numpy()
