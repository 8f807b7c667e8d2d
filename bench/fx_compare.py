#!/usr/bin/python3
"""Our INT8 model against the peer baseline, image by image: PyTorch FX post-training
quantization (the fbgemm qconfig mapping, as models/zoo.py computes fx_int8_top1).

    build/opendpu eval models/NAME/NAME.onnx --data fashion-mnist:test --predictions /tmp/NAME.csv
    /usr/bin/python3 bench/fx_compare.py NAME /tmp/NAME.csv

The zoo keeps no PyTorch checkpoints, so the model is rebuilt from models/nets.py with the
weights read from its ONNX file (the initializer names are the state-dict keys). Prints
FP32, ours and FX top-1, how many images each INT8 model classifies differently from FP32,
and the exact two-sided McNemar test of ours vs FX (images only one of them gets right)."""
import copy
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import zoo  # noqa: E402

TEST_IMAGES = 10000
BATCH = 500


def load_model(spec):
    model = spec.build().eval()
    graph = onnx.load(os.path.join(zoo.MODELS_DIR, spec.name, spec.name + ".onnx")).graph
    weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:  # torch.onnx's shared parameters: Identity of an initializer
        if node.op_type == "Identity" and node.input[0] in weights:
            weights[node.output[0]] = weights[node.input[0]]
    state = {}
    for key, value in model.state_dict().items():
        if key in weights:
            state[key] = torch.from_numpy(np.array(weights[key])).reshape(value.shape)
        elif key.endswith("num_batches_tracked"):
            state[key] = value
        else:
            sys.exit(f"{spec.name}: no initializer for {key} in the ONNX file")
    model.load_state_dict(state)
    return model


@torch.no_grad()
def predict(spec, model, images):
    return torch.cat([model(zoo.preprocess(spec, images[i:i + BATCH])).argmax(1)
                      for i in range(0, len(images), BATCH)]).numpy()


def fx_model(spec, model, calib_images):
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    calib = zoo.preprocess(spec, calib_images[:zoo.N_CALIB])
    torch.backends.quantized.engine = "onednn"
    prepared = prepare_fx(copy.deepcopy(model).eval(), get_default_qconfig_mapping("fbgemm"), (calib[:1],))
    with torch.no_grad():
        prepared(calib)
    return convert_fx(prepared)


def mcnemar_p(b, c):
    """Exact two-sided McNemar (binomial) p-value for b vs c discordant images."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    spec = next((s for s in zoo.SPECS if s.name == sys.argv[1]), None)
    if spec is None:
        sys.exit(f"unknown zoo model {sys.argv[1]}")
    ours = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, dtype=np.int64)
    if ours.shape != (TEST_IMAGES, 4):
        sys.exit(f"{sys.argv[2]}: expected {TEST_IMAGES} rows of image,label,fp32,int8")
    torch.set_num_threads(zoo.THREADS)
    test_images, labels = zoo.load_split("t10k")
    train_images, _ = zoo.load_split("train")
    model = load_model(spec)
    fp32 = predict(spec, model, test_images)
    fx = predict(spec, fx_model(spec, model, train_images), test_images)
    labels = labels.numpy()
    int8, our_fp32 = ours[:, 3], ours[:, 2]
    b = int(((int8 == labels) & (fx != labels)).sum())
    c = int(((int8 != labels) & (fx == labels)).sum())
    print(f"{spec.name}: FP32 {100 * (fp32 == labels).mean():.2f} (ours {100 * (our_fp32 == labels).mean():.2f}), "
          f"INT8 ours {100 * (int8 == labels).mean():.2f}, FX {100 * (fx == labels).mean():.2f}; "
          f"differ from FP32: ours {int((int8 != our_fp32).sum())}, FX {int((fx != fp32).sum())} images; "
          f"only ours right {b}, only FX right {c}, McNemar p = {mcnemar_p(b, c):.2f}")


if __name__ == "__main__":
    main()
