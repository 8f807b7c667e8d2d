"""The zoo's network definitions (PyTorch nn.Modules), one class per architecture.

Every model takes a batch of preprocessed NCHW float images and returns 10 logits. They are
written so that torch.onnx exports them with the ops opendpu's importer supports (Conv,
BatchNormalization, Relu, Clip, MaxPool, GlobalAveragePool, Add, Concat, Flatten, Reshape,
Gemm) and so that torch.fx can trace them for the FX post-training-quantization baseline.
"""

import torch
from torch import nn

N_CLASSES = 10


class MnistCnn(nn.Module):
    """The MNIST CNN of the report "Deep Neural Network Optimization": three unpadded 3x3
    convolutions (25, 64, 64 filters) each followed by ReLU and a 2x2 max-pool (the last with
    ceil_mode, 3x3 -> 2x2), then FC 64 -> FC 32 -> FC 10. 28x28 -> 26 -> 13 -> 11 -> 5 -> 3 -> 2."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 25, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(25, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 2 * 2, 64), nn.ReLU(),
            nn.Linear(64, 32), nn.ReLU(),
            nn.Linear(32, N_CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class CustomNet(nn.Module):
    """The CustomNet of the report "Optimization of CNN for implementing in FPGA/SoC": three
    5x5 convolutions (32, 64, 128 filters, padding 2, with bias) each followed by BatchNorm,
    ReLU and a 4x4 max-pool, then FC 128 -> BatchNorm1d -> ReLU -> FC 10. The FC input size
    follows from the input size: 64x64 -> 16 -> 4 -> 1 (128 features), 224x224 -> 56 -> 14 -> 3
    (1152 features)."""

    POOL = 4

    def __init__(self, in_size):
        super().__init__()
        layers = []
        c_in, size = 3, in_size
        for c_out in (32, 64, 128):
            layers += [nn.Conv2d(c_in, c_out, 5, padding=2), nn.BatchNorm2d(c_out), nn.ReLU(),
                       nn.MaxPool2d(self.POOL)]
            c_in, size = c_out, size // self.POOL
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c_in * size * size, 128), nn.BatchNorm1d(128), nn.ReLU(),
            nn.Linear(128, N_CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut (identity, or a
    strided 1x1 projection with BN when the shape changes), then ReLU after the Add."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(c_out))
        else:
            self.shortcut = nn.Identity()
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu2(y + self.shortcut(x))


class ResNetStyle(nn.Module):
    """A small ResNet: stem conv3x3 16, three stages of two basic blocks (16, 32, 64 channels;
    stages 2 and 3 start with stride 2 and a 1x1 projection shortcut), GlobalAveragePool, FC.
    28x28 -> 28 -> 14 -> 7."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU())
        blocks = []
        c_in = 16
        for c_out, stride in ((16, 1), (32, 2), (64, 2)):
            blocks += [BasicBlock(c_in, c_out, stride), BasicBlock(c_out, c_out, 1)]
            c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, N_CLASSES))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def conv_bn_relu6(c_in, c_out, kernel, stride=1, groups=1):
    return [nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, groups=groups,
                      bias=False),
            nn.BatchNorm2d(c_out), nn.ReLU6()]


class MobileNetStyle(nn.Module):
    """MobileNet(v1)-style: stem conv3x3 16, then depthwise-separable blocks (depthwise 3x3,
    groups = input channels, BN, ReLU6; pointwise 1x1, BN, ReLU6). The block 32 -> 64 uses a
    depthwise channel multiplier of 2 (32 groups, 64 outputs). ReLU6 exports as Clip(0, 6).
    28x28 -> 28 -> 14 -> 7, GlobalAveragePool, FC 10."""

    # (input channels, output channels, stride, depthwise channel multiplier)
    BLOCKS = ((16, 32, 1, 1), (32, 64, 2, 2), (64, 64, 1, 1), (64, 128, 2, 1), (128, 128, 1, 1))

    def __init__(self):
        super().__init__()
        layers = conv_bn_relu6(1, 16, 3)
        for c_in, c_out, stride, mult in self.BLOCKS:
            layers += conv_bn_relu6(c_in, c_in * mult, 3, stride=stride, groups=c_in)
            layers += conv_bn_relu6(c_in * mult, c_out, 1)
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(self.BLOCKS[-1][1], N_CLASSES))

    def forward(self, x):
        return self.head(self.features(x))


class LcrmConcat(nn.Module):
    """LCRM case M < N with N % M != 0: a 1x1 conv with N % M filters concatenated (channels
    first) with a depthwise conv of channel multiplier (N - N % M) / M."""

    def __init__(self, m, n, kernel, padding):
        super().__init__()
        self.pointwise = nn.Conv2d(m, n % m, 1, bias=False)
        self.depthwise = nn.Conv2d(m, n - n % m, kernel, padding=padding, groups=m, bias=False)

    def forward(self, x):
        return torch.cat([self.pointwise(x), self.depthwise(x)], 1)


def standard_conv(m, n, kernel, padding):
    return nn.Conv2d(m, n, kernel, padding=padding, bias=False)


def lcrm_conv(m, n, kernel, padding):
    """The replacement rule of "LCRM: Layer-Wise Complexity Reduction Method" for a standard
    conv with M input and N output channels."""
    if n % m == 0:
        return nn.Conv2d(m, n, kernel, padding=padding, groups=m, bias=False)
    if m < n:
        return LcrmConcat(m, n, kernel, padding)
    return nn.Conv2d(m, n, 1, bias=False)


class PlainNet(nn.Module):
    """A plain CNN: conv3x3 1->24, conv3x3 24->48, maxpool, conv3x3 48->64, conv3x3 64->32,
    maxpool, FC 10; BN + ReLU after every conv. `conv` builds every conv except the first:
    standard_conv gives the parent, lcrm_conv its LCRM variant, in which the three convs hit
    the three cases of the rule (24->48: N % M == 0; 48->64: M < N; 64->32: M > N). The
    classifier flattens with a Reshape (x.reshape(-1, features))."""

    PLAN = ((24, 48), "pool", (48, 64), (64, 32), "pool")

    def __init__(self, conv):
        super().__init__()
        layers = [nn.Conv2d(1, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU()]
        size = 28
        for step in self.PLAN:
            if step == "pool":
                layers.append(nn.MaxPool2d(2))
                size //= 2
            else:
                m, n = step
                layers += [conv(m, n, 3, 1), nn.BatchNorm2d(n), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.n_features = self.PLAN[-2][1] * size * size
        self.classifier = nn.Linear(self.n_features, N_CLASSES)

    def forward(self, x):
        return self.classifier(self.features(x).reshape(-1, self.n_features))
