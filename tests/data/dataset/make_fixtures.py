#!/usr/bin/python3
"""JPEG fixtures for tests/test_dataset.c (folder datasets read JPEGs with stb_image).

The test writes its PNGs itself with stb_image_write, but stb's JPEG writer shifts negative
ints (undefined behaviour that UBSan stops on), so the JPEGs are made once here with PIL:
    /usr/bin/python3 tests/data/dataset/make_fixtures.py
Pixel values are smooth ramps, so a decoded pixel is within a few levels of the formula the
test checks: RGB (x * 16, y * 16, 128), gray x * 8 + y * 8.
"""
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rgb = Image.new("RGB", (16, 16))
    rgb.putdata([(x * 16, y * 16, 128) for y in range(16) for x in range(16)])
    rgb.save(os.path.join(HERE, "ramp_rgb.jpg"), quality=95, subsampling=0)
    gray = Image.new("L", (16, 8))
    gray.putdata([x * 8 + y * 8 for y in range(8) for x in range(16)])
    gray.save(os.path.join(HERE, "ramp_gray.jpg"), quality=95)


if __name__ == "__main__":
    main()
