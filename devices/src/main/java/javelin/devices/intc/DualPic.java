package javelin.devices.intc;

import java.util.List;
import java.util.Objects;
import javelin.softmmu.CpuAttention;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.IrqLine;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The PC/AT's pair of 8259As: the master at 0x20 drives the CPU's INTR pin, the slave at 0xA0
 * drives the master's IR2 (IBM PC/AT Technical Reference, "System Interrupts"), plus the PIIX3
 * ELCR at 0x4D0. The board registers {@link #master()}, {@link #slave()} and {@link #elcr()} on
 * the port bus, hands {@link #irq(int)} lines to devices and this object to the CPU.
 *
 * <p>IRQ 2 has no device of its own: on the AT bus the pin that was IRQ2 on the PC/XT is wired
 * to IRQ9, so {@code irq(2)} returns the IRQ 9 line.
 *
 * <p>Threading: {@link #interruptPending()} may be called by a vCPU without the machine lock (it
 * reads a volatile copy of the master's INT pin); everything else runs with the machine lock held.
 */
public final class DualPic implements InterruptSource, Stateful<DualPic.State> {
    public static final int MASTER_BASE = 0x20;
    public static final int SLAVE_BASE = 0xA0;
    public static final int ELCR_BASE = 0x4D0;
    /** Master input that carries the slave's INT (IBM PC/AT). */
    static final int CASCADE_INPUT = 2;
    private static final int IRQ_REDIRECTED_FROM_2 = 9;

    private final Pic8259 master;
    private final Pic8259 slave;
    private final Elcr elcr;
    private final CpuAttention attention;
    private final List<IrqLine> lines;
    private volatile boolean intr;      // master INT pin; written under the machine lock

    public DualPic(CpuAttention attention) {
        this.attention = Objects.requireNonNull(attention);
        this.master = new Pic8259("pic.master", MASTER_BASE, this::setIntr, Elcr.ELCR1_WRITABLE);
        this.slave = new Pic8259("pic.slave", SLAVE_BASE, high -> master.setInput(CASCADE_INPUT, high),
                Elcr.ELCR2_WRITABLE);
        this.elcr = new Elcr(ELCR_BASE, master, slave);
        IrqLine[] l = new IrqLine[16];
        for (int n = 0; n < 16; n++) {
            int irq = n == CASCADE_INPUT ? IRQ_REDIRECTED_FROM_2 : n;
            l[n] = irq < 8 ? high -> master.setInput(irq, high) : high -> slave.setInput(irq - 8, high);
        }
        this.lines = List.of(l);
    }

    public Pic8259 master() { return master; }

    public Pic8259 slave() { return slave; }

    public Elcr elcr() { return elcr; }

    /** The input wire for ISA IRQ {@code n} (0..15). */
    public IrqLine irq(int n) {
        return lines.get(n);
    }

    private void setIntr(boolean high) {
        boolean rose = high && !intr;
        intr = high;
        if (rose) attention.requestAttention();
    }

    @Override public boolean interruptPending() {
        return intr;
    }

    /**
     * The two-pulse INTA cycle: the master resolves priority; if the winner is a cascade input
     * the slave supplies the vector (8259A datasheet, "Cascade mode").
     */
    @Override public int acknowledgeInterrupt() {
        int level = master.acknowledge();
        if ((master.cascadeInputs() & (1 << level)) != 0) {
            return slave.vectorBase() | slave.acknowledge();
        }
        return master.vectorBase() | level;
    }

    /** Snapshot of the pair; the ELCR bytes are inside each chip's state. */
    public record State(int version, Pic8259.State master, Pic8259.State slave) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("pic", "version", "unsupported " + version);
            if (master == null) throw new SnapshotFormatException("pic", "master", "missing");
            if (slave == null) throw new SnapshotFormatException("pic", "slave", "missing");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, master.saveState(), slave.saveState());
    }

    @Override public void restoreState(State s) {
        // Slave first: its INT feeds the master's IR2 pin, which the master's state then overrides.
        slave.restoreState(s.slave());
        master.restoreState(s.master());
    }
}
