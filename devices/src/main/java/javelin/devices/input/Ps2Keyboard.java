package javelin.devices.input;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * result is queued at once).
 *
 * <p>Three queues feed the controller, read in this order:
 * <ol>
 * <li><b>Command replies</b> (ACK, BAT, ID, echo, the scan code set). A reply goes ahead of key
 *     bytes already buffered, as a real keyboard answers a command before it goes on sending
 *     keys (QEMU {@code hw/input/ps2.c} keeps command replies in front of queued scan codes for
 *     the same reason).</li>
 * <li><b>The output buffer</b>: the real keyboard's {@value #OUTPUT_BUFFER_SIZE}-byte buffer of
 *     scan codes waiting to be sent. While a command waits for its parameter byte (ED, F0, F3)
 *     none is sent: the IBM reference has the keyboard acknowledge such a command, halt
 *     scanning and wait for the option byte, so the parameter's ACK follows the command's
 *     without key bytes between them (SeaBIOS discards anything but the ACK it waits for).</li>
 * <li><b>The host typeahead</b>: key presses and releases from the host ({@link #press},
 *     {@link #release}) that have not reached the output buffer yet. A person cannot type faster
 *     than a guest drains 16 bytes, but a host delivers events in bursts (a UI thread that ran
 *     late, {@code xdotool type}, a VNC client, QMP {@code send-key}, a paste). A key event
 *     moves into the output buffer only when all of its bytes fit (E0 xx, Pause's six or eight),
 *     so no code is ever split or partly dropped, and the typeahead drains as the guest reads
 *     bytes. It holds at most {@value #TYPEAHEAD_LIMIT} events; beyond that the newest event is
 *     dropped, with one warning logged per keyboard (a guest that never reads its keyboard).</li>
 * </ol>
 * Key events are encoded in the scan code set in use when they enter the output buffer.
 * Typematic repeat adds the held key's make code only when the typeahead is empty and the code
 * fits; otherwise that repeat is skipped, as a real keyboard repeats again a period later.
 *
 * <p>The overrun code (00 in set 2, which translation and Linux report as key code 0) is never
 * sent for a key: a real keyboard sends it when its buffer overflows, which here cannot happen,
 * since host keys wait in the typeahead and skipped repeats are simply not queued. It is sent
 * only when the system writes commands without reading their replies until
 * {@value #REPLY_QUEUE_SIZE} reply bytes wait: the overrun code then takes the last place and
 * further replies are dropped (a misbehaving guest; a real keyboard's buffer overflows too).
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>Enable (F4), set defaults (F6) and select scan code set (F0) keep buffered and pending
 *     keys, although the IBM reference (and keyboard encoder datasheets after it) has them clear
 *     the output buffer: here those are keys the host already promised the guest, and dropping
 *     them could leave a key stuck down in the guest (QEMU does not clear on F4 either).
 *     Default-disable (F5) and reset (FF) clear the buffer and the typeahead; keys pressed while
 *     scanning is disabled are ignored.</li>
 * <li>A command reply can come between the bytes of a key code the system has started to read
 *     (E0, FA, 1D), as on a real keyboard interrupted by a command. Queued behind the rest of
 *     the code instead, the ACK would cost a SeaBIOS guest that key (it discards bytes while it
 *     waits for the ACK); Linux's libps2 takes the ACK aside and the key completes after it.
 *     The byte already in the controller's output buffer always comes before the reply.</li>
 * </ol>
 *
 * <p>Threading: called by {@link I8042} with the machine lock held.
 */
final class Ps2Keyboard {
    private static final System.Logger LOG = System.getLogger(Ps2Keyboard.class.getName());

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
    static final List<Integer> ID_MF2 = List.of(0xAB, 0x83);

    static final int TYPEMATIC_DEFAULT = 0x2B;      // 10.9 characters/s after 500 ms
    static final int TYPEMATIC_DELAY_SHIFT = 5;
    static final int OUTPUT_BUFFER_SIZE = 16;
    /** Replies waiting to be read, the last place kept for the overrun code. */
    static final int REPLY_QUEUE_SIZE = 16;
    static final int REPLY_OVERRUN = 0x00;
    /** Host key events waiting for the output buffer: 2,048 keystrokes, far beyond any paste a guest keeps up with. */
    static final int TYPEAHEAD_LIMIT = 4096;
    private static final int NO_COMMAND = -1;

    /** A host key press or release not yet in the output buffer. */
    private record HostKeyEvent(KeyCode key, boolean pressed) {
        List<Integer> bytes(int scanSet) {
            return pressed ? key.make(scanSet) : key.breakCode(scanSet);
        }
    }

    // --- wiring ---
    private final VirtualClock clock;
    private final Runnable dataAvailable;
    private final Timer typematicTimer;

    // --- towards the system, read in this order ---
    private final ArrayDeque<Integer> replies = new ArrayDeque<>();
    private final ArrayDeque<Integer> outputBuffer = new ArrayDeque<>();
    private final ArrayDeque<HostKeyEvent> typeahead = new ArrayDeque<>();
    // --- keyboard state ---
    private int scanSet = 2;
    private boolean scanning = true;
    private int leds;
    private int typematic = TYPEMATIC_DEFAULT;
    private int pendingCommand = NO_COMMAND;      // a command waiting for its parameter byte
    private int lastSent = REPLY_ACK;             // for resend
    private KeyCode repeatingKey;                 // the key typematic repeats, or null

    private boolean loggedTypeaheadFull;

    Ps2Keyboard(VirtualClock clock, Runnable dataAvailable) {
        this.clock = clock;
        this.dataAvailable = dataAvailable;
        this.typematicTimer = clock.newTimer("kbd.typematic", this::repeat);
    }

    /** A reply, or a scan code unless a command waits for its parameter (scanning is halted then). */
    boolean hasData() {
        return !replies.isEmpty() || (pendingCommand == NO_COMMAND && !outputBuffer.isEmpty());
    }

    /**
     * The next byte for the controller: a command reply, else the next scan code byte, after
     * which waiting key events move up into the room it left. Never calls {@code dataAvailable}
     * (the controller is in the middle of loading this byte).
     */
    int take() {
        int b;
        if (!replies.isEmpty()) {
            b = replies.poll();
        } else {
            b = outputBuffer.poll();
            fillFromTypeahead();
        }
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
        enqueue(new HostKeyEvent(key, true));
        if (key.repeats()) {
            repeatingKey = key;
            typematicTimer.armAt(clock.nanos() + typematicDelayNanos());
        }
    }

    void release(KeyCode key) {
        if (!scanning) return;
        if (key == repeatingKey) stopRepeat();
        if (!key.breakCode(scanSet).isEmpty()) enqueue(new HostKeyEvent(key, false));   // Pause has none
    }

    private void enqueue(HostKeyEvent event) {
        if (typeahead.size() >= TYPEAHEAD_LIMIT) {
            if (!loggedTypeaheadFull) {
                loggedTypeaheadFull = true;
                LOG.log(System.Logger.Level.WARNING, "keyboard: {0} host key events wait for a guest that does not read"
                        + " its keyboard; newer ones are dropped (logged once)", TYPEAHEAD_LIMIT);
            }
            return;
        }
        typeahead.add(event);
        if (fillFromTypeahead()) dataAvailable.run();
    }

    /** Moves whole key events from the typeahead into the output buffer while they fit; true if any moved. */
    private boolean fillFromTypeahead() {
        boolean moved = false;
        while (!typeahead.isEmpty()) {
            List<Integer> bytes = typeahead.peek().bytes(scanSet);
            if (outputBuffer.size() + bytes.size() > OUTPUT_BUFFER_SIZE) break;
            typeahead.poll();
            outputBuffer.addAll(bytes);
            moved = true;
        }
        return moved;
    }

    /** A repeat goes behind every pending host event, so it waits (is skipped) while any is pending. */
    private void repeat() {
        if (repeatingKey == null || !scanning) return;
        List<Integer> make = repeatingKey.make(scanSet);
        if (typeahead.isEmpty() && outputBuffer.size() + make.size() <= OUTPUT_BUFFER_SIZE) {
            outputBuffer.addAll(make);
            dataAvailable.run();
        }
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

    /** A byte the system sends: a command, or the parameter of the command before it. */
    void command(int value) {
        if (pendingCommand != NO_COMMAND) parameter(value); else execute(value);
        fillFromTypeahead();                          // the scan code set may have changed
        dataAvailable.run();
    }

    private void execute(int value) {
        switch (value) {
            case CMD_SET_LEDS, CMD_TYPEMATIC, CMD_SCAN_CODE_SET -> {
                pendingCommand = value;
                reply(REPLY_ACK);
            }
            case CMD_ECHO -> reply(REPLY_ECHO);
            case CMD_IDENTIFY -> {
                reply(REPLY_ACK);
                for (int b : ID_MF2) reply(b);
            }
            case CMD_ENABLE -> {
                scanning = true;
                reply(REPLY_ACK);
            }
            case CMD_DEFAULT_DISABLE -> {
                setDefaults();
                scanning = false;
                clearKeys();
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
                clearKeys();
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
            execute(value);
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

    private void clearKeys() {
        outputBuffer.clear();
        typeahead.clear();
    }

    private void reply(int b) {
        if (replies.size() < REPLY_QUEUE_SIZE - 1) replies.add(b);
        else if (replies.size() == REPLY_QUEUE_SIZE - 1) replies.add(REPLY_OVERRUN);
    }

    // ---------------------------------------------------------------------------------------
    // State

    /** A host key event in the typeahead: the {@link KeyCode} name, and press or release. */
    record HostKey(String key, boolean pressed) {
        HostKey {
            if (key == null) throw new SnapshotFormatException("i8042.keyboard", "typeahead", "key missing");
            try {
                KeyCode.valueOf(key);
            } catch (IllegalArgumentException e) {
                throw new SnapshotFormatException("i8042.keyboard", "typeahead", "unknown key " + key);
            }
        }
    }

    /**
     * {@code replies} are read before {@code outputBuffer}, then {@code typeahead} follows in
     * order; {@code repeatDeadline} is relative to the clock at save time, meaningless without a
     * key.
     */
    record State(List<Integer> replies, List<Integer> outputBuffer, List<HostKey> typeahead, int scanSet,
                 boolean scanning, int leds, int typematic, int pendingCommand, int lastSent, String repeatingKey,
                 long repeatDeadline) {
        State {
            String c = "i8042.keyboard";
            if (replies == null) throw new SnapshotFormatException(c, "replies", "missing");
            if (outputBuffer == null) throw new SnapshotFormatException(c, "outputBuffer", "missing");
            if (typeahead == null) throw new SnapshotFormatException(c, "typeahead", "missing");
            replies = List.copyOf(replies);
            outputBuffer = List.copyOf(outputBuffer);
            typeahead = List.copyOf(typeahead);
            if (replies.size() > REPLY_QUEUE_SIZE) throw new SnapshotFormatException(c, "replies", "too long");
            for (int b : replies) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "replies");
            if (outputBuffer.size() > OUTPUT_BUFFER_SIZE) throw new SnapshotFormatException(c, "outputBuffer", "too long");
            for (int b : outputBuffer) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "outputBuffer");
            if (scanSet != 1 && scanSet != 2) throw new SnapshotFormatException(c, "scanSet");
            if (typeahead.size() > TYPEAHEAD_LIMIT) {
                throw new SnapshotFormatException(c, "typeahead", "more than " + TYPEAHEAD_LIMIT + " key events");
            }
            if (!typeahead.isEmpty()) {
                if (!scanning) throw new SnapshotFormatException(c, "typeahead", "keys pending while scanning is disabled");
                HostKey first = typeahead.getFirst();
                KeyCode k = KeyCode.valueOf(first.key());
                int length = (first.pressed() ? k.make(scanSet) : k.breakCode(scanSet)).size();
                if (outputBuffer.size() + length <= OUTPUT_BUFFER_SIZE) {
                    throw new SnapshotFormatException(c, "typeahead", "first key fits in the output buffer but waits");
                }
            }
            if ((typematic & ~0x7F) != 0) throw new SnapshotFormatException(c, "typematic");
            if (pendingCommand != NO_COMMAND && pendingCommand != CMD_SET_LEDS && pendingCommand != CMD_TYPEMATIC
                    && pendingCommand != CMD_SCAN_CODE_SET) {
                throw new SnapshotFormatException(c, "pendingCommand");
            }
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
        List<HostKey> pending = new ArrayList<>(typeahead.size());
        for (HostKeyEvent e : typeahead) pending.add(new HostKey(e.key().name(), e.pressed()));
        return new State(new ArrayList<>(replies), new ArrayList<>(outputBuffer), pending, scanSet, scanning, leds,
                typematic, pendingCommand, lastSent, repeatingKey == null ? null : repeatingKey.name(), deadline);
    }

    void restore(State s) {
        Objects.requireNonNull(s, "keyboard state");
        replies.clear();
        replies.addAll(s.replies());
        outputBuffer.clear();
        outputBuffer.addAll(s.outputBuffer());
        typeahead.clear();
        for (HostKey k : s.typeahead()) typeahead.add(new HostKeyEvent(KeyCode.valueOf(k.key()), k.pressed()));
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
