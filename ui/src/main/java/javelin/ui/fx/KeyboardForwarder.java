package javelin.ui.fx;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javafx.scene.input.KeyEvent;
import javelin.devices.input.KeyCode;
import javelin.machine.MachineControl;

/**
 * Sends host key presses and releases to the guest's keyboard as PC keys ({@link KeyMap}).
 *
 * <p>Only transitions are sent: the host's auto-repeat (repeated KEY_PRESSED while a key is held)
 * is dropped because the PS/2 keyboard model repeats the held key itself at the typematic rate
 * the guest programmed. When the window loses focus every key still down is released, so the
 * guest never sees a key stuck because its release went to another window.
 *
 * <p>The window's own shortcuts are Ctrl+Alt+key ({@link #hotkey}), as QEMU's: such a key's
 * press and release go to the window, not the guest (Ctrl and Alt themselves, already pressed,
 * do reach the guest).
 *
 * <p>Shift, Ctrl, Windows and Enter come from JavaFX without saying left or right (keypad Enter
 * is the "right" Enter). A {@link KeyLocator} says which physical key is down when the press
 * arrives; the release goes to the PC key the press went to, found in the held set (at release
 * the host key is already up, so asking again would tell nothing).
 *
 * <p>The locator answers for the moment it is asked, not for when the key moved, so an event
 * handled late (a busy JavaFX thread, {@code xdotool type}) can get a later answer. That only
 * ever picks a side, never drops a key: every press sends one of its pair and its release goes
 * to what the press sent. A press whose key is already up reads as neither and goes to the left
 * key (the side JavaFX itself assumes); a press seen while only the twin is down goes to the
 * twin, and its release then releases the twin, so nothing stays stuck. One case is lost: a key
 * tapped while its twin is held and already sent, both events of the tap handled late, looks
 * exactly like host auto-repeat of the held twin; the tap is dropped and its release lets the
 * twin go early. Telling them apart needs the event's own key code, which JavaFX does not give.
 *
 * <p>Runs on the JavaFX thread; {@link MachineControl#keyEvent} posts to the machine.
 */
final class KeyboardForwarder {
    private final MachineControl control;
    private final KeyLocator locator;
    private final Set<KeyCode> down = EnumSet.noneOf(KeyCode.class);
    private final Map<javafx.scene.input.KeyCode, Runnable> hotkeys = new EnumMap<>(javafx.scene.input.KeyCode.class);
    private final Set<javafx.scene.input.KeyCode> hotkeysDown = EnumSet.noneOf(javafx.scene.input.KeyCode.class);

    KeyboardForwarder(MachineControl control) {
        this(control, KeyLocator.NONE);
    }

    KeyboardForwarder(MachineControl control, KeyLocator locator) {
        this.control = control;
        this.locator = locator;
    }

    /** Makes Ctrl+Alt+{@code key} run {@code action} instead of reaching the guest. */
    void hotkey(javafx.scene.input.KeyCode key, Runnable action) {
        hotkeys.put(key, action);
    }

    /** Handles a KEY_PRESSED, KEY_RELEASED or KEY_TYPED event and consumes it: every key belongs to the guest. */
    void handle(KeyEvent e) {
        e.consume();
        if (e.getEventType() == KeyEvent.KEY_PRESSED) {
            Runnable action = e.isControlDown() && e.isAltDown() ? hotkeys.get(e.getCode()) : null;
            if (action != null) {
                if (hotkeysDown.add(e.getCode())) action.run();    // once, not per host auto-repeat
                return;
            }
            KeyMap.toPc(e.getCode()).ifPresent(left -> {
                KeyCode k = KeyMap.rightTwin(e.getCode()).map(right -> pressed(e.getCode(), left, right)).orElse(left);
                if (down.add(k)) control.keyEvent(k, true);
            });
        } else if (e.getEventType() == KeyEvent.KEY_RELEASED) {
            if (hotkeysDown.remove(e.getCode())) return;
            KeyMap.toPc(e.getCode()).ifPresent(left -> {
                Optional<KeyCode> right = KeyMap.rightTwin(e.getCode());
                if (right.isEmpty()) {
                    if (down.remove(left)) control.keyEvent(left, false);
                } else {
                    released(e.getCode(), left, right.get());
                }
            });
        }
    }

    /** Which key of a pair a press is: the one the locator sees, or the left one when it cannot tell. */
    private KeyCode pressed(javafx.scene.input.KeyCode host, KeyCode left, KeyCode right) {
        return switch (locator.sideOf(host)) {
            case RIGHT -> right;
            // Both held: this press is the one not already sent.
            case BOTH -> down.contains(left) && !down.contains(right) ? right : left;
            case LEFT, UNKNOWN -> left;
        };
    }

    /** Releases the held key of a pair; with both held, the one the locator no longer sees (both if it sees neither). */
    private void released(javafx.scene.input.KeyCode host, KeyCode left, KeyCode right) {
        boolean l = down.contains(left), r = down.contains(right);
        if (l && r) {
            switch (locator.sideOf(host)) {
                case LEFT -> l = false;     // left still held: the right one went up
                case RIGHT -> r = false;
                case BOTH, UNKNOWN -> { }
            }
        }
        if (l) {
            down.remove(left);
            control.keyEvent(left, false);
        }
        if (r) {
            down.remove(right);
            control.keyEvent(right, false);
        }
    }

    /** Releases every key still held (focus lost). */
    void releaseAll() {
        for (KeyCode k : down) control.keyEvent(k, false);
        down.clear();
        hotkeysDown.clear();
    }

    /**
     * Presses and releases a key combination in the guest (first key first, released in
     * reverse order), for combinations the host would take for itself such as Ctrl+Alt+Del.
     */
    void sendCombination(KeyCode... keys) {
        for (KeyCode k : keys) control.keyEvent(k, true);
        for (int i = keys.length - 1; i >= 0; i--) control.keyEvent(keys[i], false);
    }
}
