package javelin.devices.misc;

import java.util.Objects;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The PS/2 "system control port A" at base+0 (PC 0x92), the fast A20 gate and fast reset
 * (IBM PS/2 Hardware Interface Technical Reference, "System Control Port A"; Intel 82371SB
 * (PIIX3) datasheet, "Port 92h").
 *
 * <p>Bits: 0 alternate hot reset (a 0→1 write pulses the reset wire; reads back as written),
 * 1 alternate gate A20 (drives the A20 wire), 3 power-on password lock, 6–7 fixed-disk activity
 * lights (stored, read back, no effect). Bits 2, 4 and 5 read as written too (QEMU does the same;
 * the PS/2 reference marks them reserved).
 *
 * <p>The board combines this A20 wire with the i8042 output port's (an OR on real chipsets).
 * Threading: called with the machine lock held.
 */
public final class FastA20Port implements PortDevice, Stateful<FastA20Port.State> {
    private static final System.Logger LOG = System.getLogger(FastA20Port.class.getName());

    static final int REG_CONTROL_A = 0;

    static final int CONTROL_A_FAST_RESET = 0x01;
    static final int CONTROL_A_A20 = 0x02;

    private final int base;
    private final IrqLine a20;
    private final IrqLine reset;

    private int value;
    private boolean loggedBadAccess;

    /**
     * @param a20   the A20 gate wire (high = A20 enabled)
     * @param reset pulsed to reset the CPU
     */
    public FastA20Port(int base, IrqLine a20, IrqLine reset) {
        this.base = base;
        this.a20 = Objects.requireNonNull(a20);
        this.reset = Objects.requireNonNull(reset);
    }

    @Override public int ioRead(int port, int size) {
        if (port - base != REG_CONTROL_A) return badAccess("read", port);
        return value;
    }

    @Override public void ioWrite(int port, int size, int v) {
        if (port - base != REG_CONTROL_A) {
            badAccess("write", port);
            return;
        }
        int old = value;
        value = v & 0xFF;
        updateOutputs();
        if ((value & CONTROL_A_FAST_RESET) != 0 && (old & CONTROL_A_FAST_RESET) == 0) reset.pulse();
    }

    void updateOutputs() {
        a20.setLevel((value & CONTROL_A_A20) != 0);
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "port 92h: guest {0} of port {1} ignored (logged once)",
                    what, String.format("%#x", port));
        }
        return 0xFF;
    }

    public record State(int version, int value) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("port92", "version", "unsupported " + version);
            if ((value & ~0xFF) != 0) throw new SnapshotFormatException("port92", "value");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, value);
    }

    @Override public void restoreState(State s) {
        value = s.value();
        updateOutputs();
    }
}
