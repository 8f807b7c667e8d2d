#!/usr/bin/python3
"""Image fixtures: JPEGs for tests/test_dataset.c (folder datasets read JPEGs with
stb_image) and the first Fashion-MNIST test image as a PNG for `opendpu run` in
tests/test_eval.sh.

The test writes its PNGs itself with stb_image_write, but stb's JPEG writer shifts negative
ints (undefined behaviour that UBSan stops on), so the JPEGs are made once here with PIL:
    /usr/bin/python3 tests/data/dataset/make_fixtures.py
Pixel values are smooth ramps, so a decoded pixel is within a few levels of the formula the
test checks: RGB (x * 16, y * 16, 128), gray x * 8 + y * 8.
"""
import gzip
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
IDX_IMAGES_HEADER = 16  # magic + count + rows + cols
SIDE = 28
IDX_LABELS_HEADER = 8  # magic + count
FOLDER_IMAGES = 20
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
          "Ankle boot"]


def main():
    rgb = Image.new("RGB", (16, 16))
    rgb.putdata([(x * 16, y * 16, 128) for y in range(16) for x in range(16)])
    rgb.save(os.path.join(HERE, "ramp_rgb.jpg"), quality=95, subsampling=0)
    gray = Image.new("L", (16, 8))
    gray.putdata([x * 8 + y * 8 for y in range(8) for x in range(16)])
    gray.save(os.path.join(HERE, "ramp_gray.jpg"), quality=95)
    with gzip.open(os.path.join(FASHION_MNIST, "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read(IDX_IMAGES_HEADER + SIDE * SIDE)
    first = Image.frombytes("L", (SIDE, SIDE), raw[IDX_IMAGES_HEADER:])
    first.save(os.path.join(HERE, "fashion_test0_ankle_boot.png"))  # its label is 9, Ankle boot
    first.resize((2 * SIDE, 2 * SIDE)).convert("RGB").save(os.path.join(HERE, "fashion_test0_rgb56.png"))
    with gzip.open(os.path.join(FASHION_MNIST, "t10k-images-idx3-ubyte.gz")) as f:
        images = f.read(IDX_IMAGES_HEADER + FOLDER_IMAGES * SIDE * SIDE)[IDX_IMAGES_HEADER:]
    with gzip.open(os.path.join(FASHION_MNIST, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = f.read(IDX_LABELS_HEADER + FOLDER_IMAGES)[IDX_LABELS_HEADER:]
    for i in range(FOLDER_IMAGES):
        folder = os.path.join(HERE, "fashion_folder", LABELS[labels[i]].replace("/", "_"))
        os.makedirs(folder, exist_ok=True)
        pixels = images[i * SIDE * SIDE:(i + 1) * SIDE * SIDE]
        Image.frombytes("L", (SIDE, SIDE), pixels).save(os.path.join(folder, "test%02d.png" % i))


if __name__ == "__main__":
    main()
