package javelin.devices.pci;

import javelin.softmmu.IoPortBus;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * PCI configuration mechanism #1 (PCI Local Bus Specification 2.1, section 3.7.4.1; in the
 * i440FX it is part of the 82441FX PMC, datasheet 290549): CONFIG_ADDRESS at
 * base+0 (0xCF8) and CONFIG_DATA at base+4..7 (0xCFC–0xCFF).
 *
 * <p>CONFIG_ADDRESS is a 32-bit register reached only by dword accesses: bit 31 enables the
 * translation, bits 23:16 bus, 15:11 device, 10:8 function, 7:2 register. A data access of
 * 1, 2 or 4 bytes at 0xCFC + n reaches configuration offset register + n, so a byte read at
 * 0xCFE returns byte 2 of the dword.
 *
 * <p>Modelled: bus 0 only (the i440FX board has no PCI-to-PCI bridge); absent functions and
 * other buses read all ones and ignore writes, which is how firmware and Linux discover an
 * empty slot (vendor ID 0xFFFF). Not modelled: configuration mechanism #2, special cycles
 * (bus 0 device 31 function 7 register 0 with bus 0xFF). Only base+0 and base+4..7 are
 * claimed: 0xCF9 is the PIIX3's reset control register ({@link Piix3IsaBridge}), and a dword
 * access at 0xCF8 reaches this device whole, as the port bus delivers wide accesses to the
 * device at their first port.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class PciHostBus implements PortDevice, Stateful<PciHostBus.State> {
    private static final System.Logger LOG = System.getLogger(PciHostBus.class.getName());

    static final int REG_CONFIG_ADDRESS = 0;
    static final int REG_CONFIG_DATA = 4;

    static final int CONFIG_ADDRESS_ENABLE = 1 << 31;
    static final int CONFIG_ADDRESS_BUS_SHIFT = 16;
    static final int CONFIG_ADDRESS_DEVICE_SHIFT = 11;
    static final int CONFIG_ADDRESS_FUNCTION_SHIFT = 8;
    static final int CONFIG_ADDRESS_REGISTER_MASK = 0xFC;
    /** Bits 30:24 and 1:0 are reserved and read back as zero. */
    static final int CONFIG_ADDRESS_WRITABLE = 0x80FF_FFFC;

    static final int DEVICES = 32;
    static final int FUNCTIONS = 8;

    private final int base;
    private final PciFunction[] functions = new PciFunction[DEVICES * FUNCTIONS];

    // Architected register.
    private int configAddress;

    private boolean loggedOddAccess;

    /** Claims CONFIG_ADDRESS at {@code base} (0xCF8 on a PC) and CONFIG_DATA at base+4..7. */
    public PciHostBus(IoPortBus ports, int base) {
        this.base = base;
        ports.register(base + REG_CONFIG_ADDRESS, 1, this);
        ports.register(base + REG_CONFIG_DATA, 4, this);
    }

    /** Places {@code function} at bus 0, {@code device} (0..31), {@code fn} (0..7). Board wiring. */
    public void attach(int device, int fn, PciFunction function) {
        if (device < 0 || device >= DEVICES || fn < 0 || fn >= FUNCTIONS) {
            throw new IllegalArgumentException("no PCI slot " + device + "." + fn);
        }
        if (functions[device * FUNCTIONS + fn] != null) throw new IllegalStateException("PCI " + device + "." + fn + " taken");
        functions[device * FUNCTIONS + fn] = function;
    }

    /** System reset: CONFIG_ADDRESS returns to 0 (translation disabled). */
    public void reset() {
        configAddress = 0;
    }

    @Override
    public int ioRead(int port, int size) {
        int offset = port - base;
        if (offset == REG_CONFIG_ADDRESS && size == 4) return configAddress;
        if (offset >= REG_CONFIG_DATA) {
            PciFunction f = selected();
            if (f == null) return all(size);
            return f.configRead(registerOffset(offset), size);
        }
        logOddAccess(offset, size);
        return all(size);
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        int offset = port - base;
        if (offset == REG_CONFIG_ADDRESS && size == 4) {
            configAddress = value & CONFIG_ADDRESS_WRITABLE;
        } else if (offset >= REG_CONFIG_DATA) {
            PciFunction f = selected();
            if (f != null) f.configWrite(registerOffset(offset), size, value);
        } else {
            logOddAccess(offset, size);
        }
    }

    private PciFunction selected() {
        if ((configAddress & CONFIG_ADDRESS_ENABLE) == 0) return null;
        if (((configAddress >>> CONFIG_ADDRESS_BUS_SHIFT) & 0xFF) != 0) return null;
        int device = (configAddress >>> CONFIG_ADDRESS_DEVICE_SHIFT) & (DEVICES - 1);
        int fn = (configAddress >>> CONFIG_ADDRESS_FUNCTION_SHIFT) & (FUNCTIONS - 1);
        return functions[device * FUNCTIONS + fn];
    }

    private int registerOffset(int dataOffset) {
        return (configAddress & CONFIG_ADDRESS_REGISTER_MASK) + (dataOffset - REG_CONFIG_DATA);
    }

    private static int all(int size) {
        return size >= 4 ? -1 : (1 << (size * 8)) - 1;
    }

    private void logOddAccess(int offset, int size) {
        if (!loggedOddAccess) {
            loggedOddAccess = true;
            LOG.log(System.Logger.Level.DEBUG, "non-dword access to CONFIG_ADDRESS+{0} (size {1}) ignored; logged once",
                    offset, size);
        }
    }

    /** CONFIG_ADDRESS; the attached functions save their own state. */
    public record State(int version, int configAddress) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("pci.host", "version", "unsupported " + version);
            if ((configAddress & ~CONFIG_ADDRESS_WRITABLE) != 0) {
                throw new SnapshotFormatException("pci.host", "configAddress", "reserved bits set");
            }
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, configAddress);
    }

    @Override
    public void restoreState(State s) {
        configAddress = s.configAddress();
    }
}
