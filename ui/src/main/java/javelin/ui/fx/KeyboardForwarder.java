package javelin.ui.fx;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
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
 * do reach the guest). Runs on the JavaFX thread; {@link MachineControl#keyEvent} posts to the
 * machine.
 */
final class KeyboardForwarder {
    private final MachineControl control;
    private final Set<KeyCode> down = EnumSet.noneOf(KeyCode.class);
    private final Map<javafx.scene.input.KeyCode, Runnable> hotkeys = new EnumMap<>(javafx.scene.input.KeyCode.class);
    private final Set<javafx.scene.input.KeyCode> hotkeysDown = EnumSet.noneOf(javafx.scene.input.KeyCode.class);

    KeyboardForwarder(MachineControl control) {
        this.control = control;
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
            KeyMap.toPc(e.getCode()).ifPresent(k -> {
                if (down.add(k)) control.keyEvent(k, true);
            });
        } else if (e.getEventType() == KeyEvent.KEY_RELEASED) {
            if (hotkeysDown.remove(e.getCode())) return;
            KeyMap.toPc(e.getCode()).ifPresent(k -> {
                if (down.remove(k)) control.keyEvent(k, false);
            });
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
