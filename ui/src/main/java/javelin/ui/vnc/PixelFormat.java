package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;

/**
 * An RFB PIXEL_FORMAT (RFC 6143 section 7.4): how the client wants each pixel's bits. Only
 * true-colour formats are served; a colour-map client is refused at SetPixelFormat, as colour
 * maps would need SetColourMapEntries bookkeeping no current client asks for.
 *
 * @param bitsPerPixel 8, 16 or 32
 * @param depth        useful bits (at most {@code bitsPerPixel})
 * @param bigEndian    byte order of multi-byte pixels
 * @param redMax       2^n - 1 for n red bits, likewise green and blue
 * @param redShift     bit position of red, likewise green and blue
 */
record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour,
                   int redMax, int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {
    /** The server's native format, sent in ServerInit: the framebuffer's 0x00RRGGBB, little-endian. */
    static final PixelFormat SERVER = new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);
    static final int WIRE_BYTES = 16;
    private static final int PADDING = 3;

    /** Reads 16 bytes; returns null (and consumes them) for a format this server cannot serve. */
    static PixelFormat read(ByteBuf in) {
        PixelFormat f = new PixelFormat(in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedByte() != 0,
                in.readUnsignedByte() != 0, in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort(),
                in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedByte());
        in.skipBytes(PADDING);
        return f.servable() ? f : null;
    }

    private boolean servable() {
        if (bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 32) return false;
        if (!trueColour || depth == 0 || depth > bitsPerPixel) return false;
        return fieldOk(redMax, redShift) && fieldOk(greenMax, greenShift) && fieldOk(blueMax, blueShift);
    }

    private boolean fieldOk(int max, int shift) {
        return max > 0 && (max & (max + 1)) == 0 && shift < bitsPerPixel
                && (Integer.toUnsignedLong(max) << shift) < (1L << bitsPerPixel);
    }

    void write(ByteBuf out) {
        out.writeByte(bitsPerPixel).writeByte(depth).writeByte(bigEndian ? 1 : 0).writeByte(trueColour ? 1 : 0)
                .writeShort(redMax).writeShort(greenMax).writeShort(blueMax)
                .writeByte(redShift).writeByte(greenShift).writeByte(blueShift).writeZero(PADDING);
    }

    int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The client's pixel value for an ARGB framebuffer pixel (each channel scaled to its max). */
    int convert(int argb) {
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        return scale(r, redMax) << redShift | scale(g, greenMax) << greenShift | scale(b, blueMax) << blueShift;
    }

    private static int scale(int v, int max) {
        return max == 255 ? v : (v * max + 127) / 255;
    }

    /** Writes a converted pixel value in the client's size and byte order. */
    void writePixel(ByteBuf out, int value) {
        switch (bitsPerPixel) {
            case 8 -> out.writeByte(value);
            case 16 -> {
                if (bigEndian) out.writeShort(value); else out.writeShortLE(value);
            }
            default -> {
                if (bigEndian) out.writeInt(value); else out.writeIntLE(value);
            }
        }
    }

    /**
     * ZRLE's CPIXEL (RFC 6143 7.7.6): a 32-bit true-colour pixel of depth at most 24 whose colour
     * bits all lie in the low or the high three bytes is sent as those three bytes.
     */
    boolean compactPixel() {
        if (bitsPerPixel != 32 || depth > 24) return false;
        long mask = colourMask();
        return (mask & 0xFF00_0000L) == 0 || (mask & 0xFFL) == 0;
    }

    private long colourMask() {
        return (Integer.toUnsignedLong(redMax) << redShift) | (Integer.toUnsignedLong(greenMax) << greenShift)
                | (Integer.toUnsignedLong(blueMax) << blueShift);
    }

    int compactPixelBytes() {
        return compactPixel() ? 3 : bytesPerPixel();
    }

    /** Writes a converted pixel as a CPIXEL (three bytes when {@link #compactPixel}). */
    void writeCompactPixel(ByteBuf out, int value) {
        if (!compactPixel()) {
            writePixel(out, value);
            return;
        }
        boolean low = (colourMask() & 0xFF00_0000L) == 0;
        int v = low ? value : value >>> 8;
        if (bigEndian) {
            out.writeMedium(v);
        } else {
            out.writeMediumLE(v);
        }
    }
}
