package javelin.devices.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.StateUpgrader;
import javelin.softmmu.state.Stateful;

/**
 * Intel 8042 keyboard controller (PS/2 variant) with an MF2 keyboard and a PS/2 mouse attached;
 * data port base+0, status/command port base+4 (PC 0x60/0x64), IRQ 1 and IRQ 12, the A20 gate
 * and the CPU reset line on its output port.
 *
 * <p>Source: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and Auxiliary Device
 * Controller" (status register, command byte, controller commands 20h–FFh, output port);
 * scan code translation as that chapter describes it (set 2 to set 1; F0 folded into bit 7).
 *
 * <p>Modelled: status (OBF, SYS, A2, INH, AUXB), the command byte and the other 31 RAM bytes,
 * self-test (55h) and interface tests (00h), enable/disable of both ports, input/output port
 * reads, output port writes (A20 on bit 1, reset when bit 0 is written 0), pulse output port
 * (FEh resets), write keyboard/auxiliary output buffer, write to auxiliary device, A20 commands
 * DDh/DFh, translation of keyboard bytes when command byte bit 6 (XLAT) is set. IRQ 1/12 are
 * "output buffer full" for the keyboard/auxiliary byte, gated by command byte bits 0/1.
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>The controller processes each write at once, so IBF never reads 1.</li>
 * <li>Power-on command byte 03h (both interrupts on, no translation), status A2 set, and output
 *     port CFh (A20 enabled, reset inactive, idle lines high), as QEMU starts; firmware rewrites
 *     the command byte and A20.</li>
 * <li>Sending a byte to the keyboard (port 60h) or the mouse (D4h) clears that port's disable
 *     bit in the command byte, as the 8042 firmware drives the clock line to transmit (QEMU
 *     and Linux's i8042 driver rely on it).</li>
 * <li>The translation table is the inverse of {@link KeyCode}'s set 2 → set 1 pairs; other bytes
 *     (replies such as FA, AA, EE, and codes no key sends) pass unchanged.</li>
 * </ol>
 *
 * <p>Threading: port access and the host input methods ({@link #pressKey}, {@link #releaseKey},
 * {@link #mouseMove}) run with the machine lock held; the UI hands its events to the machine,
 * which calls them under the lock.
 */
public final class I8042 implements PortDevice, Stateful<I8042.State> {
    private static final System.Logger LOG = System.getLogger(I8042.class.getName());

    // Port offsets.
    static final int REG_DATA = 0;
    static final int REG_STATUS_COMMAND = 4;

    // Status register.
    static final int STATUS_OBF = 0x01;
    static final int STATUS_SYS = 0x04;
    static final int STATUS_A2 = 0x08;
    static final int STATUS_INH = 0x10;      // 1 = keyboard not inhibited (key lock open)
    static final int STATUS_AUXB = 0x20;

    // Command byte (RAM byte 0).
    static final int CMD_BYTE_KBD_INT = 0x01;
    static final int CMD_BYTE_AUX_INT = 0x02;
    static final int CMD_BYTE_SYS = 0x04;
    static final int CMD_BYTE_KBD_DISABLE = 0x10;
    static final int CMD_BYTE_AUX_DISABLE = 0x20;
    static final int CMD_BYTE_XLAT = 0x40;
    static final int CMD_BYTE_POWER_ON = CMD_BYTE_KBD_INT | CMD_BYTE_AUX_INT;

    // Output port.
    static final int OUTPUT_RESET_N = 0x01;
    static final int OUTPUT_A20 = 0x02;
    static final int OUTPUT_KBD_OBF = 0x10;
    static final int OUTPUT_AUX_OBF = 0x20;
    /** Bits 2–3 read as ones, 6–7 are the idle (high) keyboard clock and data lines. */
    static final int OUTPUT_IDLE_LINES = 0xCC;
    static final int OUTPUT_POWER_ON = OUTPUT_RESET_N | OUTPUT_A20 | OUTPUT_IDLE_LINES;

    // Controller commands.
    static final int CC_READ_RAM_FIRST = 0x20;
    static final int CC_READ_RAM_LAST = 0x3F;
    static final int CC_WRITE_RAM_FIRST = 0x60;
    static final int CC_WRITE_RAM_LAST = 0x7F;
    static final int CC_DISABLE_AUX = 0xA7;
    static final int CC_ENABLE_AUX = 0xA8;
    static final int CC_TEST_AUX = 0xA9;
    static final int CC_SELF_TEST = 0xAA;
    static final int CC_TEST_KBD = 0xAB;
    static final int CC_DISABLE_KBD = 0xAD;
    static final int CC_ENABLE_KBD = 0xAE;
    static final int CC_READ_INPUT_PORT = 0xC0;
    static final int CC_READ_OUTPUT_PORT = 0xD0;
    static final int CC_WRITE_OUTPUT_PORT = 0xD1;
    static final int CC_WRITE_KBD_BUFFER = 0xD2;
    static final int CC_WRITE_AUX_BUFFER = 0xD3;
    static final int CC_WRITE_AUX = 0xD4;
    static final int CC_DISABLE_A20 = 0xDD;
    static final int CC_ENABLE_A20 = 0xDF;
    static final int CC_READ_TEST_INPUTS = 0xE0;
    static final int CC_PULSE_FIRST = 0xF0;

    static final int SELF_TEST_OK = 0x55;
    static final int INTERFACE_TEST_OK = 0x00;
    static final int INPUT_PORT_VALUE = 0x80;  // bit 7: keyboard not inhibited
    static final int RAM_SIZE = 32;
    private static final int SCAN_BREAK_PREFIX = 0xF0;
    private static final int BREAK_BIT = 0x80;
    private static final int AUX_FLAG = 0x100;  // marks controller-queue bytes for the aux side
    private static final int NO_COMMAND = -1;
    private static final int[] TRANSLATION = buildTranslation();

    // --- wiring ---
    private final int base;
    private final IrqLine irq1;
    private final IrqLine irq12;
    private final IrqLine a20;
    private final IrqLine reset;
    private final Ps2Keyboard keyboard;
    private final Ps2Mouse mouse;

    // --- controller state ---
    private final int[] ram = new int[RAM_SIZE];   // ram[0] is the command byte
    private int outputPort = OUTPUT_POWER_ON;
    private boolean sysFlag;
    private boolean lastWasCommand = true;         // status A2: set at power-on, as QEMU reports
    private int pendingCommand = NO_COMMAND;       // a controller command waiting for its data byte
    private final ArrayDeque<Integer> controllerQueue = new ArrayDeque<>();   // replies; AUX_FLAG for aux
    private boolean translateBreak;                // XLAT: an F0 was swallowed
    // --- output buffer ---
    private boolean obf;
    private boolean obfAux;
    private int obfData;

    private boolean loggedBadCommand;
    private boolean loggedBadAccess;

    public I8042(int base, VirtualClock clock, IrqLine irq1, IrqLine irq12, IrqLine a20, IrqLine reset) {
        this.base = base;
        this.irq1 = Objects.requireNonNull(irq1);
        this.irq12 = Objects.requireNonNull(irq12);
        this.a20 = Objects.requireNonNull(a20);
        this.reset = Objects.requireNonNull(reset);
        this.keyboard = new Ps2Keyboard(clock, this::fillOutputBuffer);
        this.mouse = new Ps2Mouse(this::fillOutputBuffer);
        ram[0] = CMD_BYTE_POWER_ON;
        updateOutputs();
    }

    private static int[] buildTranslation() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) t[i] = i;
        for (KeyCode k : KeyCode.values()) t[k.set2] = k.set1;
        return t;
    }

    // ---------------------------------------------------------------------------------------
    // Host input (machine lock held)

    /**
     * A host key went down. Host events wait in the keyboard's typeahead until the guest has read
     * enough to make room for the whole scan code, so a burst of keys is delayed, never dropped
     * or cut ({@link Ps2Keyboard}).
     */
    public void pressKey(KeyCode key) {
        keyboard.press(key);
    }

    /** A host key went up; queued behind earlier host events as {@link #pressKey} is. */
    public void releaseKey(KeyCode key) {
        keyboard.release(key);
    }

    /**
     * Reports mouse movement: {@code dx} right, {@code dy} down (screen convention), {@code dz}
     * wheel towards the user; {@code buttons} bit 0 left, 1 right, 2 middle, 3 and 4 side buttons.
     */
    public void mouseMove(int dx, int dy, int dz, int buttons) {
        mouse.move(dx, dy, dz, buttons);
    }

    /** Keyboard LEDs as last set by the guest: bit 0 Scroll, 1 Num, 2 Caps Lock. */
    public int keyboardLeds() {
        return keyboard.leds();
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public int ioRead(int port, int size) {
        return switch (port - base) {
            case REG_DATA -> readData();
            case REG_STATUS_COMMAND -> status();
            default -> badAccess("read", port);
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFF;
        switch (port - base) {
            case REG_DATA -> writeData(value);
            case REG_STATUS_COMMAND -> writeCommand(value);
            default -> badAccess("write", port);
        }
        updateOutputs();
    }

    private int status() {
        return (obf ? STATUS_OBF : 0) | (sysFlag ? STATUS_SYS : 0) | (lastWasCommand ? STATUS_A2 : 0)
                | STATUS_INH | (obf && obfAux ? STATUS_AUXB : 0);
    }

    /** Reads the output buffer; an empty buffer returns its last byte again. */
    private int readData() {
        int value = obfData;
        if (obf) {
            obf = false;
            updateOutputs();                // lower the IRQ so the next byte makes a new edge
            fillOutputBuffer();
        }
        return value;
    }

    private void writeData(int value) {
        lastWasCommand = false;
        int cmd = pendingCommand;
        pendingCommand = NO_COMMAND;
        if (cmd >= CC_WRITE_RAM_FIRST && cmd <= CC_WRITE_RAM_LAST) {
            ram[cmd - CC_WRITE_RAM_FIRST] = value;
            if (cmd == CC_WRITE_RAM_FIRST) {
                sysFlag = (value & CMD_BYTE_SYS) != 0;
                fillOutputBuffer();          // a port may have been enabled
            }
            return;
        }
        switch (cmd) {
            case CC_WRITE_OUTPUT_PORT -> writeOutputPort(value);
            case CC_WRITE_KBD_BUFFER -> reply(value);
            case CC_WRITE_AUX_BUFFER -> reply(value | AUX_FLAG);
            case CC_WRITE_AUX -> {
                ram[0] &= ~CMD_BYTE_AUX_DISABLE;      // sending to a device re-enables its port
                mouse.command(value);
            }
            default -> {
                ram[0] &= ~CMD_BYTE_KBD_DISABLE;
                keyboard.command(value);
            }
        }
    }

    private void writeCommand(int value) {
        lastWasCommand = true;
        pendingCommand = NO_COMMAND;
        if (value >= CC_READ_RAM_FIRST && value <= CC_READ_RAM_LAST) {
            reply(ram[value - CC_READ_RAM_FIRST]);
            return;
        }
        if (value >= CC_WRITE_RAM_FIRST && value <= CC_WRITE_RAM_LAST) {
            pendingCommand = value;
            return;
        }
        if (value >= CC_PULSE_FIRST) {
            // Bits 3:0 select output port bits to pulse low; only bit 0 (reset) has an effect.
            if ((value & OUTPUT_RESET_N) == 0) reset.pulse();
            return;
        }
        switch (value) {
            case CC_DISABLE_AUX -> ram[0] |= CMD_BYTE_AUX_DISABLE;
            case CC_ENABLE_AUX -> {
                ram[0] &= ~CMD_BYTE_AUX_DISABLE;
                fillOutputBuffer();
            }
            case CC_TEST_AUX, CC_TEST_KBD -> reply(INTERFACE_TEST_OK);
            case CC_SELF_TEST -> {
                sysFlag = true;
                reply(SELF_TEST_OK);
            }
            case CC_DISABLE_KBD -> ram[0] |= CMD_BYTE_KBD_DISABLE;
            case CC_ENABLE_KBD -> {
                ram[0] &= ~CMD_BYTE_KBD_DISABLE;
                fillOutputBuffer();
            }
            case CC_READ_INPUT_PORT -> reply(INPUT_PORT_VALUE);
            case CC_READ_OUTPUT_PORT -> reply(outputPortValue());
            case CC_WRITE_OUTPUT_PORT, CC_WRITE_KBD_BUFFER, CC_WRITE_AUX_BUFFER, CC_WRITE_AUX -> pendingCommand = value;
            case CC_DISABLE_A20 -> outputPort &= ~OUTPUT_A20;
            case CC_ENABLE_A20 -> outputPort |= OUTPUT_A20;
            case CC_READ_TEST_INPUTS -> reply(0);
            default -> {
                if (!loggedBadCommand) {
                    loggedBadCommand = true;
                    LOG.log(System.Logger.Level.WARNING, "i8042: unknown controller command {0} ignored (logged once)",
                            String.format("%#04x", value));
                }
            }
        }
    }

    private void writeOutputPort(int value) {
        outputPort = value & ~(OUTPUT_KBD_OBF | OUTPUT_AUX_OBF);
        updateOutputs();
        if ((value & OUTPUT_RESET_N) == 0) reset.pulse();
    }

    private int outputPortValue() {
        return outputPort | (obf && !obfAux ? OUTPUT_KBD_OBF : 0) | (obf && obfAux ? OUTPUT_AUX_OBF : 0);
    }

    private void reply(int value) {
        controllerQueue.add(value);
        fillOutputBuffer();
    }

    // ---------------------------------------------------------------------------------------
    // Output buffer

    /** Loads the next byte into the empty output buffer: controller replies, keyboard, mouse. */
    private void fillOutputBuffer() {
        if (obf) {
            return;
        }
        if (!controllerQueue.isEmpty()) {
            int v = controllerQueue.poll();
            load(v & 0xFF, (v & AUX_FLAG) != 0);
        } else if ((ram[0] & CMD_BYTE_KBD_DISABLE) == 0 && keyboard.hasData()) {
            int v = keyboard.take();
            if ((ram[0] & CMD_BYTE_XLAT) != 0) {
                if (v == SCAN_BREAK_PREFIX) {
                    translateBreak = true;
                    fillOutputBuffer();
                    return;
                }
                v = TRANSLATION[v] | (translateBreak ? BREAK_BIT : 0);
                translateBreak = false;
            }
            load(v, false);
        } else if ((ram[0] & CMD_BYTE_AUX_DISABLE) == 0 && mouse.hasData()) {
            load(mouse.take(), true);
        }
        updateOutputs();
    }

    private void load(int value, boolean aux) {
        obf = true;
        obfAux = aux;
        obfData = value;
    }

    /** Drives IRQ 1, IRQ 12 and A20 from the output buffer, command byte and output port. */
    void updateOutputs() {
        irq1.setLevel(obf && !obfAux && (ram[0] & CMD_BYTE_KBD_INT) != 0);
        irq12.setLevel(obf && obfAux && (ram[0] & CMD_BYTE_AUX_INT) != 0);
        a20.setLevel((outputPort & OUTPUT_A20) != 0);
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "i8042: guest {0} of port {1} ignored (logged once)",
                    what, String.format("%#x", port));
        }
        return 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * Controller RAM (32 bytes, byte 0 the command byte), output port, status flags, the pending
     * controller command (−1 none), queued controller replies (bit 8 set for the auxiliary side),
     * the output buffer, and the keyboard's and mouse's own state.
     *
     * <p>Version 2 splits the keyboard's {@code queue} into its command {@code replies} and its
     * scan code {@code outputBuffer}, and adds the host {@code typeahead}; {@link #UPGRADES}
     * reads version 1 (a saved tree is read with
     * {@link javelin.softmmu.state.StateJson#read}).
     */
    public record State(int version, List<Integer> ram, int outputPort, boolean sysFlag, boolean lastWasCommand,
                        int pendingCommand, List<Integer> controllerQueue, boolean translateBreak, boolean obf,
                        boolean obfAux, int obfData, Ps2Keyboard.State keyboard, Ps2Mouse.State mouse) {
        public static final int VERSION = 2;
        /** The upgraders from each older version, keyed by the version they read. */
        public static final Map<Integer, StateUpgrader> UPGRADES = Map.of(1, State::fromVersion1);

        /**
         * Version 1 had one keyboard {@code queue} of replies and scan codes together; its bytes
         * become the output buffer, read in the same order, with no replies ahead of them and
         * nothing typed ahead.
         */
        static void fromVersion1(ObjectNode state) {
            if (!(state.get("keyboard") instanceof ObjectNode keyboard)) {
                throw new SnapshotFormatException("i8042", "keyboard", "missing");
            }
            JsonNode queue = keyboard.remove("queue");
            if (queue == null || !queue.isArray()) throw new SnapshotFormatException("i8042.keyboard", "queue", "missing");
            keyboard.putArray("replies");
            keyboard.set("outputBuffer", queue);
            keyboard.putArray("typeahead");
            state.put("version", 2);
        }

        public State {
            String c = "i8042";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            ram = List.copyOf(ram);
            controllerQueue = List.copyOf(controllerQueue);
            if (ram.size() != RAM_SIZE) throw new SnapshotFormatException(c, "ram", "need 32 bytes");
            for (int b : ram) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "ram");
            for (int b : controllerQueue) if ((b & ~(0xFF | AUX_FLAG)) != 0) throw new SnapshotFormatException(c, "controllerQueue");
            if ((outputPort & ~0xFF) != 0) throw new SnapshotFormatException(c, "outputPort");
            if ((obfData & ~0xFF) != 0) throw new SnapshotFormatException(c, "obfData");
            if (pendingCommand != NO_COMMAND && (pendingCommand < CC_WRITE_RAM_FIRST || pendingCommand > CC_WRITE_AUX)) {
                throw new SnapshotFormatException(c, "pendingCommand");
            }
            Objects.requireNonNull(keyboard, "keyboard");
            Objects.requireNonNull(mouse, "mouse");
        }
    }

    @Override public State saveState() {
        List<Integer> r = new ArrayList<>(RAM_SIZE);
        for (int b : ram) r.add(b);
        return new State(State.VERSION, r, outputPort, sysFlag, lastWasCommand, pendingCommand,
                new ArrayList<>(controllerQueue), translateBreak, obf, obfAux, obfData, keyboard.save(), mouse.save());
    }

    @Override public void restoreState(State s) {
        for (int i = 0; i < RAM_SIZE; i++) ram[i] = s.ram().get(i);
        outputPort = s.outputPort();
        sysFlag = s.sysFlag();
        lastWasCommand = s.lastWasCommand();
        pendingCommand = s.pendingCommand();
        controllerQueue.clear();
        controllerQueue.addAll(s.controllerQueue());
        translateBreak = s.translateBreak();
        obf = s.obf();
        obfAux = s.obfAux();
        obfData = s.obfData();
        keyboard.restore(s.keyboard());
        mouse.restore(s.mouse());
        updateOutputs();
    }
}
