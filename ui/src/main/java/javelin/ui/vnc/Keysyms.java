package javelin.ui.vnc;

import static javelin.devices.input.KeyCode.*;

import java.util.HashMap;
import java.util.Map;
import javelin.devices.input.KeyCode;

/**
 * X keysyms (X11 {@code keysymdef.h}, as RFC 6143 7.5.4 requires) to the PC key that types them on
 * a US keyboard. A shifted character maps to its unshifted key: the client has already sent the
 * Shift press, so the guest sees Shift + key as a real keyboard would produce. Clients that know
 * the physical key send QEMU Extended Key Events instead, and layouts then do not matter.
 */
final class Keysyms {
    private static final Map<Integer, KeyCode> TABLE = new HashMap<>();
    /** Latin-1 keysyms equal their code point (keysymdef.h: 0x0020-0x00FF). */
    private static final String UNSHIFTED = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./";
    private static final String SHIFTED = "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?";
    private static final KeyCode[] KEYS = {
        BACK_QUOTE, DIGIT1, DIGIT2, DIGIT3, DIGIT4, DIGIT5, DIGIT6, DIGIT7, DIGIT8, DIGIT9, DIGIT0, MINUS, EQUALS,
        Q, W, E, R, T, Y, U, I, O, P, OPEN_BRACKET, CLOSE_BRACKET, BACKSLASH,
        A, S, D, F, G, H, J, K, L, SEMICOLON, QUOTE,
        Z, X, C, V, B, N, M, COMMA, PERIOD, SLASH,
    };

    static {
        for (int i = 0; i < KEYS.length; i++) {
            TABLE.put((int) UNSHIFTED.charAt(i), KEYS[i]);
            TABLE.put((int) SHIFTED.charAt(i), KEYS[i]);
        }
        put(0x0020, SPACE, 0xFF08, BACKSPACE, 0xFF09, TAB, 0xFE20, TAB /* ISO_Left_Tab */, 0xFF0D, ENTER,
                0xFF13, PAUSE, 0xFF14, SCROLL_LOCK, 0xFF15, PRINT_SCREEN /* Sys_Req */, 0xFF1B, ESCAPE,
                0xFF50, HOME, 0xFF51, LEFT, 0xFF52, UP, 0xFF53, RIGHT, 0xFF54, DOWN, 0xFF55, PAGE_UP,
                0xFF56, PAGE_DOWN, 0xFF57, END, 0xFF61, PRINT_SCREEN, 0xFF63, INSERT, 0xFF67, CONTEXT_MENU,
                0xFF7F, NUM_LOCK, 0xFF8D, KP_ENTER, 0xFF95, KP7, 0xFF96, KP4, 0xFF97, KP8, 0xFF98, KP6,
                0xFF99, KP2, 0xFF9A, KP9, 0xFF9B, KP3, 0xFF9C, KP1, 0xFF9D, KP5, 0xFF9E, KP0, 0xFF9F, KP_DECIMAL,
                0xFFAA, KP_MULTIPLY, 0xFFAB, KP_ADD, 0xFFAD, KP_SUBTRACT, 0xFFAE, KP_DECIMAL, 0xFFAF, KP_DIVIDE,
                0xFFB0, KP0, 0xFFB1, KP1, 0xFFB2, KP2, 0xFFB3, KP3, 0xFFB4, KP4, 0xFFB5, KP5, 0xFFB6, KP6,
                0xFFB7, KP7, 0xFFB8, KP8, 0xFFB9, KP9,
                0xFFBE, F1, 0xFFBF, F2, 0xFFC0, F3, 0xFFC1, F4, 0xFFC2, F5, 0xFFC3, F6, 0xFFC4, F7, 0xFFC5, F8,
                0xFFC6, F9, 0xFFC7, F10, 0xFFC8, F11, 0xFFC9, F12,
                0xFFE1, LEFT_SHIFT, 0xFFE2, RIGHT_SHIFT, 0xFFE3, LEFT_CONTROL, 0xFFE4, RIGHT_CONTROL,
                0xFFE5, CAPS_LOCK, 0xFFE7, LEFT_META, 0xFFE8, RIGHT_META, 0xFFE9, LEFT_ALT, 0xFFEA, RIGHT_ALT,
                0xFFEB, LEFT_META, 0xFFEC, RIGHT_META, 0xFE03, RIGHT_ALT /* ISO_Level3_Shift, AltGr */,
                0xFFFF, DELETE);
    }

    private Keysyms() { }

    private static void put(Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) TABLE.put((Integer) pairs[i], (KeyCode) pairs[i + 1]);
    }

    /** The key for {@code keysym}, or null when a PC keyboard has none. */
    static KeyCode toKey(int keysym) {
        return TABLE.get(keysym);
    }
}
