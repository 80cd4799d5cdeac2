package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.Deflater;

/**
 * ZRLE (RFC 6143 section 7.7.6): 64x64 tiles, each raw, solid or packed-palette (up to 16
 * colours), with CPIXELs, all through one zlib stream that lives as long as the connection (the
 * client keeps one inflater; a fresh stream per rectangle would break it). Each rectangle's data
 * is flushed with SYNC_FLUSH and sent as a length-prefixed block.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ZrleEncoder implements AutoCloseable {
    static final int TILE = 64;
    static final int RAW = 0;
    static final int SOLID = 1;
    private static final int MAX_PALETTE = 16;
    /** Level 1: a full 1024x768 screen must encode well within a frame time on a loaded host. */
    private static final int LEVEL = 1;

    private final Deflater deflater = new Deflater(LEVEL);
    private final int[] palette = new int[MAX_PALETTE];
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
        int colours = 0;
        scan:
        for (int y = 0; y < th; y++) {
            int row = (ty + y) * stride + tx;
            for (int x = 0; x < tw; x++) {
                int c = px[row + x];
                int i = 0;
                while (i < colours && palette[i] != c) i++;
                if (i == colours) {
                    if (colours == MAX_PALETTE) {
                        colours++;
                        break scan;
                    }
                    palette[colours++] = c;
                }
            }
        }
        if (colours == 1) {
            out.writeByte(SOLID);
            pf.writeCompactPixel(out, palette[0]);
        } else if (colours <= MAX_PALETTE) {
            packedPalette(px, stride, tx, ty, tw, th, colours, pf, out);
        } else {
            out.writeByte(RAW);
            for (int y = 0; y < th; y++) {
                int row = (ty + y) * stride + tx;
                for (int x = 0; x < tw; x++) pf.writeCompactPixel(out, px[row + x]);
            }
        }
    }

    /** Subencoding 2-16: palette, then indices packed MSB first, each row padded to a byte. */
    private void packedPalette(int[] px, int stride, int tx, int ty, int tw, int th, int colours, PixelFormat pf, ByteBuf out) {
        out.writeByte(colours);
        for (int i = 0; i < colours; i++) pf.writeCompactPixel(out, palette[i]);
        int bits = colours == 2 ? 1 : colours <= 4 ? 2 : 4;
        for (int y = 0; y < th; y++) {
            int row = (ty + y) * stride + tx;
            int acc = 0;
            int filled = 0;
            for (int x = 0; x < tw; x++) {
                int c = px[row + x];
                int i = 0;
                while (palette[i] != c) i++;
                acc = acc << bits | i;
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
