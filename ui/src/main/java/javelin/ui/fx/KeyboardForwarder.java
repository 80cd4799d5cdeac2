package javelin.ui.fx;

import java.util.EnumSet;
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
 * guest never sees a key stuck because its release went to another window. Runs on the JavaFX
 * thread; {@link MachineControl#keyEvent} posts to the machine.
 */
final class KeyboardForwarder {
    private final MachineControl control;
    private final Set<KeyCode> down = EnumSet.noneOf(KeyCode.class);

    KeyboardForwarder(MachineControl control) {
        this.control = control;
    }

    /** Handles a KEY_PRESSED, KEY_RELEASED or KEY_TYPED event and consumes it: every key belongs to the guest. */
    void handle(KeyEvent e) {
        e.consume();
        if (e.getEventType() == KeyEvent.KEY_PRESSED) {
            KeyMap.toPc(e.getCode()).ifPresent(k -> {
                if (down.add(k)) control.keyEvent(k, true);
            });
        } else if (e.getEventType() == KeyEvent.KEY_RELEASED) {
            KeyMap.toPc(e.getCode()).ifPresent(k -> {
                if (down.remove(k)) control.keyEvent(k, false);
            });
        }
    }

    /** Releases every key still held (focus lost). */
    void releaseAll() {
        for (KeyCode k : down) control.keyEvent(k, false);
        down.clear();
    }
}
