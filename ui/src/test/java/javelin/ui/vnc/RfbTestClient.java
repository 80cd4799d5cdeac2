package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The client side of RFB for tests, written from RFC 6143 alone: it reads what the server wrote to
 * an embedded channel and decodes framebuffer updates (Raw, Hextile, ZRLE in the server's default
 * 32-bit little-endian format) into a canvas of 0x00RRGGBB values.
 */
final class RfbTestClient {
    final EmbeddedChannel ch;
    private final ByteBuf in = Unpooled.buffer();
    private final Inflater inflater = new Inflater();
    int[] canvas;
    int width;
    int height;
    int lastEncoding;
    final java.util.List<Integer> encodings = new java.util.ArrayList<>();

    RfbTestClient(EmbeddedChannel ch) {
        this.ch = ch;
    }

    void send(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int v : bytes) b.writeByte(v);
        ch.writeInbound(b);
        ch.runPendingTasks();
    }

    void send(String ascii) {
        ch.writeInbound(Unpooled.copiedBuffer(ascii, StandardCharsets.US_ASCII));
        ch.runPendingTasks();
    }

    void sendBuf(ByteBuf b) {
        ch.writeInbound(b);
        ch.runPendingTasks();
    }

    private void pull() {
        ch.runPendingTasks();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            in.writeBytes(b);
            b.release();
        }
    }

    int available() {
        pull();
        return in.readableBytes();
    }

    private void need(int n) {
        pull();
        if (in.readableBytes() < n) throw new AssertionError("server sent " + in.readableBytes() + " bytes, test needs " + n);
    }

    int u8() {
        need(1);
        return in.readUnsignedByte();
    }

    int u16() {
        need(2);
        return in.readUnsignedShort();
    }

    int s32() {
        need(4);
        return in.readInt();
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    String ascii(int n) {
        return new String(bytes(n), StandardCharsets.US_ASCII);
    }

    /** Version 3.8 and security None up to and including ServerInit (RFC 6143 7.1-7.3). */
    void handshake38None() {
        assertEquals("RFB 003.008\n", ascii(12));
        send("RFB 003.008\n");
        assertEquals(1, u8());
        assertEquals(RfbSession.SECURITY_NONE, u8());
        send(RfbSession.SECURITY_NONE);
        assertEquals(0, s32());
        send(1);
        serverInit();
    }

    void serverInit() {
        width = u16();
        height = u16();
        bytes(16);
        ascii(s32());
        canvas = new int[width * height];
    }

    void setEncodings(int... encodings) {
        ByteBuf b = Unpooled.buffer().writeByte(RfbSession.MSG_SET_ENCODINGS).writeByte(0).writeShort(encodings.length);
        for (int e : encodings) b.writeInt(e);
        sendBuf(b);
    }

    void requestUpdate(boolean incremental) {
        sendBuf(Unpooled.buffer().writeByte(RfbSession.MSG_FRAMEBUFFER_UPDATE_REQUEST).writeByte(incremental ? 1 : 0)
                .writeShort(0).writeShort(0).writeShort(width).writeShort(height));
    }

    /** Reads one FramebufferUpdate, applying its rectangles; returns the rectangle count. */
    int readUpdate() {
        assertEquals(RfbSession.MSG_FRAMEBUFFER_UPDATE, u8());
        u8();
        int rects = u16();
        for (int i = 0; i < rects; i++) {
            int x = u16();
            int y = u16();
            int w = u16();
            int h = u16();
            int enc = s32();
            lastEncoding = enc;
            encodings.add(enc);
            switch (enc) {
                case Encoding.RAW -> {
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < w; c++) canvas[(y + r) * width + x + c] = pixel();
                    }
                }
                case Encoding.COPY_RECT -> {
                    int sx = u16();
                    int sy = u16();
                    int[] block = new int[w * h];
                    for (int r = 0; r < h; r++) System.arraycopy(canvas, (sy + r) * width + sx, block, r * w, w);
                    for (int r = 0; r < h; r++) System.arraycopy(block, r * w, canvas, (y + r) * width + x, w);
                }
                case Encoding.HEXTILE -> hextile(x, y, w, h);
                case Encoding.ZRLE -> zrle(x, y, w, h);
                case Encoding.DESKTOP_SIZE -> {
                    width = w;
                    height = h;
                    canvas = new int[w * h];
                }
                case Encoding.QEMU_EXTENDED_KEY_EVENT -> { }
                default -> throw new AssertionError("unexpected encoding " + enc);
            }
        }
        return rects;
    }

    private int pixel() {
        need(4);
        return in.readIntLE() & 0xFFFFFF;
    }

    private void fill(int x, int y, int w, int h, int c) {
        for (int r = 0; r < h; r++) {
            for (int k = 0; k < w; k++) canvas[(y + r) * width + x + k] = c;
        }
    }

    /** RFC 6143 7.7.4. */
    private void hextile(int rx, int ry, int rw, int rh) {
        int bg = 0;
        int fg = 0;
        for (int ty = ry; ty < ry + rh; ty += 16) {
            for (int tx = rx; tx < rx + rw; tx += 16) {
                int tw = Math.min(16, rx + rw - tx);
                int th = Math.min(16, ry + rh - ty);
                int sub = u8();
                if ((sub & 1) != 0) {
                    for (int r = 0; r < th; r++) {
                        for (int c = 0; c < tw; c++) canvas[(ty + r) * width + tx + c] = pixel();
                    }
                    continue;
                }
                if ((sub & 2) != 0) bg = pixel();
                if ((sub & 4) != 0) fg = pixel();
                fill(tx, ty, tw, th, bg);
                if ((sub & 8) != 0) {
                    int n = u8();
                    for (int i = 0; i < n; i++) {
                        int colour = (sub & 16) != 0 ? pixel() : fg;
                        int xy = u8();
                        int wh = u8();
                        fill(tx + (xy >> 4), ty + (xy & 15), (wh >> 4) + 1, (wh & 15) + 1, colour);
                    }
                }
            }
        }
    }

    private static int runLength(ByteBuf b) {
        int len = 1;
        int v;
        do {
            v = b.readUnsignedByte();
            len += v;
        } while (v == 255);
        return len;
    }

    /** RFC 6143 7.7.6, with 3-byte CPIXELs for the server's 24-bit depth format. */
    private void zrle(int rx, int ry, int rw, int rh) {
        int length = s32();
        inflater.setInput(bytes(length));
        ByteBuf plain = Unpooled.buffer();
        byte[] chunk = new byte[65536];
        try {
            int n;
            while ((n = inflater.inflate(chunk)) > 0) plain.writeBytes(chunk, 0, n);
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        }
        for (int ty = ry; ty < ry + rh; ty += 64) {
            for (int tx = rx; tx < rx + rw; tx += 64) {
                int tw = Math.min(64, rx + rw - tx);
                int th = Math.min(64, ry + rh - ty);
                int sub = plain.readUnsignedByte();
                if (sub == 0) {
                    for (int r = 0; r < th; r++) {
                        for (int c = 0; c < tw; c++) canvas[(ty + r) * width + tx + c] = plain.readUnsignedMediumLE();
                    }
                } else if (sub == 1) {
                    fill(tx, ty, tw, th, plain.readUnsignedMediumLE());
                } else if (sub <= 16) {
                    int[] pal = new int[sub];
                    for (int i = 0; i < sub; i++) pal[i] = plain.readUnsignedMediumLE();
                    int bits = sub == 2 ? 1 : sub <= 4 ? 2 : 4;
                    for (int r = 0; r < th; r++) {
                        int acc = 0;
                        int left = 0;
                        for (int c = 0; c < tw; c++) {
                            if (left == 0) {
                                acc = plain.readUnsignedByte();
                                left = 8;
                            }
                            left -= bits;
                            canvas[(ty + r) * width + tx + c] = pal[(acc >> left) & ((1 << bits) - 1)];
                        }
                    }
                } else if (sub == 128 || sub >= 130) {
                    // RLE: runs in row-major order across the tile; palette RLE marks runs with bit 7.
                    int[] pal = new int[Math.max(0, sub - 128)];
                    for (int i = 0; i < pal.length; i++) pal[i] = plain.readUnsignedMediumLE();
                    int i = 0;
                    while (i < tw * th) {
                        int colour;
                        int len = 1;
                        if (sub == 128) {
                            colour = plain.readUnsignedMediumLE();
                            len = runLength(plain);
                        } else {
                            int b = plain.readUnsignedByte();
                            colour = pal[b & 127];
                            if ((b & 128) != 0) len = runLength(plain);
                        }
                        for (int k = 0; k < len; k++, i++) canvas[(ty + i / tw) * width + tx + i % tw] = colour;
                    }
                } else {
                    throw new AssertionError("ZRLE subencoding " + sub + " is not defined");
                }
            }
        }
        assertEquals(0, plain.readableBytes(), "ZRLE tiles consume the whole block");
    }
}
