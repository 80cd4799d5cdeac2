package javelin.devices.apic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javelin.softmmu.IrqLine;
import javelin.softmmu.MmioHandler;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Intel 82093AA I/O APIC: 24 interrupt inputs, each routed by a redirection entry to the local
 * APICs over the {@link ApicBus}. Registers at 0xFEC00000: IOREGSEL at +0x00 selects an indirect
 * register, IOWIN at +0x10 reads or writes it. Source: Intel 82093AA I/O Advanced Programmable
 * Interrupt Controller datasheet (order 290566), section 3 "Register Description" (IOAPICID,
 * IOAPICVER, IOAPICARB, IOREDTBL) and 3.2.4 (edge and level delivery, remote IRR); EOI handling
 * as in Intel SDM vol. 3A, "EOI Register".
 *
 * <p>Modelled: ID, version (0x11, maximum redirection entry 23), arbitration ID, 24 redirection
 * entries (vector, delivery mode, destination mode, polarity, trigger mode, remote IRR, mask,
 * destination), edge inputs (a rising edge on an unmasked input delivers; an edge on a masked
 * input is lost) and level inputs (delivered while asserted, unmasked and remote IRR clear; the
 * local APIC's EOI of that vector clears remote IRR and re-delivers if the input is still
 * asserted). Fixed, lowest-priority, NMI and INIT messages in physical and logical mode.
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>Polarity: an {@link IrqLine} is driven with the asserted level ({@code true} = request),
 *     so the polarity bit is stored and read back but not applied (as QEMU).</li>
 * <li>Messages are delivered at once, so delivery status always reads idle. Remote IRR is set
 *     only when some local APIC accepted the level-triggered message.</li>
 * <li>Switching an entry from level to edge clears its remote IRR (nothing would clear it).</li>
 * <li>The arbitration ID follows the ID register (hardware loads it from the ID on an INIT
 *     de-assert broadcast, which is not modelled).</li>
 * <li>ExtINT and SMI entries are not modelled: logged once, not delivered.</li>
 * </ol>
 *
 * <p>Threading: every method is called with the machine lock held (see {@link ApicBus}).
 */
public final class IoApic implements MmioHandler, Stateful<IoApic.State> {
    private static final System.Logger LOG = System.getLogger(IoApic.class.getName());

    /** Default physical base (PC/AT with MP specification 1.4 defaults). */
    public static final long DEFAULT_BASE = 0xFEC0_0000L;
    /** The MMIO window the board maps: one 4 KiB page, of which only IOREGSEL and IOWIN decode. */
    public static final int MMIO_SIZE = 0x1000;
    /** Number of interrupt inputs and redirection entries. */
    public static final int PINS = 24;

    // MMIO offsets (datasheet 3.0, "Register Description").
    static final int REG_IOREGSEL = 0x00;
    static final int REG_IOWIN = 0x10;
    // Indirect register indices, in datasheet order.
    static final int IOAPICID = 0x00;
    static final int IOAPICVER = 0x01;
    static final int IOAPICARB = 0x02;
    static final int IOREDTBL_FIRST = 0x10;   // entry n: low dword 0x10 + 2n, high dword 0x11 + 2n
    static final int IOREDTBL_LAST = IOREDTBL_FIRST + 2 * PINS - 1;

    static final int IOREGSEL_MASK = 0xFF;
    static final int ID_SHIFT = 24;
    static final int ID_MASK = 0x0F << ID_SHIFT;
    /** Version 0x11, maximum redirection entry 23 in bits 23:16. */
    static final int VERSION_VALUE = (PINS - 1) << 16 | 0x11;
    // Redirection entry (64 bits).
    static final long RTE_VECTOR_MASK = 0xFFL;
    static final int RTE_DELIVERY_MODE_SHIFT = 8;
    static final long RTE_DELIVERY_MODE_MASK = 0b111L << RTE_DELIVERY_MODE_SHIFT;
    static final long RTE_DEST_LOGICAL = 1L << 11;
    static final long RTE_DELIVERY_PENDING = 1L << 12;
    static final long RTE_POLARITY_LOW = 1L << 13;
    static final long RTE_REMOTE_IRR = 1L << 14;
    static final long RTE_TRIGGER_LEVEL = 1L << 15;
    static final long RTE_MASKED = 1L << 16;
    static final int RTE_DEST_SHIFT = 56;
    static final long RTE_DEST_MASK = 0xFFL << RTE_DEST_SHIFT;
    static final long RTE_LOW_WRITABLE = RTE_VECTOR_MASK | RTE_DELIVERY_MODE_MASK | RTE_DEST_LOGICAL
            | RTE_POLARITY_LOW | RTE_TRIGGER_LEVEL | RTE_MASKED;
    static final long RTE_RESET = RTE_MASKED;

    // --- wiring ---
    private final ApicBus bus;
    private final List<IrqLine> inputs;

    // --- pins, guarded by the machine lock ---
    private int pinLevels;                      // bit n: input n asserted

    // --- architected registers, guarded by the machine lock ([APIC-1]) ---
    private int id;                             // IOAPICID bits 27:24
    private int ioregsel;                       // IOREGSEL, bits 7:0
    private final long[] redirection = new long[PINS];

    private boolean loggedBadAccess;
    private boolean loggedUnsupported;

    /** Builds the I/O APIC in its reset state and connects it to the bus's EOI broadcast. */
    public IoApic(ApicBus bus) {
        this.bus = Objects.requireNonNull(bus);
        bus.setEoiListener(this::endOfInterrupt);
        List<IrqLine> l = new ArrayList<>(PINS);
        for (int n = 0; n < PINS; n++) {
            int pin = n;
            l.add(high -> setInput(pin, high));
        }
        this.inputs = List.copyOf(l);
        reset();
    }

    /** Reset (datasheet: all entries masked, ID 0). Input levels are kept: they are the wires'. */
    public void reset() {
        id = 0;
        ioregsel = 0;
        Arrays.fill(redirection, RTE_RESET);
    }

    /** The input wire INTIN{@code n} (0..23). */
    public IrqLine irq(int n) {
        return inputs.get(n);
    }

    private void setInput(int n, boolean high) {
        bus.assertLocked();
        int bit = 1 << n;
        boolean rose = high && (pinLevels & bit) == 0;
        pinLevels = high ? pinLevels | bit : pinLevels & ~bit;
        long rte = redirection[n];
        if ((rte & RTE_TRIGGER_LEVEL) == 0) {
            if (rose && (rte & RTE_MASKED) == 0) send(n);
        } else {
            updateOutputs();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public long mmioRead(long offset, int size) {
        bus.assertLocked();
        if (size != 4) badAccess("read of " + size + " bytes", offset);
        return switch ((int) offset) {
            case REG_IOREGSEL -> ioregsel;
            case REG_IOWIN -> Integer.toUnsignedLong(readIndirect());
            default -> {
                badAccess("read", offset);
                yield size >= 8 ? -1L : (1L << (8 * size)) - 1;
            }
        };
    }

    @Override public void mmioWrite(long offset, int size, long value) {
        bus.assertLocked();
        if (size != 4) badAccess("write of " + size + " bytes", offset);
        switch ((int) offset) {
            case REG_IOREGSEL -> ioregsel = (int) value & IOREGSEL_MASK;
            case REG_IOWIN -> writeIndirect((int) value);
            default -> badAccess("write", offset);
        }
    }

    private int readIndirect() {
        if (ioregsel >= IOREDTBL_FIRST && ioregsel <= IOREDTBL_LAST) {
            long rte = redirection[(ioregsel - IOREDTBL_FIRST) / 2];
            return (ioregsel & 1) == 0 ? (int) rte : (int) (rte >>> 32);
        }
        return switch (ioregsel) {
            case IOAPICID -> id << ID_SHIFT;
            case IOAPICVER -> VERSION_VALUE;
            case IOAPICARB -> id << ID_SHIFT;
            default -> {
                badAccess("read of indirect register", ioregsel);
                yield -1;
            }
        };
    }

    private void writeIndirect(int value) {
        if (ioregsel >= IOREDTBL_FIRST && ioregsel <= IOREDTBL_LAST) {
            int n = (ioregsel - IOREDTBL_FIRST) / 2;
            long old = redirection[n];
            long rte;
            if ((ioregsel & 1) == 0) {
                long readOnly = old & (RTE_REMOTE_IRR | RTE_DEST_MASK);
                rte = readOnly | (Integer.toUnsignedLong(value) & RTE_LOW_WRITABLE);
                if ((rte & RTE_TRIGGER_LEVEL) == 0) rte &= ~RTE_REMOTE_IRR;   // choice 3
            } else {
                rte = (old & ~RTE_DEST_MASK) | ((long) value << 32 & RTE_DEST_MASK);
            }
            redirection[n] = rte;
            updateOutputs();
            return;
        }
        switch (ioregsel) {
            case IOAPICID -> id = (value & ID_MASK) >>> ID_SHIFT;
            case IOAPICVER, IOAPICARB -> { }
            default -> badAccess("write of indirect register", ioregsel);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Delivery

    /** Sends entry {@code n}'s message; a level-triggered one sets remote IRR when accepted. */
    private void send(int n) {
        long rte = redirection[n];
        int mode = (int) ((rte & RTE_DELIVERY_MODE_MASK) >>> RTE_DELIVERY_MODE_SHIFT);
        boolean level = (rte & RTE_TRIGGER_LEVEL) != 0;
        switch (mode) {
            case LocalApic.DM_FIXED, LocalApic.DM_LOWEST_PRIORITY, LocalApic.DM_NMI, LocalApic.DM_INIT -> { }
            default -> {
                unsupported(n, mode);
                return;
            }
        }
        // NMI and INIT are edge messages whatever the trigger bit says (datasheet, delivery mode).
        boolean levelMessage = level && (mode == LocalApic.DM_FIXED || mode == LocalApic.DM_LOWEST_PRIORITY);
        boolean accepted = bus.deliver((int) (rte >>> RTE_DEST_SHIFT), (rte & RTE_DEST_LOGICAL) != 0, mode,
                (int) (rte & RTE_VECTOR_MASK), levelMessage);
        if (accepted && levelMessage) redirection[n] |= RTE_REMOTE_IRR;
    }

    /**
     * A local APIC retired level-triggered {@code vector}: every level entry with that vector
     * drops its remote IRR and, if its input is still asserted, delivers again.
     */
    void endOfInterrupt(int vector) {
        bus.assertLocked();
        for (int n = 0; n < PINS; n++) {
            long rte = redirection[n];
            if ((rte & RTE_TRIGGER_LEVEL) != 0 && (rte & RTE_VECTOR_MASK) == vector) {
                redirection[n] = rte & ~RTE_REMOTE_IRR;
            }
        }
        updateOutputs();
    }

    /** Delivers every level entry that is asserted, unmasked and not awaiting an EOI. */
    void updateOutputs() {
        for (int n = 0; n < PINS; n++) {
            long rte = redirection[n];
            if ((pinLevels & (1 << n)) != 0 && (rte & RTE_TRIGGER_LEVEL) != 0
                    && (rte & (RTE_MASKED | RTE_REMOTE_IRR)) == 0) {
                send(n);
            }
        }
    }

    private void badAccess(String what, long offset) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "ioapic: guest {0} at {1} (logged once)", what,
                    String.format("%#x", offset));
        }
    }

    private void unsupported(int pin, int mode) {
        if (!loggedUnsupported) {
            loggedUnsupported = true;
            LOG.log(System.Logger.Level.WARNING,
                    "ioapic: INTIN{0} uses delivery mode {1}, not modelled (logged once)", pin, mode);
        }
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * Snapshot of the I/O APIC: {@code id} 0..15, {@code ioregsel} 0..255, {@code redirection}
     * the 24 64-bit entries as read through IOWIN (remote IRR included), {@code pinLevels} bit n
     * = INTIN n asserted.
     */
    public record State(int version, int id, int ioregsel, List<Long> redirection, int pinLevels) {
        public static final int VERSION = 1;

        public State {
            String c = "ioapic";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            if ((id & ~(ID_MASK >>> ID_SHIFT)) != 0) throw new SnapshotFormatException(c, "id", "not 4 bits: " + id);
            if ((ioregsel & ~IOREGSEL_MASK) != 0) throw new SnapshotFormatException(c, "ioregsel");
            if ((pinLevels >>> PINS) != 0) throw new SnapshotFormatException(c, "pinLevels");
            if (redirection == null || redirection.size() != PINS || redirection.stream().anyMatch(Objects::isNull)) {
                throw new SnapshotFormatException(c, "redirection", "needs " + PINS + " entries");
            }
            redirection = List.copyOf(redirection);
            long allowed = RTE_LOW_WRITABLE | RTE_REMOTE_IRR | RTE_DEST_MASK;
            for (long rte : redirection) {
                if ((rte & ~allowed) != 0) throw new SnapshotFormatException(c, "redirection", "reserved bits set");
            }
        }
    }

    @Override public State saveState() {
        List<Long> l = new ArrayList<>(PINS);
        for (long rte : redirection) l.add(rte);
        return new State(State.VERSION, id, ioregsel, l, pinLevels);
    }

    @Override public void restoreState(State s) {
        bus.assertLocked();
        id = s.id();
        ioregsel = s.ioregsel();
        for (int n = 0; n < PINS; n++) redirection[n] = s.redirection().get(n);
        pinLevels = s.pinLevels();
        // No re-delivery here: an asserted level input with remote IRR clear would have been
        // delivered before the save, so its vector is in some local APIC's restored IRR.
    }
}
