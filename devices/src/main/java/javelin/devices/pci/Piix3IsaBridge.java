package javelin.devices.pci;

import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Intel 82371SB PIIX3 function 0, the PCI-to-ISA bridge: PCI 8086:7000 at bus 0 device 1
 * function 0 (datasheet 290550, "82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator",
 * the PCI-to-ISA bridge configuration registers).
 *
 * <p>Modelled: the header (class 06/01/00, multi-function) and PIRQRC[A:D] (0x60–0x63), which
 * steer the four PCI interrupt lines PIRQA#–PIRQD# to ISA IRQs: bit 7 IRQROUTEN (1 = not
 * routed), bits 3:0 the IRQ, where 0–2, 8 and 13 are reserved and route nowhere. PCI INTx
 * lines are level-triggered, active while any device drives them, and several PIRQs may land
 * on one IRQ, so each ISA output is the OR of every routed PIRQ, which is the OR of its
 * devices' lines. Devices get their wire from {@link #pirqLine(int)}; the board applies the
 * slot swizzle ({@link #swizzle}). The other registers (IORT, XBCS, TOM, MSTAT, MBIRQ,
 * MBDMA, PCSC, APICBASE, DLC, SMI) are stored so firmware reads back what it wrote, without
 * effect.
 *
 * <p>Also modelled: the reset control register (RC, I/O port 0xCF9): a 0-to-1 transition of
 * RCPU (bit 2) asks the board for a reset, hard if SRST (bit 1) is set, else soft (INIT);
 * SRST reads back, RCPU reads back as written until the reset happens.
 *
 * <p>Not here: the ELCR (edge/level control, ports 0x4D0/0x4D1) belongs to the interrupt
 * controller's owner; the PIIX3's DMA
 * controller, timer and RTC are separate chips in this emulator. Open question: when a PIRQ
 * shares an ISA IRQ with an ISA device, the board must combine the two drivers; this class
 * only drives its own outputs (raises on 0 to 1 of the OR, lowers on 1 to 0).
 *
 * <p>Threading: called with the machine lock held.
 */
public final class Piix3IsaBridge implements PciFunction, PortDevice, Stateful<Piix3IsaBridge.State> {
    static final int VENDOR_INTEL = 0x8086;
    static final int DEVICE_PIIX3_ISA = 0x7000;
    static final int CLASS_ISA_BRIDGE = 0x060100;

    // Configuration registers, datasheet order.
    static final int REG_IORT = 0x4C;
    static final int REG_XBCS = 0x4E;
    static final int REG_PIRQRC_A = 0x60;
    static final int REG_PIRQRC_D = 0x63;
    static final int REG_TOM = 0x69;
    static final int REG_MSTAT = 0x6A;
    static final int REG_MBIRQ0 = 0x70;
    static final int REG_MBDMA0 = 0x76;
    static final int REG_MBDMA1 = 0x77;
    static final int REG_PCSC = 0x78;
    static final int REG_APICBASE = 0x80;
    static final int REG_DLC = 0x82;
    static final int REG_SMICNTL = 0xA0;
    static final int REG_SMIEN = 0xA2;
    static final int REG_SEE = 0xA4;
    static final int REG_FTMR = 0xA8;
    static final int REG_SMIREQ = 0xAA;
    static final int REG_CTLTMR = 0xAC;
    static final int REG_CTHTMR = 0xAE;

    /** The reset control register's fixed I/O address. */
    public static final int RESET_CONTROL_PORT = 0xCF9;
    static final int RC_SRST = 1 << 1;          // 1 = hard reset, 0 = soft reset
    static final int RC_RCPU = 1 << 2;          // 0 to 1 starts the reset
    static final int RC_WRITABLE = RC_SRST | RC_RCPU;

    static final int PIRQRC_IRQROUTEN = 1 << 7;   // 1 = routing disabled
    static final int PIRQRC_IRQ_MASK = 0x0F;
    /** ISA IRQs a PIRQ may be routed to (bit n = IRQn): 3–7, 9–12, 14, 15. */
    static final int PIRQRC_VALID_IRQS = 0b1101_1110_1111_1000;

    static final int PIRQ_COUNT = 4;
    static final int ISA_IRQS = 16;

    /** Asked for a reset through the reset control register. */
    @FunctionalInterface
    public interface ResetListener {
        void resetRequested(boolean hard);
    }

    private final PciConfigSpace config;
    private final List<IrqLine> isaIrqs;
    private final ResetListener resetListener;
    private int resetControl;

    // Pins: the level each PCI device drives onto its PIRQ; index = source id.
    private final List<Boolean> sourceLevels = new ArrayList<>();
    private final List<Integer> sourcePirq = new ArrayList<>();     // wiring: PIRQ of each source
    // Bookkeeping: the level this bridge currently drives on each ISA IRQ.
    private final boolean[] driven = new boolean[ISA_IRQS];
    private final PciConfigSpace.State powerOn;

    /**
     * Claims the reset control register on {@code ports}.
     *
     * @param isaIrqs the 16 PIC inputs, IRQ0..IRQ15
     */
    public Piix3IsaBridge(IoPortBus ports, List<IrqLine> isaIrqs, ResetListener resetListener) {
        if (isaIrqs.size() != ISA_IRQS) throw new IllegalArgumentException("need 16 ISA IRQ lines");
        this.isaIrqs = List.copyOf(isaIrqs);
        this.resetListener = resetListener;
        ports.register(RESET_CONTROL_PORT, 1, this);
        this.config = new PciConfigSpace(VENDOR_INTEL, DEVICE_PIIX3_ISA, 0, CLASS_ISA_BRIDGE,
                PciConfigSpace.HEADER_TYPE_MULTI_FUNCTION, null);
        declareRegisters();
        this.powerOn = config.saveState();
    }

    /** System reset: registers to defaults (PIRQ routing off); the devices' wires keep their levels. */
    public void reset() {
        config.restoreState(powerOn);
        resetControl = 0;
        updateOutputs();
    }

    /** The reset control register; other sizes than a byte read all ones. */
    @Override
    public int ioRead(int port, int size) {
        return size == 1 ? resetControl : (size == 2 ? 0xFFFF : -1);
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        if (size != 1) return;
        int old = resetControl;
        resetControl = value & RC_WRITABLE;
        if ((resetControl & RC_RCPU) != 0 && (old & RC_RCPU) == 0) {
            resetListener.resetRequested((resetControl & RC_SRST) != 0);
        }
    }

    private void declareRegisters() {
        // Reset values: the datasheet's register descriptions.
        config.initWord(PciConfigSpace.REG_COMMAND, 0x0007);
        config.writable(PciConfigSpace.REG_COMMAND, 0x08);          // only special-cycle enable
        config.initWord(PciConfigSpace.REG_STATUS, 0x0200);         // DEVSEL medium
        config.clearedByOne(PciConfigSpace.REG_STATUS + 1, 0x78);
        config.writable(PciConfigSpace.REG_INTERRUPT_LINE, 0);
        config.initByte(REG_IORT, 0x4D);
        config.writable(REG_IORT, 0xFF);
        config.initWord(REG_XBCS, 0x0003);
        config.writable(REG_XBCS, 0xFF);
        config.writable(REG_XBCS + 1, 0x03);
        for (int r = REG_PIRQRC_A; r <= REG_PIRQRC_D; r++) {
            config.initByte(r, PIRQRC_IRQROUTEN);
            config.writable(r, PIRQRC_IRQROUTEN | PIRQRC_IRQ_MASK);
        }
        config.initByte(REG_TOM, 0x02);
        config.writable(REG_TOM, 0xFF);
        config.writable(REG_MSTAT, 0xFF);
        config.writable(REG_MSTAT + 1, 0xFF);
        config.initByte(REG_MBIRQ0, 0x80);
        config.writable(REG_MBIRQ0, 0xCF);
        config.initByte(REG_MBDMA0, 0x04);
        config.initByte(REG_MBDMA1, 0x04);
        config.writable(REG_MBDMA0, 0x87);
        config.writable(REG_MBDMA1, 0x87);
        config.initWord(REG_PCSC, 0x0002);
        config.writable(REG_PCSC, 0xFF);
        config.writable(REG_PCSC + 1, 0xFF);
        config.writable(REG_APICBASE, 0x7F);
        config.writable(REG_DLC, 0x0F);
        config.initByte(REG_SMICNTL, 0x08);
        config.writable(REG_SMICNTL, 0x1F);
        for (int r = REG_SMIEN; r <= REG_CTHTMR; r++) config.writable(r, 0xFF);
        config.initByte(REG_FTMR, 0x0F);
    }

    /** The slot swizzle of a PCI board without bridges: INTA#..INTD# (pin 1..4) to PIRQ 0..3. */
    public static int swizzle(int device, int intPin) {
        return (device + intPin - 1) & (PIRQ_COUNT - 1);
    }

    /**
     * A new wire from one PCI function's INTx output to PIRQ {@code pirq} (0 = PIRQA#). Each
     * caller gets its own wire; the PIRQ is active while any of its wires is high.
     */
    public IrqLine pirqLine(int pirq) {
        if (pirq < 0 || pirq >= PIRQ_COUNT) throw new IllegalArgumentException("PIRQ " + pirq);
        int id = sourceLevels.size();
        sourceLevels.add(false);
        sourcePirq.add(pirq);
        return high -> {
            if (sourceLevels.get(id) != high) {
                sourceLevels.set(id, high);
                updateOutputs();
            }
        };
    }

    @Override
    public int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        config.write(offset, size, value);
        updateOutputs();
    }

    /** The ISA IRQ PIRQ {@code pirq} is routed to, or -1 if routing is off or reserved. */
    int routedIrq(int pirq) {
        int rc = config.byteAt(REG_PIRQRC_A + pirq);
        int irq = rc & PIRQRC_IRQ_MASK;
        if ((rc & PIRQRC_IRQROUTEN) != 0 || (PIRQRC_VALID_IRQS & (1 << irq)) == 0) return -1;
        return irq;
    }

    private void updateOutputs() {
        boolean[] pirqActive = new boolean[PIRQ_COUNT];
        for (int i = 0; i < sourceLevels.size(); i++) {
            if (sourceLevels.get(i)) pirqActive[sourcePirq.get(i)] = true;
        }
        boolean[] want = new boolean[ISA_IRQS];
        for (int p = 0; p < PIRQ_COUNT; p++) {
            int irq = routedIrq(p);
            if (irq >= 0 && pirqActive[p]) want[irq] = true;
        }
        for (int irq = 0; irq < ISA_IRQS; irq++) {
            if (want[irq] != driven[irq]) {
                driven[irq] = want[irq];
                isaIrqs.get(irq).setLevel(want[irq]);
            }
        }
    }

    /**
     * Configuration space, the reset control register, and the level of each PCI interrupt wire
     * (in the order the board created them), so the outputs are right whatever order devices
     * are restored in.
     */
    public record State(int version, PciConfigSpace.State config, List<Boolean> pirqWireLevels, int resetControl) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("piix3", "version", "unsupported " + version);
            if (config == null) throw new SnapshotFormatException("piix3", "config", "missing");
            if (pirqWireLevels == null) throw new SnapshotFormatException("piix3", "pirqWireLevels", "missing");
            pirqWireLevels = List.copyOf(pirqWireLevels);
            if ((resetControl & ~RC_WRITABLE) != 0) throw new SnapshotFormatException("piix3", "resetControl");
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, config.saveState(), List.copyOf(sourceLevels), resetControl);
    }

    @Override
    public void restoreState(State s) {
        if (s.pirqWireLevels().size() != sourceLevels.size()) {
            throw new SnapshotFormatException("piix3", "pirqWireLevels",
                    "snapshot has " + s.pirqWireLevels().size() + " wires, board has " + sourceLevels.size());
        }
        config.restoreState(s.config());
        for (int i = 0; i < sourceLevels.size(); i++) sourceLevels.set(i, s.pirqWireLevels().get(i));
        resetControl = s.resetControl();
        updateOutputs();
    }
}
