package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;

/**
 * Hextile (RFC 6143 section 7.7.4): the rectangle in 16x16 tiles, left to right, top to bottom.
 * A one-colour tile is its background alone; otherwise the most common colour is the background
 * and each horizontal run of another colour a coloured subrectangle, unless that is no smaller
 * than the raw tile (or needs more than 255 subrectangles), in which case the tile is raw.
 * Every non-raw tile names its background, so no tile depends on the one before a raw tile.
 */
final class HextileEncoder {
    static final int TILE = 16;
    static final int RAW = 1;
    static final int BACKGROUND_SPECIFIED = 2;
    static final int ANY_SUBRECTS = 8;
    static final int SUBRECTS_COLOURED = 16;
    private static final int MAX_SUBRECTS = 255;

    private final int[] runs = new int[TILE * TILE * 3];   // (x<<4|y, w, colour) per subrect

    /** Encodes {@code pixels} (client values, {@code w*h}, stride {@code w}). */
    void encode(int[] pixels, int w, int h, PixelFormat pf, ByteBuf out) {
        int bpp = pf.bytesPerPixel();
        for (int ty = 0; ty < h; ty += TILE) {
            int th = Math.min(TILE, h - ty);
            for (int tx = 0; tx < w; tx += TILE) {
                int tw = Math.min(TILE, w - tx);
                tile(pixels, w, tx, ty, tw, th, pf, bpp, out);
            }
        }
    }

    private void tile(int[] px, int stride, int tx, int ty, int tw, int th, PixelFormat pf, int bpp, ByteBuf out) {
        int bg = mostCommon(px, stride, tx, ty, tw, th);
        int n = 0;
        for (int y = 0; y < th && n <= MAX_SUBRECTS; y++) {
            int row = (ty + y) * stride + tx;
            int x = 0;
            while (x < tw) {
                int c = px[row + x];
                int end = x + 1;
                while (end < tw && px[row + end] == c) end++;
                if (c != bg) {
                    if (n == MAX_SUBRECTS) {
                        n++;
                        break;
                    }
                    runs[3 * n] = x << 4 | y;
                    runs[3 * n + 1] = end - x;
                    runs[3 * n + 2] = c;
                    n++;
                }
                x = end;
            }
        }
        int rawSize = tw * th * bpp;
        int subSize = 1 + n * (bpp + 2);
        if (n > MAX_SUBRECTS || subSize >= rawSize) {
            out.writeByte(RAW);
            for (int y = 0; y < th; y++) {
                int row = (ty + y) * stride + tx;
                for (int x = 0; x < tw; x++) pf.writePixel(out, px[row + x]);
            }
            return;
        }
        if (n == 0) {
            out.writeByte(BACKGROUND_SPECIFIED);
            pf.writePixel(out, bg);
            return;
        }
        out.writeByte(BACKGROUND_SPECIFIED | ANY_SUBRECTS | SUBRECTS_COLOURED);
        pf.writePixel(out, bg);
        out.writeByte(n);
        for (int i = 0; i < n; i++) {
            pf.writePixel(out, runs[3 * i + 2]);
            out.writeByte(runs[3 * i]);                         // x in the high nibble, y in the low
            out.writeByte((runs[3 * i + 1] - 1) << 4);          // width-1 high, height-1 (= 0) low
        }
    }

    /** The most frequent colour of the tile (a run-length estimate: cheap and good for screens). */
    private static int mostCommon(int[] px, int stride, int tx, int ty, int tw, int th) {
        int candidate = px[ty * stride + tx];
        int count = 0;
        // Boyer-Moore majority vote; for tiles without a majority any colour is correct, just larger.
        for (int y = 0; y < th; y++) {
            int row = (ty + y) * stride + tx;
            for (int x = 0; x < tw; x++) {
                int c = px[row + x];
                if (count == 0) {
                    candidate = c;
                    count = 1;
                } else if (c == candidate) {
                    count++;
                } else {
                    count--;
                }
            }
        }
        return candidate;
    }
}
