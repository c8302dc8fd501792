"""Mandelbrot tile renderer: task i of a bag of n renders horizontal strip i of one picture, as a PNG.

Usage (inside the sandbox): python3 mandelbrot.zip [WIDTH HEIGHT [MAX_ITER]]. The strip comes from
IEXEC_BOT_TASK_INDEX - IEXEC_BOT_FIRST_INDEX out of IEXEC_BOT_SIZE. Pure standard library and fully deterministic
(same floats everywhere), so every honest worker writes the same bytes.
"""

import json
import os
import struct
import sys
import zlib

# View of the set: centre and horizontal span in the complex plane.
CENTRE_RE, CENTRE_IM, SPAN = -0.745, 0.11, 0.09


def colour(n, max_iter):
    if n >= max_iter:
        return (0, 0, 0)
    t = n / max_iter
    return (
        int(9 * (1 - t) * t**3 * 255),
        int(15 * (1 - t) ** 2 * t**2 * 255),
        int(8.5 * (1 - t) ** 3 * t * 255),
    )


def render_rows(width, height, y0, y1, max_iter):
    scale = SPAN / width
    rows = []
    for y in range(y0, y1):
        ci = CENTRE_IM + (y - height / 2) * scale
        row = bytearray()
        for x in range(width):
            cr = CENTRE_RE + (x - width / 2) * scale
            zr = zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
                n += 1
            row.extend(colour(n, max_iter))
        rows.append(bytes(row))
    return rows


def png_bytes(width, rows):
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + r for r in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main(argv):
    width = int(argv[0]) if len(argv) > 0 else 320
    height = int(argv[1]) if len(argv) > 1 else 240
    max_iter = int(argv[2]) if len(argv) > 2 else 200
    tiles = max(1, int(os.environ.get("IEXEC_BOT_SIZE", "1")))
    tile = int(os.environ.get("IEXEC_BOT_TASK_INDEX", "0")) - int(
        os.environ.get("IEXEC_BOT_FIRST_INDEX", "0")
    )
    if not 0 <= tile < tiles:
        raise SystemExit(f"tile {tile} is outside the bag of {tiles}")
    y0, y1 = tile * height // tiles, (tile + 1) * height // tiles
    out = os.environ.get("IEXEC_OUT", "/iexec_out")
    with open(os.path.join(out, "tile.png"), "wb") as f:
        f.write(png_bytes(width, render_rows(width, height, y0, y1, max_iter)))
    meta = {"tile": tile, "tiles": tiles, "width": width, "height": height, "y0": y0, "y1": y1}
    with open(os.path.join(out, "tile.json"), "w") as f:
        json.dump(meta, f, sort_keys=True)
    with open(os.path.join(out, "computed.json"), "w") as f:
        json.dump({"deterministic-output-path": "/iexec_out/tile.png"}, f)
    print(f"rendered tile {tile + 1}/{tiles}: rows {y0}..{y1 - 1} of {width}x{height}")


if __name__ == "__main__":
    main(sys.argv[1:])
