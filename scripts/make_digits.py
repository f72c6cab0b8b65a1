#!/usr/bin/env python3
"""Packs the UCI optical-recognition digits (8x8, values 0..16) into www/data/digits8x8.bin.

The images are the copy of the UCI "Optical Recognition of Handwritten Digits" test set that
scikit-learn ships inside its wheel (sklearn/datasets/data/digits.csv.gz, 1797 images); this
script reads that file directly, so nothing is downloaded from the network besides the
`pip install scikit-learn` a developer runs once. The .bin it writes is committed, so building
and testing the crate never needs Python.

Format (all integers little-endian), parsed and validated by src/core/digits.rs:

    offset 0   4 bytes  magic b"DIG8"
    offset 4   u8       version = 1
    offset 5   u8       width  = 8
    offset 6   u8       height = 8
    offset 7   u8       max pixel value = 16
    offset 8   u32      count N
    offset 12  N records, each: 1 label byte (0..9) then width*height pixel bytes (0..16),
               row-major, top row first
    end        u32      FNV-1a 32-bit hash of every preceding byte

Why not 4-bit packing: the pixel values span 0..16, i.e. 17 levels, which do not fit in a nibble.

Usage:  pip install scikit-learn && python3 scripts/make_digits.py [output path]
"""

import gzip
import os
import struct
import sys

import sklearn

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a32(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def load_rows():
    path = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "digits.csv.gz")
    rows = []
    with gzip.open(path, "rt") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            values = [int(float(x)) for x in line.split(",")]
            if len(values) != 65:
                raise ValueError(f"expected 65 columns, got {len(values)}")
            pixels, label = values[:64], values[64]
            if not 0 <= label <= 9 or any(not 0 <= p <= 16 for p in pixels):
                raise ValueError("value out of range")
            rows.append((label, pixels))
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "www", "data", "digits8x8.bin")
    rows = load_rows()
    body = bytearray(b"DIG8")
    body += struct.pack("<BBBBI", 1, 8, 8, 16, len(rows))
    for label, pixels in rows:
        body.append(label)
        body += bytes(pixels)
    body += struct.pack("<I", fnv1a32(bytes(body)))
    with open(out, "wb") as f:
        f.write(body)
    print(f"wrote {len(rows)} images, {len(body)} bytes to {out}")


if __name__ == "__main__":
    main()
