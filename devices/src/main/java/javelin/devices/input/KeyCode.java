package javelin.devices.input;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a 105-key PC keyboard with their scan codes in set 1 (XT) and set 2 (AT/MF2),
 * from the IBM PS/2 Keyboard and Auxiliary Device Controller reference ("Scan Code Tables") and
 * the Microsoft "Keyboard Scan Code Specification" (rev. 1.3a, appendix C).
 *
 * <p>A plain key has a one-byte make code; {@code extended} keys are prefixed by E0. Break codes
 * are derived: set 1 sets bit 7 of the last byte, set 2 inserts F0 before it. Print Screen and
 * Pause have their own sequences (Pause has no break code).
 */
public enum KeyCode {
    ESCAPE(0x01, 0x76), F1(0x3B, 0x05), F2(0x3C, 0x06), F3(0x3D, 0x04), F4(0x3E, 0x0C), F5(0x3F, 0x03),
    F6(0x40, 0x0B), F7(0x41, 0x83), F8(0x42, 0x0A), F9(0x43, 0x01), F10(0x44, 0x09), F11(0x57, 0x78),
    F12(0x58, 0x07),
    BACK_QUOTE(0x29, 0x0E), DIGIT1(0x02, 0x16), DIGIT2(0x03, 0x1E), DIGIT3(0x04, 0x26), DIGIT4(0x05, 0x25),
    DIGIT5(0x06, 0x2E), DIGIT6(0x07, 0x36), DIGIT7(0x08, 0x3D), DIGIT8(0x09, 0x3E), DIGIT9(0x0A, 0x46),
    DIGIT0(0x0B, 0x45), MINUS(0x0C, 0x4E), EQUALS(0x0D, 0x55), BACKSPACE(0x0E, 0x66),
    TAB(0x0F, 0x0D), Q(0x10, 0x15), W(0x11, 0x1D), E(0x12, 0x24), R(0x13, 0x2D), T(0x14, 0x2C), Y(0x15, 0x35),
    U(0x16, 0x3C), I(0x17, 0x43), O(0x18, 0x44), P(0x19, 0x4D), OPEN_BRACKET(0x1A, 0x54),
    CLOSE_BRACKET(0x1B, 0x5B), ENTER(0x1C, 0x5A),
    CAPS_LOCK(0x3A, 0x58), A(0x1E, 0x1C), S(0x1F, 0x1B), D(0x20, 0x23), F(0x21, 0x2B), G(0x22, 0x34),
    H(0x23, 0x33), J(0x24, 0x3B), K(0x25, 0x42), L(0x26, 0x4B), SEMICOLON(0x27, 0x4C), QUOTE(0x28, 0x52),
    BACKSLASH(0x2B, 0x5D),
    LEFT_SHIFT(0x2A, 0x12), NON_US_BACKSLASH(0x56, 0x61), Z(0x2C, 0x1A), X(0x2D, 0x22), C(0x2E, 0x21),
    V(0x2F, 0x2A), B(0x30, 0x32), N(0x31, 0x31), M(0x32, 0x3A), COMMA(0x33, 0x41), PERIOD(0x34, 0x49),
    SLASH(0x35, 0x4A), RIGHT_SHIFT(0x36, 0x59),
    LEFT_CONTROL(0x1D, 0x14), LEFT_META(0x5B, 0x1F, true), LEFT_ALT(0x38, 0x11), SPACE(0x39, 0x29),
    RIGHT_ALT(0x38, 0x11, true), RIGHT_META(0x5C, 0x27, true), CONTEXT_MENU(0x5D, 0x2F, true),
    RIGHT_CONTROL(0x1D, 0x14, true),
    PRINT_SCREEN(0x37, 0x7C, true), SCROLL_LOCK(0x46, 0x7E), PAUSE(0x45, 0x77),
    INSERT(0x52, 0x70, true), HOME(0x47, 0x6C, true), PAGE_UP(0x49, 0x7D, true), DELETE(0x53, 0x71, true),
    END(0x4F, 0x69, true), PAGE_DOWN(0x51, 0x7A, true),
    UP(0x48, 0x75, true), LEFT(0x4B, 0x6B, true), DOWN(0x50, 0x72, true), RIGHT(0x4D, 0x74, true),
    NUM_LOCK(0x45, 0x77), KP_DIVIDE(0x35, 0x4A, true), KP_MULTIPLY(0x37, 0x7C), KP_SUBTRACT(0x4A, 0x7B),
    KP7(0x47, 0x6C), KP8(0x48, 0x75), KP9(0x49, 0x7D), KP_ADD(0x4E, 0x79), KP4(0x4B, 0x6B), KP5(0x4C, 0x73),
    KP6(0x4D, 0x74), KP1(0x4F, 0x69), KP2(0x50, 0x72), KP3(0x51, 0x7A), KP0(0x52, 0x70),
    KP_DECIMAL(0x53, 0x71), KP_ENTER(0x1C, 0x5A, true);

    private static final int PREFIX_EXTENDED = 0xE0;
    private static final int PREFIX_PAUSE = 0xE1;
    private static final int SET2_BREAK = 0xF0;
    private static final int SET1_BREAK = 0x80;
    // Print Screen is sent as if fake Shift were pressed around the key (E0 2A / E0 12).
    private static final int SET1_FAKE_SHIFT = 0x2A;
    private static final int SET2_FAKE_SHIFT = 0x12;

    final int set1;
    final int set2;
    final boolean extended;

    KeyCode(int set1, int set2) {
        this(set1, set2, false);
    }

    KeyCode(int set1, int set2, boolean extended) {
        this.set1 = set1;
        this.set2 = set2;
        this.extended = extended;
    }

    /** The make sequence in scan code set 1 or 2. */
    public List<Integer> make(int set) {
        List<Integer> out = new ArrayList<>(8);
        if (this == PAUSE) {
            // Pause is Ctrl+NumLock behind E1, make and break at once (no break on release).
            if (set == 1) {
                out.addAll(List.of(PREFIX_PAUSE, 0x1D, 0x45, PREFIX_PAUSE, 0x1D | SET1_BREAK, 0x45 | SET1_BREAK));
            } else {
                out.addAll(List.of(PREFIX_PAUSE, 0x14, 0x77, PREFIX_PAUSE, SET2_BREAK, 0x14, SET2_BREAK, 0x77));
            }
            return out;
        }
        if (this == PRINT_SCREEN) {
            out.addAll(set == 1 ? List.of(PREFIX_EXTENDED, SET1_FAKE_SHIFT) : List.of(PREFIX_EXTENDED, SET2_FAKE_SHIFT));
        }
        if (extended) out.add(PREFIX_EXTENDED);
        out.add(set == 1 ? set1 : set2);
        return out;
    }

    /** The break sequence in scan code set 1 or 2; empty for Pause. */
    public List<Integer> breakCode(int set) {
        List<Integer> out = new ArrayList<>(8);
        if (this == PAUSE) return out;
        if (extended) out.add(PREFIX_EXTENDED);
        if (set == 1) {
            out.add(set1 | SET1_BREAK);
        } else {
            out.add(SET2_BREAK);
            out.add(set2);
        }
        if (this == PRINT_SCREEN) {
            out.add(PREFIX_EXTENDED);
            if (set == 1) {
                out.add(SET1_FAKE_SHIFT | SET1_BREAK);
            } else {
                out.add(SET2_BREAK);
                out.add(SET2_FAKE_SHIFT);
            }
        }
        return out;
    }

    /** Pause does not repeat (it has no break code to end a repeat). */
    boolean repeats() {
        return this != PAUSE;
    }
}
