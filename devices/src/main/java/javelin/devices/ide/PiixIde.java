package javelin.devices.ide;

import javelin.devices.pci.PciConfigSpace;
import javelin.devices.pci.PciFunction;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Intel 82371SB PIIX3 function 1, the IDE controller: PCI 8086:7010 at bus 0 device 1
 * function 1 (datasheet 290550, the IDE interface PCI configuration registers and the bus
 * master IDE I/O registers).
 *
 * <p>Both channels work in compatibility mode, as the PIIX3 fixes them (programming interface
 * 80h: bus-master capable, legacy ports only): primary command block at 0x1F0–0x1F7, control
 * at 0x3F6 (IRQ 14); secondary at 0x170–0x177 and 0x376 (IRQ 15). The bus-master registers
 * live in BAR4 (BMIBA, 16 bytes of I/O, primary at +0, secondary at +8) and are mapped on the
 * port bus whenever BAR4 is programmed and I/O space is enabled.
 *
 * <p>Modelled configuration registers: the header, BMIBA, IDETIM (0x40–0x43) and SIDETIM
 * (0x44) as storage (no timings to apply). Choice: the legacy ports decode whatever the IDE
 * decode enable bits of IDETIM say, as in QEMU: firmware sets them, and a guest that clears
 * them does not expect its disks to vanish. Not modelled: 0x3F7 (the floppy controller's
 * digital input register shares that address), native-PCI mode, the UDMA registers of later
 * PIIX4 parts.
 *
 * <p>The devices (an {@link AtaDrive} or {@link AtapiCdrom} per position) are attached by the
 * board before the machine starts and save their own state under their own keys.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class PiixIde implements PciFunction, PortDevice, Stateful<PiixIde.State> {
    private static final System.Logger LOG = System.getLogger(PiixIde.class.getName());

    static final int VENDOR_INTEL = 0x8086;
    static final int DEVICE_PIIX3_IDE = 0x7010;
    /** Mass storage, IDE, programming interface 80h: bus master, both channels in compatibility mode. */
    static final int CLASS_IDE = 0x010180;

    // Configuration registers, datasheet order.
    static final int REG_BMIBA = 0x20;
    static final int REG_IDETIM_PRIMARY = 0x40;
    static final int REG_IDETIM_SECONDARY = 0x42;
    static final int REG_SIDETIM = 0x44;
    static final int BMIBA_BAR = 4;
    static final int BMIBA_SIZE = 16;

    // Fixed compatibility-mode addresses (PCI IDE Controller Specification 1.0, compatibility mode).
    public static final int PRIMARY_COMMAND_BASE = 0x1F0;
    public static final int PRIMARY_CONTROL_PORT = 0x3F6;
    public static final int SECONDARY_COMMAND_BASE = 0x170;
    public static final int SECONDARY_CONTROL_PORT = 0x376;
    static final int COMMAND_BLOCK_PORTS = 8;
    static final int BM_CHANNEL_STRIDE = 8;

    private final IoPortBus ports;
    private final PciConfigSpace config;
    private final IdeChannel[] channels = new IdeChannel[2];
    private final PciConfigSpace.State powerOn;

    // Bookkeeping: where the bus-master block is registered on the port bus (UNMAPPED if not).
    private long busMasterBase = PciConfigSpace.UNMAPPED;
    private boolean loggedBarConflict;

    /**
     * Claims the legacy ports on {@code ports}; the bus-master block follows BAR4.
     *
     * @param primaryIrq   ISA IRQ 14 of the PIC
     * @param secondaryIrq ISA IRQ 15 of the PIC
     * @param memory       the address space DMA reads and writes
     */
    public PiixIde(IoPortBus ports, PhysicalMemory memory, IrqLine primaryIrq, IrqLine secondaryIrq) {
        this.ports = ports;
        this.channels[0] = new IdeChannel(primaryIrq, memory);
        this.channels[1] = new IdeChannel(secondaryIrq, memory);
        this.config = new PciConfigSpace(VENDOR_INTEL, DEVICE_PIIX3_IDE, 0, CLASS_IDE, 0, this::barMoved);
        config.writable(PciConfigSpace.REG_COMMAND, PciConfigSpace.COMMAND_IO_SPACE | PciConfigSpace.COMMAND_BUS_MASTER);
        config.initWord(PciConfigSpace.REG_STATUS, 0x0280);     // fast back-to-back, DEVSEL medium
        config.clearedByOne(PciConfigSpace.REG_STATUS + 1, 0x38); // target/master abort received, signalled
        config.writable(PciConfigSpace.REG_INTERRUPT_LINE, 0);   // compatibility mode: IRQ 14/15, no INTx
        config.ioBar(BMIBA_BAR, BMIBA_SIZE);
        for (int r = REG_IDETIM_PRIMARY; r < REG_IDETIM_PRIMARY + 4; r++) config.writable(r, 0xFF);
        config.writable(REG_SIDETIM, 0xFF);
        this.powerOn = config.saveState();
        ports.register(PRIMARY_COMMAND_BASE, COMMAND_BLOCK_PORTS, this);
        ports.register(PRIMARY_CONTROL_PORT, 1, this);
        ports.register(SECONDARY_COMMAND_BASE, COMMAND_BLOCK_PORTS, this);
        ports.register(SECONDARY_CONTROL_PORT, 1, this);
    }

    /** Puts a hard disk at {@code channel} (0 primary, 1 secondary), {@code position} (0 or 1). */
    public void attach(int channel, int position, AtaDrive drive) {
        channels[channel].attach(position, drive);
    }

    /** Puts a CD-ROM drive at {@code channel}, {@code position}. */
    public void attach(int channel, int position, AtapiCdrom cdrom) {
        channels[channel].attach(position, cdrom);
    }

    /**
     * System reset (PCI RST#): configuration to defaults, which unmaps BAR4, bus-master and
     * device control registers cleared, and the PIIX drives the IDE RESET- signal, so every
     * attached device performs its hardware reset.
     */
    public void reset() {
        config.restoreState(powerOn);
        channels[0].reset();
        channels[1].reset();
    }

    /**
     * Moves the bus-master block. A guest may program BAR4 over ports another device (or the
     * legacy IDE ports) already claims; the block then stays unmapped, logged once, instead of
     * stealing those ports or failing the configuration write.
     */
    private void barMoved(int bar, long oldBase, long newBase) {
        if (bar != BMIBA_BAR) return;
        if (busMasterBase != PciConfigSpace.UNMAPPED) {
            ports.unregister((int) busMasterBase, BMIBA_SIZE);
            busMasterBase = PciConfigSpace.UNMAPPED;
        }
        if (newBase == PciConfigSpace.UNMAPPED) return;
        for (int p = (int) newBase; p < newBase + BMIBA_SIZE; p++) {
            if (ports.deviceAt(p) != null) {
                if (!loggedBarConflict) {
                    loggedBarConflict = true;
                    LOG.log(System.Logger.Level.WARNING, "BAR4 at {0} overlaps port {1} of another device; "
                            + "bus-master registers left unmapped (logged once)",
                            String.format("%#06x", newBase), String.format("%#06x", p));
                }
                return;
            }
        }
        ports.register((int) newBase, BMIBA_SIZE, this);
        busMasterBase = newBase;
    }

    // ---- PCI configuration --------------------------------------------------------------

    @Override
    public int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        config.write(offset, size, value);
    }

    // ---- ports --------------------------------------------------------------------------

    @Override
    public int ioRead(int port, int size) {
        if (port >= PRIMARY_COMMAND_BASE && port < PRIMARY_COMMAND_BASE + COMMAND_BLOCK_PORTS) {
            return channels[0].readCommandBlock(port - PRIMARY_COMMAND_BASE, size);
        }
        if (port >= SECONDARY_COMMAND_BASE && port < SECONDARY_COMMAND_BASE + COMMAND_BLOCK_PORTS) {
            return channels[1].readCommandBlock(port - SECONDARY_COMMAND_BASE, size);
        }
        if (port == PRIMARY_CONTROL_PORT) return channels[0].readAltStatus();
        if (port == SECONDARY_CONTROL_PORT) return channels[1].readAltStatus();
        int bm = busMasterOffset(port);
        if (bm >= 0) return channels[bm / BM_CHANNEL_STRIDE].readBusMaster(bm % BM_CHANNEL_STRIDE, size);
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        if (port >= PRIMARY_COMMAND_BASE && port < PRIMARY_COMMAND_BASE + COMMAND_BLOCK_PORTS) {
            channels[0].writeCommandBlock(port - PRIMARY_COMMAND_BASE, size, value);
        } else if (port >= SECONDARY_COMMAND_BASE && port < SECONDARY_COMMAND_BASE + COMMAND_BLOCK_PORTS) {
            channels[1].writeCommandBlock(port - SECONDARY_COMMAND_BASE, size, value);
        } else if (port == PRIMARY_CONTROL_PORT) {
            channels[0].writeDeviceControl(value);
        } else if (port == SECONDARY_CONTROL_PORT) {
            channels[1].writeDeviceControl(value);
        } else {
            int bm = busMasterOffset(port);
            if (bm >= 0) channels[bm / BM_CHANNEL_STRIDE].writeBusMaster(bm % BM_CHANNEL_STRIDE, size, value);
        }
    }

    /** Offset of {@code port} within the bus-master block, or -1. */
    private int busMasterOffset(int port) {
        long base = busMasterBase;
        if (base == PciConfigSpace.UNMAPPED || port < base || port >= base + BMIBA_SIZE) return -1;
        return (int) (port - base);
    }

    // ---- state --------------------------------------------------------------------------

    /** Configuration space and both channels' control and bus-master registers. */
    public record State(int version, PciConfigSpace.State config, IdeChannel.State primary, IdeChannel.State secondary) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("ide", "version", "unsupported " + version);
            if (config == null || primary == null || secondary == null) {
                throw new SnapshotFormatException("ide", "channels", "missing");
            }
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, config.saveState(), channels[0].save(), channels[1].save());
    }

    /**
     * Restores the function; restore the attached devices first, so that the interrupt lines
     * recomputed here see their pending requests.
     */
    @Override
    public void restoreState(State s) {
        config.restoreState(s.config());
        channels[0].restore(s.primary());
        channels[1].restore(s.secondary());
        channels[0].restoreOutputs();
        channels[1].restoreOutputs();
    }
}
