#!/usr/bin/env python3
"""Reference painter for the VgaRenderer golden screenshots.

Writes the four PNGs in this directory from the VGA/VBE rules as the IBM VGA Technical
Reference and the Bochs VBE interface describe them, independently of the Java renderer
(no code is shared; run with any Python 3, standard library only):

    python3 make_goldens.py

The video memory contents are the same synthetic patterns VgaRendererTest writes through
the emulated ports and memory; the functions below must stay in step with that test's
TestPatterns. Each image is documented at its painter.
"""
import struct
import zlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- shared test patterns (mirror of TestPatterns.java) ----

def dac_entry(i):
    """6-bit DAC components loaded into every one of the 256 entries."""
    return ((i * 5) & 63, (i * 11 + 7) & 63, (i * 3 + 21) & 63)


def glyph_row(ch, s):
    """Row s (0..15) of the synthetic 8x16 font, bit 7 = leftmost dot."""
    return (ch ^ (s * 0x35) ^ (ch << (s % 3))) & 0xFF


def text_char(r, c):
    return (r * 80 + c * 7) & 0xFF


def text_attr(r, c):
    return (r * 16 + c * 3) & 0xFF


def mode13_pixel(x, y):
    return ((x * 3) ^ (y * 5)) & 0xFF


def mode12_color(x, y):
    return (x // 5 + y // 7) & 15


def vbe32_pixel(x, y):
    return ((x // 4) * 7 & 0xFF) | (((y // 4) * 11 & 0xFF) << 8) | ((((x + y) // 16) * 37 & 0xFF) << 16)


# ---- colour path: attribute palette -> DAC -> 8-bit ----

EGA_ATTR_PALETTE = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                    0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F]


def dac_rgb(index):
    # A 6-bit DAC value v drives the same level as the 8-bit value v * 255 / 63; bit
    # replication (v << 2 | v >> 4) is the exact integer form used by every VGA emulator.
    return tuple((v << 2) | (v >> 4) for v in dac_entry(index))


def attr_rgb(color4):
    # Mode control P54S = 0 and colour select = 0 in modes 03h and 12h: bits 7:6 are zero.
    return dac_rgb(EGA_ATTR_PALETTE[color4])


# ---- painters ----

def paint_text_mode3():
    """Mode 03h, 80x25 characters of 9x16 dots = 720x400.

    Registers: the IBM BIOS mode 03h set; character generator: glyph_row in plane 2 map 0.
    Rules applied: 9-dot cells whose ninth column repeats the eighth only for characters
    C0h-DFh (line graphics enable set in attribute mode control); blink enabled, so the
    background uses attribute bits 6:4 only and, at virtual time 0 (blink phase on), blinking
    characters show their foreground; cursor at row 5 column 10 covering scanlines 13-14
    (CRTC 0Ah/0Bh = 0Dh/0Eh) in the foreground colour across all nine dots.
    """
    w, h = 720, 400
    px = [[(0, 0, 0)] * w for _ in range(h)]
    for r in range(25):
        for c in range(80):
            ch = text_char(r, c)
            a = text_attr(r, c)
            fg = attr_rgb(a & 15)
            bg = attr_rgb((a >> 4) & 7)
            for s in range(16):
                bits = glyph_row(ch, s)
                cursor = (r, c) == (5, 10) and 13 <= s <= 14
                for i in range(9):
                    if cursor:
                        on = True
                    elif i < 8:
                        on = (bits >> (7 - i)) & 1 == 1
                    else:
                        on = 0xC0 <= ch <= 0xDF and bits & 1 == 1
                    px[r * 16 + s][c * 9 + i] = fg if on else bg
    return w, h, px


def paint_mode13():
    """Mode 13h, 320x200, one byte per pixel straight into the DAC (PEL mask FFh)."""
    w, h = 320, 200
    return w, h, [[dac_rgb(mode13_pixel(x, y)) for x in range(w)] for y in range(h)]


def paint_mode12():
    """Mode 12h, 640x480, 4-bit planar colour through the default EGA attribute palette."""
    w, h = 640, 480
    return w, h, [[attr_rgb(mode12_color(x, y)) for x in range(w)] for y in range(h)]


def paint_vbe32():
    """VBE 640x480x32: each pixel a little-endian 0x00RRGGBB dword, shown as is."""
    w, h = 640, 480

    def rgb(v):
        return ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)
    return w, h, [[rgb(vbe32_pixel(x, y)) for x in range(w)] for y in range(h)]


# ---- PNG writer (RFC 2083: signature, IHDR, IDAT with filter 0 rows, IEND) ----

def write_png(path, w, h, px):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in px)
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9))
           + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    for name, painter in [("text-mode3.png", paint_text_mode3), ("mode13h.png", paint_mode13),
                          ("mode12h.png", paint_mode12), ("vbe-640x480x32.png", paint_vbe32)]:
        w, h, px = painter()
        write_png(os.path.join(HERE, name), w, h, px)
        print(name, w, "x", h)
