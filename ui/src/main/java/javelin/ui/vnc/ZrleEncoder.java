package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.Deflater;

/**
 * ZRLE (RFC 6143 section 7.7.6): 64x64 tiles, each sent as whichever of raw, solid, packed
 * palette (up to 16 colours), plain RLE or palette RLE (up to 127 colours) is smallest, with CPIXELs, all through one zlib stream that lives as long as the connection (the
 * client keeps one inflater; a fresh stream per rectangle would break it). Each rectangle's data
 * is flushed with SYNC_FLUSH and sent as a length-prefixed block.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ZrleEncoder implements AutoCloseable {
    static final int TILE = 64;
    static final int RAW = 0;
    static final int SOLID = 1;
    static final int PLAIN_RLE = 128;
    /** Palette RLE is 128 + palette size (2..127). */
    static final int PALETTE_RLE = 128;
    private static final int MAX_PACKED_PALETTE = 16;
    private static final int MAX_PALETTE = 127;
    /** A run length is sent as (length - 1) in bytes of 255 followed by the remainder. */
    private static final int RUN_BYTE = 255;
    private static final int RUN_FLAG = 128;
    /** Level 1: a full 1024x768 screen must encode well within a frame time on a loaded host. */
    private static final int LEVEL = 1;

    private final Deflater deflater = new Deflater(LEVEL);
    private final int[] palette = new int[MAX_PALETTE];
    private final int[] tilePixels = new int[TILE * TILE];
    private final byte[] chunk = new byte[64 * 1024];

    void encode(int[] pixels, int w, int h, PixelFormat pf, ByteBuf out) {
        ByteBuf plain = Unpooled.buffer(w * h * pf.compactPixelBytes() / 4 + 1024);
        try {
            for (int ty = 0; ty < h; ty += TILE) {
                int th = Math.min(TILE, h - ty);
                for (int tx = 0; tx < w; tx += TILE) {
                    tile(pixels, w, tx, ty, Math.min(TILE, w - tx), th, pf, plain);
                }
            }
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            deflater.setInput(plain.nioBuffer());
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.writeBytes(chunk, 0, n);
            } while (n == chunk.length || !deflater.needsInput());
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
        } finally {
            plain.release();
        }
    }

    private void tile(int[] px, int stride, int tx, int ty, int tw, int th, PixelFormat pf, ByteBuf out) {
        int n = tw * th;
        for (int y = 0; y < th; y++) System.arraycopy(px, (ty + y) * stride + tx, tilePixels, y * tw, tw);
        int colours = 0;
        int runs = 0;
        int runLengthBytes = 0;
        int singleRuns = 0;
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            int c = tilePixels[i];
            if (colours <= MAX_PALETTE) {
                int k = 0;
                while (k < colours && palette[k] != c) k++;
                if (k == colours) {
                    if (colours < MAX_PALETTE) palette[k] = c;
                    colours++;
                }
            }
            if (i + 1 == n || tilePixels[i + 1] != c) {
                int len = i + 1 - runStart;
                runs++;
                runLengthBytes += lengthBytes(len);
                if (len == 1) singleRuns++;
                runStart = i + 1;
            }
        }
        int cpb = pf.compactPixelBytes();
        if (colours == 1) {
            out.writeByte(SOLID);
            pf.writeCompactPixel(out, palette[0]);
            return;
        }
        long raw = (long) n * cpb;
        long plainRle = (long) runs * cpb + runLengthBytes;
        long packed = colours <= MAX_PACKED_PALETTE ? (long) colours * cpb + (long) th * ((tw * bits(colours) + 7) / 8) : Long.MAX_VALUE;
        // Palette RLE: a one-pixel run is its index alone, longer runs index|128 and a length.
        long paletteRle = colours <= MAX_PALETTE ? (long) colours * cpb + runs + runLengthBytes - singleRuns : Long.MAX_VALUE;
        long best = Math.min(Math.min(raw, plainRle), Math.min(packed, paletteRle));
        if (best == packed) {
            packedPalette(tw, th, colours, pf, out);
        } else if (best == paletteRle) {
            out.writeByte(PALETTE_RLE + colours);
            for (int i = 0; i < colours; i++) pf.writeCompactPixel(out, palette[i]);
            rle(n, true, pf, out, colours);
        } else if (best == plainRle) {
            out.writeByte(PLAIN_RLE);
            rle(n, false, pf, out, colours);
        } else {
            out.writeByte(RAW);
            for (int i = 0; i < n; i++) pf.writeCompactPixel(out, tilePixels[i]);
        }
    }

    /** Bytes of one run length: (length - 1) as 255s and a final remainder below 255. */
    private static int lengthBytes(int len) {
        return (len - 1) / RUN_BYTE + 1;
    }

    private static int bits(int colours) {
        return colours == 2 ? 1 : colours <= 4 ? 2 : 4;
    }

    private void rle(int n, boolean withPalette, PixelFormat pf, ByteBuf out, int colours) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            int c = tilePixels[i];
            if (i + 1 < n && tilePixels[i + 1] == c) continue;
            int len = i + 1 - start;
            start = i + 1;
            if (withPalette) {
                int k = index(c, colours);
                if (len == 1) {
                    out.writeByte(k);
                    continue;
                }
                out.writeByte(k | RUN_FLAG);
            } else {
                pf.writeCompactPixel(out, c);
            }
            int rest = len - 1;
            while (rest >= RUN_BYTE) {
                out.writeByte(RUN_BYTE);
                rest -= RUN_BYTE;
            }
            out.writeByte(rest);
        }
    }

    private int index(int c, int colours) {
        int k = 0;
        while (k < colours && palette[k] != c) k++;
        return k;
    }

    /** Subencoding 2-16: palette, then indices packed MSB first, each row padded to a byte. */
    private void packedPalette(int tw, int th, int colours, PixelFormat pf, ByteBuf out) {
        out.writeByte(colours);
        for (int i = 0; i < colours; i++) pf.writeCompactPixel(out, palette[i]);
        int bits = bits(colours);
        for (int y = 0; y < th; y++) {
            int acc = 0;
            int filled = 0;
            for (int x = 0; x < tw; x++) {
                acc = acc << bits | index(tilePixels[y * tw + x], colours);
                filled += bits;
                if (filled == 8) {
                    out.writeByte(acc);
                    acc = 0;
                    filled = 0;
                }
            }
            if (filled > 0) out.writeByte(acc << (8 - filled));
        }
    }

    @Override public void close() {
        deflater.end();
    }
}
