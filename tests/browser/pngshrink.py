"""Shrinks Chromium's screenshots for the docs: drops the two lowest bits of each colour (the dithering
noise of gradients, invisible to the eye) and re-encodes with per-row filters at zlib level 9.

Chromium writes fast, large PNGs and no image library is a dependency here; numpy does the work.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
DROPPED_BITS = 2


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, out = len(SIGNATURE), []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def _paeth_or_average(line: list[int], prev: list[int], bpp: int, paeth: bool) -> list[int]:
    cur = [0] * len(line)
    for i, value in enumerate(line):
        a = cur[i - bpp] if i >= bpp else 0
        b = prev[i]
        if paeth:
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        else:
            predictor = (a + b) >> 1
        cur[i] = (value + predictor) & 255
    return cur


def decode(data: bytes) -> np.ndarray:
    """An 8-bit RGB or RGBA, non-interlaced PNG as an array of shape (height, width, channels)."""
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or interlace or colour not in (2, 6):
        raise ValueError("only 8-bit RGB(A) non-interlaced PNGs")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, width * bpp + 1)
    out = np.zeros((height, width * bpp), dtype=np.int32)
    prev = np.zeros(width * bpp, dtype=np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = line.reshape(width, bpp).cumsum(axis=0).reshape(-1) & 255
        elif kind == 2:
            cur = (line + prev) & 255
        else:
            cur = np.array(_paeth_or_average(line.tolist(), prev.tolist(), bpp, paeth=kind == 4))
        out[y] = cur
        prev = cur
    return out.reshape(height, width, bpp).astype(np.uint8)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode(image: np.ndarray) -> bytes:
    height, width, bpp = image.shape
    flat = image.reshape(height, width * bpp).astype(np.int16)
    prev = np.zeros(width * bpp, dtype=np.int16)
    rows = []
    for y in range(height):
        cur = flat[y]
        left = np.concatenate([np.zeros(bpp, dtype=np.int16), cur[:-bpp]])
        candidates = [
            (0, cur),
            (1, (cur - left) & 255),
            (2, (cur - prev) & 255),
            (3, (cur - ((left + prev) >> 1)) & 255),
        ]
        # The usual heuristic: the filter whose bytes, read as signed, sum smallest compresses best.
        kind, filtered = min(candidates, key=lambda c: int(np.minimum(c[1], 256 - c[1]).sum()))
        rows.append(bytes([kind]) + filtered.astype(np.uint8).tobytes())
        prev = cur
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if bpp == 3 else 6, 0, 0, 0)
    body = zlib.compress(b"".join(rows), 9)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def shrink(path: Path) -> int:
    """Rewrites the PNG at `path` smaller; returns its new size in bytes."""
    image = decode(path.read_bytes()).astype(np.int16)
    half_step = 1 << (DROPPED_BITS - 1)
    quantised = np.clip(((image >> DROPPED_BITS) << DROPPED_BITS) + half_step, 0, 255).astype(np.uint8)
    if image.shape[2] == 4:
        quantised[..., 3] = image[..., 3]  # transparency stays exact
    path.write_bytes(encode(quantised))
    return path.stat().st_size
