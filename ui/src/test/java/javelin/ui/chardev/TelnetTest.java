package javelin.ui.chardev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Telnet command stripping per RFC 854, including commands split across reads. */
class TelnetTest {
    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    @Test
    void doubledIacIsOneDataByte() {
        assertArrayEquals(b('a', 0xFF, 'b'), new Telnet().filterInput(b('a', 0xFF, 0xFF, 'b'), 0, 4));
    }

    @Test
    void optionNegotiationSplitAcrossReadsIsRemoved() {
        Telnet t = new Telnet();
        assertArrayEquals(b('x'), t.filterInput(b('x', 0xFF), 0, 2));
        assertArrayEquals(b('y'), t.filterInput(b(0xFB, 0x18, 'y'), 0, 3));
    }

    @Test
    void carriageReturnNulIsABareCarriageReturnButCrLfStays() {
        assertArrayEquals(b('\r', 'a', '\r', '\n'), new Telnet().filterInput(b('\r', 0, 'a', '\r', '\n'), 0, 5));
    }

    @Test
    void twoByteCommandsAreRemoved() {
        assertArrayEquals(b('a', 'b'), new Telnet().filterInput(b('a', 0xFF, 0xF1, 'b'), 0, 4));   // IAC NOP
    }
}
