package javelin.firmware;

/** Little-endian field access in byte arrays: x86 structures (setup header, zero page, Multiboot). */
final class LittleEndian {
    private LittleEndian() { }

    static int get8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int get16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int get32(byte[] b, int at) {
        return get16(b, at) | get16(b, at + 2) << 16;
    }

    static long get64(byte[] b, int at) {
        return (get32(b, at) & 0xFFFF_FFFFL) | (long) get32(b, at + 4) << 32;
    }

    static void put8(byte[] b, int at, int v) {
        b[at] = (byte) v;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v);
        put16(b, at + 2, v >>> 16);
    }

    static void put64(byte[] b, int at, long v) {
        put32(b, at, (int) v);
        put32(b, at + 4, (int) (v >>> 32));
    }
}
