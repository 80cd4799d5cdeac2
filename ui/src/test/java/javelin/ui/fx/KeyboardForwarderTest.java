package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.input.KeyEvent;
import javelin.devices.input.KeyCode;
import javelin.ui.qmp.FakeMachine;
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

    @Test
    void aCombinationIsPressedInOrderAndReleasedInReverse() {
        keyboard.sendCombination(KeyCode.LEFT_CONTROL, KeyCode.LEFT_ALT, KeyCode.DELETE);
        assertEquals(List.of("+LEFT_CONTROL", "+LEFT_ALT", "+DELETE", "-DELETE", "-LEFT_ALT", "-LEFT_CONTROL"), sent());
    }
}
