"""Draw the app icons as PNG files in static/icons/, with nothing but the standard library.

    python tools/make_icons.py

The design is static/icons/icon.svg (the favicon) drawn again at 192 and 512 px, so the tab and
the home screen show the same thing: an abstract corner and dot on a plain teal square. It says
nothing about what the app is. The maskable icon fills the whole square (the launcher cuts its own
shape) and keeps the mark inside the central safe zone, a circle of 40% of the size.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BACKGROUND = (0x0F, 0x6B, 0x5C)
MARK = (0xFB, 0xFA, 0xF7)
# The mark in the 64-unit grid of icon.svg: a polyline with round caps and joins, and a dot.
CORNER = ((20, 44), (20, 22), (44, 22))
STROKE = 3.5
DOT = ((40, 40), 5)
RADIUS = 14


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def mark_distance(x, y):
    """Signed distance (in grid units) from the edge of the mark; negative inside."""
    line = min(segment_distance(x, y, *a, *b) for a, b in zip(CORNER, CORNER[1:])) - STROKE
    (cx, cy), r = DOT
    return min(line, math.hypot(x - cx, y - cy) - r)


def square_distance(x, y, radius):
    """Signed distance from the edge of the 64-unit square with rounded corners."""
    qx = abs(x - 32) - (32 - radius)
    qy = abs(y - 32) - (32 - radius)
    outside = math.hypot(max(qx, 0), max(qy, 0))
    return outside + min(max(qx, qy), 0) - radius


def coverage(distance, unit):
    """Anti-aliasing: how much of a pixel (``unit`` grid units wide) lies inside the edge."""
    return max(0.0, min(1.0, 0.5 - distance / unit))


def draw(size: int, maskable: bool) -> bytes:
    unit = 64 / size
    # The mark already fits the safe zone; shrink it a little more so no launcher mask touches it.
    scale = 0.8 if maskable else 1.0
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter type 0
        for i in range(size):
            x, y = (i + 0.5) * unit, (j + 0.5) * unit
            back = 1.0 if maskable else coverage(square_distance(x, y, RADIUS), unit)
            mark = coverage(mark_distance(32 + (x - 32) / scale, 32 + (y - 32) / scale), unit / scale)
            colour = [round(b + (m - b) * mark) for b, m in zip(BACKGROUND, MARK)]
            row += bytes(colour) + bytes([round(255 * back)])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        data = draw(size, maskable)
        (ICONS / name).write_bytes(data)
        print(f"static/icons/{name}: {size}x{size}, {len(data)} bytes")


if __name__ == "__main__":
    main()
