"""The site's icon, drawn here rather than stored as a binary: a white "N" on the header's
navy, 32×32, as a PNG inside an ICO (what browsers ask `/favicon.ico` for).

PNG: https://www.w3.org/TR/png-3/ (IHDR, IDAT, IEND; filter 0 rows); ICO with an embedded
PNG, as every current browser reads it. Pure: the same bytes on every start.
"""

from __future__ import annotations

import struct
import zlib
from typing import Final

SIZE: Final = 32
NAVY: Final = (0x0B, 0x25, 0x45)
WHITE: Final = (0xFF, 0xFF, 0xFF)
GLYPH: Final = (
    "1...1",
    "11..1",
    "11..1",
    "1.1.1",
    "1..11",
    "1..11",
    "1...1",
)
"""The letter N on a 5×7 grid, drawn 4 pixels per cell and centred."""
SCALE: Final = 4


def _pixel(x: int, y: int) -> tuple[int, int, int]:
    left, top = (SIZE - 5 * SCALE) // 2, (SIZE - 7 * SCALE) // 2
    column, row = (x - left) // SCALE, (y - top) // SCALE
    inside = 0 <= x - left < 5 * SCALE and 0 <= y - top < 7 * SCALE
    return WHITE if inside and GLYPH[row][column] == "1" else NAVY


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    """The icon as an 8-bit RGB PNG."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y)) for x in range(SIZE)) for y in range(SIZE)
    )
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def ico() -> bytes:
    """The icon as an ICO file holding the PNG (one image, 32×32)."""
    image = png()
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 24, len(image), 6 + 16)
    return directory + entry + image


FAVICON: Final = ico()
