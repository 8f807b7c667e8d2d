#!/usr/bin/python3
"""Expected outputs of odpu_preprocess_image (data/preprocess.c), computed with PyTorch.

Each case: random 8-bit HWC pixels -> float * scale -> (gray replicated to the output
channels) -> torch.nn.functional.interpolate(mode="bilinear", align_corners=False) when the
case resizes -> (x - mean) / std, all in float32 as the zoo's training scripts do it.

Run once with Debian's python (torch is there); tests/test_preprocess.c reads the text file
this writes, so the tests themselves do not need torch:
    /usr/bin/python3 tests/data/preprocess/make_expected.py > tests/data/preprocess/cases.txt
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

# (name, in_h, in_w, in_c, out_h, out_w, out_c, resize, scale, mean, std)
CASES = [
    ("gray_same_size", 28, 28, 1, 28, 28, 1, 0, 1 / 255, [0.2860], [0.3530]),
    ("gray_upscale_28_to_64", 28, 28, 1, 64, 64, 1, 1, 1 / 255, [0.2860], [0.3530]),
    ("gray_down_to_rgb", 13, 17, 1, 7, 5, 3, 1, 1 / 255, [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]),
    ("rgb_mixed", 10, 12, 3, 23, 9, 3, 1, 1 / 255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ("gray_single_pixel", 1, 1, 1, 3, 4, 1, 1, 1.0, [10.0], [3.0]),
    ("rgb_resize_same_size", 6, 6, 3, 6, 6, 3, 1, 0.5, [0.0, 1.0, -1.0], [1.0, 2.0, 0.5]),
    ("gray_odd_ratio", 9, 4, 1, 4, 11, 1, 1, 1 / 255, [0.5], [0.5]),
]


def expected(pixels, out_h, out_w, out_c, resize, scale, mean, std):
    x = torch.from_numpy(pixels).permute(2, 0, 1).float() * scale
    if x.shape[0] == 1 and out_c > 1:
        x = x.expand(out_c, -1, -1)
    if resize:
        x = F.interpolate(x[None], size=(out_h, out_w), mode="bilinear", align_corners=False)[0]
    m = torch.tensor(mean, dtype=torch.float32)[:, None, None]
    s = torch.tensor(std, dtype=torch.float32)[:, None, None]
    return ((x - m) / s).contiguous().numpy()


def main():
    rng = np.random.default_rng(20240603)
    out = sys.stdout
    out.write("# expected outputs of odpu_preprocess_image; written by make_expected.py (PyTorch %s)\n"
              % torch.__version__)
    out.write("cases %d\n" % len(CASES))
    for name, h, w, c, oh, ow, oc, resize, scale, mean, std in CASES:
        pixels = rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)
        y = expected(pixels, oh, ow, oc, resize, scale, mean, std)
        out.write("case %s\n" % name)
        out.write("in %d %d %d\n" % (h, w, c))
        out.write("out %d %d %d %d\n" % (oh, ow, oc, resize))
        out.write("scale %.9g\n" % np.float32(scale))
        out.write("mean %s\n" % " ".join("%.9g" % np.float32(v) for v in mean))
        out.write("std %s\n" % " ".join("%.9g" % np.float32(v) for v in std))
        out.write("pixels %s\n" % " ".join(str(int(v)) for v in pixels.reshape(-1)))
        out.write("expected %s\n" % " ".join("%.9g" % v for v in y.reshape(-1)))


if __name__ == "__main__":
    main()
