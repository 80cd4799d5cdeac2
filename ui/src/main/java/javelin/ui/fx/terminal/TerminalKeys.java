package javelin.ui.fx.terminal;

import javafx.scene.input.KeyCode;

/**
 * The bytes a VT100/xterm keyboard sends for the keys whose JavaFX events differ between
 * platforms: Enter, Backspace, Tab, Escape and Ctrl with a letter or symbol. JavaFX gives these
 * keys' characters from the host toolkit (GTK reports Ctrl+C as typed U+0003, the headless
 * platform as "c"), so the terminal maps them itself from the key code. Other keys (arrows,
 * Home, function keys, text) are left to the emulator, which knows the modes the guest set
 * (DECCKM application cursor keys).
 *
 * <p>Sources: DEC VT100 User Guide, "Keyboard" (control codes of Ctrl+key, Return = CR);
 * xterm's ctlseqs for Shift+Tab (CSI Z). Backspace sends DEL (0x7F), as the Linux console and
 * xterm by default do and as Linux's getty expects ({@code stty erase ^?}).
 */
final class TerminalKeys {
    static final byte CR = 0x0D, TAB = 0x09, ESC = 0x1B, DEL = 0x7F, NUL = 0x00;

    private TerminalKeys() { }

    /**
     * The bytes for {@code key} with the given modifiers, or null if the emulator should handle
     * the key. Alt combinations are left to the emulator (it sends ESC before the key); Ctrl+Alt
     * is AltGr on some hosts and is left alone too.
     */
    static byte[] bytesFor(KeyCode key, boolean shift, boolean ctrl, boolean alt) {
        if (alt) return null;
        if (ctrl) {
            byte code = controlCode(key);
            return code < 0 ? null : new byte[] {code};
        }
        return switch (key) {
            case ENTER -> new byte[] {CR};
            case BACK_SPACE -> new byte[] {DEL};
            case ESCAPE -> new byte[] {ESC};
            case TAB -> shift ? new byte[] {ESC, '[', 'Z'} : new byte[] {TAB};
            default -> null;
        };
    }

    /** Ctrl+key: the key's ASCII code with bits 6 and 5 cleared, as the VT100 does; -1 if none. */
    private static byte controlCode(KeyCode key) {
        if (key.isLetterKey()) return (byte) (key.getChar().charAt(0) - 'A' + 1);
        return switch (key) {
            case SPACE, DIGIT2, AT -> NUL;                          // Ctrl+@
            case OPEN_BRACKET -> ESC;                               // Ctrl+[
            case BACK_SLASH -> 0x1C;                                // Ctrl+\ (SIGQUIT)
            case CLOSE_BRACKET -> 0x1D;                             // Ctrl+]
            case DIGIT6, CIRCUMFLEX -> 0x1E;                        // Ctrl+^
            case MINUS, UNDERSCORE -> 0x1F;                         // Ctrl+_
            default -> -1;
        };
    }
}
