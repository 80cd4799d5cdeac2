package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.ui.fx.KeyLocator.Side;
import org.junit.jupiter.api.Test;

/** The XQueryKeymap bitmap decision, with the X key codes of the usual evdev (pc105) mapping. */
class X11KeyLocatorTest {
    // evdev key codes: Linux input code + 8.
    private static final X11KeyLocator.Pair SHIFT = new X11KeyLocator.Pair(50, 62);
    private static final X11KeyLocator.Pair CONTROL = new X11KeyLocator.Pair(37, 105);
    private static final X11KeyLocator.Pair ENTER = new X11KeyLocator.Pair(36, 104);

    /** A 32-byte XQueryKeymap answer with the given X key codes down. */
    private static byte[] keymap(int... down) {
        byte[] m = new byte[X11KeyLocator.KEYMAP_BYTES];
        for (int code : down) m[code / 8] |= (byte) (1 << (code % 8));
        return m;
    }

    @Test
    void bitNOfByteMIsKeyCode8MPlusN() {
        byte[] m = new byte[32];
        m[13] = (byte) 0x40;                         // 13 * 8 + 6 = 110
        assertTrue(X11KeyLocator.isDown(m, 110));
        assertFalse(X11KeyLocator.isDown(m, 109));
        assertFalse(X11KeyLocator.isDown(m, 111));
        m[31] = (byte) 0x80;                         // the highest key code, 255: the sign bit of the byte
        assertTrue(X11KeyLocator.isDown(m, 255));
    }

    @Test
    void onlyTheRightKeyDownIsRight() {
        assertEquals(Side.RIGHT, X11KeyLocator.side(keymap(62), SHIFT));
        assertEquals(Side.RIGHT, X11KeyLocator.side(keymap(105), CONTROL));
        assertEquals(Side.RIGHT, X11KeyLocator.side(keymap(104), ENTER), "keypad Enter");
    }

    @Test
    void onlyTheLeftKeyDownIsLeft() {
        assertEquals(Side.LEFT, X11KeyLocator.side(keymap(50), SHIFT));
        assertEquals(Side.LEFT, X11KeyLocator.side(keymap(36), ENTER), "main Enter");
    }

    @Test
    void bothAndNeither() {
        assertEquals(Side.BOTH, X11KeyLocator.side(keymap(37, 105), CONTROL));
        assertEquals(Side.UNKNOWN, X11KeyLocator.side(keymap(), CONTROL), "tapped and already released");
    }

    @Test
    void otherKeysDownDoNotCount() {
        // Right Shift held while Ctrl is asked about: Ctrl is neither.
        assertEquals(Side.UNKNOWN, X11KeyLocator.side(keymap(62, 38, 64), CONTROL));
        assertEquals(Side.RIGHT, X11KeyLocator.side(keymap(105, 50, 38), CONTROL));
    }

    @Test
    void aKeysymWithoutAKeyIsNeverDown() {
        // XKeysymToKeycode answers 0 for a keysym the mapping lacks; bit 0 of byte 0 is no key.
        X11KeyLocator.Pair noRight = new X11KeyLocator.Pair(133, 0);
        assertEquals(Side.LEFT, X11KeyLocator.side(keymap(0, 133), noRight));
        assertEquals(Side.UNKNOWN, X11KeyLocator.side(keymap(0), noRight));
    }
}
