"""Assemble the Mandelbrot strips (one PNG per task, apps/mandelbrot) into one picture.

Reads only what the app writes (8-bit RGB, non-interlaced, filter type 0 rows) and writes a PNG of the same kind.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(data: bytes) -> tuple[int, list[bytes]]:
    """(width, rows of RGB bytes) of a PNG written by apps/mandelbrot."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    pos, width, height, idat = len(SIGNATURE), 0, 0, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if (depth, colour, interlace) != (8, 2, 0):
                raise ValueError("only 8-bit RGB non-interlaced PNGs are supported")
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        if line[0] != 0:
            raise ValueError(f"row {y} uses PNG filter {line[0]}; only filter 0 is supported")
        rows.append(line[1:])
    return width, rows


def write_png(width: int, rows: list[bytes]) -> bytes:
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def tile_from_result_zip(zip_bytes: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        return zf.read("tile.png")


def assemble(tiles: list[bytes], dest: Path) -> Path:
    """Stack the strips in task order (top to bottom) and write the picture to dest."""
    width, rows = None, []
    for i, tile in enumerate(tiles):
        w, tile_rows = read_png(tile)
        if width is not None and w != width:
            raise ValueError(f"tile {i} is {w} pixels wide, expected {width}")
        width = w
        rows.extend(tile_rows)
    if width is None:
        raise ValueError("no tiles to assemble")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(write_png(width, rows))
    return dest
