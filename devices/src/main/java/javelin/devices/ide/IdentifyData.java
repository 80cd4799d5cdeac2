package javelin.devices.ide;

/**
 * A 512-byte IDENTIFY (PACKET) DEVICE block being built: 256 little-endian words; ATA strings
 * stored two characters per word with the first character in the high byte (ATA-6 string
 * convention, "byte-swapped" as seen from memory); and the integrity word 255 (signature A5h
 * in bits 7:0, checksum in bits 15:8 making the 512 bytes sum to zero).
 */
final class IdentifyData {
    static final int WORDS = 256;
    private final int[] words = new int[WORDS];

    void word(int index, int value) {
        words[index] = value & 0xFFFF;
    }

    /** Stores {@code text} padded with spaces to {@code 2 * count} characters from word {@code first}. */
    void string(int first, int count, String text) {
        StringBuilder s = new StringBuilder(text);
        while (s.length() < 2 * count) s.append(' ');
        for (int i = 0; i < count; i++) {
            words[first + i] = (s.charAt(2 * i) & 0xFF) << 8 | (s.charAt(2 * i + 1) & 0xFF);
        }
    }

    /** A 32-bit value in two words, low word first. */
    void dword(int first, long value) {
        word(first, (int) value);
        word(first + 1, (int) (value >>> 16));
    }

    /** A 64-bit value in four words, low word first. */
    void qword(int first, long value) {
        dword(first, value);
        dword(first + 2, value >>> 32);
    }

    byte[] toBytes() {
        words[255] = 0xA5;
        int sum = 0;
        byte[] b = new byte[2 * WORDS];
        for (int i = 0; i < WORDS; i++) {
            b[2 * i] = (byte) words[i];
            b[2 * i + 1] = (byte) (words[i] >>> 8);
        }
        for (int i = 0; i < 511; i++) sum += b[i] & 0xFF;
        b[511] = (byte) -sum;
        return b;
    }
}
