package javelin.devices.input;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;

/**
 * An IBM MF2 keyboard on the i8042's keyboard port: the commands of the IBM "Keyboard and
 * Auxiliary Device Controller" reference ("Keyboard Commands from the System") and typematic
 * repeat, producing scan code set 1 or 2.
 *
 * <p>Modelled: reset (FA AA), resend, set defaults, enable/disable scanning, typematic rate and
 * delay with repeat of the last key pressed, identify (FA AB 83), get/set scan code set 1 and 2,
 * LEDs, echo, the set-3 key-type commands (acknowledged, no effect). Not modelled: scan code
 * set 3 (a request for set 3 is acknowledged and set 2 stays in use), the reset delay (the BAT
 * result is queued at once). The output buffer holds 16 bytes like the real keyboard's; a byte
 * that does not fit is dropped and replaced by the overrun code 00.
 *
 * <p>Threading: called by {@link I8042} with the machine lock held.
 */
final class Ps2Keyboard {
    static final int CMD_SET_LEDS = 0xED;
    static final int CMD_ECHO = 0xEE;
    static final int CMD_SCAN_CODE_SET = 0xF0;
    static final int CMD_IDENTIFY = 0xF2;
    static final int CMD_TYPEMATIC = 0xF3;
    static final int CMD_ENABLE = 0xF4;
    static final int CMD_DEFAULT_DISABLE = 0xF5;
    static final int CMD_SET_DEFAULTS = 0xF6;
    static final int CMD_SET3_FIRST = 0xF7;
    static final int CMD_SET3_LAST = 0xFD;
    static final int CMD_RESEND = 0xFE;
    static final int CMD_RESET = 0xFF;

    static final int REPLY_ACK = 0xFA;
    static final int REPLY_RESEND = 0xFE;
    static final int REPLY_BAT_OK = 0xAA;
    static final int REPLY_ECHO = 0xEE;
    static final int REPLY_OVERRUN = 0x00;
    static final List<Integer> ID_MF2 = List.of(0xAB, 0x83);

    static final int TYPEMATIC_DEFAULT = 0x2B;      // 10.9 characters/s after 500 ms
    static final int TYPEMATIC_DELAY_SHIFT = 5;
    static final int QUEUE_SIZE = 16;
    private static final int NO_COMMAND = -1;

    private final VirtualClock clock;
    private final Runnable dataAvailable;
    private final Timer typematicTimer;

    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private int scanSet = 2;
    private boolean scanning = true;
    private int leds;
    private int typematic = TYPEMATIC_DEFAULT;
    private int pendingCommand = NO_COMMAND;      // a command waiting for its parameter byte
    private int lastSent = REPLY_ACK;             // for resend
    private KeyCode repeatingKey;                 // the key typematic repeats, or null

    Ps2Keyboard(VirtualClock clock, Runnable dataAvailable) {
        this.clock = clock;
        this.dataAvailable = dataAvailable;
        this.typematicTimer = clock.newTimer("kbd.typematic", this::repeat);
    }

    boolean hasData() {
        return !queue.isEmpty();
    }

    int take() {
        int b = queue.poll();
        lastSent = b;
        return b;
    }

    int leds() {
        return leds;
    }

    int scanSet() {
        return scanSet;
    }

    // ---------------------------------------------------------------------------------------
    // Host keys

    void press(KeyCode key) {
        if (!scanning) return;
        send(key.make(scanSet));
        if (key.repeats()) {
            repeatingKey = key;
            typematicTimer.armAt(clock.nanos() + typematicDelayNanos());
        }
    }

    void release(KeyCode key) {
        if (!scanning) return;
        send(key.breakCode(scanSet));
        if (key == repeatingKey) stopRepeat();
    }

    private void repeat() {
        if (repeatingKey == null || !scanning) return;
        send(repeatingKey.make(scanSet));
        typematicTimer.armAt(clock.nanos() + typematicPeriodNanos());
    }

    private void stopRepeat() {
        repeatingKey = null;
        typematicTimer.cancel();
    }

    /** Delay before repeat: (bits 6:5 + 1) × 250 ms. */
    long typematicDelayNanos() {
        return ((typematic >> TYPEMATIC_DELAY_SHIFT & 3) + 1) * 250_000_000L;
    }

    /** Repeat period: (8 + A) × 2^B / 240 s, A = bits 2:0, B = bits 4:3. */
    long typematicPeriodNanos() {
        int a = typematic & 7, b = typematic >> 3 & 3;
        return (8L + a) * (1L << b) * 1_000_000_000L / 240;
    }

    // ---------------------------------------------------------------------------------------
    // Commands from the system

    void command(int value) {
        if (pendingCommand != NO_COMMAND) {
            parameter(value);
            return;
        }
        switch (value) {
            case CMD_SET_LEDS, CMD_TYPEMATIC, CMD_SCAN_CODE_SET -> {
                pendingCommand = value;
                reply(REPLY_ACK);
            }
            case CMD_ECHO -> reply(REPLY_ECHO);
            case CMD_IDENTIFY -> {
                reply(REPLY_ACK);
                send(ID_MF2);
            }
            case CMD_ENABLE -> {
                queue.clear();
                scanning = true;
                reply(REPLY_ACK);
            }
            case CMD_DEFAULT_DISABLE -> {
                setDefaults();
                scanning = false;
                reply(REPLY_ACK);
            }
            case CMD_SET_DEFAULTS -> {
                setDefaults();
                reply(REPLY_ACK);
            }
            case CMD_RESEND -> reply(lastSent);
            case CMD_RESET -> {
                setDefaults();
                scanning = true;
                leds = 0;
                scanSet = 2;
                queue.clear();
                reply(REPLY_ACK);
                reply(REPLY_BAT_OK);
            }
            default -> {
                if (value >= CMD_SET3_FIRST && value <= CMD_SET3_LAST) reply(REPLY_ACK); else reply(REPLY_RESEND);
            }
        }
    }

    private void parameter(int value) {
        int cmd = pendingCommand;
        pendingCommand = NO_COMMAND;
        // A command byte in place of the parameter aborts the first command (IBM reference).
        if (value >= CMD_SET_LEDS) {
            command(value);
            return;
        }
        switch (cmd) {
            case CMD_SET_LEDS -> {
                leds = value & 7;
                reply(REPLY_ACK);
            }
            case CMD_TYPEMATIC -> {
                typematic = value & 0x7F;
                reply(REPLY_ACK);
            }
            default -> {                                     // CMD_SCAN_CODE_SET
                if (value > 3) {
                    reply(REPLY_RESEND);
                    return;
                }
                reply(REPLY_ACK);
                if (value == 0) reply(scanSet);
                else if (value != 3) scanSet = value;        // set 3 not supported: stay
            }
        }
    }

    private void setDefaults() {
        typematic = TYPEMATIC_DEFAULT;
        stopRepeat();
    }

    private void reply(int b) {
        send(List.of(b));
    }

    private void send(List<Integer> bytes) {
        for (int b : bytes) {
            if (queue.size() >= QUEUE_SIZE - 1) {
                if (queue.size() == QUEUE_SIZE - 1) queue.add(REPLY_OVERRUN);
                break;
            }
            queue.add(b);
        }
        dataAvailable.run();
    }

    // ---------------------------------------------------------------------------------------
    // State

    /** {@code repeatDeadline} is relative to the clock at save time; meaningless without a key. */
    record State(List<Integer> queue, int scanSet, boolean scanning, int leds, int typematic, int pendingCommand,
                 int lastSent, String repeatingKey, long repeatDeadline) {
        State {
            String c = "i8042.keyboard";
            queue = List.copyOf(queue);
            if (queue.size() > QUEUE_SIZE) throw new SnapshotFormatException(c, "queue", "too long");
            for (int b : queue) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "queue");
            if (scanSet != 1 && scanSet != 2) throw new SnapshotFormatException(c, "scanSet");
            if ((typematic & ~0x7F) != 0) throw new SnapshotFormatException(c, "typematic");
            if (repeatingKey != null) {
                try {
                    KeyCode.valueOf(repeatingKey);
                } catch (IllegalArgumentException e) {
                    throw new SnapshotFormatException(c, "repeatingKey", "unknown key " + repeatingKey);
                }
            }
        }
    }

    State save() {
        long deadline = repeatingKey != null && typematicTimer.isArmed() ? typematicTimer.deadline() - clock.nanos() : 0;
        return new State(new ArrayList<>(queue), scanSet, scanning, leds, typematic, pendingCommand, lastSent,
                repeatingKey == null ? null : repeatingKey.name(), deadline);
    }

    void restore(State s) {
        queue.clear();
        queue.addAll(s.queue());
        scanSet = s.scanSet();
        scanning = s.scanning();
        leds = s.leds();
        typematic = s.typematic();
        pendingCommand = s.pendingCommand();
        lastSent = s.lastSent();
        repeatingKey = s.repeatingKey() == null ? null : KeyCode.valueOf(s.repeatingKey());
        if (repeatingKey != null) typematicTimer.armAt(clock.nanos() + s.repeatDeadline()); else typematicTimer.cancel();
    }
}
