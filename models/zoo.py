#!/usr/bin/python3
"""Train, export and document opendpu's model zoo (run with Debian's /usr/bin/python3).

    /usr/bin/python3 models/zoo.py [NAME ...]          # retrain and re-export (all by default)
    /usr/bin/python3 models/zoo.py --verify [NAME ...] # only re-check the committed artifacts
    /usr/bin/python3 models/zoo.py --table [NAME ...]  # the README table from model.yaml

For each model this trains on Fashion-MNIST (Debian's dataset-fashion-mnist, read from its
gzip IDX files), evaluates FP32 top-1 on the 10,000 test images, runs the peer baseline
(PyTorch FX post-training quantization), exports ONNX with BatchNorm kept as separate
nodes, writes reference inputs/outputs for the C float executor's 1e-4 check and
models/NAME/model.yaml, then re-runs the exported ONNX file (onnx_eval.py) on the
reference inputs to prove it reproduces the reference outputs.
"""

import argparse
import copy
import gzip
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

sys.dont_write_bytecode = True  # keep models/ free of __pycache__
import nets  # noqa: E402
import onnx_eval  # noqa: E402

MODELS_DIR = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
          "Bag", "Ankle boot"]
IMG_SIZE = 28
PIXEL_SCALE = 1.0 / 255.0
# Fashion-MNIST training-set mean and standard deviation of pixel/255 (0.28604, 0.35302),
# rounded to the 4 decimals written to model.yaml so training and the C side use the same.
MEAN = 0.2860
STD = 0.3530
N_REFERENCE = 8          # test images whose logits are saved for the FP32 executor check
N_CALIB = 300            # first training images used to calibrate the FX baseline
EVAL_BATCH = 500
THREADS = 2              # the build machine has 2 cores
IDX_IMAGES_MAGIC = 0x803
IDX_LABELS_MAGIC = 0x801
INPUT_NAME, OUTPUT_NAME = "input", "logits"


@dataclass
class Spec:
    """One zoo entry: how to build, feed, train and export it."""
    name: str
    build: Callable[[], nn.Module]
    channels: int
    size: int
    opset: int
    epochs: int          # 0: exported untrained (seeded random init), no accuracy
    seed: int
    lr: float = 1e-3
    batch: int = 128

    @property
    def resize(self):
        return self.size != IMG_SIZE

    @property
    def trained(self):
        return self.epochs > 0


# Opsets: 13 for most, 11 for CustomNet and 17 for the ResNet so the importer sees the range.
SPECS = [
    Spec("mnist_cnn", nets.MnistCnn, 1, 28, opset=13, epochs=10, seed=1),
    Spec("customnet", lambda: nets.CustomNet(64), 3, 64, opset=11, epochs=3, seed=2),
    Spec("customnet224", lambda: nets.CustomNet(224), 3, 224, opset=11, epochs=0, seed=3),
    Spec("resnet_style", nets.ResNetStyle, 1, 28, opset=17, epochs=4, seed=4),
    Spec("mobilenet_style", nets.MobileNetStyle, 1, 28, opset=13, epochs=5, seed=5),
    Spec("lcrm_parent", lambda: nets.PlainNet(nets.standard_conv), 1, 28, opset=13, epochs=5,
         seed=6),
    Spec("lcrm", lambda: nets.PlainNet(nets.lcrm_conv), 1, 28, opset=13, epochs=5, seed=6),
]


# ---------------------------------------------------------------- data

def read_idx(path, magic, ndim):
    """An IDX file (gzip) as a uint8 numpy array; fails naming the file if it is malformed."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header")
    got = int.from_bytes(raw[0:4], "big")
    if got != magic:
        raise ValueError(f"{path}: IDX magic 0x{got:x}, expected 0x{magic:x}")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    if len(raw) != header + int(np.prod(dims)):
        raise ValueError(f"{path}: {len(raw) - header} data bytes, dims {dims} need {np.prod(dims)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_split(split):
    """(images uint8 [N, 28, 28], labels int64 [N]) of 'train' or 't10k'."""
    images = read_idx(f"{DATA_DIR}/{split}-images-idx3-ubyte.gz", IDX_IMAGES_MAGIC, 3)
    labels = read_idx(f"{DATA_DIR}/{split}-labels-idx1-ubyte.gz", IDX_LABELS_MAGIC, 1)
    if len(images) != len(labels):
        raise ValueError(f"{split}: {len(images)} images but {len(labels)} labels")
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def preprocess(spec, images_u8):
    """What model.yaml's preprocess says, in its order: pixel * scale -> [0, 1] image ->
    bilinear resize (align_corners = False) if the model's input is not 28x28 -> gray
    replicated to the model's channels -> (x - mean) / std. Returns NCHW float32."""
    x = images_u8.to(torch.float32).unsqueeze(1) * torch.tensor(PIXEL_SCALE, dtype=torch.float32)
    if spec.resize:
        x = F.interpolate(x, size=(spec.size, spec.size), mode="bilinear", align_corners=False)
    x = x.expand(-1, spec.channels, -1, -1)
    return (x - MEAN) / STD


# ---------------------------------------------------------------- training and evaluation

def seed_everything(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def train(spec, model, train_set):
    """Adam, batch spec.batch, peak lr spec.lr annealed per step with a cosine to 0, cross
    entropy; returns the wall time in seconds."""
    images, labels = train_set
    gen = torch.Generator().manual_seed(spec.seed)
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    steps_per_epoch = math.ceil(len(images) / spec.batch)
    total = spec.epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: 0.5 * (1.0 + math.cos(math.pi * step / total)))
    start = time.monotonic()
    for epoch in range(spec.epochs):
        model.train()
        perm = torch.randperm(len(images), generator=gen)
        loss_sum, correct = 0.0, 0
        for i in range(steps_per_epoch):
            idx = perm[i * spec.batch:(i + 1) * spec.batch]
            x, y = preprocess(spec, images[idx]), labels[idx]
            out = model(x)
            loss = F.cross_entropy(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == y).sum().item()
        print(f"  {spec.name} epoch {epoch + 1}/{spec.epochs}: loss {loss_sum / len(images):.4f}"
              f" train top-1 {100.0 * correct / len(images):.2f}%"
              f" ({time.monotonic() - start:.0f} s)", flush=True)
    model.eval()
    return time.monotonic() - start


@torch.no_grad()
def top1(spec, model, test_set):
    images, labels = test_set
    correct = 0
    for i in range(0, len(images), EVAL_BATCH):
        out = model(preprocess(spec, images[i:i + EVAL_BATCH]))
        correct += (out.argmax(1) == labels[i:i + EVAL_BATCH]).sum().item()
    return 100.0 * correct / len(images)


@torch.no_grad()
def fx_int8_top1(spec, model, train_set, test_set):
    """The peer baseline: FX post-training quantization with the fbgemm default qconfig
    mapping (per-channel symmetric int8 weights, per-tensor affine uint8 activations with
    histogram observers), calibrated on the first N_CALIB training images. Debian's PyTorch
    is built without FBGEMM, so the converted model runs on the x86 oneDNN quantized
    engine, which executes the same quantized graph. Returns (top-1, None) or (None, reason)."""
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    calib = preprocess(spec, train_set[0][:N_CALIB])
    torch.backends.quantized.engine = "onednn"  # before convert_fx: it prepacks the weights
    try:
        prepared = prepare_fx(copy.deepcopy(model).eval(), get_default_qconfig_mapping("fbgemm"),
                              (calib[:1],))
        prepared(calib)
        quantized = convert_fx(prepared)
        return top1(spec, quantized, test_set), None
    except Exception as e:  # report why in model.yaml instead of dropping the model
        return None, f"FX baseline failed: {type(e).__name__}: {e}".splitlines()[0]


# ---------------------------------------------------------------- size

def count_params(model):
    """Learned parameters (conv/FC weights and biases, BN scale and shift)."""
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def count_macs(spec, model):
    """Multiply-accumulates of the Conv and Linear layers for one image."""
    total = [0]

    def conv_hook(m, inp, out):
        total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, inp, out):
        total[0] += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    model.eval()
    model(torch.zeros(1, spec.channels, spec.size, spec.size))
    for h in hooks:
        h.remove()
    return total[0]


# ---------------------------------------------------------------- artifacts

def model_dir(spec):
    return os.path.join(MODELS_DIR, spec.name)


def export_onnx(spec, model, path):
    """Batch 1, constant folding, eval-mode semantics. TrainingMode.PRESERVE on a model in
    eval mode: with TrainingMode.EVAL torch 1.13's exporter folds every Conv + BatchNorm pair
    into the Conv, and the zoo keeps BatchNormalization as separate nodes so the C side's BN
    folding is exercised. The BN nodes are exported in inference form (training_mode 0,
    running statistics), which is what EVAL would compute."""
    assert not model.training
    dummy = torch.zeros(1, spec.channels, spec.size, spec.size)
    torch.onnx.export(model, dummy, path, opset_version=spec.opset,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                      input_names=[INPUT_NAME], output_names=[OUTPUT_NAME])
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    for node in m.graph.node:
        if node.op_type == "BatchNormalization":
            for a in node.attribute:
                if a.name == "training_mode" and a.i != 0:
                    raise RuntimeError(f"{path}: {node.name} exported in training mode")
            if len(node.output) != 1:
                raise RuntimeError(f"{path}: {node.name} has training outputs")


@torch.no_grad()
def reference_outputs(model, inputs):
    """Logits of each input run alone (batch 1, as the exported graph runs)."""
    return torch.cat([model(inputs[i:i + 1]) for i in range(len(inputs))])


def write_f32(path, tensor):
    tensor.detach().contiguous().numpy().astype("<f4").tofile(path)


def fmt_num(v, digits=2):
    return "null" if v is None else f"{v:.{digits}f}"


def write_yaml(spec, path, info):
    """model.yaml, in the schema the C side parses (data/meta.c, libyaml). An untrained model
    has null accuracies and no image counts; why an accuracy is null goes in a comment."""
    chans = lambda v: "[" + ", ".join(f"{v:.4f}" for _ in range(spec.channels)) + "]"
    acc = f"{{fp32_top1: {fmt_num(info['fp32'])}, fx_int8_top1: {fmt_num(info['fx'])}"
    if spec.trained:
        acc += f", test_images: {info['test_images']}, calib_images: {info['calib_images']}"
    acc += "}"
    lines = [
        f"name: {spec.name}",
        f"onnx: {spec.name}.onnx",
        "dataset: fashion-mnist",
        f"input: {{channels: {spec.channels}, height: {spec.size}, width: {spec.size}}}",
        f"preprocess: {{resize: {'bilinear' if spec.resize else 'none'}, scale: {PIXEL_SCALE!r},"
        f" mean: {chans(MEAN)}, std: {chans(STD)}}}",
        f"labels: [{', '.join(LABELS)}]",
        f"reference: {{inputs: reference_inputs.f32, outputs: reference_outputs.f32,"
        f" count: {info['ref_count']}}}",
        f"accuracy: {acc}",
    ]
    if info.get("reason"):
        lines.append(f"# accuracy null: {info['reason']}")
    lines += [
        f"training: {{epochs: {spec.epochs}, seed: {spec.seed}, seconds: {info['seconds']},"
        f" optimizer: {'adam' if spec.trained else 'none'}, lr: {spec.lr if spec.trained else 0},"
        f" batch: {spec.batch if spec.trained else 0}}}",
        f"params: {info['params']}",
        f"macs: {info['macs']}",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def randomize_bn(model, gen):
    """Seeded non-trivial BatchNorm statistics and affine parameters for an untrained model,
    so folding BN is actually checked (default init makes BN an identity)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                n = m.num_features
                m.running_mean.copy_(0.1 * torch.randn(n, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(n, generator=gen))
                m.weight.copy_(0.5 + torch.rand(n, generator=gen))
                m.bias.copy_(0.1 * torch.randn(n, generator=gen))


def build(spec, train_set, test_set):
    print(f"== {spec.name}", flush=True)
    seed_everything(spec.seed)
    model = spec.build()
    info = {"params": count_params(model), "macs": count_macs(spec, model), "reason": None}
    if spec.trained:
        info["seconds"] = round(train(spec, model, train_set))
        info["fp32"] = top1(spec, model, test_set)
        info["fx"], info["reason"] = fx_int8_top1(spec, model, train_set, test_set)
        info["test_images"], info["calib_images"] = len(test_set[0]), N_CALIB
        ref_in = preprocess(spec, test_set[0][:N_REFERENCE])
    else:
        gen = torch.Generator().manual_seed(spec.seed)
        randomize_bn(model, gen)
        model.eval()
        info.update(seconds=0, fp32=None, fx=None,
                    reason="untrained (seeded random init), exported for speed measurements")
        ref_in = torch.randn(2, spec.channels, spec.size, spec.size, generator=gen)
    info["ref_count"] = len(ref_in)
    out_dir = model_dir(spec)
    os.makedirs(out_dir, exist_ok=True)
    export_onnx(spec, model, os.path.join(out_dir, f"{spec.name}.onnx"))
    write_f32(os.path.join(out_dir, "reference_inputs.f32"), ref_in)
    write_f32(os.path.join(out_dir, "reference_outputs.f32"), reference_outputs(model, ref_in))
    write_yaml(spec, os.path.join(out_dir, "model.yaml"), info)
    print(f"  {spec.name}: fp32 {fmt_num(info['fp32'])}  fx int8 {fmt_num(info['fx'])}"
          f"  params {info['params']}  macs {info['macs']}  train {info['seconds']} s", flush=True)
    verify(spec)


YAML_KEYS = ["name", "onnx", "dataset", "input", "preprocess", "labels", "reference",
             "accuracy", "training", "params", "macs"]


def load_yaml(spec):
    import yaml  # Debian's python3-yaml; only the checks need it
    with open(os.path.join(model_dir(spec), "model.yaml")) as f:
        return yaml.safe_load(f)


def check_yaml(spec, meta):
    """model.yaml parses as YAML, has exactly the schema's keys in order, and agrees with
    the spec and with the sizes of the files it names."""
    where = os.path.join(model_dir(spec), "model.yaml")
    if list(meta) != YAML_KEYS:
        raise SystemExit(f"{where}: keys {list(meta)}, expected {YAML_KEYS}")
    want_input = {"channels": spec.channels, "height": spec.size, "width": spec.size}
    if meta["name"] != spec.name or meta["input"] != want_input or meta["labels"] != LABELS:
        raise SystemExit(f"{where}: name, input or labels disagree with zoo.py")
    ref = meta["reference"]
    sizes = {ref["inputs"]: ref["count"] * spec.channels * spec.size * spec.size * 4,
             ref["outputs"]: ref["count"] * nets.N_CLASSES * 4}
    for name, size in sizes.items():
        got = os.path.getsize(os.path.join(model_dir(spec), name))
        if got != size:
            raise SystemExit(f"{where}: {name} has {got} bytes, count {ref['count']} needs {size}")


def verify(spec):
    """Re-check the committed artifacts: model.yaml (schema, file sizes), the ONNX passes
    onnx.checker, and running it (onnx_eval) on the reference inputs reproduces the
    reference outputs within 1e-4."""
    out_dir = model_dir(spec)
    meta = load_yaml(spec)
    check_yaml(spec, meta)
    path = os.path.join(out_dir, meta["onnx"])
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    shape = (spec.channels, spec.size, spec.size)
    x = np.fromfile(os.path.join(out_dir, meta["reference"]["inputs"]), dtype="<f4")
    x = x.reshape(-1, *shape)
    ref = np.fromfile(os.path.join(out_dir, meta["reference"]["outputs"]), dtype="<f4")
    ref = ref.reshape(len(x), -1)
    got = np.concatenate([onnx_eval.run(m, x[i:i + 1]) for i in range(len(x))])
    err = float(np.abs(got - ref).max())
    ok = err <= 1e-4
    print(f"  {spec.name}: opset {m.opset_import[0].version}, {len(m.graph.node)} nodes, "
          f"ONNX vs PyTorch max |diff| {err:.2e} over {len(x)} inputs: {'ok' if ok else 'FAIL'}",
          flush=True)
    if not ok:
        raise SystemExit(f"{path}: ONNX output differs from reference_outputs.f32 by {err}")


def print_table(specs):
    """The models/README.md table, from the committed model.yaml files."""
    print("| model | input | opset | params | MACs | FP32 top-1 | FX INT8 top-1 | training |")
    print("|-------|-------|------:|-------:|-----:|-----------:|--------------:|---------:|")
    for spec in specs:
        meta = load_yaml(spec)
        acc, tr, inp = meta["accuracy"], meta["training"], meta["input"]
        opset = onnx.load(os.path.join(model_dir(spec), meta["onnx"])).opset_import[0].version
        pct = lambda v: "—" if v is None else f"{v:.2f}"
        trained = f"{tr['epochs']} epochs, {tr['seconds']} s" if tr["epochs"] else "untrained"
        print(f"| `{spec.name}` | {inp['channels']}×{inp['height']}×{inp['width']} | {opset}"
              f" | {meta['params']:,} | {meta['macs']:,} | {pct(acc['fp32_top1'])}"
              f" | {pct(acc['fx_int8_top1'])} | {trained} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="only check the committed artifacts")
    ap.add_argument("--table", action="store_true", help="print the README table from model.yaml")
    ap.add_argument("names", nargs="*", help="models (default: all)")
    args = ap.parse_args()
    known = {s.name: s for s in SPECS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise SystemExit(f"unknown model(s) {unknown}; known: {list(known)}")
    specs = [known[n] for n in args.names] if args.names else SPECS
    torch.set_num_threads(THREADS)
    # Known, checked: the model is in eval mode when exported with PRESERVE (export_onnx), and
    # reduce_range is how the fbgemm default qconfig is defined.
    warnings.filterwarnings("ignore", message="It is recommended that constant folding")
    warnings.filterwarnings("ignore", message="Please use quant_min and quant_max")
    if (args.verify or args.table) and not args.names:
        missing = [s.name for s in specs if not os.path.exists(model_dir(s))]
        if missing:
            print(f"not built yet: {', '.join(missing)}", file=sys.stderr)
        specs = [s for s in specs if s.name not in missing]
    if args.verify:
        for s in specs:
            verify(s)
        return
    if args.table:
        print_table(specs)
        return
    train_set, test_set = load_split("train"), load_split("t10k")
    for s in specs:
        build(s, train_set, test_set)


if __name__ == "__main__":
    sys.exit(main())
