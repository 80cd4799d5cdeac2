package javelin.devices.display;

/**
 * The synthetic video memory contents behind the golden screenshots, loaded the way a guest
 * would load them. Mirror of the pattern functions in
 * {@code src/test/resources/display/make_goldens.py}, which paints the expected images.
 */
final class TestPatterns {
    static int[] dacEntry(int i) {
        return new int[] {(i * 5) & 63, (i * 11 + 7) & 63, (i * 3 + 21) & 63};
    }

    static int glyphRow(int ch, int s) {
        return (ch ^ (s * 0x35) ^ (ch << (s % 3))) & 0xFF;
    }

    static int textChar(int r, int c) {
        return (r * 80 + c * 7) & 0xFF;
    }

    static int textAttr(int r, int c) {
        return (r * 16 + c * 3) & 0xFF;
    }

    static int mode13Pixel(int x, int y) {
        return ((x * 3) ^ (y * 5)) & 0xFF;
    }

    static int mode12Color(int x, int y) {
        return (x / 5 + y / 7) & 15;
    }

    static int vbe32Pixel(int x, int y) {
        return ((x / 4) * 7 & 0xFF) | (((y / 4) * 11 & 0xFF) << 8) | ((((x + y) / 16) * 37 & 0xFF) << 16);
    }

    /** Loads all 256 DAC entries through 0x3C8/0x3C9. */
    static void loadDac(VgaTestBoard b) {
        b.out(0x3C8, 0);
        for (int i = 0; i < 256; i++) {
            for (int v : dacEntry(i)) b.out(0x3C9, v);
        }
    }

    /** Loads the font into plane 2, map 0, with the BIOS's sequence for character generator access. */
    static void loadFont(VgaTestBoard b) {
        b.seq(2, 0x04);
        b.seq(4, 0x06);
        b.gc(4, 0x02);
        b.gc(5, 0x00);
        b.gc(6, 0x04);
        for (int ch = 0; ch < 256; ch++) {
            for (int s = 0; s < 32; s++) b.poke(VgaTestBoard.WINDOW + ch * 32 + s, s < 16 ? glyphRow(ch, s) : 0);
        }
        b.seq(2, 0x03);
        b.seq(4, 0x02);
        b.gc(4, 0x00);
        b.gc(5, 0x10);
        b.gc(6, 0x0E);
    }

    static void fillText(VgaTestBoard b) {
        for (int r = 0; r < 25; r++) {
            for (int c = 0; c < 80; c++) {
                long at = 0xB8000 + 2L * (r * 80 + c);
                b.poke(at, textChar(r, c));
                b.poke(at + 1, textAttr(r, c));
            }
        }
        int cursor = 5 * 80 + 10;
        b.crtc(0x0E, cursor >> 8);
        b.crtc(0x0F, cursor & 0xFF);
    }

    static void fillMode13(VgaTestBoard b) {
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) b.poke(VgaTestBoard.WINDOW + y * 320 + x, mode13Pixel(x, y));
        }
    }

    /** Fills mode 12h one plane at a time through the map mask (write mode 0, bit mask FFh). */
    static void fillMode12(VgaTestBoard b) {
        for (int p = 0; p < 4; p++) {
            b.seq(2, 1 << p);
            for (int y = 0; y < 480; y++) {
                for (int xb = 0; xb < 80; xb++) {
                    int bits = 0;
                    for (int i = 0; i < 8; i++) bits |= ((mode12Color(xb * 8 + i, y) >> p) & 1) << (7 - i);
                    b.poke(VgaTestBoard.WINDOW + y * 80 + xb, bits);
                }
            }
        }
        b.seq(2, 0x0F);
    }

    private TestPatterns() { }
}
