package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.input.KeyEvent;
import javelin.devices.input.KeyCode;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class KeyboardForwarderTest {
    private final FakeMachine machine = new FakeMachine(8, 8);
    private final KeyboardForwarder keyboard = new KeyboardForwarder(machine);

    private static KeyEvent key(javafx.event.EventType<KeyEvent> type, javafx.scene.input.KeyCode code) {
        return new KeyEvent(type, "", "", code, false, false, false, false);
    }

    private List<String> sent() {
        List<String> out = new ArrayList<>();
        for (FakeMachine.Input i : machine.inputs) out.add((i.pressed() ? "+" : "-") + i.key());
        return out;
    }

    @Test
    void hostAutoRepeatIsDroppedBecauseTheKeyboardModelRepeats() {
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.A));
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.A));
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.A));
        keyboard.handle(key(KeyEvent.KEY_RELEASED, javafx.scene.input.KeyCode.A));
        assertEquals(List.of("+A", "-A"), sent());
    }

    @Test
    void losingFocusReleasesEveryHeldKey() {
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.CONTROL));
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.ALT));
        keyboard.releaseAll();
        assertEquals(List.of("+LEFT_CONTROL", "+LEFT_ALT", "-LEFT_CONTROL", "-LEFT_ALT"), sent());
        keyboard.handle(key(KeyEvent.KEY_RELEASED, javafx.scene.input.KeyCode.CONTROL));
        assertEquals(4, sent().size(), "a release after focus loss is not sent twice");
    }

    @Test
    void keysWithoutAPcKeyAreSwallowedNotSent() {
        KeyEvent media = key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.VOLUME_UP);
        keyboard.handle(media);
        assertTrue(media.isConsumed(), "the menu bar must not see guest keys");
        assertTrue(sent().isEmpty());
    }

    @Test
    void typedEventsAreConsumedAndSendNothing() {
        KeyEvent typed = new KeyEvent(KeyEvent.KEY_TYPED, "a", "", javafx.scene.input.KeyCode.UNDEFINED, false, false, false, false);
        keyboard.handle(typed);
        assertTrue(typed.isConsumed());
        assertTrue(sent().isEmpty());
    }

    @Test
    void ctrlAltHotkeyRunsOnceAndItsKeyNeverReachesTheGuest() {
        int[] runs = {0};
        keyboard.hotkey(javafx.scene.input.KeyCode.G, () -> runs[0]++);
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.CONTROL));
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.ALT));
        KeyEvent g = new KeyEvent(KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.G, false, true, true, false);
        keyboard.handle(g);
        keyboard.handle(new KeyEvent(KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.G, false, true, true, false));
        keyboard.handle(new KeyEvent(KeyEvent.KEY_RELEASED, "", "", javafx.scene.input.KeyCode.G, false, true, true, false));
        assertEquals(1, runs[0], "host auto-repeat does not run it again");
        assertTrue(g.isConsumed());
        assertEquals(List.of("+LEFT_CONTROL", "+LEFT_ALT"), sent());
    }

    @Test
    void theHotkeyLetterWithoutCtrlAltIsAnOrdinaryKey() {
        keyboard.hotkey(javafx.scene.input.KeyCode.G, () -> { throw new AssertionError("not a hotkey"); });
        keyboard.handle(key(KeyEvent.KEY_PRESSED, javafx.scene.input.KeyCode.G));
        keyboard.handle(new KeyEvent(KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.H, false, true, true, false));
        assertEquals(List.of("+G", "+H"), sent());
    }

    /** A locator that answers what the test says is held. */
    private static final class HeldKeys implements KeyLocator {
        Side side = Side.UNKNOWN;
        int asked;

        @Override public Side sideOf(javafx.scene.input.KeyCode host) {
            asked++;
            return side;
        }
    }

    @Nested
    class LeftAndRight {
        private final HeldKeys held = new HeldKeys();
        private final KeyboardForwarder located = new KeyboardForwarder(machine, held);

        private void press(javafx.scene.input.KeyCode code, KeyLocator.Side side) {
            held.side = side;
            located.handle(key(KeyEvent.KEY_PRESSED, code));
        }

        private void release(javafx.scene.input.KeyCode code, KeyLocator.Side side) {
            held.side = side;
            located.handle(key(KeyEvent.KEY_RELEASED, code));
        }

        @Test
        void theRightKeyOfEachPairReachesTheGuestAsTheRightPcKey() {
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);   // at release the key is already up
            press(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.UNKNOWN);
            press(javafx.scene.input.KeyCode.WINDOWS, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.WINDOWS, KeyLocator.Side.UNKNOWN);
            press(javafx.scene.input.KeyCode.ENTER, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.ENTER, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+RIGHT_SHIFT", "-RIGHT_SHIFT", "+RIGHT_CONTROL", "-RIGHT_CONTROL",
                    "+RIGHT_META", "-RIGHT_META", "+KP_ENTER", "-KP_ENTER"), sent());
        }

        @Test
        void theLeftKeyAndAnUnlocatedPressStayLeft() {
            press(javafx.scene.input.KeyCode.ENTER, KeyLocator.Side.LEFT);
            release(javafx.scene.input.KeyCode.ENTER, KeyLocator.Side.UNKNOWN);
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);     // tapped faster than the query
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+ENTER", "-ENTER", "+LEFT_SHIFT", "-LEFT_SHIFT"), sent());
        }

        @Test
        void autoRepeatOfTheRightKeyIsStillDropped() {
            press(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.RIGHT);
            press(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+RIGHT_CONTROL", "-RIGHT_CONTROL"), sent());
        }

        @Test
        void bothHeldThenEachReleasedSendsTheMatchingKey() {
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.LEFT);
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.BOTH);        // right Shift joins
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.LEFT);      // right goes up, left still held
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+LEFT_SHIFT", "+RIGHT_SHIFT", "-RIGHT_SHIFT", "-LEFT_SHIFT"), sent());
        }

        @Test
        void rightHeldThenLeftJoinsAndGoesUpFirst() {
            press(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.RIGHT);
            press(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.BOTH);
            release(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.CONTROL, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+RIGHT_CONTROL", "+LEFT_CONTROL", "-LEFT_CONTROL", "-RIGHT_CONTROL"), sent());
        }

        @Test
        void bothHeldAndBothGoneAtOneReleaseReleasesBoth() {
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.LEFT);
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.BOTH);
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+LEFT_SHIFT", "+RIGHT_SHIFT", "-LEFT_SHIFT", "-RIGHT_SHIFT"), sent());
        }

        @Test
        void focusLossReleasesTheRightKey() {
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.RIGHT);
            located.releaseAll();
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+RIGHT_SHIFT", "-RIGHT_SHIFT"), sent());
        }

        @Test
        void aPressHandledAfterItsKeyWentUpGoesToTheLeftKeyOfEachPair() {
            // A late JavaFX thread: by the time it asks, the key typed with xdotool is up again.
            for (javafx.scene.input.KeyCode host : List.of(javafx.scene.input.KeyCode.SHIFT,
                    javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.WINDOWS, javafx.scene.input.KeyCode.ENTER)) {
                press(host, KeyLocator.Side.UNKNOWN);
                release(host, KeyLocator.Side.UNKNOWN);
            }
            assertEquals(List.of("+LEFT_SHIFT", "-LEFT_SHIFT", "+LEFT_CONTROL", "-LEFT_CONTROL",
                    "+LEFT_META", "-LEFT_META", "+ENTER", "-ENTER"), sent());
        }

        @Test
        void aShiftedCharacterHandledLateKeepsItsShift() {
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            press(javafx.scene.input.KeyCode.PERIOD, KeyLocator.Side.UNKNOWN);
            release(javafx.scene.input.KeyCode.PERIOD, KeyLocator.Side.UNKNOWN);
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+LEFT_SHIFT", "+PERIOD", "-PERIOD", "-LEFT_SHIFT"), sent());
            assertEquals(1, held.asked, "asked for the Shift press only: its release goes where the press went");
        }

        @Test
        void aLatePressThatSeesOnlyTheTwinDownStillPairsEveryRelease() {
            // Left Shift tapped, then right Shift pressed, all before the first event is handled.
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.RIGHT);       // left's press, seen as right
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.RIGHT);     // left's release
            press(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.RIGHT);       // right's press
            release(javafx.scene.input.KeyCode.SHIFT, KeyLocator.Side.UNKNOWN);
            assertEquals(List.of("+RIGHT_SHIFT", "-RIGHT_SHIFT", "+RIGHT_SHIFT", "-RIGHT_SHIFT"), sent(),
                    "a side may be wrong, but no press is lost and no key stays down");
        }

        @Test
        void keysWithoutATwinNeverAskTheLocator() {
            press(javafx.scene.input.KeyCode.A, KeyLocator.Side.RIGHT);
            release(javafx.scene.input.KeyCode.A, KeyLocator.Side.RIGHT);
            press(javafx.scene.input.KeyCode.ALT, KeyLocator.Side.RIGHT);
            assertEquals(List.of("+A", "-A", "+LEFT_ALT"), sent());
            assertEquals(0, held.asked, "one X server round trip per ambiguous press only");
        }
    }

    @Test
    void aCombinationIsPressedInOrderAndReleasedInReverse() {
        keyboard.sendCombination(KeyCode.LEFT_CONTROL, KeyCode.LEFT_ALT, KeyCode.DELETE);
        assertEquals(List.of("+LEFT_CONTROL", "+LEFT_ALT", "+DELETE", "-DELETE", "-LEFT_ALT", "-LEFT_CONTROL"), sent());
    }
}
