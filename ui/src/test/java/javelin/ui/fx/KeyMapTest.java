package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javelin.devices.input.KeyCode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected keys are the legends of the IBM 105-key (ISO) keyboard with a US layout. */
class KeyMapTest {
    private static void assertMaps(javafx.scene.input.KeyCode host, KeyCode pc) {
        assertEquals(Optional.of(pc), KeyMap.toPc(host), host.name());
    }

    @Test
    void everyPcKeyIsReachableExceptTheRightHandTwinsJavaFxCannotTellApart() {
        Set<KeyCode> missing = EnumSet.allOf(KeyCode.class);
        missing.removeAll(KeyMap.table().values());
        assertEquals(Set.of(KeyCode.RIGHT_SHIFT, KeyCode.RIGHT_CONTROL, KeyCode.RIGHT_META, KeyCode.KP_ENTER), missing);
        assertEquals(KeyMap.NEEDS_LOCATION, missing);
    }

    @Test
    void theKeysNeedingALocationAreTheRightTwinsOfShiftCtrlWindowsAndEnter() {
        assertEquals(Optional.of(KeyCode.RIGHT_SHIFT), KeyMap.rightTwin(javafx.scene.input.KeyCode.SHIFT));
        assertEquals(Optional.of(KeyCode.RIGHT_CONTROL), KeyMap.rightTwin(javafx.scene.input.KeyCode.CONTROL));
        assertEquals(Optional.of(KeyCode.RIGHT_META), KeyMap.rightTwin(javafx.scene.input.KeyCode.WINDOWS));
        assertEquals(Optional.of(KeyCode.RIGHT_META), KeyMap.rightTwin(javafx.scene.input.KeyCode.META));
        assertEquals(Optional.of(KeyCode.KP_ENTER), KeyMap.rightTwin(javafx.scene.input.KeyCode.ENTER));
        assertEquals(Optional.empty(), KeyMap.rightTwin(javafx.scene.input.KeyCode.ALT), "AltGr is its own key");
        assertEquals(Optional.empty(), KeyMap.rightTwin(javafx.scene.input.KeyCode.A));
        Set<KeyCode> twins = EnumSet.noneOf(KeyCode.class);
        for (javafx.scene.input.KeyCode host : javafx.scene.input.KeyCode.values()) KeyMap.rightTwin(host).ifPresent(twins::add);
        assertEquals(KeyMap.NEEDS_LOCATION, twins);
    }

    @Test
    void pcKeyboardHas105Keys() {
        assertEquals(105, KeyCode.values().length);
    }

    @Nested
    class TypewriterKeys {
        @Test
        void lettersAndDigitsKeepTheirNames() {
            assertMaps(javafx.scene.input.KeyCode.A, KeyCode.A);
            assertMaps(javafx.scene.input.KeyCode.Z, KeyCode.Z);
            assertMaps(javafx.scene.input.KeyCode.DIGIT0, KeyCode.DIGIT0);
            assertMaps(javafx.scene.input.KeyCode.DIGIT9, KeyCode.DIGIT9);
        }

        @Test
        void punctuationAndEditingKeys() {
            assertMaps(javafx.scene.input.KeyCode.BACK_QUOTE, KeyCode.BACK_QUOTE);
            assertMaps(javafx.scene.input.KeyCode.BACK_SPACE, KeyCode.BACKSPACE);
            assertMaps(javafx.scene.input.KeyCode.BACK_SLASH, KeyCode.BACKSLASH);
            assertMaps(javafx.scene.input.KeyCode.CAPS, KeyCode.CAPS_LOCK);
            assertMaps(javafx.scene.input.KeyCode.QUOTE, KeyCode.QUOTE);
            assertMaps(javafx.scene.input.KeyCode.SEMICOLON, KeyCode.SEMICOLON);
            assertMaps(javafx.scene.input.KeyCode.SLASH, KeyCode.SLASH);
        }

        @Test
        void isoKeyBesideLeftShiftIsLess() {
            assertMaps(javafx.scene.input.KeyCode.LESS, KeyCode.NON_US_BACKSLASH);
        }

        @Test
        void usShiftedSymbolsGoToTheKeyThatCarriesThem() {
            assertMaps(javafx.scene.input.KeyCode.EXCLAMATION_MARK, KeyCode.DIGIT1);
            assertMaps(javafx.scene.input.KeyCode.AT, KeyCode.DIGIT2);
            assertMaps(javafx.scene.input.KeyCode.RIGHT_PARENTHESIS, KeyCode.DIGIT0);
            assertMaps(javafx.scene.input.KeyCode.UNDERSCORE, KeyCode.MINUS);
            assertMaps(javafx.scene.input.KeyCode.PLUS, KeyCode.EQUALS);
            assertMaps(javafx.scene.input.KeyCode.COLON, KeyCode.SEMICOLON);
            assertMaps(javafx.scene.input.KeyCode.QUOTEDBL, KeyCode.QUOTE);
            assertMaps(javafx.scene.input.KeyCode.GREATER, KeyCode.PERIOD);
        }
    }

    @Nested
    class Modifiers {
        @Test
        void unlocatedModifiersAreTheLeftKeys() {
            assertMaps(javafx.scene.input.KeyCode.SHIFT, KeyCode.LEFT_SHIFT);
            assertMaps(javafx.scene.input.KeyCode.CONTROL, KeyCode.LEFT_CONTROL);
            assertMaps(javafx.scene.input.KeyCode.ALT, KeyCode.LEFT_ALT);
            assertMaps(javafx.scene.input.KeyCode.WINDOWS, KeyCode.LEFT_META);
            assertMaps(javafx.scene.input.KeyCode.META, KeyCode.LEFT_META);
        }

        @Test
        void altGrIsTheRightAltAndMenuIsTheApplicationKey() {
            assertMaps(javafx.scene.input.KeyCode.ALT_GRAPH, KeyCode.RIGHT_ALT);
            assertMaps(javafx.scene.input.KeyCode.CONTEXT_MENU, KeyCode.CONTEXT_MENU);
        }
    }

    @Nested
    class ExtendedKeys {
        @Test
        void controlPadAndArrowsAreTheGreyKeys() {
            assertMaps(javafx.scene.input.KeyCode.INSERT, KeyCode.INSERT);
            assertMaps(javafx.scene.input.KeyCode.DELETE, KeyCode.DELETE);
            assertMaps(javafx.scene.input.KeyCode.HOME, KeyCode.HOME);
            assertMaps(javafx.scene.input.KeyCode.END, KeyCode.END);
            assertMaps(javafx.scene.input.KeyCode.PAGE_UP, KeyCode.PAGE_UP);
            assertMaps(javafx.scene.input.KeyCode.PAGE_DOWN, KeyCode.PAGE_DOWN);
            assertMaps(javafx.scene.input.KeyCode.UP, KeyCode.UP);
            assertMaps(javafx.scene.input.KeyCode.LEFT, KeyCode.LEFT);
            assertMaps(javafx.scene.input.KeyCode.DOWN, KeyCode.DOWN);
            assertMaps(javafx.scene.input.KeyCode.RIGHT, KeyCode.RIGHT);
        }

        @Test
        void printScreenScrollLockAndPause() {
            assertMaps(javafx.scene.input.KeyCode.PRINTSCREEN, KeyCode.PRINT_SCREEN);
            assertMaps(javafx.scene.input.KeyCode.SCROLL_LOCK, KeyCode.SCROLL_LOCK);
            assertMaps(javafx.scene.input.KeyCode.PAUSE, KeyCode.PAUSE);
        }

        @Test
        void functionKeysOneToTwelve() {
            assertMaps(javafx.scene.input.KeyCode.F1, KeyCode.F1);
            assertMaps(javafx.scene.input.KeyCode.F12, KeyCode.F12);
            assertMaps(javafx.scene.input.KeyCode.ESCAPE, KeyCode.ESCAPE);
        }
    }

    @Nested
    class Keypad {
        @Test
        void digitsWithNumLockOn() {
            assertMaps(javafx.scene.input.KeyCode.NUMPAD0, KeyCode.KP0);
            assertMaps(javafx.scene.input.KeyCode.NUMPAD5, KeyCode.KP5);
            assertMaps(javafx.scene.input.KeyCode.NUMPAD9, KeyCode.KP9);
            assertMaps(javafx.scene.input.KeyCode.DECIMAL, KeyCode.KP_DECIMAL);
        }

        @Test
        void operatorsAndNumLock() {
            assertMaps(javafx.scene.input.KeyCode.DIVIDE, KeyCode.KP_DIVIDE);
            assertMaps(javafx.scene.input.KeyCode.MULTIPLY, KeyCode.KP_MULTIPLY);
            assertMaps(javafx.scene.input.KeyCode.SUBTRACT, KeyCode.KP_SUBTRACT);
            assertMaps(javafx.scene.input.KeyCode.ADD, KeyCode.KP_ADD);
            assertMaps(javafx.scene.input.KeyCode.NUM_LOCK, KeyCode.NUM_LOCK);
        }

        @Test
        void arrowsAndBeginWithNumLockOffAreTheDigitKeysThatCarryThem() {
            // Keypad legends: 8 Up, 4 Left, 6 Right, 2 Down, 5 (X11 KP_Begin).
            assertMaps(javafx.scene.input.KeyCode.KP_UP, KeyCode.KP8);
            assertMaps(javafx.scene.input.KeyCode.KP_LEFT, KeyCode.KP4);
            assertMaps(javafx.scene.input.KeyCode.KP_RIGHT, KeyCode.KP6);
            assertMaps(javafx.scene.input.KeyCode.KP_DOWN, KeyCode.KP2);
            assertMaps(javafx.scene.input.KeyCode.BEGIN, KeyCode.KP5);
        }
    }

    @Test
    void keysAPcKeyboardLacksMapToNothing() {
        for (javafx.scene.input.KeyCode k : EnumSet.of(javafx.scene.input.KeyCode.F13, javafx.scene.input.KeyCode.VOLUME_UP,
                javafx.scene.input.KeyCode.PLAY, javafx.scene.input.KeyCode.UNDEFINED)) {
            assertTrue(KeyMap.toPc(k).isEmpty(), k.name());
        }
    }
}
