package javelin.ui.fx;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Collections;
import javelin.devices.input.KeyCode;

/**
 * Host keys, as JavaFX names them, to the keys of the guest's 105-key PC keyboard
 * ({@link KeyCode}, whose scan codes the PS/2 keyboard sends).
 *
 * <p>JavaFX reports a key by the symbol the host layout gives it (GTK keysym), not by its
 * position, and does not say which of a left/right pair was pressed. So the table is the US
 * layout read backwards, and:
 * <ul>
 *   <li>Shift, Ctrl and the Windows key map to the left one; AltGr is the right Alt. Right
 *       Shift, right Ctrl, right Windows and keypad Enter (which JavaFX reports as
 *       {@code ENTER}) are not in the table: {@link #rightTwin} names them, and
 *       {@link KeyboardForwarder} picks one of a pair with a {@link KeyLocator}.</li>
 *   <li>The keypad with Num Lock off: X11 reports {@code KP_Up} and friends as {@code KP_UP},
 *       and keypad 5 as {@code BEGIN} or {@code CLEAR}; these go to the keypad keys. Layouts
 *       that report keypad Home/End/PgUp/PgDn/Ins/Del as the plain navigation keys reach the
 *       guest as the grey keys, which a PC treats the same outside of Num Lock handling.</li>
 *   <li>The shifted symbols of the US layout (a host that reports {@code EXCLAMATION_MARK}
 *       for Shift+1) go to the key that carries them on a US keyboard, so a typed {@code !}
 *       reaches the guest as Shift+1, which is what the guest's US keymap expects.</li>
 *   <li>{@code LESS} is the ISO key between left Shift and Z (the only key a US layout does
 *       not have; IBM key 45, {@link KeyCode#NON_US_BACKSLASH}).</li>
 * </ul>
 * A host with a non-US layout therefore types US positions; a positional mapping needs the
 * native scan code, which JavaFX does not expose (docs/window.md, "Keyboard").
 */
final class KeyMap {
    /**
     * PC keys that no JavaFX key code maps to (JavaFX has no key location); only a
     * {@link KeyLocator} reaches them, through {@link #rightTwin}.
     */
    static final Set<KeyCode> NEEDS_LOCATION = Set.of(
            KeyCode.RIGHT_SHIFT, KeyCode.RIGHT_CONTROL, KeyCode.RIGHT_META, KeyCode.KP_ENTER);

    private static final Map<javafx.scene.input.KeyCode, KeyCode> TABLE = build();
    private static final Map<javafx.scene.input.KeyCode, KeyCode> RIGHT_TWINS = buildTwins();

    private KeyMap() { }

    /** The PC key for a host key, or empty for keys a PC keyboard does not have (media keys, F13+). */
    static Optional<KeyCode> toPc(javafx.scene.input.KeyCode host) {
        return Optional.ofNullable(TABLE.get(host));
    }

    /**
     * The right-hand key that shares {@code host} with the table's left-hand key (right Shift for
     * {@code SHIFT}, keypad Enter for {@code ENTER}), or empty for keys without a twin.
     */
    static Optional<KeyCode> rightTwin(javafx.scene.input.KeyCode host) {
        return Optional.ofNullable(RIGHT_TWINS.get(host));
    }

    /** The whole table, for tests and documentation. */
    static Map<javafx.scene.input.KeyCode, KeyCode> table() {
        return TABLE;
    }

    private static Map<javafx.scene.input.KeyCode, KeyCode> build() {
        Map<javafx.scene.input.KeyCode, KeyCode> m = new EnumMap<>(javafx.scene.input.KeyCode.class);
        // Function row.
        put(m, "ESCAPE", KeyCode.ESCAPE);
        for (int i = 1; i <= 12; i++) put(m, "F" + i, KeyCode.valueOf("F" + i));
        // Typewriter keys: letters and digits share their names.
        for (char c = 'A'; c <= 'Z'; c++) put(m, String.valueOf(c), KeyCode.valueOf(String.valueOf(c)));
        for (int i = 0; i <= 9; i++) put(m, "DIGIT" + i, KeyCode.valueOf("DIGIT" + i));
        put(m, "BACK_QUOTE", KeyCode.BACK_QUOTE);
        put(m, "MINUS", KeyCode.MINUS);
        put(m, "EQUALS", KeyCode.EQUALS);
        put(m, "BACK_SPACE", KeyCode.BACKSPACE);
        put(m, "TAB", KeyCode.TAB);
        put(m, "OPEN_BRACKET", KeyCode.OPEN_BRACKET);
        put(m, "CLOSE_BRACKET", KeyCode.CLOSE_BRACKET);
        put(m, "ENTER", KeyCode.ENTER);
        put(m, "CAPS", KeyCode.CAPS_LOCK);
        put(m, "SEMICOLON", KeyCode.SEMICOLON);
        put(m, "QUOTE", KeyCode.QUOTE);
        put(m, "BACK_SLASH", KeyCode.BACKSLASH);
        put(m, "LESS", KeyCode.NON_US_BACKSLASH);
        put(m, "COMMA", KeyCode.COMMA);
        put(m, "PERIOD", KeyCode.PERIOD);
        put(m, "SLASH", KeyCode.SLASH);
        put(m, "SPACE", KeyCode.SPACE);
        // Shifted symbols of the US layout, for hosts that report the symbol rather than the key.
        put(m, "EXCLAMATION_MARK", KeyCode.DIGIT1);
        put(m, "AT", KeyCode.DIGIT2);
        put(m, "NUMBER_SIGN", KeyCode.DIGIT3);
        put(m, "DOLLAR", KeyCode.DIGIT4);
        put(m, "CIRCUMFLEX", KeyCode.DIGIT6);
        put(m, "AMPERSAND", KeyCode.DIGIT7);
        put(m, "ASTERISK", KeyCode.DIGIT8);
        put(m, "LEFT_PARENTHESIS", KeyCode.DIGIT9);
        put(m, "RIGHT_PARENTHESIS", KeyCode.DIGIT0);
        put(m, "UNDERSCORE", KeyCode.MINUS);
        put(m, "PLUS", KeyCode.EQUALS);
        put(m, "BRACELEFT", KeyCode.OPEN_BRACKET);
        put(m, "BRACERIGHT", KeyCode.CLOSE_BRACKET);
        put(m, "COLON", KeyCode.SEMICOLON);
        put(m, "QUOTEDBL", KeyCode.QUOTE);
        put(m, "GREATER", KeyCode.PERIOD);
        // Modifiers: JavaFX has no key location, so the left key of each pair (buildTwins has the right).
        put(m, "SHIFT", KeyCode.LEFT_SHIFT);
        put(m, "CONTROL", KeyCode.LEFT_CONTROL);
        put(m, "ALT", KeyCode.LEFT_ALT);
        put(m, "ALT_GRAPH", KeyCode.RIGHT_ALT);
        put(m, "WINDOWS", KeyCode.LEFT_META);
        put(m, "META", KeyCode.LEFT_META);
        put(m, "COMMAND", KeyCode.LEFT_META);
        put(m, "CONTEXT_MENU", KeyCode.CONTEXT_MENU);
        // Control pad and arrows (the grey, E0-prefixed keys).
        put(m, "PRINTSCREEN", KeyCode.PRINT_SCREEN);
        put(m, "SCROLL_LOCK", KeyCode.SCROLL_LOCK);
        put(m, "PAUSE", KeyCode.PAUSE);
        put(m, "INSERT", KeyCode.INSERT);
        put(m, "HOME", KeyCode.HOME);
        put(m, "PAGE_UP", KeyCode.PAGE_UP);
        put(m, "DELETE", KeyCode.DELETE);
        put(m, "END", KeyCode.END);
        put(m, "PAGE_DOWN", KeyCode.PAGE_DOWN);
        put(m, "UP", KeyCode.UP);
        put(m, "LEFT", KeyCode.LEFT);
        put(m, "DOWN", KeyCode.DOWN);
        put(m, "RIGHT", KeyCode.RIGHT);
        // Numeric keypad, with Num Lock on (digits) and off (X11 KP_Up etc., KP_Begin).
        put(m, "NUM_LOCK", KeyCode.NUM_LOCK);
        put(m, "DIVIDE", KeyCode.KP_DIVIDE);
        put(m, "MULTIPLY", KeyCode.KP_MULTIPLY);
        put(m, "SUBTRACT", KeyCode.KP_SUBTRACT);
        put(m, "ADD", KeyCode.KP_ADD);
        put(m, "DECIMAL", KeyCode.KP_DECIMAL);
        put(m, "SEPARATOR", KeyCode.KP_DECIMAL);
        for (int i = 0; i <= 9; i++) put(m, "NUMPAD" + i, KeyCode.valueOf("KP" + i));
        put(m, "KP_UP", KeyCode.KP8);
        put(m, "KP_LEFT", KeyCode.KP4);
        put(m, "KP_RIGHT", KeyCode.KP6);
        put(m, "KP_DOWN", KeyCode.KP2);
        put(m, "BEGIN", KeyCode.KP5);
        put(m, "CLEAR", KeyCode.KP5);
        return Collections.unmodifiableMap(m);
    }

    private static Map<javafx.scene.input.KeyCode, KeyCode> buildTwins() {
        Map<javafx.scene.input.KeyCode, KeyCode> m = new EnumMap<>(javafx.scene.input.KeyCode.class);
        put(m, "SHIFT", KeyCode.RIGHT_SHIFT);
        put(m, "CONTROL", KeyCode.RIGHT_CONTROL);
        put(m, "WINDOWS", KeyCode.RIGHT_META);
        put(m, "META", KeyCode.RIGHT_META);
        put(m, "COMMAND", KeyCode.RIGHT_META);
        put(m, "ENTER", KeyCode.KP_ENTER);
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<javafx.scene.input.KeyCode, KeyCode> m, String host, KeyCode pc) {
        if (m.put(javafx.scene.input.KeyCode.valueOf(host), pc) != null) throw new IllegalStateException("twice: " + host);
    }
}
