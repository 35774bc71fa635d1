"""Reading PNG files the long way (chunks, CRCs, pixels), so tests need no Pillow."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Bytes per pixel for 8-bit colour types: greyscale, RGB, grey + alpha, RGBA.
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass
class Png:
    width: int
    height: int
    bit_depth: int
    colour_type: int
    text: dict[str, str] = field(default_factory=dict)
    chunk_types: list[str] = field(default_factory=list)


def read_png(data: bytes) -> Png:
    """Parse and check `data` as a PNG; AssertionError on anything malformed."""
    assert data[:8] == SIGNATURE, f"not a PNG: starts with {data[:8]!r}"
    offset = 8
    chunks: list[tuple[str, bytes]] = []
    while offset < len(data):
        assert offset + 8 <= len(data), "truncated chunk header"
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert len(body) == length, f"truncated {kind!r} chunk"
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r} chunk"
        chunks.append((kind.decode("ascii"), body))
        offset += 12 + length
    types = [kind for kind, _ in chunks]
    assert types[0] == "IHDR", "IHDR must come first"
    assert types[-1] == "IEND", "IEND must come last"
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    png = Png(width, height, depth, colour, chunk_types=types)
    for kind, body in chunks:
        if kind == "tEXt":
            key, _, value = body.partition(b"\0")
            png.text[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == "iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, _method, rest = rest[0], rest[1], rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, value = rest.partition(b"\0")
            text = zlib.decompress(value) if compressed else value
            png.text[key.decode("latin-1")] = text.decode("utf-8")
    # The pixels must decompress to exactly one filter byte plus a row of pixels per line.
    assert interlace == 0, "interlaced"
    assert depth == 8, f"bit depth {depth}"
    assert colour in _CHANNELS, f"colour type {colour}"
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == "IDAT"))
    assert len(pixels) == height * (1 + width * _CHANNELS[colour]), "pixel data size mismatch"
    return png
