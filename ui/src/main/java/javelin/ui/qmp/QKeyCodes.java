package javelin.ui.qmp;

import static javelin.devices.input.KeyCode.*;

import java.util.HashMap;
import java.util.Map;
import javelin.devices.input.KeyCode;

/**
 * QEMU's {@code QKeyCode} names ({@code qapi/ui.json}) for the keys of a PC keyboard, as
 * {@code send-key} and {@code input-send-event} take them ({@code {"type":"qcode","data":"ctrl"}}).
 */
final class QKeyCodes {
    private static final Map<String, KeyCode> BY_NAME = new HashMap<>();

    static {
        put("shift", LEFT_SHIFT, "shift_r", RIGHT_SHIFT, "alt", LEFT_ALT, "alt_r", RIGHT_ALT,
                "ctrl", LEFT_CONTROL, "ctrl_r", RIGHT_CONTROL, "menu", CONTEXT_MENU, "esc", ESCAPE,
                "1", DIGIT1, "2", DIGIT2, "3", DIGIT3, "4", DIGIT4, "5", DIGIT5, "6", DIGIT6, "7", DIGIT7,
                "8", DIGIT8, "9", DIGIT9, "0", DIGIT0, "minus", MINUS, "equal", EQUALS, "backspace", BACKSPACE,
                "tab", TAB, "bracket_left", OPEN_BRACKET, "bracket_right", CLOSE_BRACKET, "ret", ENTER,
                "semicolon", SEMICOLON, "apostrophe", QUOTE, "grave_accent", BACK_QUOTE, "backslash", BACKSLASH,
                "comma", COMMA, "dot", PERIOD, "slash", SLASH, "asterisk", KP_MULTIPLY, "spc", SPACE,
                "caps_lock", CAPS_LOCK, "num_lock", NUM_LOCK, "scroll_lock", SCROLL_LOCK,
                "kp_divide", KP_DIVIDE, "kp_multiply", KP_MULTIPLY, "kp_subtract", KP_SUBTRACT, "kp_add", KP_ADD,
                "kp_enter", KP_ENTER, "kp_decimal", KP_DECIMAL, "sysrq", PRINT_SCREEN, "print", PRINT_SCREEN,
                "kp_0", KP0, "kp_1", KP1, "kp_2", KP2, "kp_3", KP3, "kp_4", KP4, "kp_5", KP5, "kp_6", KP6,
                "kp_7", KP7, "kp_8", KP8, "kp_9", KP9, "less", NON_US_BACKSLASH, "home", HOME, "pgup", PAGE_UP,
                "pgdn", PAGE_DOWN, "end", END, "left", LEFT, "up", UP, "down", DOWN, "right", RIGHT,
                "insert", INSERT, "delete", DELETE, "meta_l", LEFT_META, "meta_r", RIGHT_META, "pause", PAUSE,
                "f1", F1, "f2", F2, "f3", F3, "f4", F4, "f5", F5, "f6", F6, "f7", F7, "f8", F8, "f9", F9,
                "f10", F10, "f11", F11, "f12", F12);
        for (char c = 'a'; c <= 'z'; c++) BY_NAME.put(String.valueOf(c), KeyCode.valueOf(String.valueOf(c).toUpperCase()));
    }

    private QKeyCodes() { }

    private static void put(Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) BY_NAME.put((String) pairs[i], (KeyCode) pairs[i + 1]);
    }

    /** The key named {@code qcode}, or null. */
    static KeyCode byName(String qcode) {
        return BY_NAME.get(qcode);
    }
}
