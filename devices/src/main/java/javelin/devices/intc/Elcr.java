package javelin.devices.intc;

import javelin.softmmu.PortDevice;

/**
 * The PIIX3 edge/level control registers ELCR1 and ELCR2 (ports base+0 and base+1, PC 0x4D0 and
 * 0x4D1): one bit per IRQ, set = level triggered. Intel 82371SB (PIIX3) datasheet, ELCR register description:
 * IRQ0, 1, 2, 8 and 13 must stay edge triggered, so those bits are read-only zero.
 *
 * <p>The bits live in each {@link Pic8259} (they change how its IRR latches requests), so this
 * class holds no state of its own. Threading: called with the machine lock held.
 */
public final class Elcr implements PortDevice {
    private static final System.Logger LOG = System.getLogger(Elcr.class.getName());

    static final int REG_ELCR1 = 0;     // IRQ0–7 (master)
    static final int REG_ELCR2 = 1;     // IRQ8–15 (slave)

    /** Writable bits: IRQ0, 1 and 2 are always edge triggered. */
    public static final int ELCR1_WRITABLE = 0xF8;
    /** Writable bits: IRQ8 (RTC) and IRQ13 (FPU error) are always edge triggered. */
    public static final int ELCR2_WRITABLE = 0xDE;

    private final int base;
    private final Pic8259 master;
    private final Pic8259 slave;
    private boolean loggedBadAccess;

    public Elcr(int base, Pic8259 master, Pic8259 slave) {
        this.base = base;
        this.master = master;
        this.slave = slave;
    }

    @Override public int ioRead(int port, int size) {
        return switch (port - base) {
            case REG_ELCR1 -> master.readElcr();
            case REG_ELCR2 -> slave.readElcr();
            default -> badAccess(port);
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        switch (port - base) {
            case REG_ELCR1 -> master.writeElcr(value);
            case REG_ELCR2 -> slave.writeElcr(value);
            default -> badAccess(port);
        }
    }

    private int badAccess(int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "ELCR access to port {0} outside the registers (logged once)",
                    String.format("%#x", port));
        }
        return 0xFF;
    }
}
